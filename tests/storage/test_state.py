"""sohoa's state store on SQLite and PostgreSQL: batches, entries (idempotent), and the review queue with its
append-only decision history."""

from __future__ import annotations

import pytest

from storage.errors import StateError
from storage.state import StateStore, entry_key
from validation.schema import BookKeys, EntrySource, EntryStatus, ExportedEntry, Flag, FlagCode, empty_fields

BOOK = BookKeys(authority="UBND phường Bến Nghé", book_type="birth", year=2018, volume="02")


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request) -> StateStore:
    if request.param == "sqlite":
        url = request.getfixturevalue("sqlite_url")
    else:
        request.applymarker(pytest.mark.integration)
        url = request.getfixturevalue("postgres_url")
    state = StateStore(url)
    state.create_schema()
    yield state
    state.close()


def _entry(no: int | None, status: EntryStatus, page: int | None = 1, **fields) -> ExportedEntry:
    flags = [] if status == EntryStatus.VERIFIED else [
        Flag(code=FlagCode.FIELD_MISMATCH, field="full_name", book_value="Lê Thị Hoà", registry_value="Lê Thị Hòa"),
        Flag(code=FlagCode.LOW_CONFIDENCE, field="date_of_birth"),
    ]
    return ExportedEntry(
        authority=BOOK.authority, book_type=BOOK.book_type, year=BOOK.year, volume=BOOK.volume, entry_no=no,
        fields=empty_fields() | {"entry_no": no, "full_name": "Lê Thị Hoà", "date_of_birth": "2018-01-31"} | fields,
        status=status, flags=flags, confidence={"full_name": 0.97, "date_of_birth": 0.61},
        source=EntrySource(page=page, object_key="book/pages/abc/prepared.png" if page else None,
                           source_file="so-khai-sinh.pdf" if page else None,
                           bbox=(10, 20 + 40 * (no or 0), 900, 40) if page else None),
    )


def test_batch_lifecycle(store):
    batch_id = store.create_batch(BOOK, ["/scans/a.pdf", "/scans/b.pdf"], pipeline_version="sohoa/0.1.0",
                                  layout="table")
    batch = store.get_batch(batch_id)
    assert batch.book == BOOK and batch.status == "running" and batch.source_files == ["/scans/a.pdf", "/scans/b.pdf"]
    assert batch.finished_at is None and batch.created_at.tzinfo is not None
    # A retried flow run passes its id again: same batch, no second row.
    assert store.create_batch(BOOK, ["/scans/a.pdf"], batch_id=batch_id) == batch_id
    assert batch.book.volume == "02"  # as the book prints it; '2' names the same book
    assert store.create_batch(BOOK.model_copy(update={"volume": "2"}), [], batch_id=batch_id) == batch_id
    with pytest.raises(StateError):
        store.create_batch(BOOK.model_copy(update={"volume": "03"}), [], batch_id=batch_id)
    store.finish_batch(batch_id, summary={"pages": 2, "verified": 1}, input_errors=[{"file": "b.pdf", "page": None}])
    batch = store.get_batch(batch_id)
    assert batch.status == "finished" and batch.summary == {"pages": 2, "verified": 1}
    assert batch.input_errors == [{"file": "b.pdf", "page": None}] and batch.finished_at >= batch.created_at
    other = store.create_batch(BOOK, [])
    assert {b.batch_id for b in store.list_batches()} == {batch_id, other}
    assert store.get_batch("00000000-0000-0000-0000-000000000000") is None


def test_entries_round_trip_and_are_idempotent(store):
    batch_id = store.create_batch(BOOK, ["a.pdf"])
    verified, flagged = _entry(1, EntryStatus.VERIFIED), _entry(2, EntryStatus.FLAGGED)
    orphan = _entry(9, EntryStatus.FLAGGED, page=None)
    key1 = store.save_entry(batch_id, verified, record_key="book/records/00001.json")
    key2 = store.save_entry(batch_id, flagged)
    store.save_entry(batch_id, orphan)
    assert store.save_entry(batch_id, verified, record_key="book/records/00001.json") == key1  # a retry
    assert key1 == entry_key(verified) != key2
    got = store.entries_for_batch(batch_id)
    assert got == [verified, flagged, orphan]  # every field, flag, confidence and source survives
    assert store.record_key_for(batch_id, 1) == "book/records/00001.json"
    assert store.record_key_for(batch_id, 2) is None
    assert store.entries_for_batch("00000000-0000-0000-0000-000000000000") == []
    with pytest.raises(StateError):
        store.save_entry("00000000-0000-0000-0000-000000000000", verified)


def test_review_resolution_keeps_history(store):
    batch_id = store.create_batch(BOOK, ["a.pdf"])
    key = store.save_entry(batch_id, _entry(2, EntryStatus.FLAGGED))
    item = store.open_review_item(batch_id, key, ["low_confidence", "field_mismatch", "field_mismatch"])
    assert item.state == "open" and item.reasons == ["field_mismatch", "low_confidence"]
    assert store.open_review_item(batch_id, key, ["field_mismatch"]).id == item.id  # retried: same item
    assert [i.id for i in store.list_review_items(batch_id=batch_id)] == [item.id]
    with pytest.raises(StateError):
        store.open_review_item(batch_id, "no-such-entry", ["unreadable"])

    first = store.resolve_review_item(item.id, "reviewer-1", {"full_name": "Lê Thị Hoà", "book_wins": True})
    assert first.state == "resolved" and first.reviewer == "reviewer-1" and first.resolved_at is not None
    assert store.list_review_items(state="open", batch_id=batch_id) == []
    assert [i.id for i in store.list_review_items(state="resolved")] == [item.id]
    assert store.entries_for_batch(batch_id)[0].status == EntryStatus.RESOLVED

    second = store.resolve_review_item(item.id, "reviewer-2", {"full_name": "Lê Thị Hòa", "book_wins": True})
    assert second.reviewer == "reviewer-2" and second.resolution["full_name"] == "Lê Thị Hòa"
    history = store.review_history(item.id)
    assert [(d.reviewer, d.resolution["full_name"]) for d in history] == [
        ("reviewer-1", "Lê Thị Hoà"), ("reviewer-2", "Lê Thị Hòa")]
    # A retried save of the same entry does not undo the reviewer's decision.
    store.save_entry(batch_id, _entry(2, EntryStatus.FLAGGED))
    assert store.entries_for_batch(batch_id)[0].status == EntryStatus.RESOLVED
    with pytest.raises(StateError):
        store.resolve_review_item(987654, "reviewer-1", {})


def test_the_schema_can_be_created_twice(store):
    store.create_schema()
    assert store.list_batches() == []
