"""The OCR cache in object storage: a page is read once per engine, reading code and pipeline version."""

from __future__ import annotations

import uuid

import pytest

from flows import services as services_module
from flows.services import Services
from ocr.ingest import PageImage
from ocr.read import EntryReading, FieldReading, PageReading
from sohoa.settings import Settings


class _Engine:
    def version(self) -> str:
        return "fake-engine 1"


@pytest.fixture()
def services(seaweedfs, tmp_path) -> Services:
    settings = Settings(home=tmp_path, bucket_ocr=f"ocr-{uuid.uuid4().hex[:10]}")
    seaweedfs.store.ensure_buckets([settings.bucket_ocr])
    return Services(settings=settings, objects=seaweedfs.store, registry=None, state=None, engine=_Engine())


def _page(tmp_path) -> PageImage:
    path = tmp_path / "page-1.png"
    path.write_bytes(uuid.uuid4().bytes)  # content of its own: a page no other test has cached
    return PageImage(source_file=tmp_path / "book.pdf", page_in_file=1, path=path, dpi=300)


def _reader(calls: list[str], text: str):
    def read() -> PageReading:
        calls.append(text)
        entry = EntryReading((0, 0, 10, 10), {"entry_no": FieldReading(text, 0.99, None)})
        return PageReading("table", [entry], 0.0, False, "fake-engine 1")
    return read


def test_a_page_is_read_once_per_reading_code_version(services, tmp_path, monkeypatch):
    page, calls = _page(tmp_path), []
    monkeypatch.setattr(services_module, "OCR_CODE_VERSION", "ocr-read/test-1")
    first = services.cached_reading(page, _reader(calls, "1"))
    again = services.cached_reading(page, _reader(calls, "stale"))
    assert calls == ["1"] and again == first  # same code: read back from the cache

    monkeypatch.setattr(services_module, "OCR_CODE_VERSION", "ocr-read/test-2")
    bumped = services.cached_reading(page, _reader(calls, "2"))
    assert calls == ["1", "2"]  # the new reading code reads the page itself, never the old code's output
    assert bumped.entries[0].fields["entry_no"].text == "2"
