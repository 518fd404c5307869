"""Tesseract in process, through tesserocr: the same ``OcrEngine`` interface as the subprocess engine, without
a process start and a model load per call.

The subprocess engine (``ocr.engine.TesseractEngine``) starts tesseract for every batch and reloads the
language model each time; on a table page that is 4-7 model loads. Here a ``PyTessBaseAPI`` per model and
mode (text, digits, orientation) lives for the whole process, initialized on first use and reused; a call
holds it alone (it is not reentrant), and a second object is made only for a thread that finds it busy. The
PyPI wheel bundles its own libtesseract (5.5.4) and reads Debian's traineddata; ``make_engine`` picks this
engine or the subprocess one from a setting.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import unicodedata
from contextlib import contextmanager
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any, Callable, Iterator, Literal

import numpy as np

from ocr.engine import BBox, OcrEngine, TesseractEngine, Word
from ocr.errors import ExternalProgramError, MissingDependencyError

logger = logging.getLogger(__name__)

MIN_LIBTESSERACT = (4, 1)
#: Debian's models (tesseract-ocr-vie, -eng, -osd); the wheel's own default path is "./", so it is always given.
DEBIAN_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")
#: Tesseract's OSD reports the page's clockwise orientation; the CLI's "Rotate:" line (what
#: ``ocr.preprocess.osd_rotation`` parses) is the rotation that makes it upright.
_ROTATE_FOR_ORIENTATION = {0: 0, 90: 270, 180: 180, 270: 90}
#: Set on every recognition API object. libtesseract 5.5's noise-row filter drops whole rows that Debian's 5.3
#: reads: measured on a synthetic form page, "Kinh" on a dotted leader came back empty (3 of 64 cells) and a
#: date-in-words line lost its first words; with the filter off those read as the tesseract command reads them,
#: and a table page reads the same either way.
#: lstm_choice_mode 2 keeps, per character, the other characters the LSTM weighed (``Word.choices``); the
#: best path, and so the text read, is the same.
LIBRARY_VARIABLES = {"textord_noise_rejrows": "0", "lstm_choice_mode": "2"}
#: A character the LSTM gave this much (0-100) beside the one it chose is a choice worth keeping.
MIN_CHOICE_CONFIDENCE = 20.0


@lru_cache(maxsize=1)
def _tesserocr() -> Any:
    """Import tesserocr once. libtesseract runs OpenMP loops: one thread each, or parallel pages would
    oversubscribe the cores (the subprocess engine passes the same limit to its children). libgomp reads the
    variable when it loads, so it is set before the import; we set it, we never read the environment."""
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        import tesserocr
    except ImportError as error:
        raise MissingDependencyError(
            f"tesserocr is not installed or cannot load ({error}); install it with "
            "`pip install tesserocr==2.13.0`, or set SOHOA_OCR_ENGINE=tesseract") from error
    return tesserocr


@lru_cache(maxsize=1)
def library_version() -> str:
    """The libtesseract inside tesserocr, e.g. "5.5.4"; raises if missing or older than 4.1 (no LSTM engine)."""
    first_line = (_tesserocr().tesseract_version() or "").splitlines()[:1]
    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", first_line[0] if first_line else "")
    version = tuple(int(part) for part in match.groups() if part is not None) if match else (0,)
    if version < MIN_LIBTESSERACT:
        raise MissingDependencyError(f"tesserocr's libtesseract >= 4.1 is required, found {first_line!r}")
    return ".".join(str(part) for part in version)


def tesserocr_version() -> str:
    return str(getattr(_tesserocr(), "__version__", "unknown"))


# --- API objects per model and mode, per process ---------------------------------------------------
class _Pool:
    """The initialized API objects of one model and mode. A call takes a free one and gives it back, so an
    object is never used by two threads at once (it is not reentrant) and calls on several threads still run
    in parallel (tesserocr releases the GIL while recognizing: a Python thread spinning beside a recognition
    kept its full rate). Objects are made only when none is free: one
    per process when calls come one at a time, one per thread at most."""

    def __init__(self, make: Callable[[], Any]) -> None:
        self._make = make
        self._free: list[Any] = []
        self._lock = threading.Lock()

    @contextmanager
    def api(self) -> Iterator[Any]:
        with self._lock:
            api = self._free.pop() if self._free else None
        if api is None:
            api = self._make()
        try:
            yield api
        finally:
            with self._lock:
                self._free.append(api)


_pools: dict[tuple[int, str, str, str], _Pool] = {}
_pools_lock = threading.Lock()
#: How many API objects this process has initialized (a model load each): tests check it stays at one per mode.
init_count = 0


def _forget_in_child() -> None:
    """A forked worker starts with no API objects and fresh locks: another thread of the parent may have held
    one at the fork, and libtesseract's state is not meant to be shared between processes."""
    global _pools_lock, init_count
    _pools.clear()
    _pools_lock = threading.Lock()
    init_count = 0


