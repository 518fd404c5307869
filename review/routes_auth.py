"""Signing in and out. The login form carries its own CSRF token (a cookie and a form field that must
match), since there is no session yet to hold one."""

from __future__ import annotations

import hmac

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from review.pages import render
from review.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Anyone, Caller, context, current_caller, new_login_csrf
from storage.users import LoginRefused

router = APIRouter()


def _login_page(request: Request, message: str = "", status: int = 200) -> Response:
    token = new_login_csrf()
    response = render(request, "login.html", {"login_csrf": token, "message": message}, status=status)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", path="/login",
                        secure=context(request).settings.review_secure_cookies)
    return response


@router.get("/login")
def login_form(request: Request) -> Response:
    if current_caller(request) is not None:
        return RedirectResponse("/", status_code=303)
    return _login_page(request)


@router.post("/login")
def login(request: Request, name: str = Form(max_length=100), password: str = Form(max_length=200),
          csrf_token: str = Form(default="", max_length=100)) -> Response:
    import datetime as dt

    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, csrf_token):
        return _login_page(request, "The form was stale or forged; try again.", status=403)
    ctx = context(request)
    settings = ctx.settings
    try:
        signed = ctx.users.login(name, password, settings.review_max_failed_logins,
                                 dt.timedelta(minutes=settings.review_lockout_minutes))
    except LoginRefused as refused:
        message = ("This account is locked after repeated failures; try again later." if refused.locked
                   else "Wrong name or password.")
        return _login_page(request, message, status=423 if refused.locked else 401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, signed.token, httponly=True, samesite="strict", path="/",
                        secure=settings.review_secure_cookies)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(request: Request, caller: Caller = Anyone) -> Response:
    context(request).users.logout(caller.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/")
def home(caller: Caller = Anyone) -> Response:
    return RedirectResponse("/admin" if caller.can("admin") else "/queue", status_code=303)
