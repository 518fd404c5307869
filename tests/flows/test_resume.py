"""Resuming a batch from its ledger, one review item per entry, and the registry-only step of a batch with
pages left unread: on the real SeaweedFS, SQLite state and an ephemeral Prefect."""

from __future__ import annotations

import shutil
import socket
import uuid
from collections import Counter

import pytest
from sqlalchemy import update

from flows.digitize import digitize_batch, rows_of_read_pages
from storage.ledger import BatchLedger, BatchPageRow, SUPERSEDED
from storage.registry import load_snapshot
from storage.state import StateStore
from validation.schema import BookKeys, EntrySource, EntryStatus, ExportedEntry

pytestmark = pytest.mark.integration


def _run(source, book, batch_id=None):
    return digitize_batch(source=str(source), authority=book["authority"], year=book["year"],
                          volume=str(book["volume"]), book_type=book.get("book_type", "birth"), batch_id=batch_id)


@pytest.fixture()
def scans(tmp_path, flow_settings, small_table_book, prefect_ephemeral):
    """The small book's scans in a folder of this test's own, and its registry loaded."""
    folder = tmp_path / "scans"
    shutil.copytree(small_table_book.scans[0].parent, folder)
    load_snapshot(small_table_book.registry, flow_settings.resolved_registry_db_url)
    return folder


def test_a_rerun_skips_done_pages_and_a_new_batch_supersedes_open_items(scans, flow_settings, small_table_book):
    book = small_table_book.book
    first = _run(scans, book)
    assert first["status"] == "finished" and first["pages_resumed"] == 0 and first["pages_read"] == first["pages"]
    state = StateStore(flow_settings.resolved_state_db_url)
    ledger = BatchLedger(state)
    assert len(ledger.done_pages(first["batch_id"])) == first["pages"]
    saved = len(state.entries_for_batch(first["batch_id"]))

    # The same batch again: every page is in the ledger and its objects match: nothing is read twice.
    again = _run(scans, book, batch_id=first["batch_id"])
    assert again["pages_resumed"] == first["pages"] and again["status"] == "finished"
    assert (again["entries"], again["verified"], again["flagged"]) == (first["entries"], first["verified"], first["flagged"])
    assert len(ledger.done_pages(first["batch_id"])) == first["pages"]  # one ledger line per page, still
    assert len(state.entries_for_batch(first["batch_id"])) == saved

    # A page whose stored objects no longer match the ledger is read again, not trusted.
    with state.engine.begin() as connection:
        connection.execute(update(BatchPageRow).where(BatchPageRow.batch_id == first["batch_id"],
                                                      BatchPageRow.page_no == 1)
                           .values(page_object_sha256="0" * 64))
    checked = _run(scans, book, batch_id=first["batch_id"])
    assert checked["pages_resumed"] == first["pages"] - 1 and checked["entries"] == first["entries"]

    # A finished batch is not resumed by the same command: a new batch of the book reads it again, and its
    # open items supersede the first batch's; the queue holds one open item per entry, the history both.
    first_items = state.list_review_items(state="open", batch_id=first["batch_id"])
    second = _run(scans, book)
    assert second["batch_id"] != first["batch_id"] and second["pages_resumed"] == 0
    open_items = state.list_review_items(state="open")
    numbers = Counter(state.entry(i.batch_id, i.entry_key).entry_no for i in open_items)
    numbers.pop(None, None)  # an entry read without its number cannot be matched across batches
    assert numbers and max(numbers.values()) == 1, "two open items for one entry"
    numbered = {i.id for i in first_items if state.entry(i.batch_id, i.entry_key).entry_no is not None}
    superseded = state.list_review_items(state=SUPERSEDED, batch_id=first["batch_id"])
    assert numbered and {i.id for i in superseded} == numbered
    assert all(i.resolution == {"superseded_by_batch": second["batch_id"]} for i in superseded)


def test_an_unfinished_batch_of_the_same_scans_is_resumed_without_its_id(scans, flow_settings, small_table_book):
    book = small_table_book.book
    first = _run(scans, book)
    state = StateStore(flow_settings.resolved_state_db_url)
    # As a killed run leaves it: still 'running', one page not committed, its owner's process gone.
    with state.engine.begin() as connection:
        connection.execute(BatchPageRow.__table__.delete().where(BatchPageRow.batch_id == first["batch_id"],
                                                                 BatchPageRow.page_no == 2))
        connection.exec_driver_sql("UPDATE batches SET status='running', finished_at=NULL")
        connection.exec_driver_sql("UPDATE batch_owners SET pid=999999999")
    # Another batch a killed run left behind, with a page image in its work folder (personal data).
    other = state.create_batch(BookKeys(authority=book["authority"], book_type="birth", year=book["year"],
                                        volume=str(book["volume"])), sources=["other.pdf"])
    BatchLedger(state).take_over(other, socket.gethostname(), 999999999, "0" * 64)
    leftover = flow_settings.work_dir / other / "book-0123/page-001.png"
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(b"a page image")
    resumed = _run(scans, book)
    assert not (flow_settings.work_dir / other).exists()
    assert resumed["batch_id"] == first["batch_id"]
    assert resumed["pages_resumed"] == first["pages"] - 1 and resumed["status"] == "finished"
    assert resumed["entries"] == first["entries"] and resumed["verified"] == first["verified"]
    assert state.get_batch(first["batch_id"]).status == "finished"


def _entry(no: int, page: int) -> ExportedEntry:
    return ExportedEntry(authority="A", book_type="birth", year=2000, volume="01", entry_no=no, fields={},
                         status=EntryStatus.VERIFIED, flags=[], source=EntrySource(page=page, object_key=None), confidence={})


def test_registry_only_counts_only_the_entry_numbers_of_pages_read():
    rows = [{"entry_no": n, "registry_id": str(uuid.uuid4())} for n in range(1, 41)]
    # Pages 1, 2 and 4 read (entries 1-10, 11-20, 31-40); page 3 (21-30) not.
    read = [_entry(n, 1) for n in range(1, 11)] + [_entry(n, 2) for n in (11, 12, 20)] + \
           [_entry(n, 4) for n in range(31, 41)]
    kept = {row["entry_no"] for row in rows_of_read_pages(rows, read)}
    assert kept == set(range(1, 21)) | set(range(31, 41))
