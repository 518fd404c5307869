"""Whole-pipeline benchmark: seconds per page for digitize-batch against bare `tesseract page - -l vie`
on the same pages, measured side by side in one run, plus the `sohoa eval` table for each book.

    .venv/bin/python bench/bench_pipeline.py [--pages 20] [--degradation degraded] [--out bench-out]

Needs a running S3 endpoint per the settings, or starts the local SeaweedFS like `sohoa digitize` does.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from rich.console import Console


def bare_tesseract_seconds(images: list[Path]) -> float:
    """Bare full-page tesseract, one process per page, as an operator would run it."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    start = time.perf_counter()
    for image in images:
        subprocess.run(["tesseract", str(image), "-", "-l", "vie"], check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--degradation", default="degraded")
    parser.add_argument("--out", type=Path, default=Path("bench-out"))
    parser.add_argument("--layouts", default="table,form")
    parser.add_argument("--style", default=None,
                        help="'classic' for the pre-style-matrix pages (the issue-2 figures); default: drawn")
    args = parser.parse_args()
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")

    from ocr.ingest import split_into_pages
    from sohoa.evaluation import evaluate, render_report
    from sohoa.runner import run_in_process
    from sohoa.settings import get_settings
    from storage.registry import load_snapshot
    from storage.state import StateStore
    from synth import generate_book

    console = Console()
    settings = get_settings()
    rows = []
    for layout in args.layouts.split(","):
        book = generate_book(args.out / layout, layout=layout, pages=args.pages, seed=100 + len(rows),
                             degradation=args.degradation, style=args.style)
        load_snapshot(book.registry, settings.resolved_registry_db_url)
        with tempfile.TemporaryDirectory() as tmp:
            images = [p.path for scan in book.scans for p in split_into_pages(scan, Path(tmp))]
            bare = bare_tesseract_seconds(images)
        start = time.perf_counter()
        summary = run_in_process(book.scans[0].parent, authority=book.book["authority"], year=book.book["year"],
                                 volume=book.book["volume"], console=console)
        ours = time.perf_counter() - start
        entries = StateStore(settings.resolved_state_db_url).entries_for_batch(summary["batch_id"])
        export = args.out / layout / "export.jsonl"
        export.write_text("".join(e.model_dump_json() + "\n" for e in entries), encoding="utf-8")
        console.rule(f"{layout}: {args.pages} {args.degradation} pages")
        render_report(evaluate(book.truth, export, book.discrepancies), console)
        rows.append((layout, len(images), ours / len(images), bare / len(images)))

    console.rule("seconds per page (same pages, same run)")
    for layout, n, ours, bare in rows:
        console.print(f"{layout:5s}  pages={n:3d}  sohoa pipeline={ours:6.2f} s/page  "
                      f"bare tesseract -l vie={bare:6.2f} s/page  ratio={ours / bare:5.2f}")


if __name__ == "__main__":
    main()
