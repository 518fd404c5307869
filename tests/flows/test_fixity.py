"""The fixity audit on the real SeaweedFS, state database and Prefect: objects altered, deleted and added behind
sohoa's back are each reported, by key only, in the flow's artifact and in `sohoa fixity`'s exit code."""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from sohoa.errors import ExitCode
from sohoa.settings import Settings, get_settings
from storage import keys
from storage.fixity import ALTERED, MISSING, UNEXPECTED, ObjectLedger, audit_bucket
from storage.objects import ObjectStore, canonical_json

pytestmark = pytest.mark.integration

SOHOA = Path(sys.executable).with_name("sohoa")
#: Personal data inside the records: it must never appear in a report.
NAME = "Nguyễn Thị Mai"
PREFIX = keys.book_prefix("UBND xã Tân Phú", "birth", 1998, "01")


@dataclass
class Stored:
    settings: Settings
    store: ObjectStore
    records: list[str]
    original: str
    page: str


@pytest.fixture()
def stored(tmp_path, seaweedfs, monkeypatch) -> Stored:
    """Three records, an original and a page image stored the way the flow stores them, in buckets of this test."""
    tag = uuid.uuid4().hex[:8]
    settings = Settings(home=tmp_path / "home", s3_endpoint=seaweedfs.endpoint, s3_access_key=seaweedfs.access_key,
                        s3_secret_key=seaweedfs.secret_key, object_lock_days=1, bucket_records=f"fx-records-{tag}",
                        bucket_originals=f"fx-originals-{tag}", bucket_pages=f"fx-pages-{tag}",
                        bucket_ocr=f"fx-ocr-{tag}")
    for name, value in settings.as_env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    ledger = ObjectLedger(settings.resolved_state_db_url)
    store = ObjectStore(seaweedfs.endpoint, seaweedfs.access_key, seaweedfs.secret_key, ledger=ledger)
    store.ensure_locked_buckets([settings.bucket_records, settings.bucket_originals, settings.bucket_pages], 1)
    records = []
    for entry_no in (1, 2, 3):
        key = keys.record_key(PREFIX, entry_no)
        store.put_json(settings.bucket_records, key, {"entry_no": entry_no, "fields": {"name": NAME}})
        records.append(key)
    scan = b"%PDF-1.4 a scanned page of the book"
    original = keys.original_key(hashlib.sha256(scan).hexdigest(), "so-1998.pdf")
    store.put_bytes(settings.bucket_originals, original, scan, "application/pdf")
    page = keys.page_key(PREFIX, hashlib.sha256(b"page 1").hexdigest(), "prepared.png")
    store.put_bytes(settings.bucket_pages, page, b"\x89PNG page 1 prepared", "image/png")
    yield Stored(settings, store, records, original, page)
    ledger.close()
    get_settings.cache_clear()


def tamper(s: Stored) -> set[tuple[str, str, str]]:
    """Behind sohoa's back, with a plain minio client: three objects altered (a forger keeping the old sha256
    in the metadata; one writing a fresh, matching sha256; one replacing an original), one deleted (the
    lock keeps the version: the DELETE adds a delete marker, so the object is gone from the bucket as every
    reader sees it), one added. Returns the (bucket, key, kind) findings expected."""
    client, cfg = s.store.client, s.settings

    def put(bucket: str, key: str, data: bytes, sha256: str) -> None:
        client.put_object(bucket, key, io.BytesIO(data), len(data), metadata={"sha256": sha256})

    old = s.store.stat(cfg.bucket_records, s.records[0]).sha256
    forged = canonical_json({"entry_no": 1, "fields": {"name": "Nguyễn Thị Mại"}})
    put(cfg.bucket_records, s.records[0], forged, old)
    new_png = b"\x89PNG page 1 retouched"
    put(cfg.bucket_pages, s.page, new_png, hashlib.sha256(new_png).hexdigest())
    new_scan = b"%PDF-1.4 another scan"
    put(cfg.bucket_originals, s.original, new_scan, hashlib.sha256(new_scan).hexdigest())
    client.remove_object(cfg.bucket_records, s.records[1])
    planted = keys.record_key(PREFIX, 99)
    put(cfg.bucket_records, planted, b'{"entry_no":99}', hashlib.sha256(b'{"entry_no":99}').hexdigest())
    return {(cfg.bucket_records, s.records[0], ALTERED), (cfg.bucket_pages, s.page, ALTERED),
            (cfg.bucket_originals, s.original, ALTERED), (cfg.bucket_records, s.records[1], MISSING),
            (cfg.bucket_records, planted, UNEXPECTED)}


def _findings(report: dict) -> set[tuple[str, str, str]]:
    return {(f["bucket"], f["key"], f["kind"]) for f in report["findings"]}


