"""The batch ledger: which pages of a batch are done, and which process runs the batch.

    batch_pages   one row per page whose outcome is committed: its entries, their records' and page image's
                  checksums; written in the same transaction as the page's entries and review items, after
                  the page's objects are stored, so a killed run leaves each page either done or not started
    batch_owners  the process that runs a batch (host, pid, heartbeat) and the checksum of its sources: a
                  batch left 'running' by a killed process is told from one that runs, and a re-run of the
                  same scans finds the batch it should resume

One item per entry: when a page's flagged entry opens a review item, the open items of other batches of the
same book for the same entry number are superseded (kept, with the batch that superseded them).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, and_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.errors import StateError
from storage.keys import volume_text
from storage.state import (BatchRow, EntryRow, JsonType, ReviewItemRow, StateBase, StateStore, _now, _utc,
                           open_review_item_in, save_entry_in)
from validation.schema import BookKeys, EntryStatus, ExportedEntry

SUPERSEDED = "superseded"


class BatchPageRow(StateBase):
    __tablename__ = "batch_pages"
    __table_args__ = (UniqueConstraint("batch_id", "source_sha256", "page_in_file", name="uq_batch_pages_page"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), index=True)
    source_sha256: Mapped[str] = mapped_column(String(64))
    page_in_file: Mapped[int] = mapped_column(Integer)
    page_no: Mapped[int] = mapped_column(Integer)  # the page's number in the batch
    page_sha256: Mapped[str] = mapped_column(String(64))
    page_key: Mapped[str] = mapped_column(Text)
    page_object_sha256: Mapped[str] = mapped_column(String(64))
    records: Mapped[dict[str, str]] = mapped_column(JsonType)  # record key -> its object's SHA-256
    entry_keys: Mapped[list[str]] = mapped_column(JsonType)
    committed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class BatchOwnerRow(StateBase):
    __tablename__ = "batch_owners"

    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.batch_id"), primary_key=True)
    sources_sha256: Mapped[str] = mapped_column(String(64), index=True)
    host: Mapped[str] = mapped_column(Text)
    pid: Mapped[int] = mapped_column(Integer)
    flow_run_id: Mapped[str | None] = mapped_column(String(36))  # the Prefect flow run, when it runs in one
    heartbeat_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass(frozen=True)
class PageDone:
    """A page's committed outcome, as the ledger holds it."""

    source_sha256: str
    page_in_file: int
    page_no: int
    page_sha256: str
    page_key: str
    page_object_sha256: str
    records: dict[str, str] = field(default_factory=dict)
    entry_keys: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Owner:
    host: str
    pid: int
    heartbeat_at: dt.datetime
    sources_sha256: str
    flow_run_id: str | None = None


def sources_digest(source_checksums: Iterable[str]) -> str:
    """One checksum for a batch's sources: the same scans (in any order, under any names) give the same one."""
    return hashlib.sha256("\n".join(sorted(source_checksums)).encode("ascii")).hexdigest()


