"""The `sohoa` command: what archive staff, reviewers and operators type.

    sohoa synth OUT --layout table|form       make a synthetic scanned book with ground truth
    sohoa registry load FILE --db URL         load a registry snapshot (stand-in for the shared database)
    sohoa digitize PATH --authority … --year … --volume …   run a batch in-process, with a progress bar
    sohoa resume BATCH                        do the rest of a batch that was stopped (killed, an outage)
    sohoa queue PATH …                        queue a batch on the Prefect server (for the worker)
    sohoa up / sohoa down                     start / stop the local stack (Prefect server + UI, SeaweedFS, worker)
    sohoa export --batch ID --out FILE        every entry of a batch as JSON lines
    sohoa fixity [--sample SHARE]             audit the stored objects: missing, altered, unexpected
    sohoa eval --truth … --pred …             accuracy, silent errors, flag recall and precision
    sohoa demo                                the whole path on a sample book of each layout
    sohoa review serve                        the reviewers' web app (also started by `sohoa up`)
    sohoa users add NAME --role … --authority …   an account of the web app (also disable, list)

Every command ends with an exit code of sohoa.errors.ExitCode; a typed error is one line on stderr (main).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sohoa.errors import ExitCode, ServiceUnavailableError, SohoaError
from sohoa.settings import get_settings

if TYPE_CHECKING:
    from storage.state import StateStore

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, help="Digitize Vietnamese civil-status register books.")
registry_app = typer.Typer(no_args_is_help=True, help="The shared civil-status registry (read-only to the pipeline).")
review_app = typer.Typer(no_args_is_help=True, help="The review queue.")
users_app = typer.Typer(no_args_is_help=True, help="Accounts of the reviewers' web app.")
app.add_typer(registry_app, name="registry")
app.add_typer(review_app, name="review")
app.add_typer(users_app, name="users")
console = Console()
err = Console(stderr=True)


def _volume(value: str | None) -> str | None:
    """The volume as text, kept as the book prints it; an empty one is a usage error."""
    from storage.keys import volume_text

    if value is None:
        return None
    try:
        return volume_text(value)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


Authority = Annotated[str, typer.Option(help="Registering authority (cơ quan đăng ký), e.g. 'UBND xã Tân Phú'")]
Year = Annotated[int, typer.Option(help="Year of the book")]
Volume = Annotated[str, typer.Option(help="Volume (quyển) as the book prints it, e.g. '01'", callback=_volume)]
BookType = Annotated[str, typer.Option("--book-type", help="Book type; only 'birth' for now")]
DaskAddress = Annotated[Optional[str], typer.Option(
    "--dask-address", help="Read pages on this Dask scheduler, e.g. tcp://HOST:8786 (or SOHOA_DASK_ADDRESS); "
                           "default: SOHOA_OCR_WORKERS local processes")]


@app.command()
def synth(
    out: Annotated[Path, typer.Argument(help="Output folder")],
    layout: Annotated[str, typer.Option(help="table (older books) or form (since 2016)")] = "table",
    pages: int = 10,
    seed: int = 0,
    degradation: Annotated[str, typer.Option(help="clean, light or degraded (older name of --quality)")] = "light",
    image_format: Annotated[str, typer.Option("--format", help="pdf, png, jpeg or tiff")] = "pdf",
    quality: Annotated[Optional[str], typer.Option(help="clean, light, degraded, mixed or heavy")] = None,
    style: Annotated[Optional[str], typer.Option(
        help="'classic' (the fixed style), or a JSON object of style axes to force, e.g. "
             "'{\"column_numbers\": true}'; default: every axis drawn from the seed")] = None,
    dpi: Annotated[Optional[int], typer.Option(help="Scan resolution; default drawn from the seed")] = None,
) -> None:
    """Render a synthetic scanned birth register with truth.jsonl, registry.jsonl and discrepancies.jsonl."""
    from synth import generate_book

    forced: str | dict | None = style
    if style and style != "classic":
        try:
            forced = json.loads(style)
        except json.JSONDecodeError as error:
            raise typer.BadParameter(f"not 'classic' nor a JSON object: {error}", param_hint="--style") from None
        if not isinstance(forced, dict):
            raise typer.BadParameter("expected 'classic' or a JSON object", param_hint="--style")
    try:
        book = generate_book(out, layout=layout, pages=pages, seed=seed, degradation=degradation,
                             image_format=image_format, quality=quality, style=forced, dpi=dpi)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    console.print(f"[green]wrote[/] {len(book.scans)} scan file(s), {book.truth}, {book.registry}, {book.discrepancies}")
    console.print(json.dumps(book.book, ensure_ascii=False))


@registry_app.command("load")
def registry_load(
    snapshot: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="registry.jsonl")],
    db: Annotated[Optional[str], typer.Option(help="SQLAlchemy URL; default: the embedded SQLite file")] = None,
) -> None:
    """Load a registry snapshot into SQLite or PostgreSQL."""
    from storage.registry import load_snapshot

    url = db or get_settings().resolved_registry_db_url
    get_settings().home.mkdir(parents=True, exist_ok=True)
    count = load_snapshot(snapshot, url)
    console.print(f"loaded {count} registry records")


BatchId = Annotated[Optional[str], typer.Option(
    "--batch-id", help="Resume this batch: its pages already stored (and checked by checksum) are skipped. "
                       "Without it, an unfinished batch of the same book made from the same scans (by checksum) "
                       "is resumed, else a new batch starts")]


@app.command()
def digitize(
    path: Annotated[Path, typer.Argument(exists=True, help="A scan file or a folder of scans (PDF, PNG, JPEG, TIFF)")],
    authority: Authority,
    year: Year,
    volume: Volume,
    book_type: BookType = "birth",
    registry_db: Annotated[Optional[str], typer.Option("--registry-db", help="Registry URL")] = None,
    dask_address: DaskAddress = None,
    batch_id: BatchId = None,
) -> None:
    """Run the digitize-batch flow in this process (ephemeral Prefect) and print the summary.

    A run that was stopped (killed, or an outage) is resumed by running the same command again, or
    `sohoa resume BATCH`. Exits 0 when every page was read, 3 when scans were bad (named on stderr), 13 when
    pages are left to do (named on stderr), 6 when object storage or a database does not answer."""
    from sohoa.runner import run_in_process

    summary = run_in_process(path, authority=authority, year=year, volume=volume, book_type=book_type,
                             registry_db_url=registry_db, console=console, dask_address=dask_address,
                             batch_id=batch_id)
    print_summary(summary)
    raise typer.Exit(batch_exit_code(summary))


@app.command()
def resume(
    batch: Annotated[str, typer.Argument(help="Batch id")],
    registry_db: Annotated[Optional[str], typer.Option("--registry-db", help="Registry URL")] = None,
    dask_address: DaskAddress = None,
) -> None:
    """Do the rest of a batch that did not finish (same scans, same book): its done pages are skipped."""
    from sohoa.runner import run_in_process
    from storage.errors import StateError

    found = _state_store().get_batch(batch)
    if found is None:
        raise StateError(f"no batch {batch}")
    summary = run_in_process(_batch_source(found.source_files), authority=found.book.authority, year=found.book.year,
                             volume=found.book.volume, book_type=found.book.book_type, registry_db_url=registry_db,
                             console=console, dask_address=dask_address, batch_id=found.batch_id)
    print_summary(summary)
    raise typer.Exit(batch_exit_code(summary))


def _batch_source(files: list[str]) -> Path:
    """The path that names exactly a batch's scans again: the file itself, or the folder holding them all."""
    from flows.digitize import scan_files
    from storage.errors import StateError

    paths = [Path(f) for f in files]
    if len(paths) == 1 and paths[0].is_file():
        return paths[0]
    folders = {p.parent for p in paths}
    if len(folders) == 1:
        folder = folders.pop()
        if folder.is_dir() and sorted(scan_files(folder)) == sorted(paths):
            return folder
    raise StateError("the batch's scans are no longer where they were (or their folder holds other files): "
                     "run `sohoa digitize` on them with --batch-id")


