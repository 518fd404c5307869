"""Who is asking, and may they: sessions, roles, authority scope and CSRF.

Every route but the login page and the static files depends on ``require(capability)``. An anonymous
request is sent to the login page (HTML) or answered 401 (``/api/…``); a signed-in user without the
capability gets 403. State-changing requests carry the session's CSRF token (form field or header).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool

from review.context import AppContext
from storage.users import User

SESSION_COOKIE = "sohoa_session"
LOGIN_CSRF_COOKIE = "sohoa_login_csrf"
CSRF_HEADER = "x-csrf-token"

#: What each role may do. An admin manages accounts and sees batch figures, never entries.
CAPABILITIES: dict[str, frozenset[str]] = {
    "reviewer": frozenset({"review"}),
    "arbiter": frozenset({"review", "arbitrate"}),
    "admin": frozenset({"admin"}),
}


class NotSignedIn(Exception):
    """No live session: to the login page, or 401 for the JSON routes."""


class Forbidden(Exception):
    """Signed in, but the role does not allow this, or the CSRF token is missing or wrong."""


@dataclass(frozen=True)
class Caller:
    user: User
    csrf_token: str
    token: str

    def can(self, capability: str) -> bool:
        return capability in CAPABILITIES.get(self.user.role, frozenset())

    @property
    def authorities(self) -> tuple[str, ...]:
        return self.user.authorities


def context(request: Request) -> AppContext:
    return request.app.state.context


def current_caller(request: Request) -> Caller | None:
    ctx: AppContext = request.app.state.context
    token = request.cookies.get(SESSION_COOKIE, "")
    found = ctx.users.session_user(token, ctx.idle) if token else None
    if found is None:
        return None
    user, csrf = found
    caller = Caller(user, csrf, token)
    request.state.caller = caller  # for the access log
    return caller


def require(capability: str) -> Callable[..., Caller]:
    """A dependency: the signed-in caller, who has ``capability``; POSTs must carry the CSRF token."""

    async def dependency(request: Request) -> Caller:
        # The session lookup is a database call: off the event loop, so a slow database stalls one request.
        caller = await run_in_threadpool(current_caller, request)
        if caller is None:
            raise NotSignedIn()
        if not caller.can(capability):
            raise Forbidden("your role does not allow this")
        if request.method not in ("GET", "HEAD"):
            await check_csrf(request, caller.csrf_token)
        return caller

    dependency.capability = capability  # type: ignore[attr-defined]
    return dependency


async def require_any(request: Request) -> Caller:
    """Any signed-in user (logging out, the start page)."""
    caller = await run_in_threadpool(current_caller, request)
    if caller is None:
        raise NotSignedIn()
    if request.method not in ("GET", "HEAD"):
        await check_csrf(request, caller.csrf_token)
    return caller


async def check_csrf(request: Request, expected: str) -> None:
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent and request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        sent = str((await request.form()).get("csrf_token", ""))
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise Forbidden("the form was stale or forged (CSRF token missing or wrong); reload the page")


def new_login_csrf() -> str:
    return secrets.token_urlsafe(24)


Review = Depends(require("review"))
Arbitrate = Depends(require("arbitrate"))
Admin = Depends(require("admin"))
Anyone = Depends(require_any)
