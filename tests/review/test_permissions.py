"""Every route of the app is refused with no session, with a role that does not allow it, and to a user of
another authority; the table below must name every route, so a new route without a case fails here."""

from __future__ import annotations

import pytest

from review.app import all_routes
from tests.review.conftest import AUTHORITY

pytestmark = pytest.mark.integration

PUBLIC, ANYONE = "public", "anyone"
# (method, path) → (what it needs, what it is scoped by: 'item', 'batch' or None)
ROUTES = {
    ("GET", "/static"): (PUBLIC, None),
    ("GET", "/login"): (PUBLIC, None),
    ("POST", "/login"): (PUBLIC, None),
    ("POST", "/logout"): (ANYONE, None),
    ("GET", "/"): (ANYONE, None),
    ("GET", "/queue"): ("review", None),
    ("GET", "/queue/next"): ("review", None),
    ("POST", "/api/queue/next"): ("review", None),
    ("GET", "/items/{item_id}"): ("review", "item"),
    ("GET", "/items/{item_id}/crop.png"): ("review", "item"),
    ("GET", "/items/{item_id}/pages/{index}.png"): ("review", "item"),
    ("POST", "/api/items/{item_id}/decision"): ("review", "item"),
    ("POST", "/api/items/{item_id}/release"): ("review", "item"),
    ("GET", "/items/{item_id}/history"): ("arbitrate", "item"),
    ("GET", "/arbiter"): ("arbitrate", None),
    ("POST", "/api/items/{item_id}/settle"): ("arbitrate", "item"),
    ("GET", "/batches/{batch_id}/corrections.{fmt}"): ("arbitrate", "batch"),
    ("GET", "/admin"): ("admin", None),
    ("POST", "/admin/batches/{batch_id}/double-reading"): ("admin", "batch"),
}
#: Signed-in users without the capability, and users of the other authority with it.
WRONG_ROLE = {"review": "adam", "arbitrate": "rita", "admin": "alma"}
OTHER_AUTHORITY_USER = {"review": "otto", "arbitrate": "olga", "admin": "oren"}
RIGHT_USER = {"review": "rita", "arbitrate": "alma", "admin": "adam"}


def request_for(key: tuple[str, str], seeded) -> tuple[str, str, dict]:
    """A concrete request of the route, aimed at this authority's book."""
    method, path = key
    item = seeded.mine.item_ids[0]
    if "pages/{index}" in path:
        item = seeded.mine.item_ids[-1]  # the registry-only item: it has pages, not a crop
    url = (path.replace("{item_id}", str(item)).replace("{index}", "0").replace("{batch_id}", seeded.mine.batch_id)
           .replace("{fmt}", "csv"))
    if path == "/static":
        url = "/static/review.css"
    body: dict = {}
    if path.endswith("/decision") or path.endswith("/settle"):
        body = {"json": {"fields": {"full_name": {"action": "accept"}}}}
    elif path.endswith("/double-reading"):
        body = {"data": {"on": "on"}}
    elif path == "/login":
        body = {"data": {"name": "rita", "password": "wrong"}}
    return method, url, body


def send(c, method, url, body, csrf=True):
    if method == "GET":
        return c.get(url)
    return c.post(url, json=body.get("json"), data=body.get("data"), csrf=csrf)


def test_every_route_has_a_permission_case(seeded):
    present = set()
    for route in all_routes(seeded.app):
        for method in getattr(route, "methods", None) or {"GET"}:
            if method != "HEAD":
                present.add((method, route.path))
    assert present == set(ROUTES), f"routes without a permission case: {present - set(ROUTES)}; " \
                                   f"cases without a route: {set(ROUTES) - present}"


def test_no_session_is_sent_to_login_or_refused_401(seeded, client):
    anonymous = client()
    for key, (need, _) in ROUTES.items():
        if need == PUBLIC:
            continue
        method, url, body = request_for(key, seeded)
        response = send(anonymous, method, url, body, csrf=False)
        if url.startswith("/api/"):
            assert response.status_code == 401, key
            assert response.json() == {"error": "sign in first"}
        else:
            assert response.status_code == 303 and response.headers["location"] == "/login", key


def test_a_role_without_the_capability_is_refused_403(seeded, client):
    users = {name: client(name) for name in set(WRONG_ROLE.values())}
    for key, (need, _) in ROUTES.items():
        if need in (PUBLIC, ANYONE):
            continue
        method, url, body = request_for(key, seeded)
        response = send(users[WRONG_ROLE[need]], method, url, body)
        assert response.status_code == 403, (key, response.status_code)
        assert AUTHORITY not in response.text or "sohoa review" in response.text  # an error page, not data


def test_a_user_of_another_authority_never_reaches_this_authoritys_books(seeded, client):
    others = {name: client(name) for name in set(OTHER_AUTHORITY_USER.values())}
    rights = {name: client(name) for name in set(RIGHT_USER.values())}
    mine = set(seeded.mine.item_ids)
    for key, (need, scope) in ROUTES.items():
        if need in (PUBLIC, ANYONE):
            continue
        method, url, body = request_for(key, seeded)
        response = send(others[OTHER_AUTHORITY_USER[need]], method, url, body)
        if scope is not None:
            assert response.status_code == 404, (key, response.status_code)
        else:
            assert response.status_code in (200, 303), key
            assert seeded.mine.batch_id[:8] not in response.text, key
            if key == ("POST", "/api/queue/next"):
                assert response.json()["item"] not in mine
            if key == ("GET", "/queue/next"):
                assert response.headers["location"].rsplit("/", 1)[-1].split("?")[0] not in {str(i) for i in mine}
        # The same request by a user of this authority with the role is served: the refusal above is scope.
        control = send(rights[RIGHT_USER[need]], method, url, body)
        if key == ("POST", "/api/items/{item_id}/settle"):
            assert control.status_code == 409  # allowed, but the item is not disputed
        else:
            assert control.status_code in (200, 303), (key, control.status_code)


def test_anyone_routes_need_a_session_only(seeded, client):
    for name in ("rita", "alma", "adam"):
        c = client(name)
        assert c.get("/").status_code == 303
        assert c.post("/logout", data={}).status_code == 303
        assert c.get("/queue").status_code in (303, 403)  # the session is over
        assert c.get("/queue").headers.get("location", "/login") == "/login"
