"""The digitize-batch flow: one book's scans in, verified records and a review queue out.

    take the batch (new, or resume) → ingest → preprocess → locate entries → OCR → normalize → cross-check
    → route → report

Each stage is a small task; the logic lives in ocr/, validation/ and storage/. A page's CPU work (preprocess,
locate, OCR) runs in worker processes, a local pool or a Dask cluster (flows/executors.py), a bounded window
of pages at a time (flows/pagewindow.py), while this process stores, checks and routes the pages already read.

A page is done once its outcome (entries, review items, the ledger's line) commits in one transaction, after
its page image and records are stored. A re-run of the batch (same batch id, or the same scans of the same
book while the batch is unfinished) skips the pages the ledger holds and whose objects still match their
checksums. An outage of object storage or a database stops the batch as ``incomplete``, with that service's
error; it is never blamed on the scans.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections import Counter
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from flows import progress
from flows.batches import remove_abandoned_work_folders, take_batch
from flows.pagewindow import PageFailure, PageResult, Problems, full_disk, page_executor, read_pages
from flows.pagework import EngineSpec, PageJob, PageOutcome, process_page
from flows.services import Services, checksum, connect
from ocr.errors import SohoaInputError
from ocr.ingest import PageImage, PageStream
from ocr.read import PageReading
from sohoa.settings import get_settings
from storage.errors import ObjectConflictError, StateError
from storage.ledger import PageDone
from validation.schema import BookKeys, ExportedEntry, Flag, FlagCode
from validation import entry_check as checks

SCAN_SUFFIXES = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}
#: Waits between attempts of a storage task: together longer than a storage server's restart.
STORAGE_RETRY_DELAYS = [2, 5, 10]


def _worth_retrying(task, task_run, state) -> bool:
    """Retry outages and hiccups, never a file that is simply bad or an object that must not be overwritten."""
    try:
        state.result()
    except (SohoaInputError, ObjectConflictError, StateError):
        return False
    except Exception:
        return True
    return False


storage_task = task(cache_policy=NO_CACHE, retries=len(STORAGE_RETRY_DELAYS), retry_delay_seconds=STORAGE_RETRY_DELAYS,
                    retry_condition_fn=_worth_retrying)


# --- ingest -----------------------------------------------------------------------------------------

@storage_task
def store_original(services: Services, source: Path) -> dict[str, str]:
    """Keep the scan file exactly as received, under its SHA-256, before anything reads it."""
    return services.store_original(source)


# --- per page ---------------------------------------------------------------------------------------

@task(cache_policy=NO_CACHE, name="read-page")
def read_page(job: PageJob, spec: EngineSpec) -> PageOutcome:
    """Preprocess, locate entries and OCR one page; the task a Dask worker runs (the local pool calls the
    same function without a task around it: spawned workers need not load Prefect)."""
    return process_page(job, spec)


@storage_task
def look_up_reading(services: Services, page_sha: str) -> tuple[PageReading | None, str | None]:
    """The page's reading from the OCR cache, checked against its checksum (None: not cached, or damaged)."""
    return services.checked_cache(page_sha)


@storage_task
def store_page(services: Services, book: BookKeys, page: PageImage, page_sha: str, png: bytes,
               reading: PageReading | None) -> tuple[str, str]:
    """The upright page's PNG into the pages bucket, and a new reading into the OCR cache; returns the page
    object's key and checksum."""
    if reading is not None:
        services.cache_reading(page_sha, reading)
    # The stored object's checksum is the PNG's own (put_bytes checks the server got these bytes).
    return services.store_page_png(book, page, png, page_sha), hashlib.sha256(png).hexdigest()


# --- per book ---------------------------------------------------------------------------------------

@storage_task
def fetch_registry_rows(services: Services, book: BookKeys) -> list[dict[str, Any]]:
    """Read (never write) the shared registry's records for this book."""
    return services.registry.rows_for_book(book.authority, book.book_type, book.year, book.volume)


@task(cache_policy=NO_CACHE)
def normalize_and_check(
    book: BookKeys, reading: PageReading, page_no: int, page_key: str, source_file: str,
    registry_rows: list[dict[str, Any]], min_confidence: float, earlier: checks.EarlierPages,
) -> list[ExportedEntry]:
    """Normalize each entry's readings, apply the record rules and cross-check it against the registry."""
    return checks.check_page(book, reading, page_no, page_key, source_file, registry_rows, min_confidence,
                             earlier)