os.register_at_fork(after_in_child=_forget_in_child)


def _pool(datapath: Path, lang: str, whitelist: str = "", osd: bool = False) -> _Pool:
    """The process's API objects for this model and mode, each initialized on first need (keyed by pid as
    well, in case a child was made without the fork hook)."""
    key = (os.getpid(), str(datapath), lang, "osd" if osd else whitelist)
    with _pools_lock:
        found = _pools.get(key)
        if found is None:
            tesserocr = _tesserocr()
            library_version()
            found = _pools[key] = _Pool(lambda: _new_api(tesserocr, datapath, lang, whitelist, osd))
        return found


def _new_api(tesserocr: Any, datapath: Path, lang: str, whitelist: str, osd: bool) -> Any:
    global init_count
    try:
        api = tesserocr.PyTessBaseAPI(path=f"{datapath}/", lang=lang, init=True,
                                      psm=tesserocr.PSM.OSD_ONLY if osd else tesserocr.PSM.SINGLE_BLOCK)
    except RuntimeError as error:
        raise MissingDependencyError(f"tesserocr cannot load the model {lang!r} from {datapath}: {error}") from error
    for name, value in ({} if osd else LIBRARY_VARIABLES).items():
        api.SetVariable(name, value)
    if whitelist:
        api.SetVariable("tessedit_char_whitelist", whitelist)
    with _pools_lock:
        init_count += 1
    return api


def _model_file(datapath: Path, lang: str) -> Path:
    path = datapath / f"{lang}.traineddata"
    if not path.is_file():
        raise MissingDependencyError(f"tesseract language model {lang!r} not found in {datapath} "
                                     f"(Debian: tesseract-ocr-{lang})")
    return path


def _set_image(api: Any, image: np.ndarray, dpi: int) -> None:
    """Raw pixels straight into libtesseract: no PNG encoding, no temporary file."""
    pixels = np.ascontiguousarray(image if image.dtype == np.uint8 else image.astype(np.uint8))
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    height, width = pixels.shape[:2]
    api.SetImageBytes(pixels.tobytes(), width, height, channels, width * channels)
    api.SetSourceResolution(int(dpi))


def _words(api: Any, tesserocr: Any, offset: tuple[int, int] = (0, 0)) -> list[Word]:
    """Recognize the current image (or rectangle) and walk its words the way tesseract's TSV renderer
    numbers them (block, paragraph, line counted from 1 as they begin), so both engines give the same
    ``Word.line`` values. ``offset`` is subtracted from the boxes (rectangle → region coordinates)."""
    if not api.Recognize():
        raise ExternalProgramError("tesserocr: recognition failed")
    iterator = api.GetIterator()
    words: list[Word] = []
    if iterator is None:
        return words
    level = tesserocr.RIL
    block = paragraph = line = 0
    while not iterator.Empty(level.BLOCK):
        if not iterator.Empty(level.WORD):
            if iterator.IsAtBeginningOf(level.BLOCK):
                block, paragraph, line = block + 1, 0, 0
            if iterator.IsAtBeginningOf(level.PARA):
                paragraph, line = paragraph + 1, 0
            if iterator.IsAtBeginningOf(level.TEXTLINE):
                line += 1
            text = unicodedata.normalize("NFC", (iterator.GetUTF8Text(level.WORD) or "").strip())
            conf = float(iterator.Confidence(level.WORD))
            box = iterator.BoundingBox(level.WORD)
            choices = _choices_of_word(iterator, level, text)  # walks to the word's last symbol
            if text and conf >= 0 and box is not None:
                left, top, right, bottom = box
                bbox: BBox = (left - offset[0], top - offset[1], right - left, bottom - top)
                words.append(Word(text, max(0.0, min(1.0, conf / 100.0)), bbox, (block, paragraph, line), choices))
        if not iterator.Next(level.WORD):
            break
    return words


