"""The digitize-batch flow: one book's scans in, verified records and a review queue out.

    ingest → preprocess → locate entries → OCR → normalize → cross-check → route → report

Each stage is a small task; the logic lives in ocr/, validation/ and storage/. A page's CPU work (preprocess,
locate, OCR) runs in worker processes, a local pool or a Dask cluster (flows/executors.py), a bounded window
of pages at a time, while this process stores, checks and routes the pages already read. Pages are extracted
from the scans only as the window has room, and each page's file goes as soon as its bytes are sent.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import Counter, deque
from pathlib import Path
from typing import Any, Iterator

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows import progress
from flows.executors import DaskPages, LocalPages, PageExecutor
from flows.pagework import EngineSpec, PageJob, PageOutcome, process_page
from flows.services import PIPELINE_VERSION, Services, connect
from ocr.errors import SohoaInputError
from ocr.ingest import PageImage, PageStream
from ocr.read import PageReading
from sohoa.settings import Settings, get_settings
from validation.schema import BookKeys, ExportedEntry, Flag, FlagCode
from validation import entry_check as checks

SCAN_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}


def _not_bad_input(task, task_run, state) -> bool:
    """Retry storage and engine hiccups, never a file that is simply bad."""
    try:
        state.result()
    except SohoaInputError:
        return False
    except Exception:
        return True
    return False


# --- ingest -----------------------------------------------------------------------------------------

@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2, retry_condition_fn=_not_bad_input)
def store_original(services: Services, source: Path) -> dict[str, str]:
    """Keep the scan file exactly as received, under its SHA-256, before anything reads it."""
    return services.store_original(source)


# --- per page ---------------------------------------------------------------------------------------

@task(cache_policy=NO_CACHE, name="read-page")
def read_page(job: PageJob, spec: EngineSpec) -> PageOutcome:
    """Preprocess, locate entries and OCR one page; the task a Dask worker runs (the local pool calls the
    same function without a task around it: spawned workers need not load Prefect)."""
    return process_page(job, spec)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def store_page(services: Services, book: BookKeys, page: PageImage, page_sha: str, png: bytes,
               reading: PageReading | None) -> str:
    """The upright page's PNG into the pages bucket, and a new reading into the OCR cache."""
    if reading is not None:
        services.cache_reading(page_sha, reading)
    return services.store_page_png(book, page, png, page_sha)


# --- per book ---------------------------------------------------------------------------------------

@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def fetch_registry_rows(services: Services, book: BookKeys) -> list[dict[str, Any]]:
    """Read (never write) the shared registry's records for this book."""
    return services.registry.rows_for_book(book.authority, book.book_type, book.year, book.volume)


@task(cache_policy=NO_CACHE)
def normalize_and_check(
    book: BookKeys, reading: PageReading, page_no: int, page_key: str, source_file: str,
    registry_rows: list[dict[str, Any]], min_confidence: float,
) -> list[ExportedEntry]:
    """Normalize each entry's readings, apply the record rules and cross-check it against the registry."""
    return checks.check_page(book, reading, page_no, page_key, source_file, registry_rows, min_confidence)


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def route_entries(services: Services, batch_id: str, entries: list[ExportedEntry], provenance: dict) -> list[ExportedEntry]:
    """Verified entries become records in the records bucket; anything else goes to the review queue."""
    return services.route(batch_id, entries, provenance)


@task(cache_policy=NO_CACHE)
def report_registry_only(
    services: Services, batch_id: str, book: BookKeys, entries: list[ExportedEntry],
    registry_rows: list[dict[str, Any]],
) -> list[ExportedEntry]:
    """Registry records of this book that no entry of the book matched (known once the whole book is read)."""
    orphans = checks.registry_only_entries(book, entries, registry_rows)
    return services.route(batch_id, orphans, provenance={})


@task(cache_policy=NO_CACHE)
def remove_work_files(work_dir: Path) -> None:
    """Page images extracted for this batch hold personal data; once pages and originals are in object
    storage, the local copies go."""
    shutil.rmtree(work_dir, ignore_errors=True)


@task(cache_policy=NO_CACHE)
def publish_summary(services: Services, batch_id: str, summary: dict[str, Any]) -> None:
    """A table artifact for operators (counts only: never names or ID numbers), and the batch ledger."""
    rows = [{"measure": k, "value": str(v)} for k, v in summary.items()
            if k not in {"input_errors", "flagged_by_reason", "stage_seconds"}]
    rows += [{"measure": f"flagged: {code}", "value": str(n)} for code, n in sorted(summary["flagged_by_reason"].items())]
    rows += [{"measure": "input error", "value": f"{e['file']}: {e['message']}"} for e in summary["input_errors"]]
    create_table_artifact(key=f"batch-{batch_id[:8]}", table=rows, description=f"sohoa batch {batch_id}")
    services.state.finish_batch(batch_id, summary=summary, input_errors=summary["input_errors"])