def batch_exit_code(summary: dict) -> ExitCode:
    """Non-zero when anything of the batch failed: pages left to do, else bad scans."""
    if summary.get("status") == "incomplete":
        return ExitCode.incomplete_batch
    if summary["input_errors"]:
        return ExitCode.input_file
    return ExitCode.ok


@app.command()
def queue(
    path: Annotated[Path, typer.Argument(exists=True, help="A scan file or a folder of scans")],
    authority: Authority,
    year: Year,
    volume: Volume,
    book_type: BookType = "birth",
    registry_db: Annotated[Optional[str], typer.Option("--registry-db")] = None,
    dask_address: DaskAddress = None,
    batch_id: Annotated[Optional[str], typer.Option(
        "--batch-id", help="Queue this batch again (its worker died): its abandoned flow run is marked crashed, "
                           "and the new run skips the pages already done")] = None,
) -> None:
    """Create a flow run of the digitize-batch deployment; the worker started by `sohoa up` picks it up."""
    from sohoa.requeue import crash_abandoned_run
    from sohoa.stack import queue_batch

    if batch_id:
        crashed = crash_abandoned_run(get_settings(), batch_id)
        if crashed:
            console.print(f"flow run {crashed} of batch {batch_id} marked crashed (its process is gone)")
    run = queue_batch(path.resolve(), authority=authority, year=year, volume=volume, book_type=book_type,
                      registry_db_url=registry_db, dask_address=dask_address, batch_id=batch_id)
    console.print(f"queued flow run [bold]{run['name']}[/] ({run['id']}); batch id {run['batch_id']}")
    console.print(f"follow it at {run['url']}")


