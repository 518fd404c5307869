"""The connections a flow run needs, built once from the settings: object store, registry, state, OCR engine.

Thin adapters only: which bucket and key a thing goes to, in the words of storage/.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import cv2

from ocr.engine import OcrEngine
from ocr.ingest import PageImage, sha256_file
from ocr.preprocess import PreparedPage
from ocr.read import OCR_CODE_VERSION, PageReading, page_reading_from_dict, page_reading_to_dict
from ocr.tesserocr_engine import make_engine
from sohoa import __version__
from sohoa.settings import Settings
from storage import keys
from storage.errors import ObjectConflictError, ObjectIntegrityError, StorageUnavailableError
from storage.fixity import ObjectLedger
from storage.ledger import BatchLedger, PageDone
from storage.objects import ObjectStore
from storage.registry import RegistryReader
from storage.state import StateStore
from validation.records import record_body
from validation.schema import BookKeys, EntryStatus, ExportedEntry, Flag, FlagCode

PIPELINE_VERSION = f"sohoa/{__version__}"
#: S3 error codes of a server that is there but cannot serve (restarting, overloaded, its volumes gone).
_S3_OUTAGE_CODES = {"ServiceUnavailable", "InternalError", "SlowDown", "RequestTimeout", "XMinioServerNotInitialized"}


@lru_cache(maxsize=4096)
def _sha256_of(path: Path, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def checksum(path: Path) -> str:
    """SHA-256 of a file, computed once per file version: every page of a PDF names the same source."""
    stat = path.stat()
    return _sha256_of(path.resolve(), stat.st_size, stat.st_mtime_ns)


@dataclass
class Services:
    settings: Settings
    objects: ObjectStore
    registry: RegistryReader
    state: StateStore
    engine: OcrEngine
    ledger: BatchLedger | None = None
    registry_url: str = ""

    # --- ingest ---
    def store_original(self, source: Path) -> dict[str, str]:
        digest = checksum(source)
        key = keys.original_key(digest, source.name)
        self.objects.put_file(
            self.settings.bucket_originals, key, source, content_type=_content_type(source),
            metadata={"source-file": keys.ascii_safe(source.name)},
        )
        return {"sha256": digest, "key": key}

    # --- pages ---
    def store_page_image(self, book: BookKeys, page: PageImage, prepared: PreparedPage) -> str:
        """The upright, deskewed page as PNG: entry bounding boxes refer to this image."""
        ok, png = cv2.imencode(".png", prepared.gray)
        if not ok:
            raise RuntimeError(f"could not encode page {page.page_in_file} of {page.source_file}")
        return self.store_page_png(book, page, png.tobytes(), checksum(page.path))

    def store_page_png(self, book: BookKeys, page: PageImage, png: bytes, page_sha: str) -> str:
        """The upright page's PNG (encoded by the worker that prepared it) under the page file's checksum."""
        key = keys.page_key(self.book_prefix(book), page_sha, "prepared.png")
        self.objects.put_bytes(
            self.settings.bucket_pages, key, png, content_type="image/png",
            metadata={"source-file": keys.ascii_safe(page.source_file.name), "page": str(page.page_in_file),
                      "source-page-sha256": page_sha, "pipeline-version": PIPELINE_VERSION},
        )
        return key

    def cached_reading(self, page: PageImage, read: Callable[[], PageReading]) -> PageReading:
        """OCR output is kept in the OCR bucket, keyed by page checksum, engine, reading code and pipeline
        version: a re-run of the same page reads it back instead of running the engine again, and a change
        to any of them reads the page anew."""
        page_sha = checksum(page.path)
        found = self.cached(page_sha)
        if found is not None:
            return found
        reading = read()
        self.cache_reading(page_sha, reading)
        return reading

    def _ocr_key(self, page_sha: str) -> str:
        return keys.ocr_key(page_sha, self.engine.version(), OCR_CODE_VERSION, PIPELINE_VERSION)

    def has_cached(self, page_sha: str) -> bool:
        return self.objects.stat(self.settings.bucket_ocr, self._ocr_key(page_sha)) is not None

    def cached(self, page_sha: str) -> PageReading | None:
        key = self._ocr_key(page_sha)
        if self.objects.stat(self.settings.bucket_ocr, key) is None:
            return None
        return page_reading_from_dict(self.objects.get_json(self.settings.bucket_ocr, key))

    def checked_cache(self, page_sha: str) -> tuple[PageReading | None, str | None]:
        """The cached reading of a page, checked against its stored checksum; (None, why) when the cached
        object does not match it (the page is to be read again, and the damage reported)."""
        try:
            return self.cached(page_sha), None
        except ObjectIntegrityError as error:
            return None, str(error)

    def cache_reading(self, page_sha: str, reading: PageReading) -> None:
        try:
            self.objects.put_json(self.settings.bucket_ocr, self._ocr_key(page_sha), page_reading_to_dict(reading))
        except ObjectConflictError:
            # A damaged cache object under this key: it is never overwritten (the audit shows it); the page
            # is read again on each run until it is removed.
            pass

    def page_provenance(self, page: PageImage, page_key: str, reading: PageReading,
                        page_sha: str | None = None) -> dict[str, Any]:
        # The source is named by its content (the original's key; its file name is kept in that object's
        # metadata), so the same scan under another name gives the same record, byte for byte.
        # The checksum of the bytes the page came from (the page stream's private copy), not of the file as
        # it is now: it may have changed or gone since.
        source_sha = page.source_sha256 or checksum(page.source_file)
        return {
            "source_object_key": keys.original_key(source_sha, page.source_file.name),
            "source_sha256": source_sha,
            "page_in_file": page.page_in_file,
            "page_object_key": page_key,
            "page_sha256": page_sha or checksum(page.path),
            "layout": reading.layout,
            "ocr_engine": reading.engine,
            "skew_degrees": round(reading.skew_degrees, 2),
            "rotated_180": reading.rotated_180,
            "pipeline_version": PIPELINE_VERSION,
        }

    # --- routing ---
    def store_records(self, entries: list[ExportedEntry], provenance: dict[str, Any]
                      ) -> list[tuple[ExportedEntry, str | None, str | None]]:
        """Each verified entry's record into the records bucket (a stored-record conflict flags the entry
        instead); returns (entry as routed, record key, record SHA-256) for the state database."""
        routed = []
        for position, entry in enumerate(entries, start=1):
            record_key = record_sha = None
            if entry.status == EntryStatus.VERIFIED:
                record_key = keys.record_key(self.book_prefix(entry), entry.entry_no)
                body = record_body(entry, provenance | {"position_on_page": position})
                try:
                    record_sha = self.objects.put_json(self.settings.bucket_records, record_key, body).sha256
                except ObjectConflictError:
                    # An earlier run stored a different record for this entry. Neither is overwritten:
                    # a reviewer decides which one the book supports.
                    entry = _conflicted(entry, record_key)
                    record_key = None
            routed.append((entry, record_key, record_sha))
        return routed

    def route(self, batch_id: str, entries: list[ExportedEntry], provenance: dict[str, Any],
              page: PageDone | None = None) -> list[ExportedEntry]:
        """Store each entry where it belongs: records first, then the entries, their review items and the
        page's ledger line in one transaction (a page is done once that commits). Returns them as routed."""
        routed = self.store_records(entries, provenance)
        if page is not None:
            page = replace(page, records={key: sha for _, key, sha in routed if key and sha})
        self.ledger.commit_entries(batch_id, [(entry, key) for entry, key, _ in routed], page)
        return [entry for entry, _, _ in routed]

    def page_is_intact(self, page: PageDone) -> bool:
        """Whether a page the ledger calls done still has its page image and records in the buckets, each
        with the checksum the ledger holds."""
        stored = self.objects.stat(self.settings.bucket_pages, page.page_key)
        if stored is None or stored.sha256 != page.page_object_sha256:
            return False
        for key, sha in page.records.items():
            record = self.objects.stat(self.settings.bucket_records, key)
            if record is None or record.sha256 != sha:
                return False
        return True

    # --- outages ---
    def outage(self, error: BaseException, database: str = "state database") -> StorageUnavailableError | None:
        """The service error behind ``error`` when it is an outage (object storage or a database that does
        not answer), named by its service; None for anything else. A storage outage is never a scan's fault."""
        from minio.error import S3Error, ServerError
        from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
        from urllib3.exceptions import HTTPError

        from storage.db import reason, redacted

        if isinstance(error, StorageUnavailableError):
            return error
        scheme = "https" if self.settings.s3_secure else "http"
        if isinstance(error, (HTTPError, ServerError, ConnectionError)) or (
                isinstance(error, S3Error) and error.code in _S3_OUTAGE_CODES):
            return StorageUnavailableError(f"object storage does not answer at {scheme}://{self.settings.s3_endpoint}")
        if isinstance(error, (OperationalError, InterfaceError)) or (
                isinstance(error, DBAPIError) and error.connection_invalidated):
            url = self.state.db_url if database == "state database" else self.registry_url
            return StorageUnavailableError(f"the {database} at {redacted(url)} cannot be used: {reason(error)}")
        return None

    def book_prefix(self, book: BookKeys | ExportedEntry) -> str:
        return keys.book_prefix(book.authority, book.book_type, book.year, book.volume)

    def records_location(self, book: BookKeys) -> str:
        scheme = "https" if self.settings.s3_secure else "http"
        return f"s3://{self.settings.bucket_records}/{self.book_prefix(book)}/ (endpoint {scheme}://{self.settings.s3_endpoint})"

    def review_queue_location(self) -> str:
        return _redact_url(self.settings.resolved_state_db_url) + " (table review_items)"


