"""The object store against a real SeaweedFS: write-once, checksums, and signed access only."""

from __future__ import annotations

import hashlib
import io
import urllib.error
import urllib.request
import uuid

import pytest
from minio import Minio
from minio.error import S3Error

from storage.errors import ObjectConflictError, ObjectIntegrityError, ObjectNotFoundError, StorageError
from storage.objects import ObjectStore, canonical_json

pytestmark = pytest.mark.integration


@pytest.fixture()
def bucket(seaweedfs) -> str:
    name = f"test-{uuid.uuid4().hex[:12]}"
    seaweedfs.store.ensure_buckets([name])
    return name


def test_put_is_idempotent_and_records_its_checksum(seaweedfs, bucket):
    store = seaweedfs.store
    data = "Nguyễn Văn A — trang 1".encode()
    first = store.put_bytes(bucket, "a/b.txt", data, "text/plain; charset=utf-8", {"page": "1"})
    again = store.put_bytes(bucket, "a/b.txt", data, "text/plain; charset=utf-8", {"page": "1"})
    assert first.created and not again.created
    assert first.sha256 == again.sha256 == hashlib.sha256(data).hexdigest()
    assert first.size == len(data)
    stat = store.stat(bucket, "a/b.txt")
    assert stat is not None and stat.sha256 == hashlib.sha256(data).hexdigest() and stat.metadata == {"page": "1"}
    # The checksum is real S3 user metadata, visible to any client.
    raw = store.client.stat_object(bucket, "a/b.txt")
    assert raw.metadata["x-amz-meta-sha256"] == first.sha256
    assert store.get_bytes(bucket, "a/b.txt") == data
    assert store.list_keys(bucket, "a/") == ["a/b.txt"]


def test_different_content_under_an_existing_key_is_a_conflict(seaweedfs, bucket):
    store = seaweedfs.store
    store.put_json(bucket, "r/1.json", {"full_name": "Trần Thị B", "entry_no": 1})
    with pytest.raises(ObjectConflictError) as caught:
        store.put_json(bucket, "r/1.json", {"full_name": "Trần Thị C", "entry_no": 1})
    message = str(caught.value)
    assert bucket in message and "r/1.json" in message
    assert "Trần" not in message and "Thị" not in message  # no content in the message
    assert store.get_json(bucket, "r/1.json")["full_name"] == "Trần Thị B"  # not overwritten


def test_json_is_canonical(seaweedfs, bucket):
    store = seaweedfs.store
    a = store.put_json(bucket, "c.json", {"b": 1, "a": "Đ"})
    b = store.put_json(bucket, "c.json", {"a": "Đ", "b": 1})  # same value, other key order: same object
    assert not b.created and a.sha256 == b.sha256
    assert store.get_bytes(bucket, "c.json") == '{"a":"Đ","b":1}'.encode()
    assert canonical_json({"x": [1, 2]}) == b'{"x":[1,2]}'


def test_put_file_streams_and_dedups(seaweedfs, bucket, tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 4000)
    first = seaweedfs.store.put_file(bucket, "orig/scan.pdf", path, "application/pdf", {"source-file": "scan.pdf"})
    again = seaweedfs.store.put_file(bucket, "orig/scan.pdf", path, "application/pdf", {"source-file": "scan.pdf"})
    assert first.created and not again.created and first.size == path.stat().st_size
    assert seaweedfs.store.get_bytes(bucket, "orig/scan.pdf") == path.read_bytes()


def test_metadata_must_be_ascii(seaweedfs, bucket):
    with pytest.raises(StorageError):
        seaweedfs.store.put_bytes(bucket, "m.txt", b"x", metadata={"source-file": "Sổ.pdf"})
    assert seaweedfs.store.stat(bucket, "m.txt") is None


def test_missing_objects(seaweedfs, bucket):
    assert seaweedfs.store.stat(bucket, "nope") is None
    with pytest.raises(ObjectNotFoundError):
        seaweedfs.store.get_bytes(bucket, "nope")


def test_an_object_altered_behind_our_back_fails_its_check(seaweedfs, bucket):
    """Written by another client with a wrong sha256 in its metadata: reads must refuse it."""
    seaweedfs.store.client.put_object(bucket, "tampered", io.BytesIO(b"abc"), 3,
                                      metadata={"sha256": hashlib.sha256(b"abd").hexdigest()})
    with pytest.raises(ObjectIntegrityError):
        seaweedfs.store.get_bytes(bucket, "tampered")


def test_unsigned_and_wrongly_signed_requests_are_refused(seaweedfs, bucket):
    seaweedfs.store.put_bytes(bucket, "secret.txt", b"personal data")
    for url in (f"http://{seaweedfs.endpoint}/", f"http://{seaweedfs.endpoint}/{bucket}/secret.txt"):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(url, timeout=5)
        assert caught.value.code == 403
    wrong = Minio(seaweedfs.endpoint, access_key=seaweedfs.access_key, secret_key="not-the-secret", secure=False)
    with pytest.raises(S3Error) as caught:
        wrong.get_object(bucket, "secret.txt")
    assert caught.value.code in {"SignatureDoesNotMatch", "AccessDenied", "InvalidAccessKeyId"}


def test_filer_and_volume_ports_do_not_bypass_s3_auth(seaweedfs, bucket):
    """SeaweedFS's filer serves bucket files over plain HTTP; the JWT config must close that door."""
    seaweedfs.store.put_bytes(bucket, "secret.txt", b"personal data")
    server = seaweedfs.server
    for port in (server.ports["filer"], server.ports["volume"]):
        with pytest.raises(urllib.error.HTTPError) as caught:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/buckets/{bucket}/secret.txt", timeout=5)
        assert caught.value.code in {401, 403}


def test_a_second_store_object_sees_the_same_objects(seaweedfs, bucket):
    other = ObjectStore(seaweedfs.endpoint, seaweedfs.access_key, seaweedfs.secret_key)
    seaweedfs.store.put_bytes(bucket, "shared", b"1")
    assert other.stat(bucket, "shared").sha256 == hashlib.sha256(b"1").hexdigest()


def test_many_buckets_each_take_a_volume_and_still_store(seaweedfs):
    """weed sizes its volume budget as free disk / volume size; at 1 GB volumes a machine with 70 GB free
    answered 500 from the 71st bucket on (the review tests make buckets per test)."""
    names = [f"many-{uuid.uuid4().hex[:10]}" for _ in range(90)]
    seaweedfs.store.ensure_buckets(names)
    for name in names:
        seaweedfs.store.put_bytes(name, "x", b"hello")
    assert seaweedfs.store.get_bytes(names[-1], "x") == b"hello"
