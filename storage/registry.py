"""The shared civil-status registry (cơ sở dữ liệu hộ tịch = civil-status database), read only to the pipeline.

``load_snapshot`` is the only writer: the stand-in for the real shared database's own import. It loads a
registry.jsonl snapshot (one birth registration per line: registry_id, the book keys and every birth-register
field) and upserts by registry_id. A line without registry_id gets one derived from its book keys and entry
number (``derived_registry_id``), so loading the same snapshot again updates those rows instead of adding
copies. A volume is text as the book prints it ('01'); a lookup finds a digit volume by its number, so '1'
finds the book of volume '01'. ``RegistryReader`` is what the pipeline uses, on a read-only connection.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import unicodedata
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Date, Engine, Index, Integer, Text, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.db import make_engine, reason, redacted
from storage.errors import RegistrySnapshotError, StorageError, StorageUnavailableError
from storage.keys import volume_number, volume_text
from validation.schema import BIRTH_FIELDS

log = logging.getLogger(__name__)

DATE_FIELDS = frozenset({"registration_date", "date_of_birth"})
INT_FIELDS = frozenset({"entry_no", "mother_birth_year", "father_birth_year"})
BOOK_COLUMNS = ("authority", "book_type", "year", "volume")
COLUMNS: tuple[str, ...] = ("registry_id", *BOOK_COLUMNS, *BIRTH_FIELDS)
_BATCH = 200  # rows per INSERT: 200 × 28 columns stays under SQLite's bound-parameter limit


class RegistryBase(DeclarativeBase):
    pass


class BirthRegistration(RegistryBase):
    """One registered birth as the shared database holds it (sổ đăng ký khai sinh = birth register)."""

    __tablename__ = "birth_registrations"
    __table_args__ = (Index("ix_birth_registrations_book_number", "authority", "book_type", "year", "volume_number",
                            "entry_no"),)

    registry_id: Mapped[str] = mapped_column(Text, primary_key=True)
    authority: Mapped[str] = mapped_column(Text)
    book_type: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    volume: Mapped[str] = mapped_column(Text)  # as the book prints it: '01'
    #: The number of a digit volume (None for '2A'): what lookups match, so '1' finds the book '01'.
    volume_number: Mapped[int | None] = mapped_column(Integer)

    entry_no: Mapped[int | None] = mapped_column(Integer)
    registration_date: Mapped[dt.date | None] = mapped_column(Date)
    full_name: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[dt.date | None] = mapped_column(Date)
    date_of_birth_words: Mapped[str | None] = mapped_column(Text)
    sex: Mapped[str | None] = mapped_column(Text)
    ethnicity: Mapped[str | None] = mapped_column(Text)
    nationality: Mapped[str | None] = mapped_column(Text)
    place_of_birth: Mapped[str | None] = mapped_column(Text)
    hometown: Mapped[str | None] = mapped_column(Text)
    personal_id: Mapped[str | None] = mapped_column(Text)
    mother_name: Mapped[str | None] = mapped_column(Text)
    mother_birth_year: Mapped[int | None] = mapped_column(Integer)
    mother_ethnicity: Mapped[str | None] = mapped_column(Text)
    mother_nationality: Mapped[str | None] = mapped_column(Text)
    mother_residence: Mapped[str | None] = mapped_column(Text)
    father_name: Mapped[str | None] = mapped_column(Text)
    father_birth_year: Mapped[int | None] = mapped_column(Integer)
    father_ethnicity: Mapped[str | None] = mapped_column(Text)
    father_nationality: Mapped[str | None] = mapped_column(Text)
    father_residence: Mapped[str | None] = mapped_column(Text)
    declarant_name: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


_missing = set(COLUMNS) - set(BirthRegistration.__table__.columns.keys())
assert not _missing, f"birth_registrations lacks schema fields {_missing}"


# --- the only writer ---------------------------------------------------------------------------------

def load_snapshot(jsonl_path: Path, db_url: str) -> int:
    """Load a registry.jsonl snapshot into ``db_url`` (creating the table if needed); returns the number of
    lines loaded. A registry_id already present is updated to the snapshot's values (upsert)."""
    jsonl_path = Path(jsonl_path)
    engine = make_engine(db_url)
    try:
        RegistryBase.metadata.create_all(engine)
        _refuse_integer_volumes(engine, db_url)
        count = 0
        with engine.begin() as connection:
            batch: list[dict[str, Any]] = []
            for row in _snapshot_rows(jsonl_path):
                batch.append(row)
                if len(batch) >= _BATCH:
                    connection.execute(_upsert(engine, batch))
                    count += len(batch)
                    batch = []
            if batch:
                connection.execute(_upsert(engine, batch))
                count += len(batch)
        return count
    except OperationalError as error:
        raise StorageUnavailableError(f"the registry database at {redacted(db_url)} cannot be used: "
                                      f"{reason(error)}") from None
    finally:
        engine.dispose()


def _refuse_integer_volumes(engine: Engine, db_url: str) -> None:
    """A registry table made before volumes were text cannot hold '01'; it is never altered behind one's back."""
    from sqlalchemy import inspect

    columns = {column["name"] for column in inspect(engine).get_columns(BirthRegistration.__tablename__)}
    if "volume_number" not in columns:
        raise StorageError(f"the registry table at {redacted(db_url)} was made by an older sohoa (volumes as "
                           "integers); load the snapshot into a new database (`make clean-state` removes the local one)")


