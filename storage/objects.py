"""Object storage through the minio client, against any S3 endpoint (SeaweedFS locally, anything in production).

Two rules, because books are kept permanently:

* **never overwrite** — a put to a key that holds different content raises ObjectConflictError;
* **never duplicate** — a put of the same content to the same key is a no-op (``created=False``).

Every object carries its SHA-256 as user metadata (``x-amz-meta-sha256``). The server checks it on upload
(``x-amz-checksum-sha256``; objects over 64 MiB, uploaded in parts, are read back and hashed instead), the
upload is checked again by a stat afterwards, and every get_bytes is checked against it.

The existence check and the upload are two requests: two writers racing on one key with different content
are caught after the fact (the loser gets ObjectConflictError), not prevented.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from minio import Minio
from minio.error import S3Error

from storage.errors import ObjectConflictError, ObjectIntegrityError, ObjectNotFoundError, StorageError

SHA256_META = "sha256"
_META_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_NOT_FOUND = {"NoSuchKey", "NoSuchObject", "ResourceNotFound"}
_CHUNK = 1024 * 1024
#: Up to this size an object goes up in one PUT that the server checks against its SHA-256. Larger ones go
#: up in parts (the checksum header does not apply to them) and are read back and hashed instead.
SINGLE_PUT_LIMIT = 64 * 1024 * 1024
MULTIPART_PART_SIZE = 16 * 1024 * 1024


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


def canonical_json(obj: Any) -> bytes:
    """Canonical JSON: sorted keys, no spaces, UTF-8 (not \\u escapes), no NaN. Same value → same bytes."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


class ObjectStore:
    """Buckets and objects on one S3 endpoint ('host:port')."""

    def __init__(self, endpoint: str, access_key: str, secret_key: str, secure: bool = False,
                 region: str | None = None) -> None:
        self.endpoint = endpoint
        self.client = Minio(endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region)

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
            return self._same_or_conflict(existing, sha256)
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
        return StoredObject(bucket, key, sha256, size, stored.etag, created=True, metadata=stored.metadata)

    @staticmethod
    def _same_or_conflict(existing: StoredObject, sha256: str) -> StoredObject:
        if existing.sha256 != sha256:
            raise ObjectConflictError(existing.bucket, existing.key, existing.sha256 or None, sha256)
        return existing

    # --- reading -----------------------------------------------------------------------------------

    def stat(self, bucket: str, key: str) -> StoredObject | None:
        """The object's checksum, size, ETag and user metadata, or None if there is no such object."""
        try:
            info = self.client.stat_object(bucket, key)
        except S3Error as error:
            if error.code in _NOT_FOUND:
                return None
            raise
        metadata = _user_metadata(info.metadata or {})
        return StoredObject(
            bucket=bucket, key=key, sha256=metadata.pop(SHA256_META, ""), size=int(info.size or 0),
            etag=(info.etag or "").strip('"'), created=False, metadata=metadata,
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

    def _stream_sha256(self, bucket: str, key: str) -> str:
        response = self.client.get_object(bucket, key)
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
