"""fixity-audit: re-read what sohoa keeps permanently and check it is all there and unchanged.

Records, originals and page images are listed and compared with the ledger in the state database, and every
object (or a sampled share, SOHOA_FIXITY_SAMPLE) is re-read and hashed (storage/fixity.py). The findings go
to a Prefect table artifact, keys and counts only; a run with any finding ends Failed, so the schedule's
failures show in the UI and the `sohoa fixity` exit code.
"""

from __future__ import annotations

from typing import Any

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.states import Completed, Failed, State

from sohoa.settings import Settings, get_settings
from storage.fixity import BucketAudit, FixityReport, ObjectLedger, audit_bucket
from storage.objects import ObjectStore

#: The artifact lists at most this many findings (the counts are always complete).
MAX_LISTED_FINDINGS = 1000


def permanent_buckets(settings: Settings) -> list[str]:
    """The buckets kept forever; the OCR cache is not among them (it can always be read again)."""
    return [settings.bucket_records, settings.bucket_originals, settings.bucket_pages]


@task(cache_policy=NO_CACHE)
def load_ledger(ledger: ObjectLedger, settings: Settings) -> dict[str, dict[str, str | None]]:
    """What the state database says each bucket holds."""
    return ledger.expected(permanent_buckets(settings), settings.bucket_records, settings.bucket_pages)


@task(cache_policy=NO_CACHE)
def check_bucket(store: ObjectStore, bucket: str, expected: dict[str, str | None], sample: float) -> BucketAudit:
    """List one bucket against the ledger; re-read and hash its sampled objects."""
    return audit_bucket(store, bucket, expected, sample)


@task(cache_policy=NO_CACHE)
def publish_fixity_report(report: FixityReport) -> None:
    """Two table artifacts: counts per bucket, and the findings (bucket, key, kind, why; never contents)."""
    create_table_artifact(key="fixity-audit", table=report.counts(),
                          description=f"fixity audit: {len(report.findings)} finding(s), sample {report.sample:g}")
    findings = [{"bucket": f.bucket, "key": f.key, "kind": f.kind, "detail": f.detail}
                for f in report.findings[:MAX_LISTED_FINDINGS]]
    if findings:
        create_table_artifact(key="fixity-findings", table=findings,
                              description=f"first {len(findings)} of {len(report.findings)} finding(s)")


@flow(name="fixity-audit", log_prints=False)
def fixity_audit(sample: float | None = None) -> State:
    """Audit the permanent buckets; ``sample`` is the share of objects re-read (default SOHOA_FIXITY_SAMPLE).
    Ends Completed with the report when nothing is wrong, Failed with it otherwise."""
    logger = get_run_logger()
    settings = get_settings()
    share = settings.fixity_sample if sample is None else sample
    if not 0 < share <= 1:
        raise ValueError("the fixity sample is a share of the objects: 0 < sample <= 1")
    store = ObjectStore(settings.s3_endpoint, settings.s3_access_key, settings.s3_secret_key.get_secret_value(),
                        secure=settings.s3_secure, region=settings.s3_region)
    ledger = ObjectLedger(settings.resolved_state_db_url)
    try:
        expected = load_ledger(ledger, settings)
        audits = [check_bucket(store, bucket, expected[bucket], share) for bucket in permanent_buckets(settings)]
    finally:
        ledger.close()
    report = FixityReport(audits, share)
    publish_fixity_report(report)
    for row in report.counts():
        logger.info("%s", ", ".join(f"{name} {value}" for name, value in row.items()))
    result: dict[str, Any] = report.as_dict()
    if report.ok:
        return Completed(message="every object is there and unchanged", data=result)
    return Failed(message=f"fixity audit: {len(report.findings)} finding(s)", data=result)
