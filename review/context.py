"""What a running app holds: the settings and its connections to the state database, object storage and the
registry (read only), built once from the one settings object."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from sohoa.settings import Settings
from storage.objects import ObjectStore
from storage.registry import RegistryReader
from storage.review_work import ReviewWork
from storage.state import StateStore
from storage.users import UserStore


@dataclass
class AppContext:
    settings: Settings
    state: StateStore
    users: UserStore
    work: ReviewWork
    objects: ObjectStore
    registry: RegistryReader

    @classmethod
    def connect(cls, settings: Settings) -> AppContext:
        state = StateStore(settings.resolved_state_db_url)
        state.create_schema()
        users, work = UserStore(state), ReviewWork(state)
        users.create_schema()
        work.create_schema()
        objects = ObjectStore(settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value(),
                              secure=settings.s3_secure, region=settings.s3_region)
        return cls(settings, state, users, work, objects, RegistryReader(settings.resolved_registry_db_url))

    @cached_property
    def idle(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.settings.review_session_idle_minutes)

    @cached_property
    def claim_hold(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.settings.review_claim_minutes)

    def close(self) -> None:
        self.state.close()
        self.registry.close()
