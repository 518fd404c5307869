"""Bad files in a batch: each gets a clear error naming the file, the rest of the batch completes,
the summary lists them, and every original is still kept in the object store."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from storage.registry import load_snapshot

pytestmark = pytest.mark.integration


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path, flow_settings, small_table_book, run_batch):
    scans = tmp_path / "scans"
    scans.mkdir()
    good = small_table_book.scans[0]
    shutil.copy(good, scans / "01-good.pdf")
    (scans / "02-empty.pdf").write_bytes(b"")
    (scans / "03-corrupt.pdf").write_bytes(good.read_bytes()[:1500])
    subprocess.run(["qpdf", "--encrypt", "secret", "secret", "256", "--", str(good), str(scans / "04-encrypted.pdf")],
                   check=True)
    (scans / "05-notes.jpg").write_text("this is a text file, not a scan\n", encoding="utf-8")
    rng = np.random.default_rng(0)
    blank = np.clip(rng.normal(245, 4, size=(2480, 3508)), 0, 255).astype(np.uint8)
    Image.fromarray(blank).save(scans / "06-blank.png", dpi=(300, 300))

    load_snapshot(small_table_book.registry, flow_settings.resolved_registry_db_url)
    summary = run_batch(scans, small_table_book.book)

    errors = {e["file"].rsplit("/", 1)[-1]: e for e in summary["input_errors"]}
    assert set(errors) == {"02-empty.pdf", "03-corrupt.pdf", "04-encrypted.pdf", "05-notes.jpg", "06-blank.png"}
    assert errors["02-empty.pdf"]["error"] == "EmptyFileError"
    assert errors["03-corrupt.pdf"]["error"] == "CorruptFileError"
    assert errors["04-encrypted.pdf"]["error"] == "EncryptedPdfError"
    assert errors["05-notes.jpg"]["error"] == "NotAnImageError"
    assert errors["06-blank.png"]["error"] == "BlankPageError"
    for name, error in errors.items():
        assert name in error["message"], "the message must name the file"

    truth_on_first_page = [line for line in small_table_book.truth.open(encoding="utf-8")]
    assert summary["entries"] > 0 and summary["entries"] <= len(truth_on_first_page)
    assert summary["verified"] + summary["flagged"] >= summary["entries"]

    # Nothing is lost: every file, good or bad, is kept as received.
    originals = flow_settings.bucket_originals
    from ocr.ingest import sha256_file
    for path in scans.iterdir():
        assert any(sha256_file(path) in key for key in
                   _keys(flow_settings, originals)), f"{path.name} was not kept"


def _keys(settings, bucket):
    from storage.objects import ObjectStore

    store = ObjectStore(settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value())
    return store.list_keys(bucket, "")