# --- the flow ---------------------------------------------------------------------------------------

def scan_files(source: Path) -> list[Path]:
    if source.is_dir():
        return sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith("."))
    return [source]


@flow(name="digitize-batch", task_runner=ThreadPoolTaskRunner(max_workers=2), log_prints=False)
def digitize_batch(
    source: str,
    authority: str,
    year: int,
    volume: str,
    book_type: str = "birth",
    registry_db_url: str | None = None,
    batch_id: str | None = None,
    dask_address: str | None = None,
) -> dict[str, Any]:
    """Digitize one book's scans (a file or a folder of PDFs/images) and return the batch summary.
    The volume is text as the book prints it ('01'). ``dask_address`` (or the setting): read pages on that
    Dask cluster instead of the local process pool."""
    logger = get_run_logger()
    settings = get_settings()
    services = connect(settings, registry_db_url=registry_db_url)
    book = BookKeys(authority=authority, book_type=book_type, year=year, volume=volume)
    files = scan_files(Path(source))
    batch_id = services.state.create_batch(book=book, sources=[str(f) for f in files], batch_id=batch_id,
                                           pipeline_version=PIPELINE_VERSION)
    logger.info("batch %s: %d file(s) for %s/%s/%s", batch_id, len(files), book_type, year, volume)
    input_errors: list[dict[str, Any]] = []
    work_dir = settings.work_dir / batch_id
    stages: Counter = Counter()
    try:
        # 1. Ingest: keep every original first; its pages are extracted later, a window at a time.
        streams: list[PageStream] = []
        clock = time.perf_counter()
        for file in files:
            store_original(services, file)
            try:
                streams.append(PageStream(file, work_dir))
            except Exception as error:  # noqa: BLE001 - one bad file never stops the batch
                input_errors.append(_input_error(file, None, _as_input_error(error, file)))
                logger.warning("%s", input_errors[-1]["message"])
        stages["ingest"] += time.perf_counter() - clock
        total_pages = sum(stream.count for stream in streams)
        progress.report("pages", total=total_pages)

        registry_rows = fetch_registry_rows(services, book)
        counts: Counter = Counter()
        all_entries: list[ExportedEntry] = []
        pages_seen = 0
        # 2-4. Preprocess, locate, OCR in the workers; 5-7 here, for the pages already read.
        with page_executor(settings, services, dask_address) as executor:
            window = settings.page_window or 2 * executor.slots
            pages = read_pages(services, executor, streams, window, stages, input_errors, logger)
            for page_no, (page, page_sha, outcome) in enumerate(pages, start=1):
                pages_seen = page_no
                if isinstance(outcome, SohoaInputError):
                    input_errors.append(_input_error(page.source_file, page.page_in_file, outcome))
                    logger.warning("%s", outcome)
                    progress.report("page_done", page=page_no)
                    continue
                clock = time.perf_counter()
                reading = outcome.reading or services.cached(page_sha)
                if reading is None:  # the cache entry went between the check and now
                    input_errors.append(_input_error(page.source_file, page.page_in_file, PageFailedError(
                        page.source_file, "its cached reading went away; digitize the batch again",
                        page=page.page_in_file)))
                    progress.report("page_done", page=page_no)
                    continue
                key = store_page(services, book, page, page_sha, outcome.png, outcome.reading)
                stages["storage"] += time.perf_counter() - clock
                clock = time.perf_counter()
                # 5-6. Normalize and cross-check.  7. Route.
                entries = normalize_and_check(book, reading, page_no, key, page.source_file.name, registry_rows,
                                              settings.min_field_confidence)
                provenance = services.page_provenance(page, key, reading, page_sha)
                entries = route_entries(services, batch_id, entries, provenance)
                stages["check_route"] += time.perf_counter() - clock
                counts.update(e.status.value for e in entries)
                all_entries.extend(entries)
                del outcome, reading  # no page image stays in memory once its page is stored
                progress.report("page_done", page=page_no, entries=len(entries))
    finally:
        # Even when the run fails or is stopped: extracted pages are personal data (no task here, so a run
        # being cancelled still cleans up).
        remove_work_files.fn(work_dir)

    orphans = report_registry_only(services, batch_id, book, all_entries, registry_rows)
    counts["flagged"] += len(orphans)

    # 8. Report.
    flagged_by_reason = Counter(flag.code.value for e in all_entries + orphans for flag in _distinct_codes(e.flags))
    summary = {
        "batch_id": batch_id,
        "pages": max(total_pages, pages_seen),
        "pages_read": pages_seen - sum(1 for e in input_errors if e.get("page") is not None),
        "entries": len(all_entries),
        "verified": counts["verified"],
        "flagged": counts["flagged"],
        "registry_only": len(orphans),
        "flagged_by_reason": dict(flagged_by_reason),
        "input_errors": input_errors,
        "records": services.records_location(book),
        "review_queue": services.review_queue_location(),
        # Seconds per stage: ingest, storage and check_route on this process's clock; preprocess, layout,
        # ocr and encode summed over the workers; wait is this process idle for a worker.
        "stage_seconds": {k: round(v, 2) for k, v in sorted(stages.items())},
    }
    publish_summary(services, batch_id, summary)
    return summary


