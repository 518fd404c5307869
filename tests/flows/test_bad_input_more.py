"""More kinds of input in a real batch (real SeaweedFS, Prefect, tesseract): files whose name or pixel format
is unusual are read like the scan they hold, bombs, too-low resolutions and a file that goes away get one
line naming the file, a file that changes mid-batch is read from the bytes stored as its original, and the
rest of the batch completes."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from flows.services import Services
from storage import keys
from storage.registry import load_snapshot
from storage.state import StateStore
from tests.ocr.bad_scans import outlined_page, pdf_with_bomb_image, png_bomb, write_pdf

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def book_pages(small_table_book, tmp_path_factory) -> list[Path]:
    """The good book's two pages as the JPEGs embedded in its PDF (200 dpi scans)."""
    out = tmp_path_factory.mktemp("book-pages")
    subprocess.run(["pdfimages", "-j", str(small_table_book.scans[0]), str(out / "page")], check=True)
    return sorted(out.glob("page-*.jpg"))


def _entries_by_file(settings, batch_id: str) -> dict[str, set[int]]:
    found: dict[str, set[int]] = defaultdict(set)
    for entry in StateStore(settings.resolved_state_db_url).entries_for_batch(batch_id):
        if entry.source.source_file and entry.entry_no is not None:
            found[entry.source.source_file].add(entry.entry_no)
    return found


