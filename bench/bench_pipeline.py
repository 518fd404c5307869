"""Whole-pipeline benchmark (issue 6): sohoa digitize-batch against bare `tesseract IMG - -l vie` on the same
page images, side by side in one run, on a generated book of each kind (A3 table, A4 table, A4 form; 300 dpi,
mixed quality).

    .venv/bin/python bench/bench_pipeline.py [--pages 16] [--books a3-table,a4-table,form] [--dask]

- sohoa runs on fresh state (buckets and databases of its own, so no OCR cache), pages read by the local
  process pool (``SOHOA_OCR_WORKERS``, 2 by default); bare tesseract runs 2 processes at a time with
  OMP_THREAD_LIMIT=1. Both print pages/min; the ratio is sohoa's over bare tesseract's.
- seconds per page and stage: ingest, preprocess, layout, OCR, check and route, storage (from the batch
  summary: worker stages are summed over the workers, so they add up to CPU-bound time, not wall time).
- peak RSS of this whole process tree (this process, the Prefect server it runs, the page workers, any
  tesseract child), sampled every 0.25 s; with --pages ≥ 30, RSS at 30 pages and at the last page too.
- --dask: the first book again on a local `dask scheduler` with 1, then 2 `dask worker --nthreads 1`.
- a book longer than --render-max (24) pages repeats its rendered pages, each made unique (see long_book).

SeaweedFS (free ports) and a Prefect server are started once for the whole run: their start is not counted
in a book's time; the Prefect server is in the RSS, SeaweedFS (standing in for a remote S3) is not.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psutil

BOOKS = {  # name: (layout, forced style)
    "a3-table": ("table", {"page_size": "A3"}),
    "a4-table": ("table", {"page_size": "A4"}),
    "form": ("form", {"page_size": "A4"}),
}
STAGES = ("ingest", "preprocess", "layout", "ocr", "encode", "check_route", "storage", "wait")


def tree_rss() -> int:
    me = psutil.Process()
    total = 0
    for proc in [me, *me.children(recursive=True)]:
        try:
            if proc.name().startswith("weed"):
                continue  # the object store stands in for a remote S3 service: not sohoa's memory
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


def _role(proc: psutil.Process, me: psutil.Process) -> str:
    if proc.pid == me.pid:
        return "flow"
    line = " ".join(proc.cmdline())
    if "uvicorn" in line or "prefect.server" in line:
        return "prefect-server"
    if "tesseract" in proc.name():
        return "tesseract"
    return "page-workers"


class RssSampler:
    """Peak RSS of the tree, and CPU seconds by role (this process, the Prefect server, the page workers),
    from the last sample of each process (a worker that ends between samples loses at most 0.25 s)."""

    def __init__(self) -> None:
        self.peak = 0
        self.peak_roles: dict[str, int] = {}
        self._cpu: dict[int, tuple[str, float, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            now = tree_rss()
            if now > self.peak:
                self.peak, self.peak_roles = now, self._roles(me)
            for proc in [me, *me.children(recursive=True)]:
                try:
                    times = proc.cpu_times()
                    role, first, _ = self._cpu.get(proc.pid) or (_role(proc, me), times.user + times.system, 0.0)
                    self._cpu[proc.pid] = (role, first, times.user + times.system)
                except psutil.Error:
                    pass
            self._stop.wait(0.25)

    def _roles(self, me: psutil.Process) -> dict[str, int]:
        """RSS by role at this moment (the peak's breakdown)."""
        roles: dict[str, int] = {}
        for proc in [me, *me.children(recursive=True)]:
            try:
                if not proc.name().startswith("weed"):
                    role = _role(proc, me)
                    roles[role] = roles.get(role, 0) + proc.memory_info().rss
            except psutil.Error:
                pass
        return roles

    def cpu_by_role(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for role, first, last in self._cpu.values():
            totals[role] = totals.get(role, 0.0) + last - first
        return totals

    def __enter__(self) -> "RssSampler":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def bare_tesseract(images: list[Path], processes: int = 2) -> tuple[float, float]:
    """Wall and CPU seconds for bare full-page tesseract over the images, ``processes`` at a time, one
    thread each. On a shared machine CPU seconds are the steadier measure: wall time is whatever the
    neighbours leave."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def one(image: Path) -> None:
        subprocess.run(["tesseract", str(image), "-", "-l", "vie"], check=True, capture_output=True, env=env)

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    with ThreadPoolExecutor(processes) as pool:
        list(pool.map(one, images))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return time.perf_counter() - start, cpu


def generate(out: Path, name: str, pages: int, seed: int) -> dict:
    """The book made in a child process, so its memory is not in this process's RSS."""
    layout, style = BOOKS[name]
    code = ("import json, sys; from pathlib import Path; from synth import generate_book; "
            "b = generate_book(Path(sys.argv[1]), layout=sys.argv[2], pages=int(sys.argv[3]), seed=int(sys.argv[4]), "
            "quality='mixed', dpi=300, style=json.loads(sys.argv[5])); "
            "print(json.dumps({'book': b.book, 'registry': str(b.registry), 'scans': [str(s) for s in b.scans]}))")
    done = subprocess.run([sys.executable, "-c", code, str(out), layout, str(pages), str(seed), json.dumps(style)],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def long_book(book: dict, pages: int, out: Path) -> dict:
    """A ``pages``-page scan made from a short generated book's pages (rendering 300 pages at once holds them
    all in memory: 16 GB and climbing): page i is base page i mod n with a unique speck pattern in its corner,
    so every page has its own checksum and is read anew (no OCR cache hit). One page in memory at a time;
    single-page PDFs joined by pdfunite, each still one embedded JPEG."""
    from PIL import Image

    from ocr.ingest import split_into_pages

    scans = out / "scans"
    parts = out / "parts"
    scans.mkdir(parents=True, exist_ok=True)
    parts.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        base = [p for scan in book["scans"] for p in split_into_pages(Path(scan), Path(tmp))]
        for index in range(pages):
            page = base[index % len(base)]
            with Image.open(page.path) as image:
                image = image.convert("L")
                for bit in range(12):  # the page number in 12 specks of 2x2 pixels, bottom right
                    if (index >> bit) & 1:
                        x, y = image.width - 40 - 4 * bit, image.height - 30
                        for dx in range(2):
                            for dy in range(2):
                                image.putpixel((x + dx, y + dy), 0)
                image.save(parts / f"p{index:04d}.pdf", "PDF", resolution=page.dpi, quality=85)
    target = scans / "book.pdf"
    subprocess.run(["pdfunite", *sorted(str(p) for p in parts.glob("p*.pdf")), str(target)], check=True)
    for part in parts.glob("p*.pdf"):
        part.unlink()
    return {"book": book["book"], "registry": book["registry"], "scans": [str(target)]}


def fresh_state(tag: str, home: Path) -> None:
    """Buckets and databases no earlier run has touched: no OCR cache, no stored records."""
    from sohoa.settings import get_settings

    suffix = f"{tag}-{uuid.uuid4().hex[:8]}"
    for bucket in ("originals", "pages", "ocr", "records"):
        os.environ[f"SOHOA_BUCKET_{bucket.upper()}"] = f"bench-{bucket}-{suffix}"
    os.environ["SOHOA_STATE_DB_URL"] = f"sqlite:///{home / f'state-{suffix}.sqlite'}"
    os.environ["SOHOA_REGISTRY_DB_URL"] = f"sqlite:///{home / f'registry-{suffix}.sqlite'}"
    get_settings.cache_clear()


def run_sohoa(book: dict, tag: str, home: Path, dask_address: str | None = None) -> dict:
    from flows import progress
    from flows.digitize import digitize_batch
    from sohoa.settings import get_settings
    from storage.registry import load_snapshot

    fresh_state(tag, home)
    load_snapshot(Path(book["registry"]), get_settings().resolved_registry_db_url)
    marks: dict[int, int] = {}

    def on_event(event: str, data: dict) -> None:
        if event == "page_done":
            marks[int(data["page"])] = tree_rss()

    keys = book["book"]
    progress.set_listener(on_event)
    try:
        with RssSampler() as rss:
            start = time.perf_counter()
            summary = digitize_batch(source=str(Path(book["scans"][0]).parent), authority=keys["authority"],
                                     year=keys["year"], volume=str(keys["volume"]), dask_address=dask_address)
            seconds = time.perf_counter() - start
    finally:
        progress.set_listener(None)
    return {"summary": summary, "seconds": seconds, "peak_rss": rss.peak, "rss_at": marks, "cpu": rss.cpu_by_role(),
            "peak_roles": rss.peak_roles}


@contextmanager
def dask_cluster(workers: int, home: Path):
    from storage.seaweed import free_port

    dask = str(Path(sys.executable).with_name("dask"))
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = dict(os.environ, OMP_THREAD_LIMIT="1", PREFECT_HOME=str(home / "prefect-dask"))
    procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)]
    for index in range(workers):
        procs.append(subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                                       "--host", "127.0.0.1", "--memory-limit", "0", "--name", f"w{index}"],
                                      env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                      start_new_session=True))
    try:
        from distributed import Client

        with Client(address, timeout=120) as client:
            client.wait_for_workers(workers, timeout=120)
        yield address
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a worker without a nanny may linger on SIGTERM
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)