@app.command()
def up() -> None:
    """Start SeaweedFS, the Prefect server (UI) and a process worker, and deploy digitize-batch."""
    from sohoa.stack import start_stack

    for name, url in start_stack(console).items():
        console.print(f"{name}: [bold]{url}[/]")


@app.command()
def down() -> None:
    """Stop what `sohoa up` started."""
    from sohoa.stack import stop_stack

    stop_stack(console)


@app.command()
def export(
    batch: Annotated[str, typer.Option(help="Batch id")],
    out: Annotated[Path, typer.Option(help="Output .jsonl")],
) -> None:
    """Write every entry of a batch as JSON lines (export.jsonl format)."""
    from storage.errors import StateError

    entries = _state_store().entries_for_batch(batch)
    if not entries:
        raise StateError(f"no entries for batch {batch}")
    with out.open("w", encoding="utf-8") as fh:
        for entry in entries:
            fh.write(entry.model_dump_json() + "\n")
    console.print(f"wrote {len(entries)} entries to {out}")


@app.command()
def fixity(
    sample: Annotated[Optional[float], typer.Option(
        help="Share of the stored objects re-read and hashed, 0 < SHARE <= 1 (default SOHOA_FIXITY_SAMPLE)")] = None,
) -> None:
    """Run the fixity-audit flow in this process: every stored record, original and page image is listed against
    the ledger, and re-read and hashed (all, or a sampled share). Exits 12 if anything is missing, altered or
    unexpected."""
    from flows.fixity import fixity_audit
    from sohoa.runner import local_object_storage, tracebacks_in_run_logs_only

    if sample is not None and not 0 < sample <= 1:
        raise typer.BadParameter("a share of the objects: more than 0, at most 1", param_hint="--sample")
    settings = get_settings()
    with local_object_storage(settings, console), tracebacks_in_run_logs_only():
        state = fixity_audit(sample=sample, return_state=True)
        report = state.result(raise_on_failure=False)
    if isinstance(report, BaseException):
        raise report
    table = Table(title="fixity audit")
    for column in report["buckets"][0]:
        table.add_column(column, justify="left" if column == "bucket" else "right")
    for row in report["buckets"]:
        table.add_row(*row.values())
    console.print(table)
    for finding in report["findings"]:
        console.print(f"{finding['kind']}: s3://{finding['bucket']}/{finding['key']} ({finding['detail']})",
                      highlight=False, soft_wrap=True)
    raise typer.Exit(ExitCode.ok if report["ok"] else ExitCode.fixity_failed)


