"""The registry: a snapshot loads into SQLite and PostgreSQL, reads back in registry.jsonl form, and the
pipeline's reader cannot write."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError

from storage.errors import RegistrySnapshotError, StorageError
from storage.registry import COLUMNS, RegistryReader, load_snapshot
from validation.schema import BIRTH_FIELDS

AUTHORITY = "UBND xã Tân Phú"


def _row(registry_id: str, entry_no: int, **changes) -> dict:
    row = {name: None for name in BIRTH_FIELDS} | {
        "registry_id": registry_id, "authority": AUTHORITY, "book_type": "birth", "year": 2016, "volume": "01",
        "entry_no": entry_no, "registration_date": "2016-03-0%d" % entry_no, "full_name": f"Lò Văn Tư {entry_no}",
        "date_of_birth": "2016-02-29", "sex": "Nam", "ethnicity": "Thái", "nationality": "Việt Nam",
        "personal_id": f"0142160000{entry_no:02d}", "mother_birth_year": 1990, "notes": "",
    }
    return row | changes


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str:
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_url")
    request.applymarker(pytest.mark.integration)
    return request.getfixturevalue("postgres_url")


def test_snapshot_round_trip(db_url, tmp_path):
    rows = [_row("id-2", 2), _row("id-1", 1),
            _row("id-9", 1, authority="UBND xã Tấn Phú"),  # another book: tone marks matter
            _row("id-8", 1, volume="02")]
    assert load_snapshot(_write(tmp_path / "registry.jsonl", rows), db_url) == 4
    got = RegistryReader(db_url).rows_for_book(AUTHORITY, "birth", 2016, 1)
    assert [r["registry_id"] for r in got] == ["id-1", "id-2"]  # ordered by entry number
    assert got[0] == rows[1]  # same keys, same value formats (ISO dates, ints, empty string kept, volume '01')
    assert set(got[0]) == set(COLUMNS)


def test_reloading_upserts_by_registry_id(db_url, tmp_path):
    load_snapshot(_write(tmp_path / "a.jsonl", [_row("id-1", 1), _row("id-2", 2)]), db_url)
    load_snapshot(_write(tmp_path / "b.jsonl", [_row("id-1", 1, sex="Nữ"), _row("id-3", 3)]), db_url)
    got = {r["registry_id"]: r for r in RegistryReader(db_url).rows_for_book(AUTHORITY, "birth", 2016, 1)}
    assert sorted(got) == ["id-1", "id-2", "id-3"]
    assert got["id-1"]["sex"] == "Nữ"


def test_the_reader_cannot_write(db_url, tmp_path):
    load_snapshot(_write(tmp_path / "r.jsonl", [_row("id-1", 1)]), db_url)
    reader = RegistryReader(db_url)
    with pytest.raises((OperationalError, DBAPIError)) as caught:
        with reader.engine.begin() as connection:
            connection.execute(text("UPDATE birth_registrations SET sex = 'Nữ'"))
    assert "read" in str(caught.value).lower()  # 'readonly database' / 'read-only transaction'
    assert reader.rows_for_book(AUTHORITY, "birth", 2016, 1)[0]["sex"] == "Nam"


def test_bad_snapshot_lines_name_file_and_line_not_values(sqlite_url, tmp_path):
    bad = _write(tmp_path / "bad.jsonl", [_row("id-1", 1), _row("id-2", 2, date_of_birth="2016-02-30")])
    with pytest.raises(RegistrySnapshotError) as caught:
        load_snapshot(bad, sqlite_url)
    assert "bad.jsonl:2" in str(caught.value) and "date_of_birth" in str(caught.value)
    assert "2016-02-30" not in str(caught.value)
    dup = _write(tmp_path / "dup.jsonl", [_row("id-1", 1), _row("id-1", 2)])
    with pytest.raises(RegistrySnapshotError, match="dup.jsonl:2"):
        load_snapshot(dup, sqlite_url)


def test_a_missing_sqlite_registry_is_a_clear_error(tmp_path):
    with pytest.raises(StorageError, match="no database file"):
        RegistryReader(f"sqlite:///{tmp_path / 'absent.sqlite'}").rows_for_book(AUTHORITY, "birth", 2016, 1)
    assert not (tmp_path / "absent.sqlite").exists()  # reading never creates it


def test_a_synthetic_book_snapshot_loads(sqlite_url, tmp_path):
    """The registry.jsonl that synth/ writes is accepted as is and reads back unchanged."""
    from synth import generate_book

    book = generate_book(tmp_path / "book", layout="table", pages=1, seed=5, degradation="clean", image_format="png")
    lines = [json.loads(line) for line in book.registry.open(encoding="utf-8")]
    assert load_snapshot(book.registry, sqlite_url) == len(lines)
    keys = book.book
    got = RegistryReader(sqlite_url).rows_for_book(keys["authority"], keys["book_type"], keys["year"], keys["volume"])
    by_id = {r["registry_id"]: r for r in got}
    assert len(by_id) == len(lines)
    for line in lines:
        assert by_id[line["registry_id"]] == {name: line.get(name) for name in COLUMNS}


def test_a_snapshot_without_registry_ids_loads_and_reloads_without_copies(db_url, tmp_path):
    """Lines without registry_id get an id derived from book keys and entry number: loading the snapshot twice
    updates the same rows, and a registration recorded twice stays two rows (the cross-check flags it)."""
    rows = [{k: v for k, v in _row("x", n).items() if k != "registry_id"} for n in (1, 2, 2)]
    path = _write(tmp_path / "no-ids.jsonl", rows)
    assert load_snapshot(path, db_url) == 3
    first = RegistryReader(db_url).rows_for_book(AUTHORITY, "birth", 2016, 1)
    assert load_snapshot(_write(tmp_path / "again.jsonl", [rows[0] | {"sex": "Nữ"}, *rows[1:]]), db_url) == 3
    again = RegistryReader(db_url).rows_for_book(AUTHORITY, "birth", 2016, 1)
    assert [r["registry_id"] for r in again] == [r["registry_id"] for r in first]
    assert len({r["registry_id"] for r in again}) == 3
    assert [r["entry_no"] for r in again] == [1, 2, 2] and again[0]["sex"] == "Nữ"


def test_derived_registry_ids_are_stable_and_distinct():
    from storage.registry import derived_registry_id

    book = {"authority": AUTHORITY, "book_type": "birth", "year": 2016, "volume": "01", "entry_no": 7}
    assert derived_registry_id(book) == derived_registry_id(book | {"volume": "1"})  # one book, '01' or '1'
    assert derived_registry_id(book) == derived_registry_id(
        book | {"authority": unicodedata.normalize("NFD", AUTHORITY)})
    others = [book | {"entry_no": 8}, book | {"volume": "2"}, book | {"year": 2017},
              book | {"authority": "UBND xã Tấn Phú"}]
    assert len({derived_registry_id(b) for b in [book, *others]}) == 5


def test_a_line_without_registry_id_nor_entry_number_is_refused(sqlite_url, tmp_path):
    row = {k: v for k, v in _row("x", 1).items() if k != "registry_id"} | {"entry_no": None}
    with pytest.raises(RegistrySnapshotError, match=r"nothing.jsonl:1: neither registry_id nor entry_no"):
        load_snapshot(_write(tmp_path / "nothing.jsonl", [row]), sqlite_url)


def test_volumes_are_text_and_digit_volumes_match_by_number(db_url, tmp_path):
    rows = [_row("id-1", 1), _row("id-2", 2, volume=1), _row("id-3", 3, volume="2A"), _row("id-4", 4, volume="002")]
    load_snapshot(_write(tmp_path / "r.jsonl", rows), db_url)
    reader = RegistryReader(db_url)

    def ids(volume):
        return [r["registry_id"] for r in reader.rows_for_book(AUTHORITY, "birth", 2016, volume)]

    assert ids("01") == ids("1") == ids(1) == ids("001") == ["id-1", "id-2"]  # '01' and 1 are one book
    assert [r["volume"] for r in reader.rows_for_book(AUTHORITY, "birth", 2016, "1")] == ["01", "1"]  # as given
    assert ids("2A") == ["id-3"] and ids("2a") == [] and ids("2") == ["id-4"]
    with pytest.raises(RegistrySnapshotError, match=r"e.jsonl:1: volume"):
        load_snapshot(_write(tmp_path / "e.jsonl", [_row("id-5", 5, volume="  ")]), db_url)


def test_a_registry_table_with_integer_volumes_is_refused_not_altered(sqlite_url, tmp_path):
    from sqlalchemy import create_engine

    engine = create_engine(sqlite_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE birth_registrations (registry_id TEXT PRIMARY KEY, volume INTEGER)"))
    engine.dispose()
    with pytest.raises(StorageError, match="older sohoa"):
        load_snapshot(_write(tmp_path / "r.jsonl", [_row("id-1", 1)]), sqlite_url)
