"""OCR benchmark: seconds per page and character error rate (CER) of our reading pipeline against bare
``tesseract page.png - -l vie`` on the same synthetic pages, measured side by side in one run.

    .venv/bin/python bench/bench_ocr.py [--pages 4] [--degradation degraded] [--tessdata-dir var/tessdata]

CER compares the page's values in reading order (entry by entry, field by field) with the truth written the
way the book shows it, whitespace collapsed: bare tesseract is scored on its whole-page text against the same
string, so mixed-up columns count as errors. Also printed for our pipeline: exact field matches, and how the
confidence separates right from wrong readings at the flow's default threshold (0.80). Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import tempfile
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

THRESHOLD = 0.80
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, when run as a script


def shown(field: str, value: Any) -> str:
    """A truth value as the book shows it (dates dd/mm/yyyy, empty as nothing)."""
    if value is None:
        return ""
    if field in ("registration_date", "date_of_birth"):
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def compare(readings: list, truth: list[dict[str, Any]], fields: tuple[str, ...]) -> dict[str, float]:
    """Field-level comparison of entry readings (in page order) with truth entries (in book order)."""
    counts = {"fields": 0, "exact": 0, "char_errors": 0, "chars": 0, "silent_errors": 0, "wrong": 0,
              "needless_flags": 0, "entries_read": len(readings), "entries_true": len(truth)}
    for entry, expected in zip(readings, truth):
        for name in fields:
            want = squash(shown(name, expected.get(name)))
            got_field = entry.fields.get(name)
            got = squash(got_field.text) if got_field else ""
            conf = got_field.confidence if got_field else 0.0
            counts["fields"] += 1
            counts["chars"] += max(1, len(want))
            counts["char_errors"] += Levenshtein.distance(got, want)
            if got == want:
                counts["exact"] += 1
                counts["needless_flags"] += conf < THRESHOLD
            else:
                counts["wrong"] += 1
                counts["silent_errors"] += conf >= THRESHOLD
    return counts


def truth_text(truth: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    return squash(" ".join(shown(name, entry.get(name)) for entry in truth for name in fields))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--degradation", default="degraded")
    parser.add_argument("--layouts", default="table,form")
    parser.add_argument("--tessdata-dir", type=Path, default=None)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()

    from ocr.engine import TesseractEngine
    from ocr.ingest import split_into_pages
    from ocr.read import read_page
    from ocr.programs import CHILD_ENV
    from synth import generate_book
    from validation.schema import FORM_FIELDS, TABLE_FIELDS

    engine = TesseractEngine(tessdata_dir=args.tessdata_dir)
    print(f"engine: {engine.version()}  pages per layout: {args.pages}  degradation: {args.degradation}")
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    for layout in args.layouts.split(","):
        fields = TABLE_FIELDS if layout == "table" else FORM_FIELDS
        book = generate_book(out / layout, layout=layout, pages=args.pages, seed=args.seed,
                             degradation=args.degradation)
        truth = [json.loads(line) for line in book.truth.read_text(encoding="utf-8").splitlines()]
        pages = [p for scan in book.scans for p in split_into_pages(scan, out / layout / "work")]

        start = time.perf_counter()
        readings = []
        for page in pages:
            readings.extend(read_page(page, engine).entries)
        ours_seconds = (time.perf_counter() - start) / len(pages)

        start = time.perf_counter()
        bare_text = []
        for page in pages:
            done = subprocess.run(["tesseract", str(page.path), "-", "-l", "vie"], capture_output=True, env=CHILD_ENV,
                                  check=True)
            bare_text.append(done.stdout.decode("utf-8", "replace"))
        bare_seconds = (time.perf_counter() - start) / len(pages)

        expected = truth_text(truth, fields)
        ours_text = squash(" ".join(e.fields[name].text if name in e.fields else "" for e in readings for name in fields))
        ours_cer = Levenshtein.distance(ours_text, expected) / len(expected)
        bare_cer = Levenshtein.distance(squash(" ".join(bare_text)), expected) / len(expected)
        c = compare(readings, truth, fields)
        print(f"\n[{layout}] {len(pages)} pages, entries read {c['entries_read']} / true {c['entries_true']}")
        print(f"  seconds/page   ours {ours_seconds:6.2f}   bare tesseract {bare_seconds:6.2f}   "
              f"ratio {ours_seconds / bare_seconds:5.2f}")
        print(f"  page CER       ours {ours_cer:6.2%}   bare tesseract {bare_cer:6.2%}   "
              f"ratio {ours_cer / bare_cer if bare_cer else float('nan'):5.2f}")
        print(f"  fields         exact {c['exact']}/{c['fields']} ({c['exact'] / c['fields']:.1%}), "
              f"field CER {c['char_errors'] / c['chars']:.2%}")
        print(f"  confidence≥{THRESHOLD}: wrong but confident (silent errors) {c['silent_errors']}/{c['wrong']} wrong; "
              f"right but flagged {c['needless_flags']}/{c['exact']} right")


if __name__ == "__main__":
    main()
