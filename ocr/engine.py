"""The OCR engine interface (plugin-like, as in OCRmyPDF) and its Tesseract implementation.

An engine turns an image (numpy array, black text on white) into words with confidences (0..1) and boxes
in that image's pixel coordinates. Other engines can be plugged in by implementing ``OcrEngine``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
import unicodedata
from dataclasses import dataclass
from enum import IntEnum
from functools import cached_property
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
from PIL import Image

from ocr import programs
from ocr.errors import ExternalProgramError, MissingDependencyError

BBox = tuple[int, int, int, int]  # x, y, width, height in pixels


class Mode(IntEnum):
    """What the reader asks an engine to read, by name: a second engine maps these to its own modes. The values
    are Tesseract's page-segmentation modes, so a caller still passing psm numbers (6, 11) means the same;
    "digits only" is the ``digits`` flag of ``recognize_many``."""

    SPARSE_TEXT = 11  # words scattered over a page or region, in no reading order
    BLOCK = 6  # one block of text: a cell or a box, one or more lines
    SINGLE_LINE = 7
    SINGLE_WORD = 8


@dataclass(frozen=True)
class Word:
    """One recognized word: NFC text, confidence 0..1, box (x, y, w, h), and the engine's line it belongs to."""

    text: str
    conf: float
    bbox: BBox
    line: tuple[int, int, int] = (0, 0, 0)  # block, paragraph, line numbers as the engine reported them
    #: Per character of ``text``, the other characters the engine found likely there ("l" under the t of a
    #: hand's "tụa" for Lụa), or () where the engine reports none (the subprocess engine never does).
    choices: tuple[str, ...] = ()

    @property
    def center(self) -> tuple[float, float]:
        x, y, w, h = self.bbox
        return x + w / 2, y + h / 2


@runtime_checkable
class OcrEngine(Protocol):
    name: str

    def version(self) -> str:
        """Identifies the engine and its model: part of every OCR cache key."""
        ...

    def recognize_words(self, image: np.ndarray, dpi: int, psm: Mode | int | None = None) -> list[Word]:
        """Words of one image (uint8, black text on white), read in mode ``psm`` (a ``Mode``)."""
        ...

    def orientation(self, image: np.ndarray, dpi: int) -> int:
        """Degrees to rotate the page (black text on white) clockwise to make it upright (0, 90, 180, 270);
        0 when the engine is unsure."""
        ...

    def recognize_many(self, images: list[np.ndarray], dpi: int, psm: Mode | int | None = None,
                       digits: bool = False) -> list[list[Word]]:
        """Words of several small images (e.g. cell crops) in one engine run, one list per image.
        ``digits``: the images hold only digits and "/", ".", "-" (numbers, dates, ID numbers)."""
        ...


