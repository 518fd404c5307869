"""The review app on PostgreSQL, as in production: the queue's reason filter on JSONB, claims, and racing
decisions (a double submit, two reviewers) that decide an item once."""

from __future__ import annotations

import threading

import pytest

from review.app import create_app
from review.context import AppContext
from tests.review.conftest import AUTHORITY, PASSWORD, Client
from tests.review.seeding import seed_book

pytestmark = pytest.mark.integration


@pytest.fixture()
def on_postgres(review_settings, postgres_url):
    settings = review_settings.model_copy(update={"state_db_url": postgres_url})
    ctx = AppContext.connect(settings)
    book = seed_book(ctx.state, ctx.objects, settings, AUTHORITY, 6, registry_url=settings.resolved_registry_db_url,
                     rows_per_page=3)
    for name in ("rita", "ravi"):
        ctx.users.add(name, PASSWORD, "reviewer", [AUTHORITY])
    app = create_app(settings, ctx)
    yield ctx, book, app
    ctx.close()


def test_reason_filter_and_racing_decisions_on_postgres(on_postgres):
    ctx, book, app = on_postgres
    low = ctx.work.queue((AUTHORITY,), reason="low_confidence")
    assert low and all("low_confidence" in i.reasons for i in low)
    assert len(ctx.work.queue((AUTHORITY,))) == len(book.item_ids)

    rita, ravi = Client(app, "rita"), Client(app, "ravi")
    item = rita.post("/api/queue/next").json()["item"]
    assert ravi.post("/api/queue/next").json()["item"] != item
    answers: list[int] = []
    decision = {"fields": {"full_name": {"action": "accept"}}}

    def submit(who: Client) -> None:
        answers.append(who.post(f"/api/items/{item}/decision", json=decision).status_code)

    threads = [threading.Thread(target=submit, args=(who,)) for who in (rita, rita, rita, ravi)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(answers) == [200, 409, 409, 409]
    assert [d.reviewer for d in ctx.work.readings(item)] == ["rita"]
