"""One page's CPU work, as a worker process runs it: decode → preprocess → locate entries → OCR → PNG.

Plain functions and picklable values, no Prefect: the local process pool's workers import only this and
ocr/, and a Dask worker runs the same function inside a Prefect task. A job carries the page image's bytes,
not its path, so a worker on another machine needs no access to the work folder.

The OCR engine lives once per worker process (``worker_engine``): ``init_worker`` is the pool's initializer
and loads the model before the first page arrives.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import cv2

from ocr.book_columns import ColumnHint
from ocr.engine import OcrEngine
from ocr.errors import SohoaInputError
from ocr.ingest import PageImage
from ocr.layout import upright_layout
from ocr.preprocess import load_gray, prepare_gray
from ocr.read import PageReading, recognize_page
from ocr.tesserocr_engine import make_engine


@dataclass(frozen=True)
class EngineSpec:
    """Which engine a worker makes: the flow resolves it once (a fallback included), so every worker reads
    with the engine whose version names the OCR cache entries."""

    kind: str
    lang: str = "vie"
    tessdata_dir: Path | None = None


@dataclass(frozen=True)
class PageJob:
    source_file: Path
    page_in_file: int
    dpi: int
    data: bytes  # the page image file's bytes
    read: bool = True  # False when the OCR cache holds this page's reading: preprocess only
    column_hint: ColumnHint | None = None  # the book's table column names so far (ocr.book_columns)


@dataclass
class PageOutcome:
    """What a worker sends back: the reading (None when not asked for), the upright page as PNG (entry boxes
    refer to it), or the input error that stopped the page; and seconds per stage."""

    reading: PageReading | None = None
    png: bytes | None = None
    error: tuple[type[SohoaInputError], str, str, int | None] | None = None
    seconds: dict[str, float] = field(default_factory=dict)

    def input_error(self) -> SohoaInputError | None:
        # Rebuilt here: SohoaInputError's constructor does not survive pickling's args round-trip.
        if self.error is None:
            return None
        cls, path, detail, page = self.error
        return cls(path, detail, page=page)


@lru_cache(maxsize=4)
def worker_engine(spec: EngineSpec) -> OcrEngine:
    """This process's engine for ``spec``, made (and its model loaded) on first use, then reused by every
    page the process reads."""
    return make_engine(spec.kind, spec.lang, spec.tessdata_dir)  # type: ignore[arg-type]


def init_worker(spec: EngineSpec) -> None:
    """Process-pool initializer: load the model before the first page, not during it."""
    worker_engine(spec)


def process_page(job: PageJob, spec: EngineSpec) -> PageOutcome:
    engine = worker_engine(spec)
    page = PageImage(job.source_file, job.page_in_file, job.source_file, job.dpi)
    outcome = PageOutcome()
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        outcome.seconds[stage] = outcome.seconds.get(stage, 0.0) + now - clock
        clock = now

    try:
        prepared = prepare_gray(load_gray(page, job.data), page, engine)
        lap("preprocess")
        if job.read:
            prepared, layout = upright_layout(prepared, engine, column_hint=job.column_hint)
            lap("layout")
            outcome.reading = recognize_page(prepared, layout, engine)
            lap("ocr")
    except SohoaInputError as error:
        outcome.error = (type(error), str(error.path), error.detail, error.page)
        return outcome
    ok, png = cv2.imencode(".png", prepared.gray)
    if not ok:
        raise RuntimeError(f"could not encode page {job.page_in_file} of {job.source_file}")
    outcome.png = png.tobytes()
    del prepared, png
    lap("encode")
    _give_back_memory()
    return outcome


def _give_back_memory() -> None:
    """Hand the page's freed arrays back to the system: glibc keeps freed blocks in its arenas, and a worker
    that read one heavy page would otherwise hold that peak for the rest of the book."""
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)


@lru_cache(maxsize=1)
def _libc():
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None
