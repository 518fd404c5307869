"""Which batch a run of digitize-batch does: a new one, or an unfinished one it resumes.

A batch is found again by its id, or, without one, as the unfinished batch of the same book made from the
same scans (the checksum of their checksums). A batch is owned by one process at a time (host, pid,
heartbeat in the ledger): one left 'running' by a process that is gone is taken over; one that a live process
runs is refused.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import socket
import uuid
from pathlib import Path

from flows.services import PIPELINE_VERSION, Services, checksum
from storage.errors import StateError
from storage.ledger import owner_is_stale, sources_digest
from validation.schema import BookKeys

#: A batch's owner on another host that has not been heard of for this long has stopped.
OWNER_STALE_AFTER = dt.timedelta(minutes=10)


def take_batch(services: Services, book: BookKeys, files: list[Path], batch_id: str | None) -> tuple[str, bool]:
    """The batch this run does, and whether it resumes one: the given id, else the unfinished batch of this
    book made from the same scans (by checksum), else a new one. A batch that another live process runs is
    refused; one left 'running' by a process that is gone is taken over."""
    sources = sources_digest(checksum(f) for f in files if f.is_file())
    found = batch_id or services.ledger.unfinished_batch(book, sources)
    batch_id = services.state.create_batch(book=book, sources=[str(f) for f in files], batch_id=found,
                                           pipeline_version=PIPELINE_VERSION)
    host, pid = socket.gethostname(), os.getpid()
    owner = services.ledger.owner(batch_id)
    if owner is not None and (owner.host, owner.pid) != (host, pid) and not owner_is_stale(
            owner, host=host, pid_alive=pid_alive, stale_after=OWNER_STALE_AFTER):
        raise StateError(f"batch {batch_id} is being run by process {owner.pid} on {owner.host}; "
                         "wait for it to end, or stop it first")
    services.ledger.take_over(batch_id, host, pid, sources, flow_run_id=_flow_run_id())
    return batch_id, owner is not None


def remove_abandoned_work_folders(services: Services, work_dir: Path) -> int:
    """Remove the work folders of batches no live process runs: a killed run could not remove its extracted
    pages (personal data), at most a window of them. Returns how many folders went."""
    removed = 0
    host = socket.gethostname()
    for folder in (work_dir.iterdir() if work_dir.is_dir() else []):
        owner = services.ledger.owner(folder.name) if folder.is_dir() and _is_uuid(folder.name) else None
        if owner is not None and (owner.host, owner.pid) != (host, os.getpid()) and owner_is_stale(
                owner, host=host, pid_alive=pid_alive, stale_after=OWNER_STALE_AFTER):
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def _is_uuid(name: str) -> bool:
    try:
        return str(uuid.UUID(name)) == name
    except ValueError:
        return False


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _flow_run_id() -> str | None:
    from prefect.runtime import flow_run

    return str(flow_run.id) if flow_run.id else None
