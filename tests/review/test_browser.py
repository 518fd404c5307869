"""A reviewer in a real browser (Debian's chromium, driven by Playwright): signs in, opens the queue of a
batch digitized here (one typed page, real OCR, real SeaweedFS), resolves a field_mismatch item with the
keyboard only, and the resolved record lands in the records bucket and the correction is exported by
`sohoa review corrections`."""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sohoa.settings import Settings, get_settings
from storage.registry import load_snapshot
from storage.seaweed import free_port

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
NOTES_SCREENSHOT = Path("/work/notes/review-entry-view.png")
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def prefect_ephemeral():
    from prefect.testing.utilities import prefect_test_harness

    from sohoa.settings import apply_prefect_defaults

    apply_prefect_defaults()

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture()
def digitized(tmp_path, seaweedfs, monkeypatch, prefect_ephemeral):
    """One page of a synthetic typed table book (seed 9: a place of birth differs from the registry),
    digitized by the real flow; settings in the environment, as `sohoa` reads them."""
    from flows.digitize import digitize_batch
    from synth import generate_book

    settings = Settings(home=tmp_path / "home", s3_endpoint=seaweedfs.endpoint, s3_access_key=seaweedfs.access_key,
                        s3_secret_key=seaweedfs.secret_key, prefect_api_url=f"http://127.0.0.1:{free_port()}/api",
                        review_port=free_port())
    settings.home.mkdir(parents=True)
    for name, value in settings.as_env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    book = generate_book(tmp_path / "book", layout="table", pages=1, seed=9, degradation="clean", upside_down_pages=0)
    load_snapshot(book.registry, settings.resolved_registry_db_url)
    summary = digitize_batch(source=str(book.scans[0].parent), authority=book.book["authority"],
                             year=book.book["year"], volume=str(book.book["volume"]))
    yield settings, book, summary
    get_settings.cache_clear()


@pytest.fixture()
def live_app(digitized):
    import uvicorn

    from review.app import create_app

    settings = digitized[0]
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=settings.review_port, log_level="warning",
                                           access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the review app did not start"
    yield app, f"http://127.0.0.1:{settings.review_port}"
    server.should_exit = True
    thread.join(10)


def test_reviewer_resolves_a_field_mismatch_with_the_keyboard(digitized, live_app, tmp_path):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: Debian's chromium package (make test installs it)")
    settings, book, summary = digitized
    app, base = live_app
    ctx = app.state.context
    batch_id = summary["batch_id"]
    ctx.users.add("rita", PASSWORD, "reviewer", [book.book["authority"]])
    mismatches = [i for i in ctx.work.queue(ctx.users.get("rita").authorities, batch_id=batch_id)
                  if "field_mismatch" in i.reasons]
    assert mismatches, "the digitized page has no field_mismatch item"
    target = mismatches[0]
    entry = ctx.state.entry(batch_id, target.entry_key)
    mismatched = {f.field for f in entry.flags if f.code.value == "field_mismatch"}

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        # A Content-Security-Policy refusal (an inline script or style the app forgot) shows as a console error.
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.goto(f"{base}/queue")
        assert page.url.endswith("/login")
        # The name field takes the focus itself (autofocus); on a loaded machine only once the page is shown.
        page.wait_for_function("document.activeElement && document.activeElement.name === 'name'")
        page.keyboard.type("rita")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/queue", timeout=90_000)  # argon2 is slow on purpose, slower under load
        page.goto(f"{base}/queue?batch={batch_id}&reason=field_mismatch")
        assert page.locator(f"a[href^='/items/{target.id}']").count() == 1
        page.goto(f"{base}/items/{target.id}?batch={batch_id}")
        page.wait_for_selector("#crop")
        # Polled from here: the app's Content-Security-Policy (rightly) refuses Playwright's eval-based waits.
        for _ in range(100):
            if page.evaluate("() => { const i = document.getElementById('crop'); return i.complete && i.naturalWidth > 0; }"):
                break
            time.sleep(0.05)
        focused = page.evaluate("document.activeElement.dataset.field || document.activeElement.dataset.entry")
        assert focused in mismatched | {"entry"}
        assert page.locator("#outline").is_visible() or focused == "entry"
        # The diff marks the book/registry difference of the mismatched field.
        row = page.locator(f"tr[data-field='{sorted(mismatched)[0]}']")
        assert row.locator("td.registry mark").count() >= 1
        # Arrows move between fields (the outline follows), and back.
        page.keyboard.press("ArrowDown")
        assert page.evaluate("() => document.activeElement.dataset.field") != focused
        page.keyboard.press("ArrowUp")
        assert page.evaluate("() => document.activeElement.dataset.field || document.activeElement.dataset.entry") == focused
        page.keyboard.press("+")  # zoom in, as for a faded entry
        assert page.locator("#zoom-level").inner_text() == "125 %"
        upcoming = page.get_attribute("#item", "data-upcoming")
        if upcoming:  # the next item's crop is fetched ahead
            loaded = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
            assert any(name.endswith(f"/items/{upcoming}/crop.png") for name in loaded)
        page.evaluate("() => { window.sameDocument = true; }")
        shot = tmp_path / "review-entry-view.png"
        page.screenshot(path=str(shot), full_page=True)
        NOTES_SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, NOTES_SCREENSHOT)
        # Keyboard only: Enter accepts each flagged field, then Enter on "Decide".
        pending = page.locator("tr.field-row[data-flagged='1']").count()
        for _ in range(pending):
            page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "submit"
        page.keyboard.press("Enter")
        page.wait_for_selector(f"#item:not([data-item='{target.id}'])")
        # The next item came without a full reload.
        assert page.evaluate("() => window.sameDocument === true")
        if page.locator("tr.field-row[data-field]").count():
            # A correction, keyboard only: c, type what the book says, Enter.
            page.locator("tr.field-row[data-field]").first.focus()
            page.keyboard.press("c")
            page.keyboard.press("Control+A")
            page.keyboard.type("Nguyễn Thị Hoà")
            page.keyboard.press("Enter")
            assert "✎ Nguyễn Thị Hoà" in page.locator("tr.field-row[data-field] td.decision").first.inner_text()
        assert errors == []
        browser.close()

    item = next(i for i in ctx.state.list_review_items(state=None, batch_id=batch_id) if i.id == target.id)
    assert item.state == "resolved" and item.reviewer == "rita"
    record = ctx.objects.get_json(settings.bucket_records, item.resolution["record_key"])
    assert record["status"] == "resolved"
    assert record["provenance"]["decisions"][0]["reviewer"] == "rita"
    assert record["provenance"]["page_object_key"] == entry.source.object_key

    from sohoa.cli import app as cli

    out = tmp_path / "corrections.jsonl"
    result = CliRunner().invoke(cli, ["review", "corrections", "--batch", batch_id, "--out", str(out)],
                                env=dict(os.environ))
    assert result.exit_code == 0, result.output
    proposals = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    mine = [p for p in proposals if p["review_item"] == target.id]
    assert mine and {p["field"] for p in mine if p["action"] == "update"} <= mismatched
    assert any(p["action"] == "update" for p in mine)
