"""Typed storage errors. Messages name buckets, keys, files and ids, never object contents or personal data."""

from __future__ import annotations


class StorageError(Exception):
    """Base class of every error raised by storage/."""

    exit_code = 4


class SeaweedError(StorageError):
    """The local SeaweedFS server is missing, too old, or did not start."""


class StorageUnavailableError(StorageError):
    """An S3 endpoint or a database does not answer, or cannot be used (refused, unknown host, locked)."""


class ObjectConflictError(StorageError):
    """A put would overwrite an existing object with different content (never allowed)."""

    def __init__(self, bucket: str, key: str, existing_sha256: str | None, new_sha256: str) -> None:
        self.bucket = bucket
        self.key = key
        self.existing_sha256 = existing_sha256
        self.new_sha256 = new_sha256
        super().__init__(
            f"s3://{bucket}/{key} already exists with different content "
            f"(stored sha256 {existing_sha256 or 'unknown'}, new sha256 {new_sha256}); objects are never overwritten"
        )


class ObjectIntegrityError(StorageError):
    """What the store holds (or returned) does not match its recorded checksum."""


class ObjectNotFoundError(StorageError):
    """No object under that bucket and key."""


class RegistrySnapshotError(StorageError):
    """A registry snapshot line cannot be loaded (the message names the file and line, not the values)."""


class StateError(StorageError):
    """A state-database request refers to something that does not exist or contradicts what is stored."""