def _conflicted(entry: ExportedEntry, record_key: str) -> ExportedEntry:
    flag = Flag(code=FlagCode.RULE_VIOLATION, detail=f"a different record is already stored at {record_key}; "
                "nothing was overwritten")
    return entry.model_copy(update={"status": EntryStatus.FLAGGED, "flags": [*entry.flags, flag]})


def _redact_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _content_type(path: Path) -> str:
    return {
        ".pdf": "application/pdf", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
        ".tif": "image/tiff", ".tiff": "image/tiff",
    }.get(path.suffix.lower(), "application/octet-stream")


def connect(settings: Settings, registry_db_url: str | None = None) -> Services:
    objects = ObjectStore(
        settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value(),
        secure=settings.s3_secure, region=settings.s3_region, ledger=ObjectLedger(settings.resolved_state_db_url),
    )
    objects.ensure_buckets([settings.bucket_ocr])  # a cache: not locked
    objects.ensure_locked_buckets([settings.bucket_originals, settings.bucket_pages, settings.bucket_records],
                                  settings.object_lock_days, allow_unlocked=settings.allow_unlocked_storage)
    state = StateStore(settings.resolved_state_db_url)
    state.create_schema()
    ledger = BatchLedger(state)
    ledger.create_schema()
    registry_url = registry_db_url or settings.resolved_registry_db_url
    return Services(
        settings=settings,
        objects=objects,
        registry=RegistryReader(registry_url),
        state=state,
        # The flow only names the engine (cache keys); its workers load the model and read.
        engine=make_engine(settings.ocr_engine, settings.tesseract_lang, settings.tessdata_dir, load=False),
        ledger=ledger,
        registry_url=registry_url,
    )
