"""The fixity audit: is every stored object still there and still what was stored?

The ledger is the state database's account of what sohoa stored:

* ``stored_objects`` (this module's table): every object an ObjectStore with this ledger stored or found
  already stored, with its SHA-256 and version id, recorded at the time;
* the ``entries`` table (storage/state.py, read only here): each entry's record key and page image key, so a
  record or page stored before ``stored_objects`` existed, or a record a reviewer resolved, is still expected
  (its SHA-256 then comes from its metadata alone). The review app stores without the ledger on purpose: it
  puts a record inside an open state-database transaction, and a second SQLite writer would wait on it.

The audit lists each bucket (cheap) and re-reads and hashes every object, or a sampled share (expensive). It
reports three kinds of finding, by bucket and key only (keys name an authority, a book, an entry number
and content hashes, never a name or an ID number):

    missing     in the ledger, not in the bucket (deleted, or its newest version is a delete marker)
    altered     its bytes' SHA-256 differs from its metadata, from the ledger, or from the one its key names
    unexpected  in the bucket, not in the ledger (written behind sohoa's back)
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from minio.error import S3Error
from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from storage.db import make_engine
from storage.objects import ObjectStore, StoredObject
from storage.state import EntryRow

MISSING, ALTERED, UNEXPECTED = "missing", "altered", "unexpected"
#: originals/<sha[:2]>/<sha><suffix>: an original's key names its content (storage/keys.original_key).
_CONTENT_ADDRESSED = re.compile(r"^originals/[0-9a-f]{2}/([0-9a-f]{64})(\.[a-z0-9.]*)?$")


class LedgerBase(DeclarativeBase):
    pass


class StoredObjectRow(LedgerBase):
    __tablename__ = "stored_objects"
    __table_args__ = (UniqueConstraint("bucket", "key", name="uq_stored_objects_bucket_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bucket: Mapped[str] = mapped_column(String(63))
    key: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[str | None] = mapped_column(Text)
    stored_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC))


class ObjectLedger:
    """The ``stored_objects`` table in the state database (``sqlite:///…`` or ``postgresql+psycopg://…``)."""

    def __init__(self, db_url: str) -> None:
        self.engine = make_engine(db_url, wal=True)
        LedgerBase.metadata.create_all(self.engine)

    def close(self) -> None:
        self.engine.dispose()

    def record(self, stored: StoredObject) -> None:
        """Keep the first SHA-256 seen for a key: objects are never overwritten, so a later one is news."""
        with Session(self.engine) as session:
            if session.scalar(select(StoredObjectRow.id).where(StoredObjectRow.bucket == stored.bucket,
                                                               StoredObjectRow.key == stored.key)) is not None:
                return
            session.add(StoredObjectRow(bucket=stored.bucket, key=stored.key, sha256=stored.sha256,
                                        size=stored.size, version_id=stored.version_id))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # another writer recorded the same key first

    def expected(self, buckets: Iterable[str], records_bucket: str, pages_bucket: str) -> dict[str, dict[str, str | None]]:
        """bucket → key → the SHA-256 the ledger holds for it (None where only the entries table names it)."""
        wanted = {name: {} for name in buckets}
        with Session(self.engine) as session:
            for row in session.execute(select(StoredObjectRow.bucket, StoredObjectRow.key, StoredObjectRow.sha256)
                                       .where(StoredObjectRow.bucket.in_(list(wanted)))):
                wanted[row.bucket][row.key] = row.sha256
            if not _has_entries(session):
                return wanted
            for record_key, source in session.execute(select(EntryRow.record_key, EntryRow.source)):
                if record_key and records_bucket in wanted:
                    wanted[records_bucket].setdefault(record_key, None)
                page_key = (source or {}).get("object_key")
                if page_key and pages_bucket in wanted:
                    wanted[pages_bucket].setdefault(page_key, None)
        return wanted


def _has_entries(session: Session) -> bool:
    from sqlalchemy import inspect

    return inspect(session.get_bind()).has_table(EntryRow.__tablename__)


# --- the audit ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Finding:
    bucket: str
    key: str
    kind: str  # MISSING, ALTERED or UNEXPECTED
    detail: str


@dataclass
class BucketAudit:
    """One bucket's counts: objects in the ledger, in the bucket, re-read and hashed, and findings by kind."""

    bucket: str
    in_ledger: int = 0
    in_bucket: int = 0
    rehashed: int = 0
    findings: list[Finding] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)


