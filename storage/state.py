"""sohoa's own state: batches, their entries and the review queue (SQLite file or PostgreSQL, by URL).

    batches           one row per digitization run of one book's scans
    entries           every entry a batch produced (verified, flagged or resolved), idempotent per entry key
    review_items      one per flagged entry: why (reason codes), open/resolved, the latest decision
    review_decisions  every reviewer decision, append-only: never updated, never deleted

Rows hold personal data (fields, flags); this module never logs them and its errors name only ids and keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from storage.db import make_engine
from storage.errors import StateError
from storage.keys import same_volume, volume_text
from validation.schema import BookKeys, EntrySource, EntryStatus, ExportedEntry, Flag

JsonType = JSON().with_variant(JSONB(), "postgresql")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class StateBase(DeclarativeBase):
    pass


class BatchRow(StateBase):
    __tablename__ = "batches"

    batch_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    authority: Mapped[str] = mapped_column(Text)
    book_type: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    volume: Mapped[str] = mapped_column(Text)  # as the book prints it: '01'
    layout: Mapped[str | None] = mapped_column(Text)
    source_files: Mapped[list[str]] = mapped_column(JsonType)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(Text, default="running")
    pipeline_version: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    input_errors: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonType)


class EntryRow(StateBase):
    __tablename__ = "entries"
    __table_args__ = (
        UniqueConstraint("batch_id", "entry_key", name="uq_entries_batch_entry_key"),
        Index("ix_entries_book_entry", "authority", "book_type", "year", "volume", "entry_no"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(200))
    authority: Mapped[str] = mapped_column(Text)
    book_type: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    volume: Mapped[str] = mapped_column(Text)  # as the book prints it: '01'
    entry_no: Mapped[int | None] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(Text)
    fields: Mapped[dict[str, Any]] = mapped_column(JsonType)  # the book's text per field
    # Normalized values, raw OCR readings and repairs (ExportedEntry.values/raw/repairs); null in rows
    # written before they existed.
    field_values: Mapped[dict[str, Any] | None] = mapped_column(JsonType, nullable=True)
    raw_readings: Mapped[dict[str, Any] | None] = mapped_column(JsonType, nullable=True)
    repairs: Mapped[dict[str, str] | None] = mapped_column(JsonType, nullable=True)
    confidence: Mapped[dict[str, float]] = mapped_column(JsonType)
    flags: Mapped[list[dict[str, Any]]] = mapped_column(JsonType)
    source: Mapped[dict[str, Any]] = mapped_column(JsonType)
    record_key: Mapped[str | None] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ReviewItemRow(StateBase):
    __tablename__ = "review_items"
    __table_args__ = (UniqueConstraint("batch_id", "entry_key", name="uq_review_items_batch_entry_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    entry_key: Mapped[str] = mapped_column(String(200))
    reasons: Mapped[list[str]] = mapped_column(JsonType)
    state: Mapped[str] = mapped_column(Text, default="open", index=True)
    reviewer: Mapped[str | None] = mapped_column(Text)
    resolution: Mapped[dict[str, Any] | None] = mapped_column(JsonType)
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class ReviewDecisionRow(StateBase):
    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_item_id: Mapped[int] = mapped_column(ForeignKey("review_items.id"), index=True)
    reviewer: Mapped[str] = mapped_column(Text)
    resolution: Mapped[dict[str, Any]] = mapped_column(JsonType)
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


# --- what callers get back ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Batch:
    batch_id: str
    book: BookKeys
    layout: str | None
    source_files: list[str]
    created_at: dt.datetime
    finished_at: dt.datetime | None
    status: str
    pipeline_version: str
    summary: dict[str, Any] | None
    input_errors: list[dict[str, Any]] | None


@dataclass(frozen=True)
class ReviewItem:
    id: int
    batch_id: str
    entry_key: str
    reasons: list[str]
    state: str
    reviewer: str | None
    resolution: dict[str, Any] | None
    opened_at: dt.datetime
    resolved_at: dt.datetime | None


@dataclass(frozen=True)
class ReviewDecision:
    id: int
    review_item_id: int
    reviewer: str
    resolution: dict[str, Any]
    decided_at: dt.datetime


def entry_key(entry: ExportedEntry) -> str:
    """A deterministic key for an entry within its batch: page and entry number for reading, plus a hash of
    where it was read (source file, page, bounding box), or, for a registry-only line (no page), of its flags'
    details (which name the registry record)."""
    if entry.source.page is not None:
        basis: Any = [entry.source.source_file, entry.source.page, entry.source.bbox, entry.entry_no]
    else:
        basis = ["registry", entry.entry_no, [f.detail for f in entry.flags]]
    digest = hashlib.sha256(json.dumps(basis, ensure_ascii=False).encode("utf-8")).hexdigest()[:12]
    page = f"p{entry.source.page:04d}" if entry.source.page is not None else "registry"
    number = f"n{entry.entry_no:05d}" if entry.entry_no is not None else "n-"
    return f"{page}-{number}-{digest}"


def _checksum(entry: ExportedEntry) -> str:
    """SHA-256 over the entry's canonical JSON, status excluded (a review may change the status only)."""
    body = entry.model_dump(mode="json", exclude={"status"})
    return hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


