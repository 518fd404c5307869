"""What a batch's summary shows on the terminal, and the exit code a batch ends with.

A leaf of the CLI: the commands and the in-process runner both print summaries.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from sohoa.errors import ExitCode

console = Console()
err = Console(stderr=True)


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


def batch_exit_code(summary: dict) -> ExitCode:
    """Non-zero when anything of the batch failed: pages left to do, else bad scans."""
    if summary.get("status") == "incomplete":
        return ExitCode.incomplete_batch
    if summary["input_errors"]:
        return ExitCode.input_file
    return ExitCode.ok
