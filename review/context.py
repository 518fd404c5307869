"""What a running app holds: the settings and its connections to the state database, object storage and the
registry (read only), built once from the one settings object."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sohoa.settings import Settings
from storage.objects import ObjectStore
from storage.registry import RegistryReader
from storage.review_work import ReviewWork
from storage.state import StateStore
from storage.users import UserStore


class CachedRegistry:
    """The registry's rows of a book, kept a minute: every item view of a book needs the same rows, and the
    pipeline never writes the registry (its own operators do, rarely)."""

    def __init__(self, reader: RegistryReader, seconds: float = 60.0) -> None:
        self.reader, self.seconds = reader, seconds
        self._rows: dict[tuple, tuple[float, list[dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def rows_for_book(self, authority: str, book_type: str, year: int, volume: str | int) -> list[dict[str, Any]]:
        key = (authority, book_type, int(year), str(volume))
        with self._lock:
            cached = self._rows.get(key)
        if cached is not None and time.monotonic() - cached[0] < self.seconds:
            return cached[1]
        rows = self.reader.rows_for_book(authority, book_type, year, volume)
        with self._lock:
            self._rows[key] = (time.monotonic(), rows)
        return rows

    def close(self) -> None:
        self.reader.close()


@dataclass
class AppContext:
    settings: Settings
    state: StateStore
    users: UserStore
    work: ReviewWork
    objects: ObjectStore
    registry: CachedRegistry

    @classmethod
    def connect(cls, settings: Settings) -> AppContext:
        state = StateStore(settings.resolved_state_db_url)
        state.create_schema()
        users, work = UserStore(state), ReviewWork(state)
        users.create_schema()
        work.create_schema()
        objects = ObjectStore(settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value(),
                              secure=settings.s3_secure, region=settings.s3_region)
        registry = CachedRegistry(RegistryReader(settings.resolved_registry_db_url))
        return cls(settings, state, users, work, objects, registry)

    @cached_property
    def idle(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.settings.review_session_idle_minutes)

    @cached_property
    def claim_hold(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.settings.review_claim_minutes)

    def close(self) -> None:
        self.state.close()
        self.registry.close()