def _add_missing_entry_columns(engine: Any) -> None:
    """ALTER TABLE … ADD COLUMN for the nullable JSON columns of ``entries`` added since a database was made."""
    from sqlalchemy import inspect

    present = {c["name"] for c in inspect(engine).get_columns(EntryRow.__tablename__)}
    with engine.begin() as connection:
        for name in ("field_values", "raw_readings", "repairs"):
            if name not in present:
                column_type = EntryRow.__table__.c[name].type.compile(dialect=engine.dialect)
                connection.exec_driver_sql(f"ALTER TABLE {EntryRow.__tablename__} ADD COLUMN {name} {column_type}")


# --- the store ---------------------------------------------------------------------------------------

class StateStore:
    """Batches, entries and the review queue in one database (``sqlite:///…`` or ``postgresql+psycopg://…``)."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self.engine = make_engine(db_url, wal=True)

    def create_schema(self) -> None:
        """Create the tables that do not exist yet, and add the nullable entry columns a database made
        before them lacks (never drops, never changes a column)."""
        StateBase.metadata.create_all(self.engine)
        _add_missing_entry_columns(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- batches -----------------------------------------------------------------------------------

    def create_batch(self, book: BookKeys, sources: Sequence[str], batch_id: str | None = None,
                     pipeline_version: str = "", layout: str | None = None) -> str:
        """Record a new batch and return its id (a UUID). Given an existing id for the same book (a retried
        flow run), returns it unchanged."""
        try:
            batch_id = str(uuid.UUID(batch_id)) if batch_id else str(uuid.uuid4())
        except ValueError:
            raise StateError(f"batch id {batch_id!r} is not a UUID") from None
        with self._session() as session, session.begin():
            existing = session.get(BatchRow, batch_id)
            if existing is not None:
                if (existing.authority, existing.book_type, existing.year) != (
                        book.authority, book.book_type, book.year) or not same_volume(existing.volume, book.volume):
                    raise StateError(f"batch {batch_id} already exists for another book")
                return batch_id
            session.add(BatchRow(
                batch_id=batch_id, authority=book.authority, book_type=book.book_type, year=book.year,
                volume=volume_text(book.volume), layout=layout, source_files=list(sources), status="running",
                pipeline_version=pipeline_version,
            ))
        return batch_id

    def finish_batch(self, batch_id: str, summary: dict[str, Any], input_errors: list[dict[str, Any]],
                     status: str = "finished") -> None:
        with self._session() as session, session.begin():
            row = self._batch_row(session, batch_id)
            row.summary = summary
            row.input_errors = input_errors
            row.status = status
            row.finished_at = _now()

    def get_batch(self, batch_id: str) -> Batch | None:
        with self._session() as session:
            row = session.get(BatchRow, batch_id)
            return _batch(row) if row is not None else None

    def list_batches(self) -> list[Batch]:
        """Every batch, newest first."""
        with self._session() as session:
            rows = session.scalars(select(BatchRow).order_by(BatchRow.created_at.desc(), BatchRow.batch_id))
            return [_batch(row) for row in rows]

    # --- entries -----------------------------------------------------------------------------------

    def save_entry(self, batch_id: str, entry: ExportedEntry, record_key: str | None = None,
                   key: str | None = None) -> str:
        """Store one entry of a batch and return its entry key. Saving the same entry again (a retried task)
        changes nothing; new content for the same key replaces the old, but a reviewer's 'resolved' stays."""
        with self._session() as session, session.begin():
            self._batch_row(session, batch_id)
            return save_entry_in(session, batch_id, entry, record_key, key)

    def entries_for_batch(self, batch_id: str) -> list[ExportedEntry]:
        """Every entry of a batch in the order it was saved, as export.jsonl lines (``sohoa export``)."""
        with self._session() as session:
            rows = session.scalars(select(EntryRow).where(EntryRow.batch_id == batch_id).order_by(EntryRow.id))
            return [_exported(row) for row in rows]

    def entry(self, batch_id: str, key: str) -> ExportedEntry | None:
        with self._session() as session:
            row = session.scalar(select(EntryRow).where(EntryRow.batch_id == batch_id, EntryRow.entry_key == key))
            return _exported(row) if row is not None else None

    def record_key_for(self, batch_id: str, entry_no: int) -> str | None:
        """The object key of the stored record of entry ``entry_no`` in this batch, if it was stored."""
        with self._session() as session:
            return session.scalar(
                select(EntryRow.record_key)
                .where(EntryRow.batch_id == batch_id, EntryRow.entry_no == entry_no, EntryRow.record_key.is_not(None))
                .order_by(EntryRow.id).limit(1)
            )

    # --- review queue ------------------------------------------------------------------------------

    def open_review_item(self, batch_id: str, entry_key: str, reasons: Sequence[str]) -> ReviewItem:
        """Put an entry in the review queue with its reason codes; opening it again returns the same item."""
        with self._session() as session, session.begin():
            return _review_item(open_review_item_in(session, batch_id, entry_key, reasons))

    def list_review_items(self, state: str | None = "open", batch_id: str | None = None) -> list[ReviewItem]:
        """Review items by state ('open', 'resolved', or None for all), oldest first."""
        query = select(ReviewItemRow).order_by(ReviewItemRow.id)
        if state is not None:
            query = query.where(ReviewItemRow.state == state)
        if batch_id is not None:
            query = query.where(ReviewItemRow.batch_id == batch_id)
        with self._session() as session:
            return [_review_item(row) for row in session.scalars(query)]

    def resolve_review_item(self, item_id: int, reviewer: str, resolution: dict[str, Any]) -> ReviewItem:
        """Record a reviewer's decision (e.g. what the book says); the item and its entry become resolved.
        Deciding again adds a decision; earlier decisions are kept (see review_history)."""
        if not reviewer:
            raise StateError("a review decision needs a reviewer")
        with self._session() as session, session.begin():
            item = session.get(ReviewItemRow, item_id)
            if item is None:
                raise StateError(f"no review item {item_id}")
            decided = _now()
            session.add(ReviewDecisionRow(review_item_id=item.id, reviewer=reviewer, resolution=resolution,
                                          decided_at=decided))
            item.state, item.reviewer, item.resolution, item.resolved_at = "resolved", reviewer, resolution, decided
            entry = session.scalar(select(EntryRow).where(EntryRow.batch_id == item.batch_id,
                                                          EntryRow.entry_key == item.entry_key))
            if entry is not None:
                entry.status, entry.updated_at = EntryStatus.RESOLVED.value, decided
            session.flush()
            return _review_item(item)

    def review_history(self, item_id: int) -> list[ReviewDecision]:
        """Every decision taken on a review item, oldest first."""
        with self._session() as session:
            rows = session.scalars(select(ReviewDecisionRow).where(ReviewDecisionRow.review_item_id == item_id)
                                   .order_by(ReviewDecisionRow.id))
            return [ReviewDecision(r.id, r.review_item_id, r.reviewer, r.resolution, r.decided_at) for r in rows]

    # --- helpers -----------------------------------------------------------------------------------

    @staticmethod
    def _batch_row(session: Session, batch_id: str) -> BatchRow:
        row = session.get(BatchRow, batch_id)
        if row is None:
            raise StateError(f"no batch {batch_id}")
        return row



