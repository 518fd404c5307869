"""The page window of digitize-batch: pages extracted from the scans a few at a time, read in the workers,
and handed back to the flow in page order.

At most ``window`` pages are in flight; pages are extracted only when at least half the window is free
(fewer poppler runs), and a page's extracted file is deleted once its bytes are read into its job, so the
work folder never holds more than the window. A page the batch ledger already holds (a resumed batch) is
handed back as skipped, without being read.

Table pages are named by the book's earlier pages where their own titles leave them unsure
(``ocr.book_columns``): each job carries the book's column names so far, and a page read with other names than
the pages before it (all settled by then, in order) say is read again, so a book reads the same whatever
the number of workers or the window.
"""

from __future__ import annotations

import errno
import hashlib
import shutil
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator

from flows import progress
from flows.executors import DaskPages, LocalPages, PageExecutor
from flows.pagework import EngineSpec, PageJob, PageOutcome
from flows.services import Services
from ocr.book_columns import BookColumns
from ocr.errors import SohoaInputError
from ocr.ingest import PageImage, PageStream
from ocr.read import PageReading
from sohoa.settings import Settings


class PageFailure(Exception):
    """A page (or file) that was not done for a reason other than bad input: a re-run of the batch does it."""

    def __init__(self, path: Path, detail: str, page: int | None = None) -> None:
        self.path, self.detail, self.page = Path(path), detail, page
        where = f"{self.path}" + (f" (page {page})" if page is not None else "")
        super().__init__(f"{where}: could not be processed: {detail}")


@dataclass
class Problems:
    """What went wrong in a batch, by file and page (names of files and page numbers, never contents)."""

    input_errors: list[dict[str, Any]] = field(default_factory=list)  # the scan's fault: fix the file
    failures: list[dict[str, Any]] = field(default_factory=list)  # not done: a re-run does them
    damaged_cache: list[dict[str, Any]] = field(default_factory=list)  # OCR cache objects that failed their checksum

    def add(self, file: Path, page: int | None, error: Exception, logger: Any) -> None:
        line = {"file": str(file), "page": page, "error": type(error).__name__, "message": str(error)}
        (self.input_errors if isinstance(error, SohoaInputError) else self.failures).append(line)
        logger.warning("%s", line["message"])

    def pages_with(self, kind: str) -> int:
        return sum(1 for e in getattr(self, kind) if e.get("page") is not None)


@dataclass
class PageResult:
    page: PageImage
    page_sha: str
    outcome: PageOutcome | SohoaInputError | PageFailure | None  # None: done by an earlier run (skipped)
    cached: PageReading | None = None  # the page's reading from the OCR cache, checked


def _engine_spec(services: Services) -> EngineSpec:
    settings = services.settings
    # The engine the flow resolved (tesserocr, or the command it fell back to) is the one workers make.
    return EngineSpec(services.engine.name, settings.tesseract_lang, settings.tessdata_dir)


def page_executor(settings: Settings, services: Services, dask_address: str | None = None,
                  task: Any = None) -> PageExecutor:
    """The Dask cluster at ``dask_address`` (or the setting), else ``ocr_workers`` local processes."""
    address = dask_address or settings.dask_address
    if address:
        return DaskPages(address, _engine_spec(services), task)
    return LocalPages(settings.ocr_workers, _engine_spec(services))


#: Below this much free space in the work folder, a failed extraction is the disk's fault, not the scan's.
LOW_SPACE_BYTES = 1024 * 1024


def full_disk(error: BaseException, work_dir: Path, room: int = LOW_SPACE_BYTES,
              free_before: int | None = None) -> OSError | None:
    """The error to stop the batch with when the work folder has no room left (every next page would fail):
    a write that failed with ENOSPC, or an extraction that failed (poppler reports a short write as a bad
    page) when the folder had less than ``room`` free for it (``free_before``; else free now)."""
    full = isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    if not full:
        free = free_before if free_before is not None else _free_space(work_dir)
        full = free is not None and free < max(room, LOW_SPACE_BYTES)
    if full:
        return OSError(errno.ENOSPC, "the work folder is full: no page can be extracted", str(work_dir))
    return None


def _free_space(work_dir: Path) -> int | None:
    folder = next((p for p in (work_dir, *work_dir.parents) if p.exists()), None)
    return shutil.disk_usage(folder).free if folder is not None else None


def _room_for_pages(stream: PageStream) -> int:
    """Twice a page's share of its scan file: what extracting the next page may take."""
    try:
        return 2 * Path(getattr(stream, "copy", None) or stream.source).stat().st_size // max(1, stream.count)
    except OSError:
        return LOW_SPACE_BYTES