@dataclass
class FixityReport:
    buckets: list[BucketAudit]
    sample: float

    @property
    def findings(self) -> list[Finding]:
        return [f for b in self.buckets for f in b.findings]

    @property
    def ok(self) -> bool:
        return not self.findings

    def counts(self) -> list[dict[str, str]]:
        """One row per bucket, for a table: counts only."""
        return [{"bucket": b.bucket, "in ledger": str(b.in_ledger), "in bucket": str(b.in_bucket),
                 "re-read": str(b.rehashed), MISSING: str(b.count(MISSING)), ALTERED: str(b.count(ALTERED)),
                 UNEXPECTED: str(b.count(UNEXPECTED))} for b in self.buckets]

    def as_dict(self) -> dict:
        return {"ok": self.ok, "sample": self.sample, "buckets": self.counts(),
                "findings": [f.__dict__ for f in self.findings]}


def stored_keys(store: ObjectStore, bucket: str) -> set[str]:
    """The bucket's current objects (a key whose newest version is a delete marker is not among them); none
    if the bucket itself is gone."""
    try:
        return set(store.list_keys(bucket))
    except S3Error as error:
        if error.code == "NoSuchBucket":
            return set()
        raise


def compare_listing(bucket: str, expected: dict[str, str | None], present: set[str]) -> list[Finding]:
    """Missing and unexpected objects of one bucket, sorted by key."""
    missing = [Finding(bucket, key, MISSING, "in the ledger, not in the bucket") for key in sorted(set(expected) - present)]
    unexpected = [Finding(bucket, key, UNEXPECTED, "in the bucket, not in the ledger")
                  for key in sorted(present - set(expected))]
    return missing + unexpected


def choose_sample(keys: Iterable[str], share: float, rng: random.Random | None = None) -> list[str]:
    """``share`` (0 < share <= 1) of the keys, at least one when there are any, drawn at random so that
    successive runs cover different objects."""
    ordered = sorted(keys)
    if share >= 1 or not ordered:
        return ordered
    size = max(1, round(len(ordered) * share))
    return sorted((rng or random.SystemRandom()).sample(ordered, size))


def rehash_objects(store: ObjectStore, bucket: str, keys: Sequence[str],
                   expected: dict[str, str | None]) -> list[Finding]:
    """Re-read each object, recompute its SHA-256 and compare it with its metadata, the ledger and (for an
    original) its key. An object gone since the listing is reported missing."""
    findings = []
    for key in keys:
        found = store.rehash(bucket, key)
        if found is None:
            findings.append(Finding(bucket, key, MISSING, "gone between the listing and the re-read"))
            continue
        stored, actual = found
        problems = _mismatches(key, actual, stored.sha256, expected.get(key))
        if problems:
            findings.append(Finding(bucket, key, ALTERED, "; ".join(problems)))
    return findings


def _mismatches(key: str, actual: str, in_metadata: str, in_ledger: str | None) -> list[str]:
    problems = []
    if not in_metadata:
        problems.append("no sha256 in its metadata")
    elif actual != in_metadata:
        problems.append("content differs from the sha256 in its metadata")
    if in_ledger is not None and actual != in_ledger:
        problems.append("content differs from the sha256 in the ledger")
    named = _CONTENT_ADDRESSED.match(key)
    if named is not None and actual != named.group(1):
        problems.append("content differs from the sha256 its key names")
    return problems


def audit_bucket(store: ObjectStore, bucket: str, expected: dict[str, str | None], share: float,
                 rng: random.Random | None = None) -> BucketAudit:
    """One bucket: listing compared with the ledger, then a sample of the objects both name re-read and
    hashed (an unexpected object is reported once, as unexpected)."""
    present = stored_keys(store, bucket)
    sample = choose_sample(present & set(expected), share, rng)
    findings = compare_listing(bucket, expected, present) + rehash_objects(store, bucket, sample, expected)
    return BucketAudit(bucket, in_ledger=len(expected), in_bucket=len(present), rehashed=len(sample), findings=findings)
