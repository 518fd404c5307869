"""Pages read in worker processes, a bounded window at a time: the same readings and records as reading
each page in this process, and a work folder that never holds more pages than the window.

Real Tesseract (in process, in spawned workers), real SeaweedFS, ephemeral Prefect."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from flows import progress
from ocr.ingest import split_into_pages
from ocr.read import page_reading_to_dict, read_page
from ocr.tesserocr_engine import make_engine
from sohoa.settings import get_settings
from storage.registry import load_snapshot

from .scale_helpers import cached_readings, fresh_buckets, stored_records

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def three_page_book(tmp_path_factory):
    from synth import generate_book

    return generate_book(tmp_path_factory.mktemp("book-pool"), layout="table", pages=3, seed=21,
                         degradation="light", upside_down_pages=0)


def test_pool_reads_as_this_process_does_within_the_window(tmp_path, flow_settings, three_page_book, run_batch,
                                                           seaweedfs, monkeypatch):
    load_snapshot(three_page_book.registry, flow_settings.resolved_registry_db_url)
    peaks: list[int] = []

    def count_work_files(event: str, data: dict) -> None:
        if event == "extracted":
            folder = Path(data["work_dir"])
            peaks.append(sum(1 for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0)

    runs = {}
    for workers, window in ((1, 1), (2, 2)):
        monkeypatch.setenv("SOHOA_OCR_WORKERS", str(workers))
        monkeypatch.setenv("SOHOA_PAGE_WINDOW", str(window))
        fresh_buckets(monkeypatch, f"w{workers}")
        settings = get_settings()
        peaks.clear()
        progress.set_listener(count_work_files)
        try:
            summary = run_batch(three_page_book.scans[0].parent, three_page_book.book)
        finally:
            progress.set_listener(None)
        assert summary["pages_read"] == 3 and summary["input_errors"] == []
        assert peaks and max(peaks) <= window, f"work folder held {max(peaks)} pages, window {window}"
        assert not (settings.work_dir / summary["batch_id"]).exists(), "work files outlive the batch"
        runs[workers] = (stored_records(settings, summary["batch_id"]), cached_readings(settings, seaweedfs.store),
                         summary)

    one, two = runs[1], runs[2]
    assert one[0], "a light-degraded book with its registry should verify some entries"
    assert one[0] == two[0], "records differ between one and two workers"
    assert one[1] == two[1]

    # The readings are those of reading each page in this process, as the flow did before it had workers.
    engine = make_engine("tesserocr")
    pages = [p for scan in three_page_book.scans for p in split_into_pages(scan, tmp_path / "ref")]
    here = sorted((page_reading_to_dict(read_page(page, engine)) for page in pages),
                  key=lambda r: json.dumps(r, sort_keys=True))
    assert json.loads(json.dumps(here)) == one[1]
    assert set(runs[2][2]["stage_seconds"]) >= {"ingest", "preprocess", "layout", "ocr", "storage", "check_route"}


def test_a_pool_worker_killed_mid_batch_loses_no_page(flow_settings, three_page_book, run_batch, monkeypatch):
    import signal

    import psutil

    from storage.state import StateStore

    load_snapshot(three_page_book.registry, flow_settings.resolved_registry_db_url)
    monkeypatch.setenv("SOHOA_OCR_WORKERS", "2")
    fresh_buckets(monkeypatch, "poolkill")
    settings = get_settings()
    killed: list[int] = []

    def kill_a_worker(event: str, data: dict) -> None:
        # After the first page, both workers hold a page (window of 4): one dies, and its pool with it.
        if event == "page_done" and not killed:
            workers = [p for p in psutil.Process().children() if "multiprocessing" in " ".join(p.cmdline())
                       and "resource_tracker" not in " ".join(p.cmdline())]
            assert workers, "no pool worker to kill"
            killed.append(workers[-1].pid)
            os.kill(workers[-1].pid, signal.SIGKILL)

    progress.set_listener(kill_a_worker)
    try:
        summary = run_batch(three_page_book.scans[0].parent, three_page_book.book)
    finally:
        progress.set_listener(None)
    assert killed
    assert summary["pages_read"] == 3 and summary["input_errors"] == []
    entries = StateStore(settings.resolved_state_db_url).entries_for_batch(summary["batch_id"])
    placed = [(e.source.page, tuple(e.source.bbox)) for e in entries if e.source.page is not None]
    assert sorted({page for page, _ in placed}) == [1, 2, 3], "a page was lost"
    assert len(placed) == len(set(placed)), "an entry was stored twice"
