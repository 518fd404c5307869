"""Reviewers' accounts and sessions, in sohoa's state database (tables beside batches and review items).

    review_users     one per person: argon2 password hash, role, the authorities whose books they may see
    review_sessions  one per login: the SHA-256 of the cookie's token (never the token), its CSRF token,
                     when it was last used (sessions end when idle)

Roles: ``reviewer`` decides items; ``arbiter`` also settles disagreements, sees decision history and
downloads correction proposals; ``admin`` manages accounts and sees batch overviews (never entries).
A user sees only the books of their authorities (cơ quan đăng ký = registering authority).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pwdlib import PasswordHash
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.errors import StateError
from storage.state import JsonType, StateBase, StateStore

ROLES = ("reviewer", "arbiter", "admin")
_hasher = PasswordHash.recommended()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so a wrong name costs as long as a wrong password."""
    return _hasher.hash(secrets.token_urlsafe(16))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


class UserRow(StateBase):
    __tablename__ = "review_users"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    password_hash: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    authorities: Mapped[list[str]] = mapped_column(JsonType)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SessionRow(StateBase):
    __tablename__ = "review_sessions"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_name: Mapped[str] = mapped_column(ForeignKey("review_users.name"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    authorities: tuple[str, ...]
    disabled: bool = False


@dataclass(frozen=True)
class Login:
    """A signed-in session: who, the cookie token (only the caller ever holds it) and its CSRF token."""

    user: User
    token: str
    csrf_token: str


class LoginRefused(Exception):
    """Wrong name or password, a disabled account, or one locked after too many failures (``locked``)."""

    def __init__(self, locked: bool = False) -> None:
        self.locked = locked
        super().__init__("account locked after repeated failures" if locked else "wrong name or password")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _user(row: UserRow) -> User:
    return User(row.name, row.role, tuple(row.authorities or ()), bool(row.disabled))


class UserStore:
    """Accounts and sessions on the state database of ``state``."""

    def __init__(self, state: StateStore) -> None:
        self.engine = state.engine

    def create_schema(self) -> None:
        StateBase.metadata.create_all(self.engine, tables=[UserRow.__table__, SessionRow.__table__])

    def _session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # --- accounts ----------------------------------------------------------------------------------

    def add(self, name: str, password: str, role: str, authorities: Sequence[str]) -> User:
        name = name.strip()
        if not name:
            raise StateError("a user needs a name")
        if role not in ROLES:
            raise StateError(f"unknown role {role!r}: one of {', '.join(ROLES)}")
        if len(password) < 8:
            raise StateError("a password needs at least 8 characters")
        if not authorities:
            raise StateError("a user needs at least one authority whose books they may see")
        with self._session() as session, session.begin():
            if session.get(UserRow, name) is not None:
                raise StateError(f"user {name} already exists")
            row = UserRow(name=name, password_hash=_hasher.hash(password), role=role,
                          authorities=sorted({a.strip() for a in authorities if a.strip()}), disabled=False,
                          failed_logins=0)
            session.add(row)
        return _user(row)

    def disable(self, name: str) -> None:
        """The account can no longer log in, and its open sessions end now."""
        with self._session() as session, session.begin():
            row = session.get(UserRow, name)
            if row is None:
                raise StateError(f"no user {name}")
            row.disabled = True
            session.execute(delete(SessionRow).where(SessionRow.user_name == name))

    def get(self, name: str) -> User | None:
        with self._session() as session:
            row = session.get(UserRow, name)
            return _user(row) if row is not None else None

    def list(self) -> list[User]:
        with self._session() as session:
            return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.name))]

    # --- logging in --------------------------------------------------------------------------------

    def login(self, name: str, password: str, max_failures: int, lockout: dt.timedelta) -> Login:
        """A new session for a right name and password. ``max_failures`` wrong passwords in a row lock the
        account for ``lockout``; while locked even the right password is refused."""
        now = _now()
        with self._session() as session, session.begin():
            row = session.get(UserRow, name)
            if row is None:
                _hasher.verify(password, _dummy_hash())
                raise LoginRefused()
            locked_until = _utc(row.locked_until)
            if locked_until is not None and locked_until > now:
                raise LoginRefused(locked=True)
            if not _hasher.verify(password, row.password_hash) or row.disabled:
                row.failed_logins = (row.failed_logins or 0) + 1
                if row.failed_logins >= max_failures:
                    row.locked_until, row.failed_logins = now + lockout, 0
                # Committed although refused: the count must survive the refusal.
                session.commit()
                raise LoginRefused(locked=row.locked_until is not None and _utc(row.locked_until) > now)
            row.failed_logins, row.locked_until = 0, None
            token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
            session.add(SessionRow(token_sha256=_token_hash(token), user_name=row.name, csrf_token=csrf,
                                   created_at=now, last_seen=now))
            return Login(_user(row), token, csrf)

    def session_user(self, token: str, idle: dt.timedelta) -> tuple[User, str] | None:
        """(user, CSRF token) of a live session, or None. A session idle longer than ``idle`` is ended."""
        if not token:
            return None
        now, digest = _now(), _token_hash(token)
        with self._session() as session, session.begin():
            found = session.execute(select(SessionRow, UserRow).join(UserRow, UserRow.name == SessionRow.user_name)
                                    .where(SessionRow.token_sha256 == digest)).first()
            if found is None:
                return None
            row, user = found
            last_seen = _utc(row.last_seen)
            if user.disabled or last_seen is None or now - last_seen > idle:
                session.execute(delete(SessionRow).where(SessionRow.token_sha256 == digest))
                return None
            if now - last_seen > dt.timedelta(seconds=10):  # not a write per request
                session.execute(update(SessionRow).where(SessionRow.token_sha256 == digest).values(last_seen=now))
            return _user(user), row.csrf_token

    def logout(self, token: str) -> None:
        with self._session() as session, session.begin():
            session.execute(delete(SessionRow).where(SessionRow.token_sha256 == _token_hash(token)))

    def age_session(self, token: str, by: dt.timedelta) -> None:
        """Move a session's last use back by ``by`` (tests of the idle timeout, without waiting)."""
        with self._session() as session, session.begin():
            row = session.get(SessionRow, _token_hash(token))
            if row is not None:
                row.last_seen = _utc(row.last_seen) - by