# --- writes inside a caller's transaction (the batch ledger commits a page's entries in one) -------------

def save_entry_in(session: Session, batch_id: str, entry: ExportedEntry, record_key: str | None = None,
                  key: str | None = None) -> str:
    """StateStore.save_entry's work, in ``session``'s transaction."""
    key = key or entry_key(entry)
    checksum = _checksum(entry)
    row = session.scalar(select(EntryRow).where(EntryRow.batch_id == batch_id, EntryRow.entry_key == key))
    if row is None:
        session.add(EntryRow(
            batch_id=batch_id, entry_key=key, authority=entry.authority, book_type=entry.book_type,
            year=entry.year, volume=volume_text(entry.volume), entry_no=entry.entry_no, page=entry.source.page,
            status=entry.status.value, fields=entry.fields, field_values=entry.values,
            raw_readings=entry.raw, repairs=entry.repairs, confidence=entry.confidence,
            flags=[f.model_dump(mode="json") for f in entry.flags], source=entry.source.model_dump(mode="json"),
            record_key=record_key, checksum=checksum,
        ))
        session.flush()
    elif row.checksum != checksum or row.record_key != record_key or (
            row.status != entry.status.value and row.status != EntryStatus.RESOLVED.value):
        row.entry_no, row.page = entry.entry_no, entry.source.page
        row.fields, row.confidence = entry.fields, entry.confidence
        row.field_values, row.raw_readings, row.repairs = entry.values, entry.raw, entry.repairs
        row.flags = [f.model_dump(mode="json") for f in entry.flags]
        row.source = entry.source.model_dump(mode="json")
        row.record_key, row.checksum, row.updated_at = record_key, checksum, _now()
        if row.status != EntryStatus.RESOLVED.value:
            row.status = entry.status.value
    return key