@app.command("eval")
def evaluate_cmd(
    truth: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="truth.jsonl")],
    pred: Annotated[Path, typer.Option(exists=True, dir_okay=False, help="export.jsonl")],
    discrepancies: Annotated[Optional[Path], typer.Option(help="discrepancies.jsonl")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of tables")] = False,
) -> None:
    """Field accuracy, character error rate, silent errors and flag recall/precision against ground truth."""
    from sohoa.evaluation import evaluate, render_report

    report = evaluate(truth, pred, discrepancies)
    if as_json:
        console.print_json(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        render_report(report, console)


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="Where the sample books go")] = Path("demo-out"),
    pages: int = 10,
) -> None:
    """Generate a sample book of each layout, digitize both on the embedded defaults, print the summaries."""
    from sohoa.runner import run_demo

    run_demo(out, pages=pages, console=console)


@review_app.command("list")
def review_list(
    batch: Annotated[Optional[str], typer.Option(help="Only this batch")] = None,
    state: Annotated[str, typer.Option(help="open, resolved or all")] = "open",
) -> None:
    """Review items with their reasons (no personal data is printed; reviewers open the entry itself)."""
    items = _state_store().list_review_items(state=None if state == "all" else state, batch_id=batch)
    table = Table("id", "batch", "entry", "reasons", "state")
    for item in items:
        table.add_row(str(item.id), item.batch_id[:8], item.entry_key, ", ".join(sorted(set(item.reasons))), item.state)
    console.print(table)


@review_app.command("resolve")
def review_resolve(
    item_id: Annotated[int, typer.Argument(help="Review item id")],
    reviewer: Annotated[str, typer.Option(help="Who confirms what the book says")],
    value: Annotated[Optional[list[str]], typer.Option("--value", help="field=value as the book says it (repeatable)")] = None,
    note: Annotated[str, typer.Option(help="Free-text remark")] = "",
) -> None:
    """Record what the book says for a flagged entry. The book wins: the registry is corrected to match it."""
    malformed = [i for i, v in enumerate(value or [], start=1) if "=" not in v]
    if malformed:  # the value itself is not echoed: it is what the book says about a person
        raise typer.BadParameter(f"expected field=value, got something else in --value number {malformed[0]}",
                                 param_hint="--value")
    book_values = dict(v.split("=", 1) for v in value or [])
    item = _state_store().resolve_review_item(
        item_id, reviewer, {"book_values": book_values, "note": note})
    console.print(f"review item {item.id} resolved by {item.reviewer}")


@review_app.command("corrections")
def review_corrections(
    batch: Annotated[str, typer.Option(help="Batch id")],
    out: Annotated[Path, typer.Option(help="Output .jsonl (or .csv) of proposed registry corrections")],
    registry_db: Annotated[Optional[str], typer.Option("--registry-db", help="Registry URL")] = None,
) -> None:
    """Propose registry corrections for the batch's resolved entries: the registry is to follow the book.
    The file holds personal data; it goes to the registry's operators, never into logs."""
    from review.exports import as_csv, as_jsonl, batch_corrections
    from storage.registry import RegistryReader

    settings = get_settings()
    reader = RegistryReader(registry_db or settings.resolved_registry_db_url)
    proposals = batch_corrections(_state_store(), reader, batch)
    out.write_text(as_csv(proposals) if out.suffix.lower() == ".csv" else as_jsonl(proposals), encoding="utf-8")
    console.print(f"wrote {len(proposals)} proposed correction(s) to {out}")