def _choices_of_word(iterator: Any, level: Any, text: str) -> tuple[str, ...]:
    """Per character of the word at the iterator, the other characters the LSTM found at least
    ``MIN_CHOICE_CONFIDENCE`` likely there, leaving the iterator at the word's last symbol (``Next(WORD)``
    goes on from there). () where the symbols are not the word's characters one by one."""
    symbols: list[tuple[str, str]] = []
    while True:
        own = unicodedata.normalize("NFC", iterator.GetUTF8Text(level.SYMBOL) or "")
        others = {unicodedata.normalize("NFC", choice.GetUTF8Text() or "")
                  for choice in iterator.GetChoiceIterator() if choice.Confidence() >= MIN_CHOICE_CONFIDENCE}
        symbols.append((own, "".join(sorted(c for c in others if len(c) == 1 and c != own))))
        if iterator.IsAtFinalElement(level.WORD, level.SYMBOL) or not iterator.Next(level.SYMBOL):
            break
    if "".join(own for own, _ in symbols) != text or any(len(own) != 1 for own, _ in symbols):
        return ()
    return tuple(others for _, others in symbols) if any(others for _, others in symbols) else ()


class TesserocrEngine:
    """libtesseract 4.1+ (LSTM) in this process via tesserocr. Same models, modes and digit whitelist as
    ``TesseractEngine``; one initialized API object per model per process, reused by every call."""

    name = "tesserocr"
    digits_lang = TesseractEngine.digits_lang
    digits_whitelist = TesseractEngine.digits_whitelist

    def __init__(self, lang: str = "vie", tessdata_dir: Path | None = None, psm: int = 11) -> None:
        self.lang = lang
        self.tessdata_dir = Path(tessdata_dir) if tessdata_dir else None
        self.psm = psm

    def __repr__(self) -> str:
        return f"TesserocrEngine(lang={self.lang!r}, tessdata_dir={self.tessdata_dir!s}, psm={self.psm})"

    @property
    def datapath(self) -> Path:
        return self.tessdata_dir or DEBIAN_TESSDATA

    # --- identity -------------------------------------------------------------------------------------
    def version(self) -> str:
        # Library and model bytes: another libtesseract or another model reads differently, so it is another
        # cache key; "tesserocr" first keeps it apart from the subprocess engine's keys.
        variables = ",".join(f"{name}={value}" for name, value in sorted(LIBRARY_VARIABLES.items()))
        return (f"tesserocr {tesserocr_version()} libtesseract {library_version()} {self.lang}@{self._model_digest}"
                f"+{self.digits_lang}@{self._digits_digest}[{self.digits_whitelist}] {{{variables}}}")

    @cached_property
    def _model_digest(self) -> str:
        digest = hashlib.sha256()
        for lang in self.lang.split("+"):
            digest.update(_model_file(self.datapath, lang).read_bytes())
        return digest.hexdigest()[:12]

    @cached_property
    def _digits_digest(self) -> str:
        return hashlib.sha256(_model_file(DEBIAN_TESSDATA, self.digits_lang).read_bytes()).hexdigest()[:12]

    def check(self) -> None:
        """Raise MissingDependencyError now (not mid-batch) when tesserocr, libtesseract or a model is missing;
        loads the text model, which every later call reuses."""
        self.version()
        with self._reader(digits=False).api():
            pass

    # --- recognition ----------------------------------------------------------------------------------
    def _reader(self, digits: bool) -> _Pool:
        if digits:
            # Debian's own "eng", whatever tessdata_dir holds (as the subprocess engine does).
            _model_file(DEBIAN_TESSDATA, self.digits_lang)
            return _pool(DEBIAN_TESSDATA, self.digits_lang, self.digits_whitelist)
        for lang in self.lang.split("+"):
            _model_file(self.datapath, lang)
        return _pool(self.datapath, self.lang)

    def recognize_words(self, image: np.ndarray, dpi: int, psm: int | None = None) -> list[Word]:
        return self.recognize_many([image], dpi, psm)[0]

    def recognize_many(self, images: list[np.ndarray], dpi: int, psm: int | None = None,
                       digits: bool = False) -> list[list[Word]]:
        if not images:
            return []
        tesserocr = _tesserocr()
        result: list[list[Word]] = []
        with self._reader(digits).api() as api:
            api.SetPageSegMode(int(psm or self.psm))
            for image in images:
                if image.size == 0:
                    result.append([])
                    continue
                _set_image(api, image, dpi)
                result.append(_words(api, tesserocr))
        return result

    def recognize_regions(self, image: np.ndarray, regions: list[BBox], dpi: int, psm: int | None = None,
                          digits: bool = False) -> list[list[Word]]:
        """Words of several rectangles of one image, which is set once: boxes are in each region's own
        coordinates, as if the region had been cropped and passed to ``recognize_many``. Not part of the
        ``OcrEngine`` interface: the subprocess engine can only read crops."""
        if not regions:
            return []
        tesserocr = _tesserocr()
        result: list[list[Word]] = []
        with self._reader(digits).api() as api:
            api.SetPageSegMode(int(psm or self.psm))
            _set_image(api, image, dpi)
            for x, y, w, h in regions:
                if w <= 0 or h <= 0:
                    result.append([])
                    continue
                api.SetRectangle(int(x), int(y), int(w), int(h))
                result.append(_words(api, tesserocr, (int(x), int(y))))
        return result

    def orientation(self, image: np.ndarray, dpi: int) -> int:
        """Degrees to rotate the page clockwise to make it upright (0, 90, 180, 270), 0 when OSD is unsure;
        the answer of ``tesseract --psm 0`` that ``ocr.preprocess.osd_rotation`` reads. ``image`` is black
        text on white, like every other input of the engine."""
        _tesserocr()
        _model_file(DEBIAN_TESSDATA, "osd")
        with _pool(DEBIAN_TESSDATA, "osd", osd=True).api() as api:
            _set_image(api, image, dpi)
            answer = api.DetectOrientationScript()
        if not answer:
            return 0
        return _ROTATE_FOR_ORIENTATION.get(int(answer.get("orient_deg", 0)) % 360, 0)


def make_engine(kind: Literal["tesserocr", "tesseract"], lang: str = "vie",
                tessdata_dir: Path | None = None, load: bool = True) -> OcrEngine:
    """The engine the settings ask for. tesserocr that cannot load (not installed, too old, model missing)
    falls back to the subprocess engine, which reads the same models, with one warning line. ``load=False``
    checks library and model files without loading the model: a process that only needs the engine's name
    and version (the flow, whose workers do the reading) does not hold a model it never uses."""
    if kind == "tesseract":
        return TesseractEngine(lang=lang, tessdata_dir=tessdata_dir)
    engine = TesserocrEngine(lang=lang, tessdata_dir=tessdata_dir)
    try:
        engine.check() if load else engine.version()
    except MissingDependencyError as error:
        logger.warning("in-process OCR engine unavailable, using the tesseract command instead: %s", error)
        return TesseractEngine(lang=lang, tessdata_dir=tessdata_dir)
    return engine
