"""Running the flow in this process: the `sohoa digitize` progress bar and the `sohoa demo` walk-through."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from sohoa.errors import ServiceUnavailableError
from sohoa.settings import Settings, get_settings


@contextmanager
def local_object_storage(settings: Settings, console: Console) -> Iterator[None]:
    """Use the configured S3 endpoint; if it is the embedded default and nothing answers, run SeaweedFS
    for the duration of the command (its data stays under the settings' home)."""
    from sohoa.stack import local_seaweed
    from storage.seaweed import endpoint_answers

    if endpoint_answers(settings.s3_endpoint) or not settings.s3_endpoint.startswith("127.0.0.1:"):
        yield
        return
    server = local_seaweed(settings)
    console.print(f"[dim]starting SeaweedFS on {settings.s3_endpoint} (data in {settings.home / 'seaweedfs'})[/]")
    with server:
        yield


def check_services(settings: Settings, registry_db_url: str | None = None, dask_address: str | None = None) -> None:
    """Before a batch starts: object storage answers, the state database opens, the registry can be read,
    the Dask scheduler (if any) answers. Each failure is one error naming that service, not a failed flow run
    halfway through a book."""
    from sqlalchemy.exc import OperationalError

    from sohoa.stack import dask_scheduler_answers
    from storage.db import reason, redacted
    from storage.seaweed import endpoint_answers

    scheme = "https" if settings.s3_secure else "http"
    if not endpoint_answers(f"{scheme}://{settings.s3_endpoint}"):
        raise ServiceUnavailableError(f"object storage does not answer at {scheme}://{settings.s3_endpoint}")
    address = dask_address or settings.dask_address
    if address and not dask_scheduler_answers(address):
        raise ServiceUnavailableError(f"the Dask scheduler does not answer at {address}")
    for name, url, check in (
        ("state database", settings.resolved_state_db_url, _can_open_state),
        ("registry", registry_db_url or settings.resolved_registry_db_url, _can_read_registry),
    ):
        try:
            check(url)
        except OperationalError as error:
            raise ServiceUnavailableError(f"the {name} at {redacted(url)} cannot be used: {reason(error)}") from None


def _can_open_state(url: str) -> None:
    from storage.state import StateStore

    state = StateStore(url)
    try:
        state.create_schema()
    finally:
        state.close()


def _can_read_registry(url: str) -> None:
    from storage.registry import RegistryReader

    reader = RegistryReader(url)
    try:
        with reader.engine.connect():
            pass
    finally:
        reader.close()


def run_in_process(
    path: Path, *, authority: str, year: int, volume: str, book_type: str = "birth",
    registry_db_url: str | None = None, console: Console, dask_address: str | None = None,
    batch_id: str | None = None,
) -> dict[str, Any]:
    """Run digitize-batch in this process, once object storage, both databases and the Dask scheduler (when
    pages are to be read on one) answer. Servers this command starts for itself (SeaweedFS, the ephemeral
    Prefect server, page workers) are recorded, so a next run stops them if this one is killed."""
    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    with own_children(settings, console) as record, local_object_storage(settings, console):
        record()
        check_services(settings, registry_db_url, dask_address)
        return _run_with_progress(path, console, record, source=str(path.resolve()), authority=authority,
                                  year=year, volume=str(volume), book_type=book_type,
                                  registry_db_url=registry_db_url, dask_address=dask_address, batch_id=batch_id)


def _run_with_progress(path: Path, console: Console, record: Any, **parameters: Any) -> dict[str, Any]:
    """The digitize-batch flow with a progress bar of the pages read."""
    from flows import progress
    from flows.digitize import digitize_batch

    with tracebacks_in_run_logs_only(), Progress(
        TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False,
    ) as bar:
        task = bar.add_task(f"pages of {path.name}", total=None)

        def on_event(event: str, data: dict) -> None:
            if event == "pages":
                bar.update(task, total=data["total"])
                record()  # the ephemeral Prefect server and the page workers run by now
            elif event == "page_done":
                bar.advance(task)
                record()  # page workers come and go (a broken pool is replaced)

        progress.set_listener(on_event)
        try:
            return digitize_batch(**parameters)
        finally:
            progress.set_listener(None)


# --- servers started for one command ------------------------------------------------------------------

def _children_dir(settings: Settings) -> Path:
    path = (settings.home / "run").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def own_children(settings: Settings, console: Console) -> Iterator[Any]:
    """Stop what a killed earlier command left running, then record this process's children (pid and start
    time) in <home>/run/digitize-PID.json each time ``record()`` is called. A SIGKILL gives no chance to
    stop them; the next command does, from that file. The file goes when this command ends."""
    import json

    import psutil

    stopped = sweep_orphans(settings)
    if stopped:
        console.print(f"[dim]stopped {stopped} server process(es) left by a `sohoa digitize` that was killed[/]")
    me = psutil.Process()
    path = _children_dir(settings) / f"digitize-{me.pid}.json"

    def record() -> None:
        children = [{"pid": c.pid, "started": c.create_time()} for c in _children(me)]
        path.write_text(json.dumps({"owner": {"pid": me.pid, "started": me.create_time()}, "children": children}))

    try:
        yield record
    finally:
        path.unlink(missing_ok=True)


def _children(process: Any) -> list[Any]:
    import psutil

    try:
        return process.children(recursive=True)
    except psutil.Error:
        return []


def sweep_orphans(settings: Settings) -> int:
    """Stop the recorded children of `sohoa digitize` commands that are gone; returns how many were stopped."""
    import json

    import psutil

    stopped = 0
    for path in _children_dir(settings).glob("digitize-*.json"):
        try:
            data = json.loads(path.read_text())
        except (OSError, ValueError):
            path.unlink(missing_ok=True)
            continue
        if _same_process(data["owner"]) is not None:
            continue  # that command still runs
        survivors = [p for p in map(_same_process, data["children"]) if p is not None]
        for process in survivors:
            try:
                process.terminate()
            except psutil.Error:
                pass
        _, alive = psutil.wait_procs(survivors, timeout=10)
        for process in alive:
            try:
                process.kill()
            except psutil.Error:
                pass
        stopped += len(survivors)
        path.unlink(missing_ok=True)
    return stopped


def _same_process(recorded: dict) -> Any:
    """The live process with this pid and start time (not a later process that reuses the pid), or None."""
    import psutil

    try:
        process = psutil.Process(recorded["pid"])
        return process if abs(process.create_time() - recorded["started"]) < 0.01 else None
    except (psutil.Error, KeyError, TypeError):
        return None


class _OneLine(logging.Formatter):
    """Prefect's console format, without the traceback: a failed task is its one log line on the console."""

    def __init__(self, inner: logging.Formatter | None) -> None:
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        if record.exc_info or record.exc_text:
            record = logging.makeLogRecord(record.__dict__ | {"exc_info": None, "exc_text": None})
        return self.inner.format(record)


@contextmanager
def tracebacks_in_run_logs_only() -> Iterator[None]:
    """While a flow runs in this process, Prefect's console handler prints a failed task or flow as one line;
    the traceback still goes to the run's logs (Prefect API and UI), where operators look for it."""
    from prefect.logging.configuration import ensure_logging_setup
    from prefect.logging.handlers import PrefectConsoleHandler

    ensure_logging_setup()
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in ("prefect", "prefect.flow_runs",
                                                                            "prefect.task_runs"))]
    handlers = {h for logger in loggers for h in logger.handlers if isinstance(h, PrefectConsoleHandler)}
    saved = {handler: handler.formatter for handler in handlers}
    for handler in handlers:
        handler.setFormatter(_OneLine(handler.formatter))
    try:
        yield
    finally:
        for handler, formatter in saved.items():
            handler.setFormatter(formatter)