def read_pages(
    services: Services, executor: PageExecutor, streams: list[PageStream], window: int, stages: Counter,
    problems: Problems, logger: Any, is_done: Callable[[PageImage, str], bool],
    look_up: Callable[[str], tuple[PageReading | None, str | None]],
) -> Iterator[PageResult]:
    """Every page of ``streams`` in page order, read (or skipped when ``is_done``). ``look_up(page_sha)``:
    the page's checked reading from the OCR cache, or (None, why the cached one is damaged)."""
    queue = deque(streams)
    in_flight: deque = deque()
    chunk = max(1, window // 2)
    columns = BookColumns()

    def refill() -> None:
        free = window - sum(1 for *_, handle in in_flight if handle is not None)
        if free <= 0 or (in_flight and free < chunk):
            return
        clock = time.perf_counter()
        while free > 0 and queue:
            stream = queue[0]
            # Measured before: a failed extraction removes what it wrote (and the stream its private copy).
            room, free_before = _room_for_pages(stream), _free_space(stream.out_dir.parent)
            try:
                pages = stream.take(free)
            except Exception as error:  # noqa: BLE001 - the rest of this file is lost, not the batch
                stop = full_disk(error, stream.out_dir.parent, room, free_before)
                if stop is not None:
                    raise stop from None
                problems.add(stream.source, None, error if isinstance(error, SohoaInputError) else
                             PageFailure(stream.source, f"failed with {type(error).__name__}"), logger)
                pages = []
                queue.popleft()
            else:
                if stream.remaining == 0:
                    queue.popleft()
            progress.report("extracted", work_dir=str(stream.out_dir), pages=len(pages))
            for page in pages:
                data = page.path.read_bytes()
                if page.path != page.source_file:
                    page.path.unlink(missing_ok=True)  # the job holds the bytes now
                page_sha = hashlib.sha256(data).hexdigest()
                if is_done(page, page_sha):
                    # Its column names still count for the pages after it, as when the batch first ran.
                    done_reading, _ = look_up(page_sha)
                    in_flight.append((PageResult(page, page_sha, None, done_reading), None, None))
                    continue
                cached, damage = look_up(page_sha)
                if damage is not None:
                    problems.damaged_cache.append({"file": str(page.source_file), "page": page.page_in_file,
                                                   "message": damage})
                    logger.warning("page %d of %s: %s; reading the page again", page.page_in_file,
                                   page.source_file.name, damage)
                job = PageJob(page.source_file, page.page_in_file, page.dpi, data, read=cached is None,
                              column_hint=columns.hint())
                in_flight.append((PageResult(page, page_sha, None, cached), job, executor.submit(job)))
                free -= 1
        stages["ingest"] += time.perf_counter() - clock

    refill()
    while in_flight:
        result, job, handle = in_flight.popleft()
        if handle is not None:
            clock = time.perf_counter()
            result.outcome = _settle(executor, result.page, job, handle)
            if not _named_as_book_says(result, columns):
                stages.update(result.outcome.seconds)  # type: ignore[union-attr]
                job = replace(job, read=True, column_hint=columns.hint())
                result.outcome, result.cached = _settle(executor, result.page, job, executor.submit(job)), None
            stages["wait"] += time.perf_counter() - clock
        reading = result.cached if result.outcome is None else _reading_of(result)
        columns.add(reading.column_map if reading is not None else None)
        del job, handle, reading
        refill()  # the next pages start before this one is stored and routed
        if isinstance(result.outcome, PageOutcome):
            for stage, seconds in result.outcome.seconds.items():
                stages[stage] += seconds
            error = result.outcome.input_error()
            if error is not None:
                result.outcome = error
        yield result
        del result


def _reading_of(result: PageResult) -> PageReading | None:
    if not isinstance(result.outcome, PageOutcome) or result.outcome.error is not None:
        return None
    return result.outcome.reading or result.cached


def _named_as_book_says(result: PageResult, columns: BookColumns) -> bool:
    reading = _reading_of(result)
    return reading is None or columns.named_as_book_says(reading.column_map, reading.book_columns)


def _settle(executor: PageExecutor, page: PageImage, job: PageJob, handle: Any
            ) -> PageOutcome | SohoaInputError | PageFailure:
    """A page's outcome, or the error that stopped it. A worker's failure other than bad input is retried
    once; one page's failure never stops the batch, it is reported in the summary instead (and the page is
    left for a re-run)."""
    for attempt in (1, 2):
        try:
            return executor.result(handle)
        except SohoaInputError as error:
            return error
        except Exception as error:  # noqa: BLE001 - reported per page, by type only (no contents)
            if attempt == 2:
                return PageFailure(page.source_file, f"failed with {type(error).__name__}", page=page.page_in_file)
            try:
                handle = executor.submit(job)
            except Exception as again:  # noqa: BLE001 - e.g. a broken pool
                return PageFailure(page.source_file, f"failed with {type(again).__name__}", page=page.page_in_file)
    raise AssertionError("unreachable")