class TesseractEngine:
    """Tesseract 4.1+ (LSTM) through its command line, TSV output. One process per call, OMP_THREAD_LIMIT=1."""

    name = "tesseract"

    #: Model and characters for digit-only fields: Debian's "eng" reads lone italic digits far better than
    #: "vie" (measured: "10" read as "710", "8" as "ổ" by vie on clean synthetic cells).
    digits_lang = "eng"
    #: "." and "-" too: books write dates as dd.mm.yyyy and dd-mm-yyyy as well as dd/mm/yyyy.
    digits_whitelist = "0123456789/.-"

    def __init__(self, lang: str = "vie", tessdata_dir: Path | None = None, psm: int = 11, timeout: float = 300) -> None:
        self.lang = lang
        self.tessdata_dir = Path(tessdata_dir) if tessdata_dir else None
        self.psm = psm
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"TesseractEngine(lang={self.lang!r}, tessdata_dir={self.tessdata_dir!s}, psm={self.psm})"

    # --- identity -------------------------------------------------------------------------------------
    def version(self) -> str:
        # The digits mode's characters are part of it: a different whitelist reads differently.
        return (f"tesseract {programs.tesseract_version()} {self.lang}@{self._model_digest}+{self.digits_lang}"
                f"[{self.digits_whitelist}]")

    @cached_property
    def _model_digest(self) -> str:
        """First 12 hex digits of the language model's SHA-256: a different model is a different engine."""
        model = self._model_path()
        return hashlib.sha256(model.read_bytes()).hexdigest()[:12]

    def _model_path(self) -> Path:
        first = self.lang.split("+")[0]
        if self.tessdata_dir is not None:
            candidates = [self.tessdata_dir / f"{first}.traineddata"]
        else:
            candidates = sorted(Path("/usr/share/tesseract-ocr").glob(f"*/tessdata/{first}.traineddata"))
            candidates += [Path("/usr/share/tessdata") / f"{first}.traineddata"]
        for path in candidates:
            if path.is_file():
                return path
        raise MissingDependencyError(f"tesseract language model {first!r} not found (Debian: tesseract-ocr-{first})")

    # --- recognition ----------------------------------------------------------------------------------
    def _base_args(self, dpi: int, psm: int | None, digits: bool = False) -> list[str]:
        if digits:
            # Debian's own models, whatever tessdata_dir holds.
            return ["-l", self.digits_lang, "--psm", str(int(psm or self.psm)), "--dpi", str(int(dpi)),
                    "-c", f"tessedit_char_whitelist={self.digits_whitelist}"]
        args = ["-l", self.lang, "--psm", str(int(psm or self.psm)), "--dpi", str(int(dpi))]
        if self.tessdata_dir is not None:
            args = ["--tessdata-dir", str(self.tessdata_dir)] + args
        return args

    def recognize_words(self, image: np.ndarray, dpi: int, psm: int | None = None) -> list[Word]:
        return self.recognize_many([image], dpi, psm)[0]

    def recognize_many(self, images: list[np.ndarray], dpi: int, psm: int | None = None,
                       digits: bool = False) -> list[list[Word]]:
        if not images:
            return []
        self._model_path()
        with tempfile.TemporaryDirectory(prefix="sohoa-ocr-") as tmp:
            paths = []
            for index, image in enumerate(images):
                path = Path(tmp) / f"img-{index:05d}.png"
                Image.fromarray(np.ascontiguousarray(image)).save(path, dpi=(dpi, dpi), compress_level=1)
                paths.append(path)
            if len(paths) == 1:
                target = paths[0]
            else:
                target = Path(tmp) / "images.txt"
                target.write_text("".join(f"{p}\n" for p in paths), encoding="utf-8")
            done = programs.run(["tesseract", str(target), "stdout", *self._base_args(dpi, psm, digits),
                                 "-c", "tessedit_create_tsv=1", "-c", "tessedit_create_txt=0"],
                                timeout=self.timeout)
        if done.returncode != 0:
            tail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            raise ExternalProgramError(f"tesseract failed (exit {done.returncode}): {tail}")
        return _parse_tsv(done.stdout.decode("utf-8", "replace"), len(images))


    def orientation(self, image: np.ndarray, dpi: int) -> int:
        """Tesseract's orientation and script detection (``--psm 0``): its "Rotate:" answer."""
        with tempfile.TemporaryDirectory(prefix="sohoa-osd-") as tmp:
            path = Path(tmp) / "page.png"
            Image.fromarray(np.ascontiguousarray(image)).save(path, dpi=(dpi, dpi))
            done = programs.run(["tesseract", str(path), "stdout", "--psm", "0", "--dpi", str(int(dpi))], timeout=120)
        for line in done.stdout.decode("utf-8", "replace").splitlines():
            if line.startswith("Rotate:"):
                return int(line.split(":")[1])
        return 0


def _parse_tsv(tsv: str, image_count: int) -> list[list[Word]]:
    """Tesseract TSV (level 5 rows are words) → words per image (page_num is 1-based per input image)."""
    result: list[list[Word]] = [[] for _ in range(image_count)]
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    for row in reader:
        if row.get("level") != "5":
            continue
        text = unicodedata.normalize("NFC", (row.get("text") or "").strip())
        conf = float(row.get("conf") or -1)
        if not text or conf < 0:
            continue
        page = int(row["page_num"]) - 1
        if not 0 <= page < image_count:
            continue
        bbox = (int(row["left"]), int(row["top"]), int(row["width"]), int(row["height"]))
        line = (int(row["block_num"]), int(row["par_num"]), int(row["line_num"]))
        result[page].append(Word(text, max(0.0, min(1.0, conf / 100.0)), bbox, line))
    return result