def _upsert(engine: Engine, rows: list[dict[str, Any]]) -> Any:
    """INSERT … ON CONFLICT (registry_id) DO UPDATE, in the dialect of the engine."""
    dialect = postgresql if engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(BirthRegistration).values(rows)
    updates = {name: statement.excluded[name] for name in (*COLUMNS, "volume_number") if name != "registry_id"}
    return statement.on_conflict_do_update(index_elements=["registry_id"], set_=updates)


def _snapshot_rows(path: Path) -> Iterator[dict[str, Any]]:
    """Parse and type-check each line; errors name the file, line and field, never the value."""
    unknown_seen: set[str] = set()
    seen_ids: set[str] = set()
    try:
        handle = path.open(encoding="utf-8")
    except OSError as error:
        raise RegistrySnapshotError(f"cannot read registry snapshot {path}: {error.strerror}") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as error:
                raise RegistrySnapshotError(f"{where}: not valid JSON ({error.msg})") from None
            if not isinstance(raw, dict):
                raise RegistrySnapshotError(f"{where}: expected a JSON object")
            unknown = set(raw) - set(COLUMNS)
            if unknown - unknown_seen:
                log.warning("%s: ignoring unknown field(s) %s", where, sorted(unknown - unknown_seen))
                unknown_seen |= unknown
            row = {name: _typed(name, raw.get(name), where) for name in COLUMNS}
            for name in BOOK_COLUMNS:
                if row[name] is None:
                    raise RegistrySnapshotError(f"{where}: {name} is missing")
            row["volume_number"] = volume_number(row["volume"])
            if row["registry_id"] is None:
                if row["entry_no"] is None:
                    raise RegistrySnapshotError(f"{where}: neither registry_id nor entry_no is given")
                row["registry_id"] = _unused(derived_registry_id(row), seen_ids)
            elif row["registry_id"] in seen_ids:
                raise RegistrySnapshotError(f"{where}: registry_id appears twice in the snapshot")
            seen_ids.add(row["registry_id"])
            yield row


def derived_registry_id(row: dict[str, Any]) -> str:
    """A stable id for a registration whose snapshot line has none: a hash of its book keys (authority in NFC,
    a digit volume by its number, so '01' and '1' are one book) and its entry number."""
    number = volume_number(row["volume"])
    parts = (unicodedata.normalize("NFC", str(row["authority"]).strip()), str(row["book_type"]), str(int(row["year"])),
             volume_text(row["volume"]) if number is None else str(number), str(int(row["entry_no"])))
    return "derived-" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def _unused(registry_id: str, seen: set[str]) -> str:
    """The derived id, or for the n-th line of the same book and entry number (a registration recorded twice,
    which the cross-check reports) the same id with '-n': the same snapshot always gives the same ids."""
    candidate, n = registry_id, 1
    while candidate in seen:
        n += 1
        candidate = f"{registry_id}-{n}"
    return candidate


def _typed(name: str, value: Any, where: str) -> Any:
    if value is None:
        return None
    if name == "volume":
        try:
            return volume_text(value)  # '01' stays '01'; an integer 1 becomes '1'
        except ValueError:
            raise RegistrySnapshotError(f"{where}: volume is not a non-empty text or number") from None
    if value == "" and (name in DATE_FIELDS or name in INT_FIELDS):
        return None
    try:
        if name in DATE_FIELDS:
            return dt.date.fromisoformat(str(value))
        if name in INT_FIELDS or name == "year":
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            return int(value)
    except (TypeError, ValueError):
        kind = "an ISO date" if name in DATE_FIELDS else "an integer"
        raise RegistrySnapshotError(f"{where}: {name} is not {kind}") from None
    if not isinstance(value, str | int):
        raise RegistrySnapshotError(f"{where}: {name} must be a string")
    return str(value)


# --- the pipeline's side: read only ------------------------------------------------------------------

class RegistryReader:
    """Read-only access to the registry. Its connections cannot write (enforced by the database)."""

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """The read-only engine, made on first use (so a missing SQLite file fails at the first read)."""
        if self._engine is None:
            self._engine = make_engine(self.db_url, read_only=True)
        return self._engine

    def rows_for_book(self, authority: str, book_type: str, year: int, volume: str | int) -> list[dict[str, Any]]:
        """Every registration of one book, ordered by entry number, as dicts in registry.jsonl form
        (registry_id, book keys, every birth field; dates as ISO strings). A digit volume matches by number
        ('1' finds '01'), any other by its text."""
        table = BirthRegistration.__table__
        number = volume_number(volume)
        same_volume = table.c.volume == volume_text(volume) if number is None else table.c.volume_number == number
        query = (
            select(*(table.c[name] for name in COLUMNS))
            .where(table.c.authority == authority, table.c.book_type == book_type, table.c.year == int(year),
                   same_volume)
            .order_by(table.c.entry_no, table.c.registry_id)
        )
        try:
            with self.engine.connect() as connection:
                rows = connection.execute(query).mappings().all()
        except OperationalError as error:
            raise StorageUnavailableError(f"cannot read the registry at {redacted(self.db_url)}: "
                                          f"{reason(error)}") from None
        return [{name: _plain(row[name]) for name in COLUMNS} for row in rows]

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value
