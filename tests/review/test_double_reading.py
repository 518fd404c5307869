"""Double reading (the FamilySearch pattern): two reviewers read an item independently; if they disagree an
arbiter, who sees both readings, settles it; the history keeps all three; the admin sees agreement rates."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.integration

ACCEPT = {"fields": {"full_name": {"action": "accept"}}}
CORRECT = {"fields": {"full_name": {"action": "correct", "value": "Nguyễn Văn Hoà Bình"}}}


def test_two_readers_disagree_and_the_arbiter_settles(seeded, client):
    batch, item = seeded.mine.batch_id, seeded.mine.item_ids[0]
    seeded.ctx.work.set_double_reading(batch, True)
    rita, ravi, alma = client("rita"), client("ravi"), client("alma")

    assert rita.get(f"/items/{item}").status_code == 200
    # While rita holds it, ravi sees it read-only and cannot decide it.
    assert "Another reviewer holds this item" in ravi.get(f"/items/{item}").text
    assert ravi.post(f"/api/items/{item}/decision", json=CORRECT).status_code == 409
    first = rita.post(f"/api/items/{item}/decision", json=ACCEPT)
    assert first.json()["state"] == "open"
    # rita may not read it twice; her next item is another one.
    assert first.json()["next"] != item
    assert rita.post(f"/api/items/{item}/decision", json=ACCEPT).status_code == 409

    assert ravi.get(f"/items/{item}").status_code == 200
    # An arbiter reading it as the second reader does not see the first reading either.
    assert 'class="reading"' not in alma.get(f"/items/{item}").text
    second = ravi.post(f"/api/items/{item}/decision", json=CORRECT)
    assert second.json()["state"] == "disputed"
    assert seeded.ctx.objects.list_keys(seeded.settings.bucket_records) == []  # nothing stored yet

    disputed = alma.get("/arbiter")
    assert f'href="/items/{item}"' in disputed.text
    view = alma.get(f"/items/{item}")
    assert view.text.count('class="reading"') == 2 and "Nguyễn Văn Hoà Bình" in view.text
    assert 'data-mode="settle"' in view.text
    # A reviewer cannot settle; the arbiter can, once.
    assert rita.post(f"/api/items/{item}/settle", json=CORRECT).status_code == 403
    settled = alma.post(f"/api/items/{item}/settle", json=CORRECT)
    assert settled.status_code == 200 and settled.json()["state"] == "resolved"
    assert alma.post(f"/api/items/{item}/settle", json=ACCEPT).status_code == 409

    history = alma.get(f"/items/{item}/history")
    assert history.text.count('class="decision"') == 3
    for name in ("rita", "ravi", "alma"):
        assert name in history.text
    decisions = seeded.ctx.work.readings(item)
    assert [d.reviewer for d in decisions] == ["rita", "ravi", "alma"]
    assert [d.resolution["kind"] for d in decisions] == ["reading", "reading", "arbitration"]

    record = seeded.ctx.objects.get_json(seeded.settings.bucket_records, settled.json()["record_key"])
    assert record["status"] == "resolved" and record["fields"]["full_name"] == "Nguyễn Văn Hoà Bình"
    assert [d["reviewer"] for d in record["provenance"]["decisions"]] == ["rita", "ravi", "alma"]

    # The admin sees both readers at 0 % agreement on this one item.
    admin = client("adam").get("/admin").text
    assert "<td>rita</td><td>1</td><td>0</td><td>0 %</td>" in admin
    assert "<td>ravi</td><td>1</td><td>0</td><td>0 %</td>" in admin


def test_two_readers_who_agree_resolve_the_item(seeded, client):
    batch, item = seeded.mine.batch_id, seeded.mine.item_ids[0]
    seeded.ctx.work.set_double_reading(batch, True)
    rita, ravi = client("rita"), client("ravi")
    rita.get(f"/items/{item}")
    assert rita.post(f"/api/items/{item}/decision", json=CORRECT).json()["state"] == "open"
    ravi.get(f"/items/{item}")
    # The same text with the other tone placement and spacing is the same reading.
    same = {"fields": {"full_name": {"action": "correct", "value": "Nguyễn  Văn Hòa Bình"}}}
    answer = ravi.post(f"/api/items/{item}/decision", json=same).json()
    assert answer["state"] == "resolved" and answer["record_key"]
    admin = client("adam").get("/admin").text
    assert "<td>rita</td><td>1</td><td>1</td><td>100 %</td>" in admin


def test_registry_only_and_missing_items(seeded, client):
    rita = client("rita")
    orphan = seeded.mine.item_ids[-1]
    page = rita.get(f"/items/{orphan}")
    assert 'data-kind="registry_only"' in page.text and "Registry record" in page.text
    assert rita.get(f"/items/{orphan}/pages/0.png").content[:4] == b"\x89PNG"
    answer = rita.post(f"/api/items/{orphan}/decision", json={"entry": "not_in_book"}).json()
    assert answer["state"] == "resolved" and answer["record_key"] is None  # no entry, no record

    missing = next(i.id for i in seeded.ctx.work.queue(("UBND xã Tân Phú",)) if "missing_in_registry" in i.reasons)
    page = rita.get(f"/items/{missing}")
    assert 'data-kind="missing_in_registry"' in page.text and "Add to the registry" in page.text
    assert rita.post(f"/api/items/{missing}/decision", json={"add_to_registry": True}).json()["state"] == "resolved"

    from review.exports import batch_corrections

    proposals = batch_corrections(seeded.ctx.state, seeded.ctx.registry, seeded.mine.batch_id)
    assert [p["action"] for p in proposals if p["review_item"] == missing] == ["create"]
    assert not [p for p in proposals if p["review_item"] == orphan]
    csv = client("alma").get(f"/batches/{seeded.mine.batch_id}/corrections.csv")
    assert csv.status_code == 200 and csv.text.startswith("action,review_item") and "create" in csv.text
