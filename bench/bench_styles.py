"""Style-matrix benchmark: how well sohoa reads books whose style it has never seen.

    .venv/bin/python bench/bench_styles.py [--books 24] [--heavy 8] [--pages 8-12] [--workers 2]

For each layout it draws ``--books`` synthetic books split over clean and mixed quality, plus ``--heavy`` books
of heavy quality, each from a seed no test and no tuning uses (``SEED_BASE`` and up), every book's style drawn
at random by the generator. Each book goes through the same reading and checking code the flow runs
(ingest → read_page → check_page → registry_only), without object storage or Prefect, against its own registry
snapshot loaded into a throwaway SQLite file. Then it prints, overall, per layout and quality, and per style
axis: field accuracy, the share of entries verified (of all, and of those without a planted discrepancy,
which must be flagged), silent errors (wrong fields in verified entries), recall of each planted
discrepancy type, and a confidence calibration table. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, when run as a script

from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402

#: Seeds from here up belong to this benchmark alone: no test and no tuning may use them.
SEED_BASE = 100_000
#: ``--tuning`` draws from here instead: seeds a developer may look at while changing the reading code.
TUNING_SEED_BASE = 5_000
DISCREPANCY_TYPES = ("missing", "field_differs", "duplicate", "registry_only")
#: Planted discrepancies that sit on an entry of the book, which must then be flagged (a registry_only
#: record has no entry): the share verified can reach 100% only of the other entries.
ENTRY_DISCREPANCIES = ("missing", "field_differs", "duplicate")


@dataclass(frozen=True)
class BookPlan:
    layout: str
    quality: str
    seed: int
    pages: int


@dataclass
class Tally:
    """Counts that add up across books; every printed figure is a ratio of two of them."""

    books: int = 0
    pages: int = 0
    entries: int = 0
    verified: int = 0
    fields_counted: int = 0
    fields_correct: int = 0
    verified_fields: int = 0
    silent_errors: int = 0
    planted: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: float = 0.0

    def add(self, result: dict[str, Any]) -> None:
        report = result["report"]
        self.books += 1
        self.pages += result["pages"]
        self.entries += report["pred_entries"]
        self.verified += report["verified_entries"]
        self.fields_counted += report["fields_counted"]
        self.fields_correct += report["fields_correct"]
        self.verified_fields += report["verified_fields"]
        self.silent_errors += report["silent_errors"]
        for kind, score in report["flags"].items():
            self.planted[kind] += score["planted"]
            self.found[kind] += score["found"]
        self.seconds += result["seconds"]


def plan_books(layouts: list[str], books: int, heavy: int, pages: tuple[int, int], seed_base: int) -> list[BookPlan]:
    """Half of ``books`` clean and half mixed, then ``heavy`` heavy ones, per layout; page counts vary."""
    plans = []
    for layout_index, layout in enumerate(layouts):
        qualities = ["clean" if i % 2 == 0 else "mixed" for i in range(books)] + ["heavy"] * heavy
        for i, quality in enumerate(qualities):
            seed = seed_base + layout_index * 10_000 + i
            plans.append(BookPlan(layout, quality, seed, pages[0] + seed % (pages[1] - pages[0] + 1)))
    return plans


def run_book(plan: BookPlan, out_root: Path) -> dict[str, Any]:
    """Generate one book, read and check every page, score the export. Runs in a worker process."""
    from ocr.book_columns import BookColumns
    from ocr.tesserocr_engine import make_engine
    from ocr.errors import SohoaInputError
    from ocr.ingest import split_into_pages
    from ocr.read import read_page
    from sohoa.evaluation import calibration, evaluate
    from sohoa.settings import get_settings
    from storage.registry import RegistryReader, load_snapshot
    from synth import generate_book
    from synth.style import flat_axes
    from validation.entry_check import check_page, earlier_pages, registry_only_entries
    from validation.schema import BookKeys

    out = out_root / f"{plan.layout}-{plan.quality}-{plan.seed}"
    files = generate_book(out, layout=plan.layout, pages=plan.pages, seed=plan.seed, quality=plan.quality)
    book = BookKeys(**{k: files.book[k] for k in ("authority", "book_type", "year", "volume")})
    db_url = f"sqlite:///{out / 'registry.sqlite'}"
    load_snapshot(files.registry, db_url)
    registry_rows = RegistryReader(db_url).rows_for_book(book.authority, book.book_type, book.year, book.volume)

    settings = get_settings()
    engine = make_engine(settings.ocr_engine, settings.tesseract_lang, settings.tessdata_dir)
    started = time.perf_counter()
    entries, page_errors, page_no = [], [], 0
    columns = BookColumns()  # pages in order, as the flow reads them
    with tempfile.TemporaryDirectory(prefix="bench-styles-") as work:
        for scan in files.scans:
            for page in split_into_pages(scan, Path(work)):
                page_no += 1
                try:
                    reading = read_page(page, engine, columns.hint())
                except SohoaInputError as error:
                    page_errors.append(type(error).__name__)
                    continue
                columns.add(reading.column_map)
                entries += check_page(book, reading, page_no, f"page-{page_no}", scan.name, registry_rows,
                                      settings.min_field_confidence, earlier_pages(entries, page_no))
    entries += registry_only_entries(book, entries, registry_rows)
    seconds = time.perf_counter() - started

    export = out / "export.jsonl"
    export.write_text("".join(e.model_dump_json() + "\n" for e in entries), encoding="utf-8")
    report = evaluate(files.truth, export, files.discrepancies)
    truth_rows = [json.loads(line) for line in files.truth.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {"plan": plan.__dict__, "axes": flat_axes(files.book["style"]), "pages": page_no,
            "page_errors": page_errors, "seconds": seconds, "report": report.to_dict(),
            "calibration": calibration(truth_rows, entries)}


# --- printing ---------------------------------------------------------------------------------------

def _pct(numerator: int, denominator: int) -> str:
    return "—" if not denominator else f"{100 * numerator / denominator:.1f}%"


def tally_table(title: str, groups: dict[str, Tally]) -> Table:
    table = Table(title=title)
    for column in ("group", "books", "entries", "field accuracy", "verified", "verified of unplanted", "silent errors",
                   *(f"recall {kind}" for kind in DISCREPANCY_TYPES), "s/page"):
        table.add_column(column, justify="left" if column == "group" else "right")
    for name, t in groups.items():
        table.add_row(
            name, str(t.books), str(t.entries),
            f"{_pct(t.fields_correct, t.fields_counted)} ({t.fields_counted})",
            f"{_pct(t.verified, t.entries)} ({t.verified})",
            _pct(t.verified, t.entries - sum(t.planted[k] for k in ENTRY_DISCREPANCIES)),
            f"{t.silent_errors}/{t.verified_fields} = {_pct(t.silent_errors, t.verified_fields)}",
            *(f"{t.found[k]}/{t.planted[k]}" for k in DISCREPANCY_TYPES),
            f"{t.seconds / t.pages:.2f}" if t.pages else "—",
        )
    return table


def calibration_table(results: list[dict[str, Any]]) -> Table:
    bands: dict[str, list[int]] = {}
    for result in results:
        for row in result["calibration"]:
            counts = bands.setdefault(row["band"], [0, 0])
            counts[0] += row["readings"]
            counts[1] += row["right"]
    table = Table(title="confidence calibration (every field reading of every paired entry)")
    for column in ("confidence band", "readings", "right", "share right"):
        table.add_column(column, justify="left" if column == "confidence band" else "right")
    for band, (readings, right) in bands.items():
        table.add_row(band, str(readings), str(right), _pct(right, readings))
    return table


def axis_groups(results: list[dict[str, Any]], wordings: bool) -> dict[str, Tally]:
    """One group per (layout, style axis, value), for the axes that took more than one value. ``wordings``:
    the title and label wordings (one axis per field), else every other axis."""
    values: dict[tuple[str, str], set[str]] = defaultdict(set)
    for result in results:
        for axis, value in result["axes"].items():
            values[(result["plan"]["layout"], axis)].add(value)
    groups: dict[str, Tally] = {}
    for result in results:
        layout = result["plan"]["layout"]
        for axis, value in result["axes"].items():
            if len(values[(layout, axis)]) < 2 or axis.startswith(("title.", "label.")) != wordings:
                continue
            groups.setdefault(f"{layout}: {axis} = {value[:48]}", Tally()).add(result)
    return dict(sorted(groups.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--books", type=int, default=24, help="clean + mixed books per layout")
    parser.add_argument("--heavy", type=int, default=8, help="heavy-quality books per layout")
    parser.add_argument("--pages", default="8-12", help="page count range, e.g. 8-12")
    parser.add_argument("--layouts", default="table,form")
    parser.add_argument("--workers", type=int, default=2, help="books read in parallel (processes)")
    parser.add_argument("--seed-base", type=int, default=SEED_BASE)
    parser.add_argument("--tuning", action="store_true",
                        help=f"use the tuning seeds ({TUNING_SEED_BASE} up) instead: for working on the reader")
    parser.add_argument("--out", type=Path, default=Path("bench-out/styles"))
    parser.add_argument("--json", type=Path, help="also write every book's result here")
    args = parser.parse_args()
    if args.tuning:
        args.seed_base = TUNING_SEED_BASE
    elif args.seed_base < SEED_BASE:
        parser.error(f"seeds below {SEED_BASE} belong to the tests and to tuning (see --tuning)")
    low, high = (int(n) for n in args.pages.split("-"))
    plans = plan_books(args.layouts.split(","), args.books, args.heavy, (low, high), args.seed_base)
    console = Console(width=200)
    console.print(f"{len(plans)} books, seeds from {args.seed_base}, {args.workers} worker(s)")

    results: list[dict[str, Any]] = []
    args.out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=args.workers) as pool:
        futures = {pool.submit(run_book, plan, args.out.resolve()): plan for plan in plans}
        for future in as_completed(futures):
            plan = futures[future]
            try:
                result = future.result()
            except Exception as error:  # noqa: BLE001 - one book's failure is reported, the rest go on
                console.print(f"[red]{plan.layout}/{plan.quality}/seed {plan.seed}: {type(error).__name__}: {error}")
                continue
            results.append(result)
            r = result["report"]
            console.print(f"{plan.layout:5} {plan.quality:5} seed {plan.seed}: {result['pages']} pages, "
                          f"accuracy {_pct(r['fields_correct'], r['fields_counted'])}, "
                          f"verified {r['verified_entries']}/{r['pred_entries']}, silent {r['silent_errors']}")
    results.sort(key=lambda r: (r["plan"]["layout"], r["plan"]["quality"], r["plan"]["seed"]))
    if args.json:
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")

    overall: dict[str, Tally] = defaultdict(Tally)
    by_group: dict[str, Tally] = defaultdict(Tally)
    for result in results:
        plan = result["plan"]
        overall["clean + mixed" if plan["quality"] != "heavy" else "heavy"].add(result)
        overall["all"].add(result)
        by_group[f"{plan['layout']} {plan['quality']}"].add(result)
        if plan["quality"] != "heavy":
            by_group[f"{plan['layout']} clean + mixed"].add(result)
    console.print(tally_table("overall", dict(overall)))
    console.print(tally_table("per layout and quality", dict(sorted(by_group.items()))))
    console.print(tally_table("per style axis (clean, mixed and heavy books)", axis_groups(results, False)))
    console.print(tally_table("per title and label wording", axis_groups(results, True)))
    console.print(calibration_table(results))


if __name__ == "__main__":
    main()
