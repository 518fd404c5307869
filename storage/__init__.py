"""Storage: object storage (any S3 endpoint via the minio client), the shared registry (read only), sohoa's own
state database (batches, entries, review queue) and a local SeaweedFS server.

Every class here takes its configuration as arguments; nothing reads the environment.
"""

from storage.errors import (
    ObjectConflictError,
    ObjectIntegrityError,
    ObjectNotFoundError,
    RegistrySnapshotError,
    SeaweedError,
    StateError,
    StorageError,
)

__all__ = [
    "ObjectConflictError",
    "ObjectIntegrityError",
    "ObjectNotFoundError",
    "RegistrySnapshotError",
    "SeaweedError",
    "StateError",
    "StorageError",
]
