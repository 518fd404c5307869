"""The fault matrix: a component dies while `sohoa digitize` runs a book, and the batch still ends with every
page read once, every record, review item and page image stored once, and no page image left behind.

Everything is real: the `sohoa` console script in a subprocess, a SeaweedFS and a PostgreSQL cluster of this
module's own (they are killed and stopped here), Prefect (a shared test server for the runs, except the one
whose own ephemeral server is to be left orphaned by a SIGKILL). A first, clean run of the book is the
baseline every faulted run is reconciled against; it also fills the OCR cache, so the faulted runs go page
by page (one worker, a window of one) at preprocessing speed and a fault lands between pages.

Select them with ``-m faults``. The table of what each fault did is printed at the end of the module.
"""

from __future__ import annotations

import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pytest
from pytest_postgresql.janitor import DatabaseJanitor
from sqlalchemy import func, select

from sohoa.settings import PREFECT_DEFAULTS, Settings
from storage.ledger import BatchPageRow
from storage.objects import ObjectStore
from storage.registry import load_snapshot
from storage.seaweed import SeaweedServer
from storage.state import StateStore
from tests.conftest import throwaway_postgres

pytestmark = [pytest.mark.integration, pytest.mark.faults]

PAGES = 6
SOHOA = str(Path(sys.executable).with_name("sohoa"))
TABLE: list[dict] = []


@dataclass
class Rig:
    root: Path
    seaweed: SeaweedServer
    store: ObjectStore
    book: object
    prefect_api: str
    ocr_bucket: str
    baseline: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def rig(tmp_path_factory, prefect_ephemeral, request):
    from prefect.settings import PREFECT_API_URL
    from synth import generate_book

    root = tmp_path_factory.mktemp("faults")
    access, secret = f"fault-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    seaweed = SeaweedServer.on_free_ports(root / "seaweedfs", access, secret)
    book = generate_book(root / "book", layout="table", pages=PAGES, seed=23, degradation="light",
                         upside_down_pages=0)
    with seaweed:
        rig = Rig(root, seaweed, ObjectStore(seaweed.endpoint, access, secret), book, PREFECT_API_URL.value(),
                  ocr_bucket=f"ocr-{uuid.uuid4().hex[:8]}")
        base = Case(rig, root / "baseline", "baseline", workers=2)
        done = base.run()
        assert done.returncode == 0, done.output[-3000:]
        rig.baseline = base.inventory()
        assert rig.baseline["pages"] == PAGES and rig.baseline["records"], rig.baseline
        yield rig
    _print_table(request)


