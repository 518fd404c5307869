"""The queue (counts, reason filter, oldest first, claims that lock an item to one reviewer) and the
`sohoa users` and `sohoa review serve` commands."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest

from storage.review_work import ReviewWork
from storage.state import StateStore
from storage.users import UserStore
from tests.review.conftest import AUTHORITY

pytestmark = pytest.mark.integration
SOHOA = str(Path(sys.executable).with_name("sohoa"))


def test_queue_counts_filters_by_reason_and_goes_oldest_first(seeded, client):
    rita = client("rita")
    page = rita.get(f"/queue?batch={seeded.mine.batch_id}&reason=low_confidence").text
    work = seeded.ctx.work
    low = [i.id for i in work.queue((AUTHORITY,), reason="low_confidence")]
    mismatch = [i.id for i in work.queue((AUTHORITY,), reason="field_mismatch")]
    assert low and mismatch and not set(low) & set(mismatch)
    assert all(f'href="/items/{i}?batch=' in page for i in low)
    assert not any(f'href="/items/{i}?batch=' in page for i in mismatch)
    counts = {line["batch_id"]: line for line in work.counts((AUTHORITY,))}[seeded.mine.batch_id]
    assert counts["states"] == {"open": len(seeded.mine.item_ids)}
    assert sum(counts["reasons"].values()) == len(seeded.mine.item_ids)
    # "next" hands out the oldest first, and never the same item to two reviewers at once.
    first = rita.post(f"/api/queue/next?batch={seeded.mine.batch_id}").json()["item"]
    assert first == min(seeded.mine.item_ids)
    second = client("ravi").post(f"/api/queue/next?batch={seeded.mine.batch_id}").json()["item"]
    assert second == sorted(seeded.mine.item_ids)[1]
    assert "rita" in rita.get(f"/queue?batch={seeded.mine.batch_id}").text  # held by


def test_a_claim_runs_out_and_can_then_be_taken(seeded):
    work, item = seeded.ctx.work, seeded.mine.item_ids[0]
    assert work.claim(item, "rita", dt.timedelta(minutes=5))
    assert not work.claim(item, "ravi", dt.timedelta(minutes=5))
    assert work.claim(item, "rita", dt.timedelta(minutes=5))  # renewing one's own
    assert work.claim(seeded.mine.item_ids[1], "ravi", dt.timedelta(seconds=-1))  # already run out
    assert work.claim(seeded.mine.item_ids[1], "rita", dt.timedelta(minutes=5))
    work.release(item, "rita")
    assert work.claim(item, "ravi", dt.timedelta(minutes=5))


def _sohoa(home: Path, *args: str, stdin: str | None = None, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    environment |= {"SOHOA_HOME": str(home), **env}
    return subprocess.run([SOHOA, *args], input=stdin, capture_output=True, text=True, env=environment, timeout=120)


def test_users_add_list_disable(tmp_path):
    added = _sohoa(tmp_path, "users", "add", "rita", "--role", "reviewer", "--authority", AUTHORITY,
                   "--password-stdin", stdin="a long enough password\n")
    assert added.returncode == 0, added.stderr
    listed = _sohoa(tmp_path, "users", "list")
    assert "rita" in listed.stdout and "reviewer" in listed.stdout and "active" in listed.stdout
    twice = _sohoa(tmp_path, "users", "add", "rita", "--role", "reviewer", "--authority", AUTHORITY,
                   "--password-stdin", stdin="a long enough password\n")
    assert twice.returncode == 9 and twice.stderr.strip().count("\n") == 0 and "already exists" in twice.stderr
    bad_role = _sohoa(tmp_path, "users", "add", "eve", "--role", "root", "--authority", AUTHORITY,
                      "--password-stdin", stdin="a long enough password\n")
    assert bad_role.returncode == 9 and "unknown role" in bad_role.stderr and "Traceback" not in bad_role.stderr
    short = _sohoa(tmp_path, "users", "add", "eve", "--role", "admin", "--authority", AUTHORITY,
                   "--password-stdin", stdin="short\n")
    assert short.returncode == 9 and "at least 8" in short.stderr
    assert _sohoa(tmp_path, "users", "disable", "rita").returncode == 0
    assert "disabled" in _sohoa(tmp_path, "users", "list").stdout
    assert _sohoa(tmp_path, "users", "disable", "nobody").returncode == 9
    # The password is stored as an argon2 hash, never as given.
    users = UserStore(StateStore(f"sqlite:///{tmp_path / 'state.sqlite'}"))
    with users.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT password_hash FROM review_users").scalar()
    assert stored.startswith("$argon2") and "a long enough password" not in stored


def test_double_reading_is_turned_on_and_off_by_batch(seeded, tmp_path):
    home = Path(seeded.settings.home)
    batch = seeded.mine.batch_id
    env = {"SOHOA_STATE_DB_URL": seeded.settings.resolved_state_db_url}
    assert _sohoa(home, "review", "double-reading", "--batch", batch, "--on", **env).returncode == 0
    assert seeded.ctx.work.double_reading(batch)
    assert _sohoa(home, "review", "double-reading", "--batch", batch, "--off", **env).returncode == 0
    assert not seeded.ctx.work.double_reading(batch)
    unknown = _sohoa(home, "review", "double-reading", "--batch", "00000000-0000-0000-0000-000000000000", **env)
    assert unknown.returncode == 9 and "no batch" in unknown.stderr


def test_review_serve_on_a_port_in_use_is_one_line(tmp_path):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = _sohoa(tmp_path, "review", "serve", "--port", str(port))
    assert done.returncode != 0 and "Traceback" not in done.stderr


def test_decisions_are_append_only(seeded, client):
    rita = client("rita")
    item = seeded.mine.item_ids[0]
    rita.get(f"/items/{item}")
    rita.post(f"/api/items/{item}/decision", json={"fields": {"full_name": {"action": "unreadable"}}})
    decisions = ReviewWork(seeded.ctx.state).readings(item)
    assert len(decisions) == 1
    shown = decisions[0].resolution["shown"]
    assert shown["fields"]["full_name"] and shown["registry"]["full_name"] and shown["flags"][0]["code"] == "field_mismatch"
    assert decisions[0].resolution["unreadable"] == ["full_name"]
    record = seeded.ctx.objects.get_json(seeded.settings.bucket_records, seeded.ctx.state.list_review_items(
        "resolved", seeded.mine.batch_id)[0].resolution["record_key"])
    assert record["fields"]["full_name"] is None  # unreadable: the record does not guess
    from review.exports import batch_corrections

    assert batch_corrections(seeded.ctx.state, seeded.ctx.registry, seeded.mine.batch_id) == []
