"""Fixtures for OCR tests: small synthetic books, and the real Tesseract engine behind an output cache.

Like OCRmyPDF's test cache: an engine call is keyed by the SHA-256 of its input images (bytes, shape, dpi,
page segmentation mode), the engine's version (binary + model digest) and the reading code's version, and its
words are stored as JSON under tests/.ocr-cache/ (gitignored). A re-run with unchanged inputs reads the cache;
any change to the images, the engine or the code misses it and runs tesseract for real.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from ocr.engine import TesseractEngine, Word
from ocr.read import OCR_CODE_VERSION

CACHE_DIR = Path(__file__).resolve().parents[1] / ".ocr-cache"


class CachedEngine:
    """The real TesseractEngine, with its outputs cached on disk (not a mock: a miss runs tesseract)."""

    def __init__(self, engine: TesseractEngine, cache_dir: Path = CACHE_DIR) -> None:
        self.engine = engine
        self.name = engine.name
        self.cache_dir = cache_dir
        self.misses = 0

    def version(self) -> str:
        return self.engine.version()

    def orientation(self, image: np.ndarray, dpi: int) -> int:
        """Not cached: the page-level question is asked only when a page's marks leave it open."""
        return self.engine.orientation(image, dpi)

    def recognize_words(self, image: np.ndarray, dpi: int, psm: int | None = None) -> list[Word]:
        return self.recognize_many([image], dpi, psm)[0]

    def recognize_many(self, images: list[np.ndarray], dpi: int, psm: int | None = None,
                       digits: bool = False) -> list[list[Word]]:
        digest = hashlib.sha256(f"{self.version()}|{OCR_CODE_VERSION}|{dpi}|{psm}|{digits}".encode())
        for image in images:
            digest.update(str(image.shape).encode())
            digest.update(np.ascontiguousarray(image).tobytes())
        path = self.cache_dir / f"{digest.hexdigest()}.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))
            return [[Word(w["text"], w["conf"], tuple(w["bbox"]), tuple(w["line"]), tuple(w.get("choices", ())))
                     for w in words] for words in data]
        self.misses += 1
        result = self.engine.recognize_many(images, dpi, psm, digits)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_text(json.dumps([[asdict(w) for w in words] for words in result], ensure_ascii=False),
                           encoding="utf-8")
        partial.replace(path)
        return result


@pytest.fixture(scope="session")
def engine() -> CachedEngine:
    return CachedEngine(TesseractEngine())


@pytest.fixture(scope="session")
def table_book(tmp_path_factory):
    from synth import generate_book

    return generate_book(tmp_path_factory.mktemp("ocr-table"), layout="table", pages=2, seed=5,
                         degradation="light", upside_down_pages=0)


@pytest.fixture(scope="session")
def form_book(tmp_path_factory):
    from synth import generate_book

    return generate_book(tmp_path_factory.mktemp("ocr-form"), layout="form", pages=2, seed=5,
                         degradation="light", upside_down_pages=0)


def truth_entries(book) -> list[dict]:
    return [json.loads(line) for line in book.truth.read_text(encoding="utf-8").splitlines() if line.strip()]


def shown_fields(book, default: tuple[str, ...]) -> tuple[str, ...]:
    """The fields a book's pages print: its drawn style's columns (table) or every field its truth shows
    printed; ``default`` for books without a style (one fixed layout)."""
    style = book.book.get("style") or {}
    if style.get("columns"):
        return tuple(style["columns"])
    entries = truth_entries(book)
    if entries and "printed" in entries[0]:
        return tuple(name for name in default if name in entries[0]["printed"])
    return default