def test_the_audit_reports_altered_missing_and_unexpected_objects(stored, prefect_ephemeral):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    from flows.fixity import fixity_audit

    clean = fixity_audit(return_state=True)
    assert clean.is_completed()
    report = clean.result()
    assert report["ok"] and sum(int(b["re-read"]) for b in report["buckets"]) == 5

    expected = tamper(stored)
    state = fixity_audit(return_state=True)
    assert state.is_failed()
    report = state.result(raise_on_failure=False)
    assert _findings(report) == expected
    by_detail = {(f["bucket"], f["key"]): f["detail"] for f in report["findings"]}
    # The forger who kept the old sha256 fails the metadata check; the others only the ledger's (and the key's).
    assert "metadata" in by_detail[(stored.settings.bucket_records, stored.records[0])]
    assert by_detail[(stored.settings.bucket_pages, stored.page)] == "content differs from the sha256 in the ledger"
    assert "its key names" in by_detail[(stored.settings.bucket_originals, stored.original)]

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["fixity-findings"])))
    latest = max(artifacts, key=lambda a: a.created)
    rows = json.loads(latest.data) if isinstance(latest.data, str) else latest.data
    assert {(r["bucket"], r["key"], r["kind"]) for r in rows} == expected
    assert NAME not in json.dumps(rows, ensure_ascii=False) and "Mại" not in json.dumps(rows, ensure_ascii=False)


def test_a_sample_rereads_a_share_but_lists_everything(stored):
    cfg = stored.settings
    expected = ObjectLedger(cfg.resolved_state_db_url).expected([cfg.bucket_records], cfg.bucket_records, cfg.bucket_pages)
    stored.store.client.remove_object(cfg.bucket_records, stored.records[2])
    audit = audit_bucket(stored.store, cfg.bucket_records, expected[cfg.bucket_records], 0.34, random.Random(1))
    assert (audit.in_ledger, audit.in_bucket, audit.rehashed) == (3, 2, 1)
    assert [(f.key, f.kind) for f in audit.findings] == [(stored.records[2], MISSING)]


def test_sohoa_fixity_exits_non_zero_and_names_only_keys(stored, tmp_path):
    expected = tamper(stored)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SOHOA_", "PREFECT_API"))}
    environment |= stored.settings.as_env() | {"PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "250"}
    done = subprocess.run([str(SOHOA), "fixity"], capture_output=True, text=True, env=environment, cwd=tmp_path,
                          timeout=300)
    output = done.stdout + done.stderr
    print(done.stdout)
    assert done.returncode == ExitCode.fixity_failed, output[-3000:]
    for bucket, key, kind in expected:
        assert f"{kind}: s3://{bucket}/{key}" in done.stdout, done.stdout
    assert NAME not in output and "Mại" not in output and "Traceback" not in output


def test_a_digitized_book_audits_clean(flow_settings, small_table_book, run_batch, monkeypatch):
    """Every object the real flow stores is in the ledger (no page, original or record is 'unexpected'), and
    the audit finds nothing wrong; then one record deleted behind sohoa's back is found."""
    from flows.fixity import fixity_audit
    from storage.registry import load_snapshot

    tag = uuid.uuid4().hex[:8]
    settings = flow_settings.model_copy(update={"bucket_records": f"fx-records-{tag}", "bucket_pages": f"fx-pages-{tag}",
                                                "bucket_originals": f"fx-originals-{tag}"})
    for name, value in settings.as_env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    load_snapshot(small_table_book.registry, settings.resolved_registry_db_url)
    summary = run_batch(small_table_book.scans[0].parent, small_table_book.book)
    assert summary["verified"] > 0
    report = fixity_audit(return_state=True).result()
    assert report["ok"], report["findings"]
    counts = {b["bucket"]: b for b in report["buckets"]}
    assert int(counts[settings.bucket_records]["in bucket"]) == summary["verified"]
    assert int(counts[settings.bucket_pages]["in bucket"]) == summary["pages"]
    assert int(counts[settings.bucket_originals]["in bucket"]) == len(small_table_book.scans)

    store = ObjectStore(settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value())
    gone = store.list_keys(settings.bucket_records)[0]
    store.client.remove_object(settings.bucket_records, gone)
    state = fixity_audit(return_state=True)
    assert state.is_failed() and _findings(state.result(raise_on_failure=False)) == {
        (settings.bucket_records, gone, MISSING)}


def test_an_entry_whose_record_was_never_stored_is_missing(stored):
    """The entries table is part of the ledger: a verified entry names a record key (and its page) that no
    bucket holds, as after a record lost before the stored_objects table existed."""
    from storage.state import StateStore
    from validation.schema import BookKeys, EntrySource, EntryStatus, ExportedEntry

    cfg = stored.settings
    state = StateStore(cfg.resolved_state_db_url)
    state.create_schema()
    book = BookKeys(authority="UBND xã Tân Phú", book_type="birth", year=1998, volume="01")
    batch = state.create_batch(book, ["so-1998.pdf"])
    never = keys.record_key(PREFIX, 7)
    page = keys.page_key(PREFIX, hashlib.sha256(b"page 7").hexdigest(), "prepared.png")
    entry = ExportedEntry(authority=book.authority, book_type="birth", year=1998, volume="01", entry_no=7,
                          fields={"name": NAME}, status=EntryStatus.VERIFIED,
                          source=EntrySource(page=7, object_key=page, source_file="so-1998.pdf"))
    state.save_entry(batch, entry, record_key=never)
    state.close()
    expected = ObjectLedger(cfg.resolved_state_db_url).expected(
        [cfg.bucket_records, cfg.bucket_pages], cfg.bucket_records, cfg.bucket_pages)
    records = audit_bucket(stored.store, cfg.bucket_records, expected[cfg.bucket_records], 1.0)
    pages = audit_bucket(stored.store, cfg.bucket_pages, expected[cfg.bucket_pages], 1.0)
    assert [(f.key, f.kind) for f in records.findings + pages.findings] == [(never, MISSING), (page, MISSING)]