@review_app.command("double-reading")
def review_double_reading(
    batch: Annotated[str, typer.Option(help="Batch id")],
    on: Annotated[bool, typer.Option("--on/--off", help="Two reviewers read every item of the batch independently")] = True,
) -> None:
    """Turn double reading on or off for a batch (disagreements go to an arbiter; also on the admin page)."""
    from storage.review_work import ReviewWork

    work = ReviewWork(_state_store())
    work.create_schema()
    work.set_double_reading(batch, on)
    console.print(f"double reading {'on' if on else 'off'} for batch {batch}")


@review_app.command("serve")
def review_serve(
    host: Annotated[Optional[str], typer.Option(help="Address to listen on; default SOHOA_REVIEW_HOST (127.0.0.1)")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port; default SOHOA_REVIEW_PORT (8000)")] = None,
    workers: Annotated[Optional[int], typer.Option(min=1, help="Worker processes; default SOHOA_REVIEW_WORKERS (1)")] = None,
) -> None:
    """Run the reviewers' web app until Ctrl-C."""
    from review.app import serve

    settings = get_settings()
    _state_store()  # a database that cannot be used is one line, before the server starts
    console.print(f"review app: [bold]http://{host or settings.review_host}:{port or settings.review_port}[/]")
    serve(settings, host=host, port=port, workers=workers)


Role = Annotated[str, typer.Option(help="reviewer, arbiter or admin")]


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="Login name")],
    role: Role,
    authority: Annotated[list[str], typer.Option("--authority", help="An authority whose books they may see (repeatable)")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input")] = False,
) -> None:
    """Add an account. The password is asked for (twice), or read from standard input."""
    import sys

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    user = _user_store().add(name, password, role, authority)
    console.print(f"added {user.role} {user.name} ({len(user.authorities)} authorit{'y' if len(user.authorities) == 1 else 'ies'})")


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Disable an account; its sessions end now. Accounts are never deleted (decisions name them)."""
    _user_store().disable(name)
    console.print(f"disabled {name}")


@users_app.command("list")
def users_list() -> None:
    """Accounts with their role and authorities."""
    table = Table("name", "role", "authorities", "state")
    for user in _user_store().list():
        table.add_row(user.name, user.role, "; ".join(user.authorities), "disabled" if user.disabled else "active")
    console.print(table)


def _user_store():
    from storage.users import UserStore

    users = UserStore(_state_store())
    users.create_schema()
    return users


def _state_store() -> StateStore:
    """sohoa's state database, its tables created if this is a fresh one; a database that cannot be opened
    is named (without its password)."""
    from sqlalchemy.exc import OperationalError

    from storage.db import reason, redacted
    from storage.state import StateStore

    url = get_settings().resolved_state_db_url
    store = StateStore(url)
    try:
        store.create_schema()
    except OperationalError as error:
        raise ServiceUnavailableError(f"the state database at {redacted(url)} cannot be used: {reason(error)}") from None
    return store


def print_summary(summary: dict) -> None:
    table = Table(title=f"batch {summary['batch_id']}", show_header=False)
    for key in ("status", "pages", "pages_read", "pages_resumed", "entries", "verified", "flagged", "registry_only"):
        if key in summary:
            table.add_row(key, str(summary[key]))
    for code, n in sorted(summary["flagged_by_reason"].items()):
        table.add_row(f"flagged: {code}", str(n))
    table.add_row("records", summary["records"])
    table.add_row("review queue", summary["review_queue"])
    console.print(table)
    for kind, label in (("input_errors", "input error"), ("failures", "not done"),
                        ("damaged_cache", "damaged OCR cache, page read again")):
        for error in summary.get(kind, []):
            page = f" page {error['page']}" if error.get("page") else ""
            err.print(Text.assemble((f"{label} ", "yellow"), f"{error['file']}{page}: {error['message']}"),
                      soft_wrap=True, highlight=False)
    if summary.get("status") == "incomplete":
        err.print(Text.assemble(("incomplete ", "bold yellow"),
                                f"batch {summary['batch_id']}: {summary['pages_read']} of {summary['pages']} pages "
                                f"done; run `sohoa resume {summary['batch_id']}` to do the rest"),
                  soft_wrap=True, highlight=False)


def main() -> None:
    """Console entry point. Every typed error, of any command, ends here as one line on stderr naming the file
    or the service, and the exit code of sohoa.errors.ExitCode: never a traceback. An exception no table
    knows is a bug, and keeps its traceback."""
    from sohoa.settings import quiet_prefect

    quiet_prefect()
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted", style="red", highlight=False)
        raise SystemExit(ExitCode.interrupted) from None
    except Exception as error:  # noqa: BLE001 - looked up in the table below; unknown ones are re-raised
        known = exit_status(error)
        if known is None:
            raise
        code, message = known
        err.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True, highlight=False)
        raise SystemExit(code) from None


def exit_status(error: BaseException) -> tuple[ExitCode, str] | None:
    """The exit code and the one-line message for an error, or None for an error that is a bug."""
    if isinstance(error, SohoaError):
        return error.exit_code, _one_line(error)
    table = _typed_errors()
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls], _one_line(error)
    return _foreign(error)


def _typed_errors() -> dict[type[BaseException], ExitCode]:
    """ocr/, storage/ and the evaluation keep their own exceptions; this is where each gets its exit code.
    An error takes the code of its nearest class here (RegistrySnapshotError before StorageError)."""
    from ocr import errors as ocr_errors
    from sohoa.evaluation import EvaluationInputError
    from storage import errors as storage_errors

    return {
        ocr_errors.SohoaInputError: ExitCode.input_file,
        ocr_errors.MissingDependencyError: ExitCode.missing_dependency,
        ocr_errors.ExternalProgramError: ExitCode.external_program,
        storage_errors.StorageError: ExitCode.storage_error,
        storage_errors.StorageUnavailableError: ExitCode.service_unavailable,
        storage_errors.SeaweedError: ExitCode.service_unavailable,
        storage_errors.RegistrySnapshotError: ExitCode.registry_snapshot,
        storage_errors.StateError: ExitCode.state_error,
        EvaluationInputError: ExitCode.input_file,
    }


def _foreign(error: BaseException) -> tuple[ExitCode, str] | None:
    """Errors of the libraries underneath that a user can cause: an invalid setting, a database or S3 endpoint
    that does not answer, a file that cannot be opened. Messages never quote values (a setting may be a
    secret; a failed SQL statement's parameters may be personal data)."""
    from pydantic import ValidationError
    from sqlalchemy.exc import ArgumentError, OperationalError
    from urllib3.exceptions import MaxRetryError

    from sohoa.settings import Settings
    from storage.db import reason

    if isinstance(error, ValidationError) and error.title == Settings.__name__:
        prefix = Settings.model_config.get("env_prefix", "")
        problems = "; ".join(f"{prefix}{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in error.errors())
        return ExitCode.invalid_config, f"invalid setting {problems}"
    if isinstance(error, OperationalError):
        return ExitCode.service_unavailable, f"a database cannot be used: {reason(error)}"
    if isinstance(error, ArgumentError):
        return ExitCode.invalid_config, ("a database URL sohoa cannot use: give sqlite:///path/to/file.sqlite "
                                         "or postgresql+psycopg://user@host/db")
    if isinstance(error, MaxRetryError):
        pool = error.pool
        return ExitCode.service_unavailable, f"object storage at {pool.host}:{pool.port} does not answer"
    if isinstance(error, OSError) and error.filename:
        return ExitCode.file_access, f"{error.filename}: {error.strerror or type(error).__name__}"
    return None


def _one_line(error: BaseException) -> str:
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "; ".join(lines) or type(error).__name__
