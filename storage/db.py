"""SQLAlchemy engines for the two supported backends: ``sqlite:///path`` and ``postgresql+psycopg://…``.

A read-only engine is read-only in the database itself, not by convention: SQLite opens the file with
``mode=ro``; PostgreSQL sessions start with ``default_transaction_read_only=on``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from storage.errors import StorageError


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def reason(error: BaseException) -> str:
    """Why a database call failed, in the driver's words: the first line of the driver's own message (which
    names the host and port or the problem), never SQLAlchemy's text, which quotes the statement's values."""
    original = getattr(error, "orig", None) or error
    lines = str(original).strip().splitlines()
    return lines[0].strip() if lines else type(original).__name__


def sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL; None for other backends and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str, *, read_only: bool = False, wal: bool = False) -> Engine:
    """An engine for ``url``; ``wal`` turns on SQLite's write-ahead log (concurrent readers during writes)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(url)
        if path is None:
            raise StorageError("in-memory SQLite is not supported: give a file, sqlite:///path/to/file.sqlite")
        if read_only:
            if not path.is_file():
                raise StorageError(f"no database file at {path}")
            uri = f"{path.resolve().as_uri()}?mode=ro"
            engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, timeout=30,
                                                                               check_same_thread=False))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": 30})
        _sqlite_pragmas(engine, wal=wal and not read_only)
        return engine
    if backend == "postgresql":
        connect_args: dict[str, Any] = {}
        if read_only:
            connect_args["options"] = "-c default_transaction_read_only=on"
        return create_engine(url, connect_args=connect_args, pool_pre_ping=True)
    raise StorageError(f"unsupported database URL {redacted(url)}: use sqlite:///… or postgresql+psycopg://…")


def _sqlite_pragmas(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
