"""`sohoa review …` and `sohoa users …`: the review queue and the accounts of the reviewers' web app."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer
from rich.table import Table

from sohoa.errors import ServiceUnavailableError
from sohoa.settings import get_settings
from sohoa.summary import console

if TYPE_CHECKING:
    from storage.state import StateStore

review_app = typer.Typer(no_args_is_help=True, help="The review queue.")
users_app = typer.Typer(no_args_is_help=True, help="Accounts of the reviewers' web app.")


@review_app.command("list")
def review_list(
    batch: Annotated[Optional[str], typer.Option(help="Only this batch")] = None,
    state: Annotated[str, typer.Option(help="open, resolved or all")] = "open",
) -> None:
    """Review items with their reasons (no personal data is printed; reviewers open the entry itself)."""
    items = state_store().list_review_items(state=None if state == "all" else state, batch_id=batch)
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
    item = state_store().resolve_review_item(
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
    proposals = batch_corrections(state_store(), reader, batch)
    out.write_text(as_csv(proposals) if out.suffix.lower() == ".csv" else as_jsonl(proposals), encoding="utf-8")
    console.print(f"wrote {len(proposals)} proposed correction(s) to {out}")


@review_app.command("double-reading")
def review_double_reading(
    batch: Annotated[str, typer.Option(help="Batch id")],
    on: Annotated[bool, typer.Option("--on/--off", help="Two reviewers read every item of the batch independently")] = True,
) -> None:
    """Turn double reading on or off for a batch (disagreements go to an arbiter; also on the admin page)."""
    from storage.review_work import ReviewWork

    work = ReviewWork(state_store())
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
    state_store()  # a database that cannot be used is one line, before the server starts
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
    user = user_store().add(name, password, role, authority)
    console.print(f"added {user.role} {user.name} ({len(user.authorities)} authorit{'y' if len(user.authorities) == 1 else 'ies'})")


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="Login name")]) -> None:
    """Disable an account; its sessions end now. Accounts are never deleted (decisions name them)."""
    user_store().disable(name)
    console.print(f"disabled {name}")


@users_app.command("list")
def users_list() -> None:
    """Accounts with their role and authorities."""
    table = Table("name", "role", "authorities", "state")
    for user in user_store().list():
        table.add_row(user.name, user.role, "; ".join(user.authorities), "disabled" if user.disabled else "active")
    console.print(table)


def user_store():
    from storage.users import UserStore

    users = UserStore(state_store())
    users.create_schema()
    return users


def state_store() -> StateStore:
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