def run_demo(out: Path, *, pages: int, console: Console) -> None:
    """Make a sample book of each layout, load its registry snapshot, digitize it, export and evaluate."""
    from sohoa.summary import print_summary
    from sohoa.evaluation import evaluate, render_report
    from storage.registry import load_snapshot
    from storage.state import StateStore
    from synth import generate_book

    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    for layout, seed in (("table", 1), ("form", 2)):
        console.rule(f"[bold]{layout} book")
        book = generate_book(out / layout, layout=layout, pages=pages, seed=seed, degradation="light")
        console.print(f"generated {len(book.scans)} scan file(s) in {out / layout}: "
                      f"{sum(1 for _ in book.truth.open())} entries, "
                      f"{sum(1 for _ in book.discrepancies.open())} planted discrepancies")
        load_snapshot(book.registry, settings.resolved_registry_db_url)
        keys = book.book
        summary = run_in_process(
            out / layout / "scans", authority=keys["authority"], year=keys["year"], volume=keys["volume"],
            book_type=keys["book_type"], console=console,
        )
        print_summary(summary)
        export = out / layout / "export.jsonl"
        entries = StateStore(settings.resolved_state_db_url).entries_for_batch(summary["batch_id"])
        export.write_text("".join(e.model_dump_json() + "\n" for e in entries), encoding="utf-8")
        render_report(evaluate(book.truth, export, book.discrepancies), console)
    console.print(f"\nexports and sample books are in {out}/; records and page images in the local object store "
                  f"({settings.s3_endpoint}); the review queue in {settings.resolved_state_db_url}")