@storage_task
def route_entries(services: Services, batch_id: str, entries: list[ExportedEntry], provenance: dict,
                  page: PageDone) -> list[ExportedEntry]:
    """Verified entries become records in the records bucket; anything else goes to the review queue; then
    the page is marked done in the batch ledger (one transaction with its entries)."""
    return services.route(batch_id, entries, provenance, page)


@storage_task
def report_registry_only(
    services: Services, batch_id: str, book: BookKeys, entries: list[ExportedEntry],
    registry_rows: list[dict[str, Any]],
) -> list[ExportedEntry]:
    """Registry records of this book that no entry of the read pages matched."""
    orphans = checks.registry_only_entries(book, entries, registry_rows)
    return services.route(batch_id, orphans, provenance={})


@task(cache_policy=NO_CACHE)
def remove_work_files(work_dir: Path) -> None:
    """Page images extracted for this batch hold personal data; once pages and originals are in object
    storage, the local copies go."""
    shutil.rmtree(work_dir, ignore_errors=True)


@storage_task
def publish_summary(services: Services, batch_id: str, summary: dict[str, Any]) -> None:
    """A table artifact for operators (counts only: never names or ID numbers), and the batch ledger."""
    rows = [{"measure": k, "value": str(v)} for k, v in summary.items()
            if k not in {"input_errors", "failures", "damaged_cache", "flagged_by_reason", "stage_seconds"}]
    rows += [{"measure": f"flagged: {code}", "value": str(n)} for code, n in sorted(summary["flagged_by_reason"].items())]
    rows += [{"measure": kind.replace("_", " ")[:-1], "value": f"{e['file']}: {e['message']}"}
             for kind in ("input_errors", "failures", "damaged_cache") for e in summary[kind]]
    create_table_artifact(key=f"batch-{batch_id[:8]}", table=rows, description=f"sohoa batch {batch_id}")
    services.state.finish_batch(batch_id, summary=summary, input_errors=summary["input_errors"] + summary["failures"],
                                status=summary["status"])


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
    The volume is text as the book prints it ('01'). ``batch_id``: resume that batch (its done pages are
    skipped); without one, an unfinished batch of the same book from the same scans is resumed, else a new
    one starts. ``dask_address`` (or the setting): read pages on that Dask cluster instead of the local
    process pool."""
    logger = get_run_logger()
    settings = get_settings()
    services = connect(settings, registry_db_url=registry_db_url)
    book = BookKeys(authority=authority, book_type=book_type, year=year, volume=volume)
    files = scan_files(Path(source))
    batch_id, resumed = take_batch(services, book, files, batch_id)
    if remove_abandoned_work_folders(services, settings.work_dir):
        logger.info("removed the page images a killed run left in the work folder")
    logger.info("batch %s: %d file(s) for %s/%s/%s%s", batch_id, len(files), book_type, year, volume,
                " (resumed)" if resumed else "")
    run = BatchRun(services, book, batch_id, logger)
    work_dir = settings.work_dir / batch_id
    try:
        streams = run.ingest(files, work_dir)
        registry_rows = run.registry_rows()
        with page_executor(settings, services, dask_address, read_page) as executor:
            window = settings.page_window or 2 * executor.slots
            for page_no, result in enumerate(read_pages(services, executor, streams, window, run.stages,
                                                        run.problems, logger, run.is_done,
                                                        lambda sha: look_up_reading(services, sha)), start=1):
                run.settle_page(page_no, result, registry_rows)
        run.registry_only(registry_rows)
    except Exception as error:
        stop = services.outage(error) or full_disk(error, work_dir)
        if stop is None:
            raise
        raise run.end_incomplete(stop) from None
    finally:
        # Even when the run fails or is stopped: extracted pages are personal data (no task here, so a run
        # being cancelled still cleans up).
        remove_work_files.fn(work_dir)
    summary = run.summary()
    publish_summary(services, batch_id, summary)
    return summary


class BatchRun:
    """One run of a batch: what it has done so far, and the steps the flow takes in order."""

    def __init__(self, services: Services, book: BookKeys, batch_id: str, logger: Any) -> None:
        self.services, self.book, self.batch_id, self.logger = services, book, batch_id, logger
        self.settings = services.settings
        self.problems = Problems()
        self.stages: Counter = Counter()
        self.counts: Counter = Counter()
        self.entries: list[ExportedEntry] = []  # of the pages read, this run or before
        self.orphans: list[ExportedEntry] = []
        self.total_pages = self.pages_seen = self.pages_done = self.pages_skipped = 0
        self.done = services.ledger.done_pages(batch_id)
        self._earlier = {key: e for e in services.state.entries_for_batch(batch_id) if e.source.page is not None
                         for key in [_entry_key(e)]} if self.done else {}

    # 1. Ingest: keep every original first; its pages are extracted later, a window at a time.
    def ingest(self, files: list[Path], work_dir: Path) -> list[PageStream]:
        streams: list[PageStream] = []
        clock = time.perf_counter()
        for file in files:
            try:
                stored = store_original(self.services, file)
                # Pages come from a private copy that must be the bytes just stored as the original.
                streams.append(PageStream(file, work_dir, expected_sha256=stored["sha256"]))
            except Exception as error:  # noqa: BLE001 - one file never stops the batch (an outage does)
                if self.services.outage(error) or full_disk(error, work_dir):
                    raise
                self.problems.add(file, None, error if isinstance(error, SohoaInputError) else
                                  PageFailure(file, _why(error)), self.logger)
        self.stages["ingest"] += time.perf_counter() - clock
        self.total_pages = sum(stream.count for stream in streams)
        progress.report("pages", total=self.total_pages)
        return streams

    def registry_rows(self) -> list[dict[str, Any]]:
        try:
            return fetch_registry_rows(self.services, self.book)
        except Exception as error:
            outage = self.services.outage(error, database="registry")
            if outage is not None:
                raise outage from None
            raise

    def is_done(self, page: PageImage, page_sha: str) -> bool:
        """Whether an earlier run of this batch committed this page and its objects still match."""
        key = (page.source_sha256 or checksum(page.source_file), page.page_in_file)
        done = self.done.get(key)
        if done is None:
            return False
        if done.page_sha256 == page_sha and self.services.page_is_intact(done):
            entries = [self._earlier[k] for k in done.entry_keys if k in self._earlier]
            self.entries.extend(entries)
            self.counts.update(e.status.value for e in entries)
            self.pages_skipped += 1
            return True
        self.logger.warning("page %d of %s: its stored objects do not match the batch ledger; reading it again",
                            page.page_in_file, page.source_file.name)
        self.services.ledger.forget_page(self.batch_id, *key)
        return False

    # 2-7. Preprocess, locate, OCR in the workers; store, check and route here.
    def settle_page(self, page_no: int, result: PageResult, registry_rows: list[dict[str, Any]]) -> None:
        self.pages_seen = page_no
        page, outcome = result.page, result.outcome
        if outcome is None:  # done by an earlier run
            self.pages_done += 1
        elif isinstance(outcome, (SohoaInputError, PageFailure)):
            self.problems.add(page.source_file, page.page_in_file, outcome, self.logger)
        else:
            self._store_and_route(page_no, result, registry_rows)
            self.pages_done += 1
        progress.report("page_done", page=page_no)

    def _store_and_route(self, page_no: int, result: PageResult, registry_rows: list[dict[str, Any]]) -> None:
        page, outcome = result.page, result.outcome
        assert isinstance(outcome, PageOutcome)
        reading = outcome.reading or result.cached
        clock = time.perf_counter()
        key, page_object_sha = store_page(self.services, self.book, page, result.page_sha, outcome.png,
                                          outcome.reading)
        self.stages["storage"] += time.perf_counter() - clock
        clock = time.perf_counter()
        # 5-6. Normalize and cross-check.  7. Route, and mark the page done.
        # The pages before are settled by now (pages come in order), read this run or an earlier one: their
        # entries are self.entries.
        entries = normalize_and_check(self.book, reading, page_no, key, page.source_file.name, registry_rows,
                                      self.settings.min_field_confidence, checks.earlier_pages(self.entries, page_no))
        provenance = self.services.page_provenance(page, key, reading, result.page_sha)
        done = PageDone(page.source_sha256 or checksum(page.source_file), page.page_in_file, page_no, result.page_sha,
                        key, page_object_sha)
        entries = route_entries(self.services, self.batch_id, entries, provenance, done)
        self.stages["check_route"] += time.perf_counter() - clock
        self.counts.update(e.status.value for e in entries)
        self.entries.extend(entries)

    @property
    def all_read(self) -> bool:
        return not self.problems.input_errors and not self.problems.failures and self.pages_done == self.total_pages

    def registry_only(self, registry_rows: list[dict[str, Any]]) -> None:
        """Registry records no entry matched; with pages unread, only those within the entry numbers of the
        pages read (an unread page's records are not missing from the book)."""
        rows = registry_rows if self.all_read else rows_of_read_pages(registry_rows, self.entries)
        self.orphans = report_registry_only(self.services, self.batch_id, self.book, self.entries, rows)

    def summary(self) -> dict[str, Any]:
        flagged_by_reason = Counter(flag.code.value for e in self.entries + self.orphans
                                    for flag in _distinct_codes(e.flags))
        unread = max(self.total_pages, self.pages_seen) - self.pages_done
        return {
            "batch_id": self.batch_id,
            # finished: every page is done or its scan is bad; incomplete: a re-run has pages to do
            "status": "incomplete" if self.problems.failures or unread > self.problems.pages_with("input_errors")
            else "finished",
            "pages": max(self.total_pages, self.pages_seen),
            "pages_read": self.pages_done,
            "pages_resumed": self.pages_skipped,
            "entries": len(self.entries),
            "verified": self.counts["verified"],
            "flagged": self.counts["flagged"] + len(self.orphans),
            "registry_only": len(self.orphans),
            "flagged_by_reason": dict(flagged_by_reason),
            "input_errors": self.problems.input_errors,
            "failures": self.problems.failures,
            "damaged_cache": self.problems.damaged_cache,
            "records": self.services.records_location(self.book),
            "review_queue": self.services.review_queue_location(),
            # Seconds per stage: ingest, storage and check_route on this process's clock; preprocess, layout,
            # ocr and encode summed over the workers; wait is this process idle for a worker.
            "stage_seconds": {k: round(v, 2) for k, v in sorted(self.stages.items())},
        }

    def end_incomplete(self, cause: Exception) -> Exception:
        """An outage stopped the batch: it ends 'incomplete' (if the state database still answers; else its
        owner's pid tells a re-run that it stopped). Returns the error to stop with, naming the batch."""
        summary = self.summary() | {"status": "incomplete", "stopped_by": str(cause)}
        self.logger.error("batch %s stopped after %d of %d pages: %s", self.batch_id, self.pages_done,
                          self.total_pages, cause)
        try:
            self.services.state.finish_batch(self.batch_id, summary=summary,
                                             input_errors=summary["input_errors"] + summary["failures"],
                                             status="incomplete")
        except Exception:  # noqa: BLE001 - the state database may be the service that is down
            pass
        then = (f"batch {self.batch_id} is incomplete ({self.pages_done} of {self.total_pages} pages done): "
                f"run `sohoa resume {self.batch_id}` once it is back")
        if isinstance(cause, OSError):
            return OSError(cause.errno, f"{cause.strerror}; {then}", cause.filename)
        return type(cause)(f"{cause}; {then}")


def rows_of_read_pages(registry_rows: list[dict[str, Any]], entries: list[ExportedEntry]) -> list[dict[str, Any]]:
    """The registry rows whose entry number lies within the pages read: each read page's span of entry
    numbers, and the gap between two read pages that follow each other."""
    spans: dict[int, tuple[int, int]] = {}
    for e in entries:
        if e.source.page is not None and e.entry_no is not None:
            low, high = spans.get(e.source.page, (e.entry_no, e.entry_no))
            spans[e.source.page] = (min(low, e.entry_no), max(high, e.entry_no))
    covered = list(spans.values())
    covered += [(spans[p][1], spans[p + 1][0]) for p in spans if p + 1 in spans]
    return [row for row in registry_rows if isinstance(row.get("entry_no"), int)
            and any(low <= row["entry_no"] <= high for low, high in covered)]


def _entry_key(entry: ExportedEntry) -> str:
    from storage.state import entry_key

    return entry_key(entry)


def _why(error: Exception) -> str:
    """A failure's reason for the summary: the error's type and the file it names, never contents."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror}"
    if isinstance(error, ObjectConflictError):
        return str(error)
    return f"failed with {type(error).__name__}"


def _distinct_codes(flags: list[Flag]) -> list[Flag]:
    seen: dict[FlagCode, Flag] = {}
    for f in flags:
        seen.setdefault(f.code, f)
    return list(seen.values())