class Case:
    """One `sohoa digitize` of the rig's book with buckets and a state database of its own."""

    def __init__(self, rig: Rig, home: Path, name: str, *, workers: int = 1, db_url: str | None = None,
                 own_prefect: bool = False) -> None:
        self.rig, self.name = rig, name
        tag = uuid.uuid4().hex[:8]
        self.settings = Settings(
            home=home, s3_endpoint=rig.seaweed.endpoint, s3_access_key=rig.seaweed.access_key,
            s3_secret_key=rig.seaweed.secret_key, bucket_ocr=rig.ocr_bucket, bucket_originals=f"orig-{tag}",
            bucket_pages=f"pages-{tag}", bucket_records=f"rec-{tag}", ocr_workers=workers, object_lock_days=1,
            page_window=None if workers > 1 else 1, state_db_url=db_url, registry_db_url=db_url)
        home.mkdir(parents=True, exist_ok=True)
        load_snapshot(rig.book.registry, self.settings.resolved_registry_db_url)
        overrides = {"PREFECT_HOME": str(home / "prefect"), "OMP_THREAD_LIMIT": "1"}
        if not own_prefect:
            overrides["PREFECT_API_URL"] = rig.prefect_api
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "SOHOA_"))}
        self.env = inherited | PREFECT_DEFAULTS | overrides | self.settings.as_env()
        keys = rig.book.book
        self.command = [SOHOA, "digitize", str(rig.book.scans[0].parent), "--authority", keys["authority"],
                        "--year", str(keys["year"]), "--volume", str(keys["volume"])]
        self.runs: list[Done] = []
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.settings.home / f"run-{len(self.runs) + 1}.log"
        self._log = log
        self.process = subprocess.Popen(self.command, env=self.env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL)

    def wait(self, timeout: float = 300) -> "Done":
        assert self.process is not None
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"{self.name}: sohoa digitize did not end within {timeout} s:\n"
                                 f"{self._log.read_text(errors='replace')[-3000:]}") from None
        done = Done(code, self._log.read_text(errors="replace"))
        self.runs.append(done)
        self.process = None
        return done

    def run(self) -> "Done":
        self.start()
        return self.wait()

    # --- watching the ledger -----------------------------------------------------------------------

    def pages_done(self) -> int:
        try:
            state = StateStore(self.settings.resolved_state_db_url)
            try:
                with state.engine.connect() as connection:
                    return connection.scalar(select(func.count()).select_from(BatchPageRow.__table__)) or 0
            finally:
                state.close()
        except Exception:  # noqa: BLE001 - not made yet, or the database is the component that is down
            return 0

    def wait_for_pages(self, n: int, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pages_done() >= n:
                return
            if self.process is not None and self.process.poll() is not None:
                raise AssertionError(f"{self.name}: the run ended (exit {self.process.returncode}) before {n} pages "
                                     f"were done:\n{self._log.read_text(errors='replace')[-3000:]}")
            time.sleep(0.2)
        raise AssertionError(f"{self.name}: {n} pages not done within {timeout} s")

    def ledger(self) -> dict[tuple[str, int], tuple[int, object]]:
        state = StateStore(self.settings.resolved_state_db_url)
        with state.engine.connect() as connection:
            rows = connection.execute(select(BatchPageRow.source_sha256, BatchPageRow.page_in_file, BatchPageRow.id,
                                             BatchPageRow.committed_at))
            return {(r[0], r[1]): (r[2], r[3]) for r in rows}

    # --- what is stored ----------------------------------------------------------------------------

    def inventory(self) -> dict:
        """Pages, records, review items and page images of this case, as the buckets and the state hold them."""
        s, store = self.settings, self.rig.store
        state = StateStore(s.resolved_state_db_url)
        batches = state.list_batches()
        records = {k: store.stat(s.bucket_records, k).sha256 for k in store.list_keys(s.bucket_records)}
        items = state.list_review_items(state="open")
        item_entries = [state.entry(i.batch_id, i.entry_key) for i in items]
        # One item per entry: an entry number open in two batches of the book is a duplicate (within one batch,
        # two entries read with the same number are two readings for the reviewer, as in the clean run).
        batches_of: dict[int, set[str]] = {}
        for item, entry in zip(items, item_entries):
            if entry.entry_no is not None:
                batches_of.setdefault(entry.entry_no, set()).add(item.batch_id)
        ledger = {}
        with state.engine.connect() as connection:
            for row in connection.execute(select(BatchPageRow)):
                ledger[(row.source_sha256, row.page_in_file)] = row
        entries = [e for b in batches for e in state.entries_for_batch(b.batch_id)]
        recorded = {e.entry_no for e in entries if e.status.value == "verified"}
        work_files = [p for p in s.work_dir.rglob("*") if p.is_file()] if s.work_dir.exists() else []
        return {
            "batches": [(b.batch_id, b.status) for b in batches],
            "pages": len(ledger),
            "page_numbers": sorted(r.page_no for r in ledger.values()),
            "records": records,
            "ledger_records": {k: v for r in ledger.values() for k, v in r.records.items()},
            "verified": recorded,
            "entries": len(entries),
            "open_items": len(items),
            "duplicate_items": sum(len(b) - 1 for b in batches_of.values()),
            "page_images": sorted(store.list_keys(s.bucket_pages)),
            "ledger_page_keys": sorted(r.page_key for r in ledger.values()),
            "originals": len(store.list_keys(s.bucket_originals)),
            "work_files": len(work_files),
        }

    def reconcile(self, fault: str, happened: str, recovery: str, before: dict | None = None) -> dict:
        """Check this case against the baseline, and add its line to the module's table."""
        got, want = self.inventory(), self.rig.baseline
        assert [status for _, status in got["batches"]] == ["finished"], got["batches"]
        assert got["pages"] == PAGES and got["page_numbers"] == list(range(1, PAGES + 1))
        assert got["records"] == want["records"], "records differ from the clean run"
        assert got["ledger_records"] == got["records"], "the ledger does not match the records bucket"
        assert got["page_images"] == got["ledger_page_keys"] and len(got["page_images"]) == PAGES
        assert (got["entries"], got["open_items"]) == (want["entries"], want["open_items"])
        assert got["duplicate_items"] == 0 and got["originals"] == want["originals"]
        assert got["work_files"] == 0, "an extracted page image was left in the work folder"
        if before:  # pages done before the fault were not done again after it
            after = self.ledger()
            assert all(after[key] == value for key, value in before.items()), "a page done before the fault was redone"
        lost = len(set(want["records"]) - set(got["records"]))
        line = {"fault": fault, "what happened": happened, "recovery": recovery, "pages": got["pages"],
                "records": len(got["records"]), "review items": got["open_items"],
                "page images": len(got["page_images"]), "duplicates": got["duplicate_items"], "lost": lost,
                "pages kept over the fault": len(before or {})}
        TABLE.append(line)
        return line


@dataclass
class Done:
    returncode: int
    output: str

    def error_line(self) -> str:
        lines = [l.strip() for l in self.output.splitlines()
                 if l.strip().startswith(("error:", "incomplete", "not done", "damaged OCR cache"))]
        return lines[0] if lines else f"exit {self.returncode}"


def _summary_of(done: Done) -> str:
    if done.returncode == 0:
        retries = sum("will start" in line and "Retry" in line for line in done.output.splitlines())
        return f"exit 0: finished, through {retries} task retries"
    return f"exit {done.returncode}: {done.error_line()}"[:200]


def _not_blamed_on_the_scans(done: Done) -> None:
    """An outage is the service's error: no scan is reported bad, no page 'could not be processed'."""
    blamed = [l for l in done.output.splitlines() if "input error" in l or "could not be processed" in l]
    assert not blamed, blamed[:3]


def _no_traceback(done: Done) -> None:
    assert "Traceback" not in done.output, done.output[-3000:]


# --- the faults -----------------------------------------------------------------------------------------

def test_seaweedfs_killed_mid_batch_and_restarted(rig, tmp_path):
    case = Case(rig, tmp_path / "home", "seaweedfs")
    case.start()
    case.wait_for_pages(2)
    before = case.ledger()
    os.kill(rig.seaweed.pid, signal.SIGKILL)
    rig.seaweed._process.wait()
    time.sleep(10)
    rig.seaweed.start()
    first = case.wait()
    _no_traceback(first)
    _not_blamed_on_the_scans(first)
    if first.returncode != 0:  # it may ride the outage out; if not, it says which service, and a re-run ends it
        assert first.returncode == 6 and "object storage" in first.error_line(), first.output[-3000:]
        again = case.run()
        assert again.returncode == 0, again.output[-3000:]
    case.reconcile("SeaweedFS killed after 2 pages, restarted 10 s later", _summary_of(first),
                   "none needed" if first.returncode == 0 else "same command again: resumed", before)


def test_seaweedfs_down_for_good_then_sohoa_resume(rig, tmp_path):
    """An outage longer than the retries: the run stops with the service's error, the batch is 'incomplete'
    in the state database, and `sohoa resume BATCH` finishes it once storage is back."""
    case = Case(rig, tmp_path / "home", "seaweedfs-down")
    case.start()
    case.wait_for_pages(2)
    before = case.ledger()
    os.kill(rig.seaweed.pid, signal.SIGKILL)
    rig.seaweed._process.wait()
    try:
        first = case.wait()
    finally:
        rig.seaweed.start()
    _no_traceback(first)
    _not_blamed_on_the_scans(first)
    assert first.returncode == 6 and "object storage does not answer at" in first.error_line(), first.output[-3000:]
    [(batch_id, status)] = case.inventory()["batches"]
    assert status == "incomplete" and f"sohoa resume {batch_id}" in " ".join(first.output.split())
    case.command = [SOHOA, "resume", batch_id]
    again = case.run()
    assert again.returncode == 0, again.output[-3000:]
    case.reconcile("SeaweedFS killed after 2 pages, back only after the run gave up", _summary_of(first),
                   "`sohoa resume BATCH`", before)


def test_postgresql_stopped_mid_batch(rig, tmp_path):
    with throwaway_postgres() as cluster:
        janitor = DatabaseJanitor(user=cluster.user, host=cluster.host, port=cluster.port, dbname="faults",
                                  password=cluster.password)
        with janitor:
            case = Case(rig, tmp_path / "home", "postgresql", db_url=cluster.url("faults"))
            case.start()
            case.wait_for_pages(2)
            before = case.ledger()
            cluster.stop("immediate")
            time.sleep(10)
            cluster.start()
            first = case.wait()
            _no_traceback(first)
            _not_blamed_on_the_scans(first)
            if first.returncode != 0:
                assert first.returncode == 6 and "database" in first.error_line(), first.output[-3000:]
                again = case.run()
                assert again.returncode == 0, again.output[-3000:]
            case.reconcile("PostgreSQL (state + registry) stopped after 2 pages, started 10 s later",
                           _summary_of(first), "none needed" if first.returncode == 0 else
                           "same command again: resumed", before)


def test_digitize_sigkilled_mid_batch_resumes_and_leaves_no_orphans(rig, tmp_path):
    case = Case(rig, tmp_path / "home", "sigkill", own_prefect=True)
    case.start()
    case.wait_for_pages(2)
    before = case.ledger()
    children = psutil.Process(case.process.pid).children(recursive=True)
    assert children, "the run should have started its Prefect server and page workers"
    case.process.kill()
    first = case.wait()
    state = StateStore(case.settings.resolved_state_db_url)
    assert [b.status for b in state.list_batches()] == ["running"]  # as a killed run leaves it
    again = case.run()
    assert again.returncode == 0, again.output[-3000:]
    assert "left by a `sohoa digitize` that was killed" in " ".join(again.output.split()), again.output[-3000:]
    orphans = [p for p in children if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert not orphans, f"left running: {[p.pid for p in orphans]}"
    line = case.reconcile("`sohoa digitize` SIGKILLed after 2 pages", f"exit {first.returncode} (SIGKILL); batch "
                          f"left 'running', {len(children)} child processes orphaned",
                          "same command again: found the batch by its scans' checksums, stopped the orphans, "
                          "resumed", before)
    assert line["pages kept over the fault"] >= 2


def test_work_folder_disk_full(rig, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("a tmpfs work folder needs root (mount -t tmpfs)")
    case = Case(rig, tmp_path / "home", "disk-full")
    work = case.settings.work_dir
    work.mkdir(parents=True)
    # Room for the private copy of the scan (9.7 MB) and a few pages.
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(work)], check=True)
    try:
        case.start()
        case.wait_for_pages(2)
        before = case.ledger()
        filler = work / "filler"
        subprocess.run(["dd", "if=/dev/zero", f"of={filler}", "bs=64k"], capture_output=True)  # until it is full
        first = case.wait()
        _no_traceback(first)
        filler.unlink()
        assert first.returncode != 0
        if first.returncode == 11:
            assert "work folder is full" in first.error_line(), first.output[-3000:]
        _not_blamed_on_the_scans(first)
        inventory = case.inventory()
        assert set(inventory["records"]) <= set(rig.baseline["records"])  # nothing half-written
        assert all(rig.baseline["records"][k] == v for k, v in inventory["records"].items())
        again = case.run()
        assert again.returncode == 0, again.output[-3000:]
        case.reconcile("work folder (24 MB tmpfs) filled after 2 pages", _summary_of(first),
                       "space freed, same command again: resumed", before)
    finally:
        subprocess.run(["umount", "-l", str(work)], check=False)


def test_a_corrupt_ocr_cache_object_is_detected_and_the_page_read_again(rig, tmp_path):
    store = rig.store
    key = store.list_keys(rig.ocr_bucket)[2]
    original = store.client.get_object(rig.ocr_bucket, key)
    try:
        body, headers = original.read(), dict(original.headers)
    finally:
        original.close()
        original.release_conn()
    sha = headers.get("x-amz-meta-sha256")
    damaged = body.replace(b'"', b"'", 1)
    store.client.put_object(rig.ocr_bucket, key, io.BytesIO(damaged), len(damaged), metadata={"sha256": sha})
    try:
        case = Case(rig, tmp_path / "home", "ocr-cache")
        done = case.run()
        _no_traceback(done)
        assert done.returncode == 0, done.output[-3000:]
        assert sum("damaged OCR cache" in line for line in done.output.splitlines()) == 1, done.output[-3000:]
        assert "does not match its stored sha256" in done.output
        case.reconcile("an OCR cache object altered (checksum kept)", f"exit 0; {done.error_line()}"[:200],
                       "detected by its checksum, page read again, reported (exit 0)")
    finally:
        store.client.put_object(rig.ocr_bucket, key, io.BytesIO(body), len(body), metadata={"sha256": sha})


def test_prefect_worker_sigkilled_mid_page_then_queued_again(rig, tmp_path):
    """`sohoa up`'s worker (and the flow run process it started, with its page workers: as when the worker's
    machine dies) SIGKILLed mid-batch. The abandoned flow run is marked crashed when the batch is queued again,
    and the new flow run resumes the batch."""
    from rich.console import Console

    from sohoa.requeue import crash_abandoned_run
    from sohoa.stack import queue_batch, start_stack, stop_stack
    from storage.seaweed import free_port

    case = Case(rig, tmp_path / "home", "worker")
    settings = case.settings.model_copy(update={"prefect_api_url": f"http://127.0.0.1:{free_port()}/api",
                                                "review_port": free_port()})
    keys, console = rig.book.book, Console(quiet=True)
    try:
        start_stack(console, settings)
        run = queue_batch(rig.book.scans[0].parent, authority=keys["authority"], year=keys["year"],
                          volume=str(keys["volume"]), settings=settings)
        case.wait_for_pages(2)
        before = case.ledger()
        worker = psutil.Process(int((settings.home / "run" / "prefect-worker.pid").read_text()))
        tree = [worker, *worker.children(recursive=True)]
        for process in tree:
            process.kill()
        psutil.wait_procs(tree, timeout=10)
        assert _flow_run(settings, run["id"]).state.type.value == "RUNNING"  # nobody is left to say otherwise

        start_stack(console, settings)  # a new worker
        crashed = crash_abandoned_run(settings, run["batch_id"])
        assert crashed == run["id"] and _flow_run(settings, run["id"]).state.is_crashed()
        again = queue_batch(rig.book.scans[0].parent, authority=keys["authority"], year=keys["year"],
                            volume=str(keys["volume"]), settings=settings, batch_id=run["batch_id"])
        finished = _wait_final(settings, again["id"])
        assert finished.state.is_completed(), finished.state.message
    finally:
        stop_stack(console, settings)
    case.reconcile("Prefect worker (with its flow run process) SIGKILLed after 2 pages",
                   f"flow run left Running; marked Crashed when queued again ({len(tree)} processes killed)",
                   "`sohoa queue --batch-id`: a new flow run resumed the batch", before)


def _flow_run(settings: Settings, flow_run_id: str):
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: settings.prefect_api_url}):
        with get_client(sync_client=True) as client:
            return client.read_flow_run(flow_run_id)


def _wait_final(settings: Settings, flow_run_id: str, timeout: float = 300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = _flow_run(settings, flow_run_id)
        if run.state is not None and run.state.is_final():
            return run
        time.sleep(1)
    raise AssertionError(f"flow run {flow_run_id} did not end within {timeout} s")


def _print_table(request) -> None:
    if not TABLE:
        return
    columns = list(TABLE[0])
    lines = ["", "fault matrix (%d pages, table book):" % PAGES, " | ".join(columns)]
    lines += [" | ".join(str(row[c]) for c in columns) for row in TABLE]
    text = "\n".join(lines)
    capture = request.config.pluginmanager.getplugin("capturemanager")
    with capture.global_and_fixture_disabled():
        print(text, flush=True)