class BatchLedger:
    def __init__(self, state: StateStore) -> None:
        self.state = state
        self.engine = state.engine

    def create_schema(self) -> None:
        StateBase.metadata.create_all(self.engine, tables=[BatchPageRow.__table__, BatchOwnerRow.__table__])

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- owners ------------------------------------------------------------------------------------

    def owner(self, batch_id: str) -> Owner | None:
        with self._session() as session:
            row = session.get(BatchOwnerRow, batch_id)
            return None if row is None else Owner(row.host, row.pid, _utc(row.heartbeat_at), row.sources_sha256,
                                                  row.flow_run_id)

    def take_over(self, batch_id: str, host: str, pid: int, sources_sha256: str,
                  flow_run_id: str | None = None) -> None:
        """Make (host, pid) the batch's owner and mark it running again. The caller has checked that no
        other live process owns it; scans other than the batch's own are refused (page numbers would shift)."""
        with self._session() as session, session.begin():
            batch = session.get(BatchRow, batch_id)
            if batch is None:
                raise StateError(f"no batch {batch_id}")
            row = session.get(BatchOwnerRow, batch_id)
            if row is None:
                session.add(BatchOwnerRow(batch_id=batch_id, sources_sha256=sources_sha256, host=host, pid=pid,
                                          flow_run_id=flow_run_id))
            else:
                if row.sources_sha256 != sources_sha256:
                    raise StateError(f"batch {batch_id} was made from other scans; give no --batch-id to start "
                                     "a new batch for these")
                row.host, row.pid, row.flow_run_id, row.heartbeat_at = host, pid, flow_run_id, _now()
            batch.status, batch.finished_at = "running", None

    def unfinished_batch(self, book: BookKeys, sources_sha256: str) -> str | None:
        """The newest batch of this book, from these same scans, that did not finish (left running by a
        killed process, or incomplete after an outage)."""
        query = (select(BatchRow.batch_id)
                 .join(BatchOwnerRow, BatchOwnerRow.batch_id == BatchRow.batch_id)
                 .where(BatchOwnerRow.sources_sha256 == sources_sha256, BatchRow.status.in_(["running", "incomplete"]),
                        BatchRow.authority == book.authority, BatchRow.book_type == book.book_type,
                        BatchRow.year == book.year, BatchRow.volume == volume_text(book.volume))
                 .order_by(BatchRow.created_at.desc()).limit(1))
        with self._session() as session:
            return session.scalar(query)

    # --- pages -------------------------------------------------------------------------------------

    def done_pages(self, batch_id: str) -> dict[tuple[str, int], PageDone]:
        """The batch's committed pages by (source checksum, page in file)."""
        with self._session() as session:
            rows = session.scalars(select(BatchPageRow).where(BatchPageRow.batch_id == batch_id))
            return {(r.source_sha256, r.page_in_file): _page_done(r) for r in rows}

    def forget_page(self, batch_id: str, source_sha256: str, page_in_file: int) -> None:
        """Drop a page from the ledger (its stored objects failed verification): it is read again. Its entries
        stay, and are saved again (same keys) when it is."""
        with self._session() as session, session.begin():
            row = session.scalar(select(BatchPageRow).where(
                BatchPageRow.batch_id == batch_id, BatchPageRow.source_sha256 == source_sha256,
                BatchPageRow.page_in_file == page_in_file))
            if row is not None:
                session.delete(row)

    def commit_entries(self, batch_id: str, routed: Sequence[tuple[ExportedEntry, str | None]],
                       page: PageDone | None = None) -> list[str]:
        """Save the entries (with their record keys), open a review item for each flagged one (superseding
        other batches' open items for the same entry of the book), and mark ``page`` done, in one transaction.
        Returns the entry keys."""
        with self._session() as session, session.begin():
            batch = session.get(BatchRow, batch_id)
            if batch is None:
                raise StateError(f"no batch {batch_id}")
            keys = []
            for entry, record_key in routed:
                key = save_entry_in(session, batch_id, entry, record_key)
                keys.append(key)
                if entry.status == EntryStatus.FLAGGED:
                    open_review_item_in(session, batch_id, key, [f.code.value for f in entry.flags])
            _supersede(session, batch, [e.entry_no for e, _ in routed if e.entry_no is not None])
            if page is not None:
                existing = session.scalar(select(BatchPageRow).where(
                    BatchPageRow.batch_id == batch_id, BatchPageRow.source_sha256 == page.source_sha256,
                    BatchPageRow.page_in_file == page.page_in_file))
                if existing is not None:
                    session.delete(existing)
                    session.flush()
                session.add(BatchPageRow(
                    batch_id=batch_id, source_sha256=page.source_sha256, page_in_file=page.page_in_file,
                    page_no=page.page_no, page_sha256=page.page_sha256, page_key=page.page_key,
                    page_object_sha256=page.page_object_sha256, records=dict(page.records), entry_keys=keys))
            owner = session.get(BatchOwnerRow, batch_id)
            if owner is not None:
                owner.heartbeat_at = _now()
            return keys


def _supersede(session: Session, batch: BatchRow, entry_nos: list[int]) -> None:
    """Open review items of other batches of this book for these entry numbers: this batch read those entries
    again, so its reading is the one to review. The old items stay (history), marked superseded."""
    if not entry_nos:
        return
    stale = session.scalars(
        select(ReviewItemRow)
        .join(EntryRow, and_(EntryRow.batch_id == ReviewItemRow.batch_id, EntryRow.entry_key == ReviewItemRow.entry_key))
        .where(ReviewItemRow.state == "open", ReviewItemRow.batch_id != batch.batch_id,
               EntryRow.authority == batch.authority, EntryRow.book_type == batch.book_type,
               EntryRow.year == batch.year, EntryRow.volume == batch.volume,
               EntryRow.entry_no.in_(sorted(set(entry_nos)))))
    now = _now()
    for item in stale:
        item.state, item.resolved_at = SUPERSEDED, now
        item.resolution = {"superseded_by_batch": batch.batch_id}


def _page_done(row: BatchPageRow) -> PageDone:
    return PageDone(row.source_sha256, row.page_in_file, row.page_no, row.page_sha256, row.page_key,
                    row.page_object_sha256, dict(row.records or {}), list(row.entry_keys or []))


def owner_is_stale(owner: Owner, *, host: str, pid_alive: Any, stale_after: dt.timedelta) -> bool:
    """Whether the recorded owner has stopped: its process is gone (same host), or it has not been heard of
    for ``stale_after`` (another host)."""
    if owner.host == host:
        return not pid_alive(owner.pid)
    return _now() - owner.heartbeat_at > stale_after