def test_unusual_but_good_files_are_read_like_the_scans_they_hold(tmp_path, flow_settings, small_table_book,
                                                                   book_pages, run_batch):
    scans = tmp_path / "scans"
    scans.mkdir()
    first, second = (Image.open(p).convert("L") for p in book_pages)
    shutil.copy(small_table_book.scans[0], scans / "01-book.pdf")
    first.save(scans / "02-png-named.pdf", format="PNG", dpi=(200, 200))
    second.convert("CMYK").save(scans / "03-cmyk.jpg", dpi=(200, 200), quality=92)
    deep = [Image.fromarray(np.asarray(p).astype(np.uint16) * 257) for p in (first, second)]
    deep[0].save(scans / "04-16bit.tif", save_all=True, append_images=deep[1:], dpi=(200, 200))
    first.quantize(64).save(scans / "05-palette.tif", dpi=(200, 200), compression="tiff_lzw")
    write_pdf(scans / "06-vector.pdf", [outlined_page(np.asarray(second), 200)])
    first.resize((first.width * 3 // 4, first.height * 3 // 4), Image.LANCZOS).save(scans / "07-150dpi.png",
                                                                                   dpi=(150, 150))

    load_snapshot(small_table_book.registry, flow_settings.resolved_registry_db_url)
    summary = run_batch(scans, small_table_book.book)

    assert summary["input_errors"] == []
    assert summary["pages"] == summary["pages_read"] == 9
    read = _entries_by_file(flow_settings, summary["batch_id"])
    on_page = {1: read["01-book.pdf"] & set(range(1, 9)), 2: read["01-book.pdf"] & set(range(9, 17))}
    assert len(on_page[1]) >= 6 and len(on_page[2]) >= 6, read
    expected = {"02-png-named.pdf": on_page[1], "03-cmyk.jpg": on_page[2], "04-16bit.tif": on_page[1] | on_page[2],
                "05-palette.tif": on_page[1], "06-vector.pdf": on_page[2], "07-150dpi.png": on_page[1]}
    for name, entries in expected.items():
        # Read like the scan it holds: (nearly) the same entries found as on the good file's page.
        assert len(read[name] & entries) >= len(entries) - 1, (name, sorted(read[name]), sorted(entries))
    assert not any(flow_settings.work_dir.rglob("*.*")), "no page image or private copy is left"


def test_refused_files_are_named_and_the_batch_goes_on(tmp_path, flow_settings, small_table_book, run_batch,
                                                       monkeypatch):
    scans = tmp_path / "scans"
    scans.mkdir()
    book = small_table_book.scans[0]
    shutil.copy(book, scans / "01-book.pdf")
    png_bomb(scans / "02-bomb.png")
    pdf_with_bomb_image(scans / "03-bomb-image.pdf")
    Image.new("L", (595, 842), 255).save(scans / "04-fax.png", dpi=(72, 72))  # A4 at 72 dpi
    shutil.copy(book, scans / "05-vanishes.pdf")

    # The user's hand: 05 is deleted as soon as its original is kept, before its pages are read.
    real_store_original = Services.store_original

    def store_original(self, source):
        kept = real_store_original(self, source)
        if source.name == "05-vanishes.pdf":
            source.unlink()
        return kept

    monkeypatch.setattr(Services, "store_original", store_original)
    load_snapshot(small_table_book.registry, flow_settings.resolved_registry_db_url)
    summary = run_batch(scans, small_table_book.book)

    errors = {e["file"].rsplit("/", 1)[-1]: e for e in summary["input_errors"]}
    assert {name: e["error"] for name, e in errors.items()} == {
        "02-bomb.png": "ImageTooLargeError", "03-bomb-image.pdf": "ImageTooLargeError",
        "04-fax.png": "LowResolutionError", "05-vanishes.pdf": "SourceChangedError"}
    for name, error in errors.items():
        assert name in error["message"] and "\n" not in error["message"], error
    assert "40000×40000 pixels" in errors["02-bomb.png"]["message"]
    assert "40000×40000 pixels" in errors["03-bomb-image.pdf"]["message"]
    assert "72 dpi" in errors["04-fax.png"]["message"]
    assert "went away" in errors["05-vanishes.pdf"]["message"]
    assert summary["pages_read"] == 2 and set(_entries_by_file(flow_settings, summary["batch_id"])) == {"01-book.pdf"}
    assert not any(flow_settings.work_dir.rglob("*.*")), "no page image or private copy is left"


@pytest.fixture(scope="module")
def three_page_book(tmp_path_factory):
    from synth import generate_book

    return generate_book(tmp_path_factory.mktemp("book-changes"), layout="table", pages=3, seed=23,
                         degradation="light", upside_down_pages=0)


def test_a_file_changed_mid_batch_is_read_from_the_bytes_stored_as_its_original(
        tmp_path, flow_settings, three_page_book, small_table_book, run_batch, monkeypatch):
    scans = tmp_path / "scans"
    scans.mkdir()
    changing = Path(shutil.copy(three_page_book.scans[0], scans / "book.pdf"))
    stored_bytes = changing.read_bytes()
    stored_sha = hashlib.sha256(stored_bytes).hexdigest()

    # One page at a time, so that page 3 is extracted after the file has changed: it is overwritten with
    # another book's scan once the first page is being stored.
    monkeypatch.setenv("SOHOA_PAGE_WINDOW", "1")
    real_store_page = Services.store_page_png

    def store_page_png(self, *args, **kwargs):
        if changing.read_bytes() == stored_bytes:
            shutil.copy(small_table_book.scans[0], changing)
        return real_store_page(self, *args, **kwargs)

    monkeypatch.setattr(Services, "store_page_png", store_page_png)
    load_snapshot(three_page_book.registry, flow_settings.resolved_registry_db_url)
    summary = run_batch(scans, three_page_book.book)

    assert changing.read_bytes() != stored_bytes, "the file did change during the batch"
    assert summary["input_errors"] == [] and summary["pages_read"] == 3
    entries = StateStore(flow_settings.resolved_state_db_url).entries_for_batch(summary["batch_id"])
    truth = [line for line in three_page_book.truth.read_text(encoding="utf-8").splitlines() if line.strip()]
    read = {e.entry_no for e in entries if e.entry_no is not None}
    assert len(read & set(range(1, len(truth) + 1))) >= len(truth) - 2, "the stored book's entries, all pages"
    # Every record names the original stored, and that original is the bytes read.
    store = _objects(flow_settings)
    original = [k for k in store.list_keys(flow_settings.bucket_originals, "") if stored_sha in k]
    assert len(original) == 1
    assert hashlib.sha256(store.get_bytes(flow_settings.bucket_originals, original[0])).hexdigest() == stored_sha
    book = _book_keys(three_page_book.book)
    prefix = keys.book_prefix(book.authority, book.book_type, book.year, book.volume)
    records = store.list_keys(flow_settings.bucket_records, prefix)
    assert records, "verified entries were stored"
    for key in records:
        provenance = store.get_json(flow_settings.bucket_records, key)["provenance"]
        assert (provenance["source_sha256"], provenance["source_object_key"]) == (stored_sha, original[0])
    assert not any(flow_settings.work_dir.rglob("*.*")), "no page image or private copy is left"


def _book_keys(book: dict):
    from validation.schema import BookKeys

    return BookKeys(authority=book["authority"], book_type=book.get("book_type", "birth"), year=book["year"],
                    volume=str(book["volume"]))


def _objects(settings):
    from storage.objects import ObjectStore

    return ObjectStore(settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value())
