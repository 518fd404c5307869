"""The book's text, the normalized values, the raw readings and the repairs survive the state store (and a
state database made before values existed gains the columns without losing a row)."""

from __future__ import annotations

import sqlite3

from storage.state import StateStore
from validation.entry_check import check_entry
from validation.schema import BookKeys, EntrySource

BOOK = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")


def _entry():
    raw = {"entry_no": ("5", 0.95), "registration_date": ("20/04/2022", 0.95), "full_name": ("Nguyêñ Văn An", 0.95),
           "date_of_birth": ("16/4/2022", 0.95), "sex": ("Nam", 0.95),
           "place_of_birth": ("xã Quảng Tân, tỉnh Thanh Hoá", 0.95)}
    return check_entry(BOOK, raw, EntrySource(page=1, object_key="k", source_file="a.pdf", bbox=(1, 2, 3, 4)), [], 0.8)


def test_values_raw_readings_and_repairs_round_trip(tmp_path):
    store = StateStore(f"sqlite:///{tmp_path / 'state.db'}")
    store.create_schema()
    entry = _entry()
    assert entry.repairs == {"full_name": "offset_marks"}
    batch = store.create_batch(BOOK, ["a.pdf"])
    store.save_entry(batch, entry)
    [stored] = store.entries_for_batch(batch)
    assert stored == entry
    assert stored.fields["place_of_birth"] == "xã Quảng Tân, tỉnh Thanh Hoá"
    assert (stored.fields["date_of_birth"], stored.values["date_of_birth"]) == ("16/4/2022", "2022-04-16")
    assert stored.raw["full_name"] == "Nguyêñ Văn An"


def test_a_database_made_before_values_existed_gains_the_columns(tmp_path):
    path = tmp_path / "old.db"
    old = StateStore(f"sqlite:///{path}")
    old.create_schema()
    batch = old.create_batch(BOOK, ["a.pdf"])
    old.save_entry(batch, _entry())
    old.close()
    with sqlite3.connect(path) as connection:
        for column in ("field_values", "raw_readings", "repairs"):
            connection.execute(f"ALTER TABLE entries DROP COLUMN {column}")
    store = StateStore(f"sqlite:///{path}")
    store.create_schema()
    [kept] = store.entries_for_batch(batch)
    assert kept.fields == _entry().fields and kept.values == {} and kept.repairs == {}
    again = store.create_batch(BOOK, ["a.pdf"])
    store.save_entry(again, _entry())
    assert store.entries_for_batch(again)[0].repairs == {"full_name": "offset_marks"}
