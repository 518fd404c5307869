"""The digitize-batch flow: one book's scans in, verified records and a review queue out.

    ingest → preprocess → locate entries → OCR → normalize → cross-check → route → report

Each stage is a small task; the logic lives in ocr/, validation/ and storage/.
"""

from __future__ import annotations

import shutil
from collections import Counter, deque
from itertools import islice
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from flows import progress
from flows.services import PIPELINE_VERSION, Services, connect
from ocr.errors import SohoaInputError
from ocr.ingest import PageImage, split_into_pages
from ocr.layout import PageLayout, detect_layout
from ocr.preprocess import PreparedPage, prepare_page
from ocr.read import PageReading, recognize_page
from sohoa.settings import get_settings
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


@task(cache_policy=NO_CACHE)
def split_pages(source: Path, work_dir: Path) -> list[PageImage]:
    return split_into_pages(source, work_dir)


# --- per page ---------------------------------------------------------------------------------------

@task(cache_policy=NO_CACHE)
def preprocess(page: PageImage) -> PreparedPage:
    return prepare_page(page)


@task(cache_policy=NO_CACHE)
def locate_entries(services: Services, prepared: PreparedPage) -> PageLayout:
    """Find the table grid or the form blocks, and which field each cell holds, in the image itself."""
    return detect_layout(prepared, services.engine)


@task(cache_policy=NO_CACHE, retries=1, retry_condition_fn=_not_bad_input)
def read_fields(services: Services, page: PageImage, prepared: PreparedPage, layout: PageLayout) -> PageReading:
    return services.cached_reading(page, lambda: recognize_page(prepared, layout, services.engine))


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def store_page_image(services: Services, book: BookKeys, page: PageImage, prepared: PreparedPage) -> str:
    return services.store_page_image(book, page, prepared)


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
    rows = [{"measure": k, "value": str(v)} for k, v in summary.items() if k not in {"input_errors", "flagged_by_reason"}]
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
) -> dict[str, Any]:
    """Digitize one book's scans (a file or a folder of PDFs/images) and return the batch summary.
    The volume is text as the book prints it ('01')."""
    logger = get_run_logger()
    settings = get_settings()
    services = connect(settings, registry_db_url=registry_db_url)
    book = BookKeys(authority=authority, book_type=book_type, year=year, volume=volume)
    files = scan_files(Path(source))
    batch_id = services.state.create_batch(book=book, sources=[str(f) for f in files], batch_id=batch_id,
                                           pipeline_version=PIPELINE_VERSION)
    logger.info("batch %s: %d file(s) for %s/%s/%s", batch_id, len(files), book_type, year, volume)
    input_errors: list[dict[str, Any]] = []

    # 1. Ingest: keep every original first, then split it into pages.
    work_dir = settings.work_dir / batch_id
    pages: list[PageImage] = []
    for file in files:
        store_original(services, file)
        try:
            pages.extend(split_pages(file, work_dir))
        except Exception as error:  # noqa: BLE001 - one bad file never stops the batch
            problem = error if isinstance(error, SohoaInputError) else PageFailedError(file, type(error).__name__)
            input_errors.append(_input_error(file, None, problem))
            logger.warning("%s", problem)
    progress.report("pages", total=len(pages))

    registry_rows = fetch_registry_rows(services, book)
    counts: Counter = Counter()
    all_entries: list[ExportedEntry] = []
    # 2-4. Preprocess, locate, OCR: a few pages ahead run in parallel while earlier ones are checked.
    for page_no, (page, outcome) in enumerate(read_pages(services, book, pages), start=1):
        if isinstance(outcome, SohoaInputError):
            input_errors.append(_input_error(page.source_file, page.page_in_file, outcome))
            logger.warning("%s", outcome)
            progress.report("page_done", page=page_no)
            continue
        reading_value, key = outcome
        # 5-6. Normalize and cross-check.  7. Route.
        entries = normalize_and_check(book, reading_value, page_no, key, page.source_file.name, registry_rows,
                                      settings.min_field_confidence)
        provenance = services.page_provenance(page, key, reading_value)
        entries = route_entries(services, batch_id, entries, provenance)
        counts.update(e.status.value for e in entries)
        all_entries.extend(entries)
        progress.report("page_done", page=page_no, entries=len(entries))

    orphans = report_registry_only(services, batch_id, book, all_entries, registry_rows)
    counts["flagged"] += len(orphans)

    # 8. Report.
    flagged_by_reason = Counter(flag.code.value for e in all_entries + orphans for flag in _distinct_codes(e.flags))
    summary = {
        "batch_id": batch_id,
        "pages": len(pages),
        "pages_read": len(pages) - sum(1 for e in input_errors if e.get("page") is not None),
        "entries": len(all_entries),
        "verified": counts["verified"],
        "flagged": counts["flagged"],
        "registry_only": len(orphans),
        "flagged_by_reason": dict(flagged_by_reason),
        "input_errors": input_errors,
        "records": services.records_location(book),
        "review_queue": services.review_queue_location(),
    }
    remove_work_files(work_dir)
    publish_summary(services, batch_id, summary)
    return summary


def read_pages(services: Services, book: BookKeys, pages: list[PageImage], lookahead: int = 4):
    """Yield (page, (reading, stored page key)) in page order, or (page, error) for a page that failed.
    Only ``lookahead`` pages are in flight at once, so memory stays flat however thick the book."""
    def submit(page: PageImage):
        prepared = preprocess.submit(page)
        layout = locate_entries.submit(services, prepared)
        reading = read_fields.submit(services, page, prepared, layout)
        page_key = store_page_image.submit(services, book, page, prepared)
        return page, (prepared, reading, page_key)

    queue = iter(pages)
    window = deque(submit(page) for page in islice(queue, lookahead))
    while window:
        page, futures = window.popleft()
        if (following := next(queue, None)) is not None:
            window.append(submit(following))
        yield page, _settle(page, *futures)


def _distinct_codes(flags: list[Flag]) -> list[Flag]:
    seen: dict[FlagCode, Flag] = {}
    for f in flags:
        seen.setdefault(f.code, f)
    return list(seen.values())


class PageFailedError(SohoaInputError):
    """A page that could not be processed for a reason other than bad input; the batch goes on without it."""

    reason = "could not be processed"


def _settle(page: PageImage, *futures: PrefectFuture):
    """Wait for a page's futures: its reading and stored image key, or the error that stopped the page.
    One page's failure never stops the batch; it is reported in the summary instead."""
    values = []
    for future in futures:
        future.wait()
        try:
            values.append(future.result())
        except SohoaInputError as error:
            return error
        except Exception as error:  # noqa: BLE001 - reported per page, by type only (no contents)
            return PageFailedError(page.source_file, f"failed with {type(error).__name__}", page=page.page_in_file)
    return values[1], values[2]


def _input_error(file: Path, page: int | None, error: SohoaInputError) -> dict[str, Any]:
    return {"file": str(file), "page": page, "error": type(error).__name__, "message": str(error)}
