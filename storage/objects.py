"""Object storage through the minio client, against any S3 endpoint (SeaweedFS locally, anything in production).

Two rules, because books are kept permanently:

* **never overwrite** — a put to a key that holds different content raises ObjectConflictError;
* **never duplicate** — a put of the same content to the same key is a no-op (``created=False``).

Every object carries its SHA-256 as user metadata (``x-amz-meta-sha256``). The server checks it on upload
(``x-amz-checksum-sha256``; objects over 64 MiB, uploaded in parts, are read back and hashed instead), the
upload is checked again by a stat afterwards, and every get_bytes is checked against it.

The existence check and the upload are two requests: two writers racing on one key with different content
are caught after the fact (the loser gets ObjectConflictError), not prevented.

Buckets of what is kept permanently (records, originals, pages) are made with versioning and object lock, and
a default COMPLIANCE retention (ensure_locked_buckets): the server then refuses to delete or shorten the lock of
any object version until its retention ends. A plain DELETE still succeeds, but it only adds a delete marker,
and a PUT to the same key only adds a newer version: the locked version stays, readable by its version id.
This module never deletes anything. With a ``ledger``, every object stored (or found already stored) is
recorded there, for the fixity audit (storage/fixity.py).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from minio import Minio
from minio.commonconfig import COMPLIANCE
from minio.error import S3Error
from minio.objectlockconfig import DAYS, ObjectLockConfig

from storage.errors import ObjectConflictError, ObjectIntegrityError, ObjectNotFoundError, StorageError

log = logging.getLogger(__name__)

SHA256_META = "sha256"
_META_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NOT_FOUND = {"NoSuchKey", "NoSuchObject", "ResourceNotFound"}
_CHUNK = 1024 * 1024
#: Up to this size an object goes up in one PUT that the server checks against its SHA-256. Larger ones go
#: up in parts (the checksum header does not apply to them) and are read back and hashed instead.
SINGLE_PUT_LIMIT = 64 * 1024 * 1024
MULTIPART_PART_SIZE = 16 * 1024 * 1024
#: What an S3 endpoint answers when a bucket has no object lock, or it cannot lock at all.
_NO_LOCK = {"ObjectLockConfigurationNotFoundError", "ObjectLockConfigurationNotFound", "NotImplemented",
            "InvalidBucketState", "InvalidRequest", "MethodNotAllowed"}


class UnlockedStorageError(StorageError):
    """A bucket of permanent objects has no object lock (the endpoint lacks it, or the bucket was made without)."""

    def __init__(self, endpoint: str, bucket: str) -> None:
        self.bucket = bucket
        super().__init__(f"object storage at {endpoint}: bucket {bucket} has no object lock, so its objects could "
                         "be deleted or overwritten; refusing to run (SOHOA_ALLOW_UNLOCKED_STORAGE=true runs anyway)")


@dataclass(frozen=True)
class StoredObject:
    """An object in the store: where, its checksum and size, and whether this call created it."""

    bucket: str
    key: str
    sha256: str
    size: int
    etag: str
    created: bool
    metadata: dict[str, str] = field(default_factory=dict)
    version_id: str | None = None  # None where the bucket is not versioned


class Ledger(Protocol):
    """Where a store records what it holds (storage.fixity.ObjectLedger)."""

    def record(self, stored: StoredObject) -> None: ...


def canonical_json(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8 (not \\u escapes), no NaN. Same value → same bytes."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


class ObjectStore:
    """Buckets and objects on one S3 endpoint ('host:port')."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, secure: bool = False,
                 region: str | None = None, ledger: Ledger | None = None) -> None:
        self.endpoint = endpoint
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region)
        self.ledger = ledger

    # --- buckets -----------------------------------------------------------------------------------

    def ensure_buckets(self, names: Iterable[str]) -> None:
        """Create each bucket that does not exist yet."""
        for name in names:
            if self.client.bucket_exists(name):
                continue
            try:
                self.client.make_bucket(name)
            except S3Error as error:
                if error.code not in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    raise

    def ensure_locked_buckets(self, names: Iterable[str], retention_days: int, allow_unlocked: bool = False) -> list[str]:
        """Create each bucket that does not exist yet with versioning and object lock, and give every bucket a
        default COMPLIANCE retention of ``retention_days`` (it applies to object versions written from now on).
        A bucket that cannot be locked raises UnlockedStorageError, unless ``allow_unlocked``: then it is
        used as it is, with a warning, and its name is returned."""
        unlocked = []
        for name in names:
            if not self._lockable_bucket(name):
                if not allow_unlocked:
                    raise UnlockedStorageError(self.endpoint, name)
                log.warning("bucket %s at %s has no object lock: its objects could be deleted or overwritten",
                            name, self.endpoint)
                unlocked.append(name)
                continue
            wanted = ObjectLockConfig(COMPLIANCE, retention_days, DAYS)
            current = self.client.get_object_lock_config(name)
            if (current.mode, current.duration) != (wanted.mode, wanted.duration):
                self.client.set_object_lock_config(name, wanted)
        return unlocked

    def _lockable_bucket(self, name: str) -> bool:
        """Make ``name`` with object lock if it is missing (plain, if the endpoint cannot lock); True if the
        bucket has object lock enabled."""
        if not self.client.bucket_exists(name):
            try:
                self.client.make_bucket(name, object_lock=True)
            except S3Error as error:
                if error.code in {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}:
                    pass
                elif error.code in _NO_LOCK:
                    self.ensure_buckets([name])
                    return False
                else:
                    raise
        try:
            self.client.get_object_lock_config(name)
        except S3Error as error:
            if error.code in _NO_LOCK:
                return False
            raise
        return True

    # --- writing -----------------------------------------------------------------------------------

    def put_bytes(self, bucket: str, key: str, data: bytes, content_type: str = "application/octet-stream",
                  metadata: Mapping[str, str] | None = None) -> StoredObject:
        """Store ``data`` under ``key`` once. Metadata names are lower-case words with '-', values printable
        ASCII (use keys.ascii_safe for names of files; keep personal data out of metadata)."""
        digest = hashlib.sha256(data)
        return self._put(bucket, key, digest, len(data), lambda: io.BytesIO(data), content_type, metadata,
                         md5=hashlib.md5(data).hexdigest())

    def put_file(self, bucket: str, key: str, path: Path, content_type: str = "application/octet-stream",
                 metadata: Mapping[str, str] | None = None) -> StoredObject:
        """Store a file under ``key`` once (streamed; large files go up in parts)."""
        path = Path(path)
        digest, md5, size = hashlib.sha256(), hashlib.md5(), 0
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                md5.update(chunk)
                size += len(chunk)
        return self._put(bucket, key, digest, size, lambda: path.open("rb"), content_type, metadata,
                         md5=md5.hexdigest())

    def put_json(self, bucket: str, key: str, obj: Any, metadata: Mapping[str, str] | None = None) -> StoredObject:
        """Store ``obj`` as canonical JSON (see canonical_json), so the same value is the same object."""
        return self.put_bytes(bucket, key, canonical_json(obj), "application/json; charset=utf-8", metadata)

    def _put(self, bucket: str, key: str, digest: Any, size: int, open_data: Callable[[], BinaryIO],
             content_type: str, metadata: Mapping[str, str] | None, md5: str) -> StoredObject:
        """``digest`` is the finished hashlib SHA-256 of the data that ``open_data`` opens."""
        sha256 = digest.hexdigest()
        existing = self.stat(bucket, key)
        if existing is not None:
            return self._recorded(self._same_or_conflict(existing, sha256))
        headers = _checked_metadata(metadata) | {SHA256_META: sha256}
        single = size <= SINGLE_PUT_LIMIT
        if single:
            # The server recomputes this and refuses the upload (BadDigest) if the bytes it got differ.
            headers["x-amz-checksum-sha256"] = base64.b64encode(digest.digest()).decode("ascii")
        stream: BinaryIO = open_data()
        try:
            self.client.put_object(bucket, key, stream, size, content_type=content_type, metadata=headers,
                                   part_size=SINGLE_PUT_LIMIT if single else MULTIPART_PART_SIZE)
        finally:
            stream.close()
        stored = self.stat(bucket, key)
        if stored is None or stored.sha256 != sha256 or stored.size != size:
            # Another writer got there between our stat and our put, with different content.
            raise ObjectConflictError(bucket, key, stored.sha256 if stored else None, sha256)
        if single and re.fullmatch(r"[0-9a-f]{32}", stored.etag) and stored.etag != md5:
            raise ObjectIntegrityError(f"s3://{bucket}/{key}: the stored ETag does not match the uploaded bytes")
        if not single and self._stream_sha256(bucket, key) != sha256:
            raise ObjectIntegrityError(f"s3://{bucket}/{key}: the stored bytes do not match the uploaded file")
        return self._recorded(StoredObject(bucket, key, sha256, size, stored.etag, created=True,
                                           metadata=stored.metadata, version_id=stored.version_id))

    def _recorded(self, stored: StoredObject) -> StoredObject:
        if self.ledger is not None:
            self.ledger.record(stored)
        return stored

    @staticmethod
    def _same_or_conflict(existing: StoredObject, sha256: str) -> StoredObject:
        if existing.sha256 != sha256:
            raise ObjectConflictError(existing.bucket, existing.key, existing.sha256 or None, sha256)
        return existing

    # --- reading -----------------------------------------------------------------------------------

    def stat(self, bucket: str, key: str, version_id: str | None = None) -> StoredObject | None:
        """The object's checksum, size, ETag and user metadata, or None if there is no such object (or its
        newest version is a delete marker)."""
        try:
            info = self.client.stat_object(bucket, key, version_id=version_id)
        except S3Error as error:
            if error.code in _NOT_FOUND:
                return None
            raise
        metadata = _user_metadata(info.metadata or {})
        return StoredObject(
            bucket=bucket, key=key, sha256=metadata.pop(SHA256_META, ""), size=int(info.size or 0),
            etag=(info.etag or "").strip('"'), created=False, metadata=metadata, version_id=info.version_id,
        )

    def get_bytes(self, bucket: str, key: str) -> bytes:
        """The object's bytes, checked against its stored SHA-256."""
        try:
            response = self.client.get_object(bucket, key)
        except S3Error as error:
            if error.code in _NOT_FOUND:
                raise ObjectNotFoundError(f"no object s3://{bucket}/{key}") from None
            raise
        try:
            data = response.read()
            expected = _user_metadata(response.headers).get(SHA256_META)
        finally:
            response.close()
            response.release_conn()
        if not expected:
            raise ObjectIntegrityError(f"s3://{bucket}/{key} has no stored sha256: not written by sohoa")
        if hashlib.sha256(data).hexdigest() != expected:
            raise ObjectIntegrityError(f"s3://{bucket}/{key}: content does not match its stored sha256")
        return data

    def rehash(self, bucket: str, key: str) -> tuple[StoredObject, str] | None:
        """The object as stat sees it and the SHA-256 of its bytes, read again (the same version), or None if
        there is no such object. For the fixity audit: unlike get_bytes it streams, and reports rather than
        raises a mismatch."""
        stored = self.stat(bucket, key)
        if stored is None:
            return None
        try:
            return stored, self._stream_sha256(bucket, key, stored.version_id)
        except S3Error as error:
            if error.code in _NOT_FOUND:
                return None  # deleted between the stat and the read
            raise

    def _stream_sha256(self, bucket: str, key: str, version_id: str | None = None) -> str:
        response = self.client.get_object(bucket, key, version_id=version_id)
        try:
            digest = hashlib.sha256()
            for chunk in response.stream(_CHUNK):
                digest.update(chunk)
            return digest.hexdigest()
        finally:
            response.close()
            response.release_conn()

    def get_json(self, bucket: str, key: str) -> Any:
        return json.loads(self.get_bytes(bucket, key).decode("utf-8"))

    def list_keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every key under ``prefix`` (recursively), sorted."""
        return sorted(o.object_name for o in self.client.list_objects(bucket, prefix=prefix or None, recursive=True)
                      if o.object_name is not None and not o.is_dir)


def _checked_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, value in (metadata or {}).items():
        if not _META_NAME.match(name) or name == SHA256_META:
            raise StorageError(f"metadata name {name!r} must be lower-case letters, digits and '-' (not 'sha256')")
        if not isinstance(value, str) or not all(" " <= ch <= "~" for ch in value):
            raise StorageError(f"metadata value of {name!r} must be printable ASCII (use keys.ascii_safe)")
        checked[name] = value
    return checked


def _user_metadata(headers: Mapping[str, str]) -> dict[str, str]:
    prefix = "x-amz-meta-"
    return {name.lower()[len(prefix):]: value for name, value in headers.items() if name.lower().startswith(prefix)}
