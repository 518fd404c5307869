"""A batch's page whose column titles are stained is named by the book's earlier page, also when both pages
were sent to the workers before the first came back (read again, so one or many workers read alike).

Real Tesseract in spawned workers, real SeaweedFS, ephemeral Prefect."""

from __future__ import annotations

import pytest

from sohoa.settings import get_settings
from storage.registry import load_snapshot
from storage.state import StateStore
from tests.ocr.render import save, table_page
from tests.ocr.test_book_columns import ROWS, TITLES, WIDTHS, _stain_titles
from tests.ocr.test_structure import CHILDREN

from .scale_helpers import fresh_buckets

pytestmark = pytest.mark.integration


def test_stained_page_is_named_by_the_page_before_it_in_the_batch(tmp_path, flow_settings, run_batch, monkeypatch):
    scans = tmp_path / "scans"
    scans.mkdir()
    save(table_page(TITLES, WIDTHS, ROWS), scans / "page-1.png")
    save(_stain_titles(table_page(TITLES, WIDTHS, ROWS), WIDTHS, (6, 8)), scans / "page-2.png")
    (tmp_path / "registry.jsonl").write_text("", encoding="utf-8")
    load_snapshot(tmp_path / "registry.jsonl", flow_settings.resolved_registry_db_url)  # no records: all flagged
    monkeypatch.setenv("SOHOA_OCR_WORKERS", "2")
    monkeypatch.setenv("SOHOA_PAGE_WINDOW", "2")  # both pages in flight before the book knows its columns
    fresh_buckets(monkeypatch, "bookcols")
    settings = get_settings()
    summary = run_batch(scans, {"authority": "UBND xã Hải Anh", "year": 2015, "volume": "01"})
    assert summary["pages_read"] == 2 and summary["input_errors"] == []
    entries = StateStore(settings.resolved_state_db_url).entries_for_batch(summary["batch_id"])
    by_page = {page: [e for e in entries if e.source.page == page] for page in (1, 2)}
    assert [e.fields["mother_name"] for e in by_page[2]] == [c[7] for c in CHILDREN]
    assert [e.fields["father_name"] for e in by_page[2]] == [c[10] for c in CHILDREN]
