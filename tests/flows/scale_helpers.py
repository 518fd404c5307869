"""Helpers of the scale-out tests: records and readings of a batch as stored, and buckets of a run's own."""

from __future__ import annotations

import json
import uuid

from sohoa.settings import get_settings
from storage.objects import ObjectStore
from storage.state import StateStore


def stored_records(settings, batch_id: str) -> dict[int, dict]:
    """Every verified record of a batch, as stored in the records bucket, by entry number."""
    store = ObjectStore(settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value())
    state = StateStore(settings.resolved_state_db_url)
    records = {}
    for entry in state.entries_for_batch(batch_id):
        key = state.record_key_for(batch_id, entry.entry_no)
        if key:
            records[entry.entry_no] = store.get_json(settings.bucket_records, key)
    return records


def cached_readings(settings, store: ObjectStore) -> list[dict]:
    return sorted((store.get_json(settings.bucket_ocr, key) for key in store.list_keys(settings.bucket_ocr)),
                  key=lambda r: json.dumps(r, sort_keys=True))


def fresh_buckets(monkeypatch, tag: str) -> None:
    """Buckets of their own for one run: no OCR cache and no records from an earlier run."""
    for name in ("ocr", "records", "pages"):
        monkeypatch.setenv(f"SOHOA_BUCKET_{name.upper()}", f"{name}-{tag}-{uuid.uuid4().hex[:8]}")
    get_settings.cache_clear()
