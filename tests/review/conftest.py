"""Fixtures for the review app: settings on the real test SeaweedFS, a seeded queue of two authorities'
books, accounts of every role, and signed-in clients (the app in process, through httpx)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from review.app import create_app
from review.context import AppContext
from sohoa.settings import Settings
from tests.review.seeding import SeededBook, seed_book

AUTHORITY = "UBND xã Tân Phú"
OTHER_AUTHORITY = "UBND phường Bến Nghé"
PASSWORD = "correct horse battery"


@pytest.fixture()
def review_settings(tmp_path, seaweedfs) -> Settings:
    home = tmp_path / "home"
    home.mkdir()
    return Settings(home=home, s3_endpoint=seaweedfs.endpoint, s3_access_key=seaweedfs.access_key,
                    s3_secret_key=seaweedfs.secret_key, review_max_failed_logins=3,
                    bucket_pages=f"pages-{uuid.uuid4().hex[:10]}", bucket_records=f"records-{uuid.uuid4().hex[:10]}")


@dataclass
class Seeded:
    ctx: AppContext
    settings: Settings
    mine: SeededBook
    other: SeededBook
    app: object


@pytest.fixture()
def seeded(review_settings) -> Seeded:
    ctx = AppContext.connect(review_settings)
    registry = review_settings.resolved_registry_db_url
    mine = seed_book(ctx.state, ctx.objects, review_settings, AUTHORITY, 6, registry_url=registry, rows_per_page=4)
    other = seed_book(ctx.state, ctx.objects, review_settings, OTHER_AUTHORITY, 3, registry_url=registry)
    for name, role, authority in [("rita", "reviewer", AUTHORITY), ("ravi", "reviewer", AUTHORITY),
                                  ("alma", "arbiter", AUTHORITY), ("adam", "admin", AUTHORITY),
                                  ("otto", "reviewer", OTHER_AUTHORITY), ("olga", "arbiter", OTHER_AUTHORITY),
                                  ("oren", "admin", OTHER_AUTHORITY)]:
        ctx.users.add(name, PASSWORD, role, [authority])
    app = create_app(review_settings, ctx)
    yield Seeded(ctx, review_settings, mine, other, app)
    ctx.close()


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(r'data-csrf="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Client:
    """A browser-like client: signed in (or not), with the session's CSRF token at hand."""

    def __init__(self, app, name: str | None = None, password: str = PASSWORD) -> None:
        self.http = TestClient(app, base_url="http://127.0.0.1", follow_redirects=False)
        self.csrf = ""
        if name:
            response = self.login(name, password)
            assert response.status_code == 303, f"login of {name} refused: {response.status_code}"
            self.csrf = csrf_of(self.http.get("/", follow_redirects=True).text)

    def login(self, name: str, password: str):
        token = csrf_of(self.http.get("/login").text)
        return self.http.post("/login", data={"name": name, "password": password, "csrf_token": token})

    def get(self, url: str, **kw):
        return self.http.get(url, **kw)

    def post(self, url: str, json=None, data=None, csrf: bool = True, **kw):
        headers = {"X-CSRF-Token": self.csrf} if csrf and self.csrf and data is None else {}
        if data is not None and csrf:
            data = {**data, "csrf_token": self.csrf}
        return self.http.post(url, json=json, data=data, headers=headers, **kw)


@pytest.fixture()
def client(seeded):
    def make(name: str | None = None, password: str = PASSWORD) -> Client:
        return Client(seeded.app, name, password)

    return make
