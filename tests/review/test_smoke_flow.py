"""The reviewer's path through the app in process: queue, entry view, crop, decision, record, next."""

from __future__ import annotations

from tests.review.conftest import AUTHORITY, OTHER_AUTHORITY


def test_reviewer_decides_a_field_mismatch_and_the_record_is_stored(seeded, client):
    rita = client("rita")
    queue = rita.get("/queue")
    assert queue.status_code == 200 and queue.headers["cache-control"] == "no-store"
    assert f"#{seeded.mine.item_ids[0]}" in queue.text
    assert OTHER_AUTHORITY not in queue.text and AUTHORITY in queue.text
    first = seeded.mine.item_ids[0]
    page = rita.get(f"/items/{first}")
    assert page.status_code == 200, page.text
    assert "<mark>" in page.text and "Hòa" in page.text
    crop = rita.get(f"/items/{first}/crop.png")
    assert crop.status_code == 200 and crop.content[:8] == b"\x89PNG\r\n\x1a\n"
    answer = rita.post(f"/api/items/{first}/decision", json={"fields": {"full_name": {"action": "accept"}}})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["state"] == "resolved" and body["next"] == seeded.mine.item_ids[1]
    record = seeded.ctx.objects.get_json(seeded.settings.bucket_records, body["record_key"])
    assert record["status"] == "resolved"
    assert record["provenance"]["decisions"][0]["reviewer"] == "rita"
    again = rita.post(f"/api/items/{first}/decision", json={"fields": {"full_name": {"action": "accept"}}})
    assert again.status_code == 409
