"""Forged requests, guessed passwords, stale sessions, keys from the browser, and what the logs keep."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from tests.review.conftest import PASSWORD
from validation.schema import PERSONAL_FIELDS

pytestmark = pytest.mark.integration


def test_a_forged_post_without_the_csrf_token_is_refused(seeded, client):
    rita = client("rita")
    item = seeded.mine.item_ids[0]
    decision = {"fields": {"full_name": {"action": "accept"}}}
    rita.get(f"/items/{item}")  # she holds it
    forged = rita.post(f"/api/items/{item}/decision", json=decision, csrf=False)
    assert forged.status_code == 403
    wrong = rita.http.post(f"/api/items/{item}/decision", json=decision, headers={"X-CSRF-Token": "x" * 43})
    assert wrong.status_code == 403
    # Another session's token is no good either.
    ravi = client("ravi")
    assert rita.http.post(f"/api/items/{item}/decision", json=decision,
                          headers={"X-CSRF-Token": ravi.csrf}).status_code == 403
    assert seeded.ctx.work.readings(item) == []  # nothing was recorded
    assert rita.post(f"/api/items/{item}/decision", json=decision).status_code == 200


def test_a_forged_form_post_is_refused(seeded, client):
    adam = client("adam")
    url = f"/admin/batches/{seeded.mine.batch_id}/double-reading"
    assert adam.post(url, data={"on": "on"}, csrf=False).status_code == 403
    assert not seeded.ctx.work.double_reading(seeded.mine.batch_id)
    assert adam.post(url, data={"on": "on"}).status_code == 303
    assert seeded.ctx.work.double_reading(seeded.mine.batch_id)


def test_the_login_form_needs_its_own_csrf_token(seeded, client):
    anonymous = client()
    response = anonymous.http.post("/login", data={"name": "rita", "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 403 and "sohoa_session" not in response.cookies


def test_repeated_failures_lock_the_account_even_for_the_right_password(seeded, client):
    anonymous = client()
    for _ in range(seeded.settings.review_max_failed_logins - 1):
        assert anonymous.login("rita", "not her password").status_code == 401
    assert anonymous.login("rita", "not her password").status_code == 423  # this failure locks it
    locked = anonymous.login("rita", PASSWORD)
    assert locked.status_code == 423 and "locked" in locked.text
    assert "sohoa_session" not in locked.cookies
    # Another account is not affected; an unknown name answers like a wrong password.
    assert client().login("ravi", PASSWORD).status_code == 303
    assert client().login("nobody", PASSWORD).status_code == 401


def test_a_successful_login_resets_the_failure_count(seeded, client):
    anonymous = client()
    for _ in range(seeded.settings.review_max_failed_logins - 1):
        anonymous.login("rita", "wrong")
    assert anonymous.login("rita", PASSWORD).status_code == 303
    again = client()
    for _ in range(seeded.settings.review_max_failed_logins - 1):
        assert again.login("rita", "wrong").status_code == 401
    assert client().login("rita", PASSWORD).status_code == 303


def test_the_session_cookie_is_httponly_and_samesite_strict(seeded, client):
    response = client().login("rita", PASSWORD)
    cookie = response.headers["set-cookie"]
    assert "sohoa_session=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")


def test_an_idle_session_expires(seeded, client):
    rita = client("rita")
    assert rita.get("/queue").status_code == 200
    token = rita.http.cookies.get("sohoa_session")
    seeded.ctx.users.age_session(token, dt.timedelta(minutes=seeded.settings.review_session_idle_minutes + 1))
    assert rita.get("/queue").headers["location"] == "/login"
    assert rita.post("/api/queue/next").status_code == 401
    # The session is gone for good, not only refused once.
    assert seeded.ctx.users.session_user(token, dt.timedelta(days=1)) is None


def test_a_disabled_account_loses_its_session(seeded, client):
    rita = client("rita")
    seeded.ctx.users.disable("rita")
    assert rita.get("/queue").status_code == 303
    assert client().login("rita", PASSWORD).status_code == 401


@pytest.mark.parametrize("path", [
    "/items/{other}/crop.png",  # an item of another authority's book
    "/items/{other}/pages/0.png",
    "/items/..%2F..%2Fsohoa-pages%2Fx/crop.png",  # a key smuggled into the id
    "/items/1%20OR%201=1/crop.png",
    "/items/0/crop.png",
    "/items/99999999/crop.png",
    "/items/-1/crop.png",
    "/items/{mine}/crop.png?key=../../other/prepared.png",  # a key parameter is never read
    "/items/{mine}/pages/7.png",
    "/items/{mine}/pages/..%2F0.png",
])
def test_the_crop_endpoint_serves_only_the_callers_entries(seeded, client, path):
    rita = client("rita")
    url = path.replace("{other}", str(seeded.other.item_ids[0])).replace("{mine}", str(seeded.mine.item_ids[0]))
    response = rita.get(url)
    if "?key=" in url:
        # The item's own crop, whatever the query says: the page is the item's, never the browser's.
        assert response.status_code == 200
        assert response.content == rita.get(url.split("?")[0]).content
    else:
        assert response.status_code in (404, 422), (url, response.status_code)
        assert response.headers["content-type"].startswith(("application/json", "text/html"))


def test_personal_data_is_never_cached_and_never_logged(seeded, client, caplog):
    caplog.set_level(logging.INFO, logger="sohoa.review")
    rita = client("rita")
    item = seeded.mine.item_ids[0]
    for url in ("/queue", f"/items/{item}", f"/items/{item}/crop.png"):
        assert rita.get(url).headers["cache-control"] == "no-store", url
    rita.post(f"/api/items/{item}/decision", json={"fields": {"full_name": {"action": "correct", "value": "Nguyễn Văn Hoà"}}})
    entry = seeded.ctx.state.entry(seeded.mine.batch_id, seeded.ctx.state.list_review_items(None, seeded.mine.batch_id)[0].entry_key)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"user=rita GET /items/{{item_id}} item={item}" in logged
    personal = [v for k, v in entry.fields.items() if v and k in PERSONAL_FIELDS]
    assert personal
    for value in personal + ["Hoà", "Nguyễn"]:
        assert str(value) not in logged


def test_error_pages_do_not_echo_the_request(seeded, client):
    rita = client("rita")
    item = seeded.mine.item_ids[0]
    rita.get(f"/items/{item}")
    response = rita.post(f"/api/items/{item}/decision", json={"fields": {"full_name": {"action": "correct", "value": "Nguyễn Văn Hoà" * 100}}})
    assert response.status_code == 422 and "Nguyễn" not in response.text
    response = rita.post(f"/api/items/{item}/decision", json={"fields": {"Nguyễn Văn Hoà": {"action": "accept"}}})
    assert response.status_code == 422 and "Nguyễn" not in response.text


def test_an_unexpected_error_is_logged_by_type_only_and_shown_without_data(seeded, client, caplog):
    """A failure deep inside (here, a crop whose error message quotes a name) reaches neither the page nor
    the log with its text."""
    caplog.set_level(logging.INFO, logger="sohoa.review")
    rita = client("rita")

    def failing(*_args):
        raise ValueError("could not crop the entry of Nguyễn Văn Hòa, ID 052200851279")

    seeded.app.state.cropper.crop = failing
    response = rita.get(f"/items/{seeded.mine.item_ids[0]}/crop.png")
    assert response.status_code == 500
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "unexpected ValueError on GET /items/{item_id}/crop.png" in logged
    for text in (response.text, logged):
        assert "Nguyễn" not in text and "052200851279" not in text