def mb(value: int) -> str:
    return f"{value / 1e6:,.0f} MB"


def print_book(name: str, pages: int, result: dict, bare_seconds: float, bare_cpu: float) -> None:
    ours = 60 * pages / result["seconds"]
    bare = 60 * pages / bare_seconds
    summary = result["summary"]
    print(f"{name:9s} pages={pages:3d}  sohoa={ours:6.2f} pages/min  bare tesseract (2 processes)={bare:6.2f} "
          f"pages/min  ratio={ours / bare:5.2f}  peak RSS (whole tree)={mb(result['peak_rss'])}  "
          f"verified={summary['verified']} flagged={summary['flagged']} errors={len(summary['input_errors'])}")
    stage = summary.get("stage_seconds", {})
    print("          s/page: " + "  ".join(f"{s}={stage.get(s, 0.0) / pages:.2f}" for s in STAGES)
          + f"  (wall {result['seconds'] / pages:.2f}, bare {bare_seconds / pages:.2f})")
    cpu = sum(result["cpu"].values())
    print("          CPU s/page: " + "  ".join(f"{role}={seconds / pages:.2f}"
                                             for role, seconds in sorted(result["cpu"].items()))
          + f"  total={cpu / pages:.2f}  bare tesseract={bare_cpu / pages:.2f}  "
            f"CPU ratio (bare/sohoa)={bare_cpu / cpu if cpu else float('nan'):.2f}")
    print("          at peak RSS: " + "  ".join(f"{role}={mb(value)}" for role, value in sorted(result["peak_roles"].items())))
    marks = result["rss_at"]
    if pages >= 30 and 30 in marks:
        last = max(marks)
        print(f"          RSS at 30 pages={mb(marks[30])}  RSS at {last} pages={mb(marks[last])}  "
              f"ratio={marks[last] / marks[30]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=16)
    parser.add_argument("--books", default="a3-table,a4-table,form")
    parser.add_argument("--out", type=Path, default=Path("bench-out/pipeline"))
    parser.add_argument("--dask", action="store_true", help="also compare 1 and 2 Dask workers on the first book")
    parser.add_argument("--no-bare", action="store_true", help="skip bare tesseract (RSS runs)")
    parser.add_argument("--render-max", type=int, default=24,
                        help="render at most this many pages; a longer book repeats them, each page made unique")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    args.out.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="sohoa-bench-"))
    os.environ["SOHOA_HOME"] = str(home)

    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from ocr.ingest import split_into_pages
    from storage.seaweed import SeaweedServer

    books = {}
    for seed, name in enumerate(args.books.split(","), start=600):
        rendered = min(args.pages, args.render_max)
        books[name] = generate(args.out / f"{name}-{rendered}", name, rendered, seed)
        if args.pages > rendered:
            books[name] = long_book(books[name], args.pages, args.out / f"{name}-{args.pages}")
        print(f"generated {name}: {args.pages} pages ({rendered} rendered)", flush=True)

    seaweed = SeaweedServer.on_free_ports(home / "seaweedfs", "bench", uuid.uuid4().hex)
    server = SubprocessASGIServer()
    try:
        seaweed.start()
        os.environ.update({"SOHOA_S3_ENDPOINT": seaweed.endpoint, "SOHOA_S3_ACCESS_KEY": "bench",
                           "SOHOA_S3_SECRET_KEY": seaweed.secret_key})
        server.start(timeout=120)
        with temporary_settings({PREFECT_API_URL: server.api_url}):
            first = None
            for name, book in books.items():
                with tempfile.TemporaryDirectory() as tmp:
                    images = [p.path for scan in book["scans"] for p in split_into_pages(Path(scan), Path(tmp))]
                    bare, bare_cpu = (float("nan"), float("nan")) if args.no_bare else bare_tesseract(images)
                result = run_sohoa(book, name, home)
                print_book(name, len(images), result, bare, bare_cpu)
                sys.stdout.flush()
                first = first or (name, book, len(images))
            if args.dask and first:
                name, book, pages = first
                rates = {}
                for workers in (1, 2):
                    with dask_cluster(workers, home) as address:
                        result = run_sohoa(book, f"dask{workers}", home, dask_address=address)
                    rates[workers] = 60 * pages / result["seconds"]
                    print(f"dask      {name} pages={pages} workers={workers} {rates[workers]:6.2f} pages/min  "
                          f"peak RSS={mb(result['peak_rss'])} ("
                          + " ".join(f"{r}={mb(v)}" for r, v in sorted(result["peak_roles"].items()))
                          + f")  verified={result['summary']['verified']}  "
                          f"s/page: " + "  ".join(f"{k}={v / pages:.2f}" for k, v in
                                                  sorted(result["summary"]["stage_seconds"].items())), flush=True)
                print(f"dask      2 workers / 1 worker = {rates[2] / rates[1]:.2f}")
    finally:
        server.stop()
        seaweed.stop()
        shutil.rmtree(home, ignore_errors=True)  # the state, the object store's data and the work files


if __name__ == "__main__":
    main()
