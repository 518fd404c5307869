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
from typing import Annotated, Optional

import typer
from rich.table import Table
from rich.text import Text

from sohoa.cli_review import review_app, state_store, users_app
from sohoa.errors import ExitCode
from sohoa.failures import exit_status
from sohoa.settings import get_settings
from sohoa.summary import batch_exit_code, console, err, print_summary

app = typer.Typer(no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False, help="Digitize Vietnamese civil-status register books.")
registry_app = typer.Typer(no_args_is_help=True, help="The shared civil-status registry (read-only to the pipeline).")
app.add_typer(registry_app, name="registry")
app.add_typer(review_app, name="review")
app.add_typer(users_app, name="users")


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

    found = state_store().get_batch(batch)
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

    entries = state_store().entries_for_batch(batch)
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


def main() -> None:
    """Console entry point. Every typed error, of any command, ends here as one line on stderr naming the file
    or the service, and the exit code of sohoa.errors.ExitCode: never a traceback. An exception no table
    knows is a bug, and keeps its traceback."""
    from sohoa.settings import apply_prefect_defaults

    apply_prefect_defaults()
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


