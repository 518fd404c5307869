"""A queued batch through the real stack: Prefect server + process worker, SeaweedFS, PostgreSQL.

Nothing here is mocked: the worker runs the deployment from prefect.yaml in a subprocess, and the
assertions read what landed in the object store and the databases.
"""

from __future__ import annotations

import json
import time

import pytest
from rich.console import Console

from sohoa.stack import queue_batch, start_stack, stop_stack
from storage.registry import load_snapshot
from storage.state import StateStore

pytestmark = pytest.mark.integration


def _wait_for_flow_run(api_url: str, flow_run_id: str, timeout: float = 420):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    deadline = time.monotonic() + timeout
    with temporary_settings({PREFECT_API_URL: api_url}):
        with get_client(sync_client=True) as client:
            while time.monotonic() < deadline:
                run = client.read_flow_run(flow_run_id)
                if run.state is not None and run.state.is_final():
                    return run
                time.sleep(2)
    raise AssertionError(f"flow run {flow_run_id} did not finish within {timeout} s")


def test_queued_batch_lands_records_pages_and_flags(flow_settings, small_table_book, postgres_url, seaweedfs):
    registry_url = postgres_url
    state_url = postgres_url  # sohoa's state tables live beside the registry snapshot in the test cluster
    settings = flow_settings.model_copy(update={"state_db_url": state_url})
    load_snapshot(small_table_book.registry, registry_url)
    truth = [json.loads(line) for line in small_table_book.truth.open(encoding="utf-8")]
    planted = [json.loads(line) for line in small_table_book.discrepancies.open(encoding="utf-8")]
    keys = small_table_book.book

    console = Console(quiet=True)
    try:
        urls = start_stack(console, settings)
        assert urls["Prefect UI"].startswith("http://127.0.0.1:")
        assert urls["Review app"] == f"http://127.0.0.1:{settings.review_port}"
        import urllib.request
        with urllib.request.urlopen(f"{urls['Review app']}/login", timeout=5) as page:
            assert page.status == 200
        run = queue_batch(
            small_table_book.scans[0].parent, authority=keys["authority"], year=keys["year"],
            volume=keys["volume"], registry_db_url=registry_url, settings=settings,
        )
        finished = _wait_for_flow_run(settings.prefect_api_url, run["id"])
        assert finished.state.is_completed(), finished.state.message
        from prefect.client.orchestration import get_client
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings({PREFECT_API_URL: settings.prefect_api_url}), get_client(sync_client=True) as client:
            audit = client.read_deployment_by_name("fixity-audit/fixity-audit")
        assert [s.schedule.cron for s in audit.schedules] == [settings.fixity_cron]  # deployed with its schedule
    finally:
        stop_stack(console, settings)

    state = StateStore(state_url)
    assert state.get_batch(run["batch_id"]).book.volume == str(keys["volume"])  # as the book prints it: '01'
    entries = state.entries_for_batch(run["batch_id"])
    book_entries = [e for e in entries if e.source.page is not None]
    assert len(book_entries) == len(truth)

    store = seaweedfs.store
    verified = [e for e in entries if e.status == "verified"]
    assert verified, "a light-degraded page with a matching registry should verify some entries"
    for entry in verified:
        stored = state.record_key_for(run["batch_id"], entry.entry_no)
        body = store.get_json(settings.bucket_records, stored)
        assert body["fields"] == entry.fields
        assert body["provenance"]["page_sha256"] and body["provenance"]["pipeline_version"].startswith("sohoa/")
        assert store.stat(settings.bucket_records, stored).sha256
        if str(keys["volume"]).isdigit():  # a digit volume keeps the key it had as a number
            assert f"/v{int(keys['volume']):03d}/records/" in stored
    page_keys = {e.source.object_key for e in book_entries}
    for key in page_keys:
        assert store.stat(settings.bucket_pages, key) is not None

    open_items = state.list_review_items(state="open", batch_id=run["batch_id"])
    flagged = [e for e in entries if e.status == "flagged"]
    assert len(open_items) == len(flagged)
    codes = {code for item in open_items for code in item.reasons}
    expected = {"missing": "missing_in_registry", "registry_only": "registry_only",
                "duplicate": "duplicate_in_registry", "field_differs": "field_mismatch"}
    for discrepancy in planted:
        assert expected[discrepancy["type"]] in codes
