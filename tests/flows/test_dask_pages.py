"""Page tasks on a real Dask cluster through prefect-dask: a `dask scheduler` and `dask worker` processes
(one thread each) on 127.0.0.1, random free ports, started here and torn down after each test.

The same book on one and on two workers gives the same records; a worker killed mid-batch loses no page
and duplicates none (Dask reschedules its pages on the other worker)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from flows import progress
from sohoa.settings import PREFECT_DEFAULTS, get_settings
from storage.registry import load_snapshot
from storage.seaweed import free_port
from storage.state import StateStore
from .scale_helpers import cached_readings, fresh_buckets, stored_records

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DASK = str(Path(sys.executable).with_name("dask"))
PROJECT = Path(__file__).resolve().parents[2]


class Cluster:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.address = ""
        self.workers: list[subprocess.Popen] = []
        self.scheduler: subprocess.Popen | None = None
        self.env = dict(os.environ) | PREFECT_DEFAULTS | {"PREFECT_HOME": str(home / "prefect"),
                                                          "OMP_THREAD_LIMIT": "1"}

    def _spawn(self, name: str, *args: str) -> subprocess.Popen:
        log = (self.home / f"{name}.log").open("ab")
        return subprocess.Popen([DASK, *args], env=self.env, cwd=PROJECT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def start(self, workers: int) -> None:
        port = free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        self.scheduler = self._spawn("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                     "--no-dashboard")
        for index in range(workers):
            self.workers.append(self._spawn(f"worker-{index}", "worker", self.address, "--nthreads", "1",
                                            "--no-nanny", "--no-dashboard", "--host", "127.0.0.1",
                                            "--name", f"w{index}", "--memory-limit", "0"))
        self.wait_for_workers(workers)

    def wait_for_workers(self, count: int, timeout: float = 120) -> None:
        from distributed import Client

        with Client(self.address, timeout=timeout) as client:
            client.wait_for_workers(count, timeout=timeout)

    def kill_worker(self, index: int) -> None:
        os.killpg(self.workers[index].pid, signal.SIGKILL)
        self.workers[index].wait(timeout=30)

    def stop(self) -> None:
        for proc in [*self.workers, self.scheduler]:
            if proc is None or proc.poll() is not None:
                continue
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


@pytest.fixture()
def dask_cluster(tmp_path):
    clusters: list[Cluster] = []

    @contextmanager
    def start(workers: int):
        cluster = Cluster(tmp_path / f"dask-{len(clusters)}")
        cluster.home.mkdir()
        clusters.append(cluster)
        try:
            cluster.start(workers)
            yield cluster
        finally:
            cluster.stop()

    yield start
    for cluster in clusters:
        cluster.stop()


@pytest.fixture(scope="session")
def four_page_book(tmp_path_factory):
    from synth import generate_book

    return generate_book(tmp_path_factory.mktemp("book-dask"), layout="table", pages=4, seed=31,
                         degradation="light", upside_down_pages=0)


def _run(run_batch, book, address: str) -> dict:
    from flows.digitize import digitize_batch

    keys = book.book
    return digitize_batch(source=str(book.scans[0].parent), authority=keys["authority"], year=keys["year"],
                          volume=str(keys["volume"]), dask_address=address)


def test_one_and_two_dask_workers_give_the_same_records(flow_settings, four_page_book, run_batch, seaweedfs,
                                                        dask_cluster, monkeypatch):
    load_snapshot(four_page_book.registry, flow_settings.resolved_registry_db_url)
    results = {}
    for workers in (1, 2):
        fresh_buckets(monkeypatch, f"dask{workers}")
        settings = get_settings()
        with dask_cluster(workers) as cluster:
            summary = _run(run_batch, four_page_book, cluster.address)
        assert summary["pages_read"] == 4 and summary["input_errors"] == []
        results[workers] = (stored_records(settings, summary["batch_id"]),
                            cached_readings(settings, seaweedfs.store))
    assert results[1][0], "a light-degraded book with its registry should verify some entries"
    assert results[1] == results[2]


def test_a_worker_killed_mid_batch_loses_no_page(flow_settings, four_page_book, run_batch, dask_cluster,
                                                 monkeypatch):
    load_snapshot(four_page_book.registry, flow_settings.resolved_registry_db_url)
    fresh_buckets(monkeypatch, "kill")
    settings = get_settings()
    truth = sum(1 for _ in four_page_book.truth.open(encoding="utf-8"))
    killed: list[float] = []

    with dask_cluster(2) as cluster:
        def kill_after_first_page(event: str, data: dict) -> None:
            # Both workers are reading (window of 4) when the first page is done: one dies with a page in hand.
            if event == "page_done" and not killed:
                cluster.kill_worker(1)
                killed.append(time.monotonic())

        progress.set_listener(kill_after_first_page)
        try:
            summary = _run(run_batch, four_page_book, cluster.address)
        finally:
            progress.set_listener(None)
        assert cluster.workers[1].poll() is not None and cluster.workers[0].poll() is None

    assert killed, "no page finished before the kill"
    assert summary["pages_read"] == 4 and summary["input_errors"] == []
    entries = StateStore(settings.resolved_state_db_url).entries_for_batch(summary["batch_id"])
    per_page = Counter(e.source.page for e in entries if e.source.page is not None)
    assert sorted(per_page) == [1, 2, 3, 4], "a page was lost"
    assert sum(per_page.values()) == truth, "entries lost or stored twice"


@pytest.mark.integration
def test_an_unreachable_dask_scheduler_stops_digitize_before_the_batch(tmp_path, seaweedfs):
    from sohoa.errors import ExitCode

    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "page.png").write_bytes(b"not read: the scheduler is checked first")
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {
        "SOHOA_HOME": str(tmp_path / "home"), "SOHOA_S3_ENDPOINT": seaweedfs.endpoint,
        "SOHOA_S3_ACCESS_KEY": seaweedfs.access_key, "SOHOA_S3_SECRET_KEY": seaweedfs.secret_key, "COLUMNS": "200"}
    done = subprocess.run([str(Path(sys.executable).with_name("sohoa")), "digitize", str(scans), "--authority",
                           "UBND xã A", "--year", "2001", "--volume", "01", "--dask-address", address],
                          capture_output=True, text=True, env=environment, cwd=tmp_path, timeout=120)
    assert done.returncode == ExitCode.service_unavailable, (done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and address in lines[0], done.stderr