def open_review_item_in(session: Session, batch_id: str, entry_key: str, reasons: Sequence[str]) -> ReviewItemRow:
    """StateStore.open_review_item's work, in ``session``'s transaction."""
    row = session.scalar(select(ReviewItemRow).where(
        ReviewItemRow.batch_id == batch_id, ReviewItemRow.entry_key == entry_key))
    if row is None:
        if session.scalar(select(EntryRow.id).where(EntryRow.batch_id == batch_id,
                                                    EntryRow.entry_key == entry_key)) is None:
            raise StateError(f"batch {batch_id} has no entry {entry_key}")
        row = ReviewItemRow(batch_id=batch_id, entry_key=entry_key, reasons=sorted(set(reasons)), state="open")
        session.add(row)
        session.flush()
    return row


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands timestamps back without a zone; they were stored in UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def _batch(row: BatchRow) -> Batch:
    return Batch(
        batch_id=row.batch_id,
        book=BookKeys(authority=row.authority, book_type=row.book_type, year=row.year, volume=row.volume),
        layout=row.layout, source_files=list(row.source_files or []), created_at=_utc(row.created_at),
        finished_at=_utc(row.finished_at), status=row.status, pipeline_version=row.pipeline_version,
        summary=row.summary, input_errors=row.input_errors,
    )


def _review_item(row: ReviewItemRow) -> ReviewItem:
    return ReviewItem(
        id=row.id, batch_id=row.batch_id, entry_key=row.entry_key, reasons=list(row.reasons), state=row.state,
        reviewer=row.reviewer, resolution=row.resolution, opened_at=_utc(row.opened_at),
        resolved_at=_utc(row.resolved_at),
    )


def _exported(row: EntryRow) -> ExportedEntry:
    return ExportedEntry(
        authority=row.authority, book_type=row.book_type, year=row.year, volume=row.volume, entry_no=row.entry_no,
        fields=row.fields, values=row.field_values or {}, raw=row.raw_readings or {}, repairs=row.repairs or {},
        status=EntryStatus(row.status), flags=[Flag.model_validate(f) for f in row.flags],
        source=EntrySource.model_validate(row.source), confidence=row.confidence,
    )