def _engine_spec(services: Services) -> EngineSpec:
    settings = services.settings
    # The engine the flow resolved (tesserocr, or the command it fell back to) is the one workers make.
    return EngineSpec(services.engine.name, settings.tesseract_lang, settings.tessdata_dir)


def page_executor(settings: Settings, services: Services, dask_address: str | None = None) -> PageExecutor:
    """The Dask cluster at ``dask_address`` (or the setting), else ``ocr_workers`` local processes."""
    address = dask_address or settings.dask_address
    if address:
        return DaskPages(address, _engine_spec(services), read_page)
    return LocalPages(settings.ocr_workers, _engine_spec(services))


def read_pages(
    services: Services, executor: PageExecutor, streams: list[PageStream], window: int, stages: Counter,
    input_errors: list[dict[str, Any]], logger: Any,
) -> Iterator[tuple[PageImage, str, PageOutcome | SohoaInputError]]:
    """Yield (page, page checksum, outcome or the error that stopped the page) in page order.

    At most ``window`` pages are in flight; pages are extracted only when at least half the window is free
    (fewer poppler runs), and a page's extracted file is deleted once its bytes are read into its job, so the
    work folder never holds more than the window."""
    queue = deque(streams)
    in_flight: deque = deque()
    chunk = max(1, window // 2)

    def refill() -> None:
        free = window - len(in_flight)
        if free <= 0 or (in_flight and free < chunk):
            return
        clock = time.perf_counter()
        while free > 0 and queue:
            stream = queue[0]
            try:
                pages = stream.take(free)
            except Exception as error:  # noqa: BLE001 - the rest of this file is lost, not the batch
                input_errors.append(_input_error(stream.source, None, _as_input_error(error, stream.source)))
                logger.warning("%s", input_errors[-1]["message"])
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
                job = PageJob(page.source_file, page.page_in_file, page.dpi, data,
                              read=not services.has_cached(page_sha))
                in_flight.append((page, page_sha, job, executor.submit(job)))
                free -= 1
        stages["ingest"] += time.perf_counter() - clock

    refill()
    while in_flight:
        page, page_sha, job, handle = in_flight.popleft()
        clock = time.perf_counter()
        outcome = _settle(executor, page, job, handle)
        stages["wait"] += time.perf_counter() - clock
        del job, handle
        refill()  # the next pages start before this one is stored and routed
        if isinstance(outcome, PageOutcome):
            for stage, seconds in outcome.seconds.items():
                stages[stage] += seconds
            error = outcome.input_error()
            yield page, page_sha, (error if error is not None else outcome)
        else:
            yield page, page_sha, outcome
        del outcome


def _distinct_codes(flags: list[Flag]) -> list[Flag]:
    seen: dict[FlagCode, Flag] = {}
    for f in flags:
        seen.setdefault(f.code, f)
    return list(seen.values())


class PageFailedError(SohoaInputError):
    """A page that could not be processed for a reason other than bad input; the batch goes on without it."""

    reason = "could not be processed"


def _settle(executor: PageExecutor, page: PageImage, job: PageJob, handle: Any) -> PageOutcome | SohoaInputError:
    """A page's outcome, or the error that stopped it. A worker's failure other than bad input is retried
    once (as the reading task was before); one page's failure never stops the batch, it is reported in the
    summary instead."""
    for attempt in (1, 2):
        try:
            return executor.result(handle)
        except SohoaInputError as error:
            return error
        except Exception as error:  # noqa: BLE001 - reported per page, by type only (no contents)
            if attempt == 2:
                return PageFailedError(page.source_file, f"failed with {type(error).__name__}", page=page.page_in_file)
            try:
                handle = executor.submit(job)
            except Exception as again:  # noqa: BLE001 - e.g. a broken pool
                return PageFailedError(page.source_file, f"failed with {type(again).__name__}", page=page.page_in_file)
    raise AssertionError("unreachable")


def _as_input_error(error: Exception, file: Path) -> SohoaInputError:
    return error if isinstance(error, SohoaInputError) else PageFailedError(file, type(error).__name__)


def _input_error(file: Path, page: int | None, error: SohoaInputError) -> dict[str, Any]:
    return {"file": str(file), "page": page, "error": type(error).__name__, "message": str(error)}
