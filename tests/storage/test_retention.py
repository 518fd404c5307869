"""Permanent retention on the real SeaweedFS: versioned, object-locked buckets with a default COMPLIANCE retention.

What the server guarantees, measured here: a locked object *version* cannot be deleted, nor its retention
shortened, nor the bucket's versioning suspended. A plain DELETE is accepted but only adds a delete marker, and
a PUT to the same key only adds a newer version: the locked version stays, byte for byte, under its version id.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from minio.commonconfig import COMPLIANCE
from minio.error import S3Error
from minio.retention import Retention
from minio.versioningconfig import SUSPENDED, VersioningConfig

from sohoa.settings import Settings
from storage.errors import ObjectConflictError
from storage.objects import UnlockedStorageError

pytestmark = pytest.mark.integration


def _version_bytes(client, bucket: str, key: str, version_id: str) -> bytes:
    response = client.get_object(bucket, key, version_id=version_id)
    try:
        return response.read()
    finally:
        response.close()
        response.release_conn()


@pytest.fixture()
def locked_bucket(seaweedfs) -> str:
    name = f"locked-{uuid.uuid4().hex[:10]}"
    assert seaweedfs.store.ensure_locked_buckets([name], retention_days=1) == []
    return name


def test_a_locked_bucket_is_versioned_with_a_default_compliance_retention(seaweedfs, locked_bucket):
    client = seaweedfs.store.client
    assert client.get_bucket_versioning(locked_bucket).status == "Enabled"
    config = client.get_object_lock_config(locked_bucket)
    assert (config.mode, config.duration) == (COMPLIANCE, 1)
    stored = seaweedfs.store.put_bytes(locked_bucket, "book/records/00001.json", b'{"entry_no":1}')
    assert stored.created and stored.version_id
    retention = client.get_object_retention(locked_bucket, stored.key, version_id=stored.version_id)
    assert retention.mode == COMPLIANCE
    left = retention.retain_until_date - dt.datetime.now(dt.UTC)
    assert dt.timedelta(hours=23) < left <= dt.timedelta(days=1, minutes=5)
    # Ensuring again (every start does) changes nothing and keeps the lock.
    assert seaweedfs.store.ensure_locked_buckets([locked_bucket], retention_days=1) == []


def test_the_server_refuses_to_delete_a_locked_version(seaweedfs, locked_bucket):
    store, client = seaweedfs.store, seaweedfs.store.client
    stored = store.put_bytes(locked_bucket, "book/records/00002.json", b'{"entry_no":2}')
    with pytest.raises(S3Error) as refused:
        client.remove_object(locked_bucket, stored.key, version_id=stored.version_id)
    assert refused.value.code == "AccessDenied"
    # Governance bypass does not apply to COMPLIANCE: still refused.
    with pytest.raises(S3Error):
        client._execute("DELETE", locked_bucket, stored.key, query_params={"versionId": stored.version_id},
                        headers={"x-amz-bypass-governance-retention": "true"})
    # A plain DELETE is accepted, but only hides the object behind a delete marker.
    client.remove_object(locked_bucket, stored.key)
    assert store.stat(locked_bucket, stored.key) is None
    versions = list(client.list_objects(locked_bucket, prefix=stored.key, include_version=True))
    assert sorted(v.is_delete_marker for v in versions) == [False, True]
    assert _version_bytes(client, locked_bucket, stored.key, stored.version_id) == b'{"entry_no":2}'
    # And that version stays undeletable.
    with pytest.raises(S3Error):
        client.remove_object(locked_bucket, stored.key, version_id=stored.version_id)


def test_an_overwrite_adds_a_version_and_the_locked_one_stays(seaweedfs, locked_bucket):
    store, client = seaweedfs.store, seaweedfs.store.client
    stored = store.put_bytes(locked_bucket, "book/records/00003.json", b'{"entry_no":3}')
    # sohoa itself never overwrites: different content is a conflict, the same content a no-op.
    with pytest.raises(ObjectConflictError):
        store.put_bytes(locked_bucket, stored.key, b'{"entry_no":33}')
    again = store.put_bytes(locked_bucket, stored.key, b'{"entry_no":3}')
    assert not again.created and again.version_id == stored.version_id
    # Someone else's client can add a newer version, but not replace the locked one.
    newer = client.put_object(locked_bucket, stored.key, io.BytesIO(b"forged"), 6)
    assert newer.version_id != stored.version_id
    assert store.stat(locked_bucket, stored.key, version_id=stored.version_id).sha256 == stored.sha256
    assert _version_bytes(client, locked_bucket, stored.key, stored.version_id) == b'{"entry_no":3}'


def test_the_lock_cannot_be_shortened_nor_versioning_suspended(seaweedfs, locked_bucket):
    client = seaweedfs.store.client
    stored = seaweedfs.store.put_bytes(locked_bucket, "book/records/00004.json", b'{"entry_no":4}')
    soon = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(seconds=30)
    with pytest.raises(S3Error):
        client.set_object_retention(locked_bucket, stored.key, Retention(COMPLIANCE, soon), version_id=stored.version_id)
    with pytest.raises(S3Error):
        client.set_bucket_versioning(locked_bucket, VersioningConfig(SUSPENDED))
    assert client.get_bucket_versioning(locked_bucket).status == "Enabled"
    with pytest.raises(S3Error):
        client.remove_bucket(locked_bucket)


def test_a_bucket_without_object_lock_is_refused_unless_allowed(seaweedfs):
    plain = f"plain-{uuid.uuid4().hex[:10]}"
    seaweedfs.store.ensure_buckets([plain])  # made before, without lock: it cannot be locked afterwards
    with pytest.raises(UnlockedStorageError) as refused:
        seaweedfs.store.ensure_locked_buckets([plain], retention_days=1)
    message = str(refused.value)
    assert "\n" not in message and plain in message and "SOHOA_ALLOW_UNLOCKED_STORAGE" in message
    assert seaweedfs.store.ensure_locked_buckets([plain], retention_days=1, allow_unlocked=True) == [plain]


def test_startup_refuses_unlocked_storage_in_one_line(seaweedfs, tmp_path):
    """flows.services.connect (what every batch starts with) on a records bucket made without a lock."""
    from flows.services import connect
    from sohoa.cli import exit_status
    from sohoa.errors import ExitCode

    records = f"records-{uuid.uuid4().hex[:10]}"
    seaweedfs.store.ensure_buckets([records])
    settings = Settings(home=tmp_path, s3_endpoint=seaweedfs.endpoint, s3_access_key=seaweedfs.access_key,
                        s3_secret_key=seaweedfs.secret_key, bucket_records=records, object_lock_days=1,
                        bucket_pages=f"pages-{uuid.uuid4().hex[:10]}", bucket_originals=f"orig-{uuid.uuid4().hex[:10]}")
    with pytest.raises(UnlockedStorageError) as refused:
        connect(settings)
    code, line = exit_status(refused.value)
    assert code == ExitCode.storage_error and records in line and "\n" not in line
    allowed = connect(settings.model_copy(update={"allow_unlocked_storage": True}))
    allowed.state.close()


def test_the_production_retention_is_one_seaweedfs_accepts(seaweedfs):
    """The default (a century, in days) is set on a bucket; no object is written under it."""
    days = Settings.model_fields["object_lock_days"].default
    name = f"century-{uuid.uuid4().hex[:10]}"
    seaweedfs.store.ensure_locked_buckets([name], retention_days=days)
    assert seaweedfs.store.client.get_object_lock_config(name).duration == days
