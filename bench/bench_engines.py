"""The two OCR engines side by side: the in-process one (tesserocr) against the tesseract command, on the same
synthetic pages in one run.

    .venv/bin/python bench/bench_engines.py [--pages 2] [--layouts table,form] [--seed 7]

Two figures per layout:
- the engine alone: every engine call that reading the pages makes (header, grid pass, cell batches), recorded
  once and replayed through each engine; wall seconds, CPU seconds (the command's children included), and how
  many cell readings and words come out identical;
- the whole reading (``ocr.read_page``: preprocess, layout, OCR) per page with each engine, and its exact
  fields against the truth (bench_ocr's scoring).
The first tesserocr call loads the models (once per process); it is timed apart. Prints figures only.
"""

from __future__ import annotations

import argparse
import difflib
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository, when run as a script
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_ocr's scoring


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Recording:
    """An engine that keeps every call it serves, for a replay through another engine."""

    def __init__(self, engine) -> None:
        self.engine, self.name, self.calls = engine, engine.name, []

    def version(self) -> str:
        return self.engine.version()

    def recognize_words(self, image, dpi, psm=None):
        return self.recognize_many([image], dpi, psm)[0]

    def recognize_many(self, images, dpi, psm=None, digits=False):
        words = self.engine.recognize_many(images, dpi, psm, digits)
        self.calls.append((images, dpi, psm, digits))
        return words


def replay(engine, calls) -> tuple[float, float, list[list[str]]]:
    wall, cpu = time.perf_counter(), cpu_seconds()
    texts = []
    for images, dpi, psm, digits in calls:
        texts.extend([w.text for w in words] for words in engine.recognize_many(images, dpi, psm, digits))
    return time.perf_counter() - wall, cpu_seconds() - cpu, texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=2)
    parser.add_argument("--layouts", default="table,form")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quality", default="light")
    args = parser.parse_args()

    from ocr.engine import TesseractEngine
    from ocr.ingest import split_into_pages
    from ocr.read import read_page
    from ocr.tesserocr_engine import TesserocrEngine
    from synth import generate_book

    command, in_process = TesseractEngine(), TesserocrEngine()
    start = time.perf_counter()
    in_process.check()  # loads the text model: the one-off cost per worker process
    init_seconds = time.perf_counter() - start
    print(f"command:    {command.version()}")
    print(f"in process: {in_process.version()}  (text model load {init_seconds:.2f} s, once per process)")
    out = Path(tempfile.mkdtemp(prefix="bench-engines-"))
    for layout in args.layouts.split(","):
        book = generate_book(out / layout, layout=layout, pages=args.pages, seed=args.seed, quality=args.quality)
        pages = [p for scan in book.scans for p in split_into_pages(scan, out / layout / "work")]

        recording = Recording(command)
        command_read = {}
        start, cpu = time.perf_counter(), cpu_seconds()
        command_read["entries"] = [e for page in pages for e in read_page(page, recording).entries]
        command_read["seconds"], command_read["cpu"] = time.perf_counter() - start, cpu_seconds() - cpu
        ours_read = {}
        start, cpu = time.perf_counter(), cpu_seconds()
        ours_read["entries"] = [e for page in pages for e in read_page(page, in_process).entries]
        ours_read["seconds"], ours_read["cpu"] = time.perf_counter() - start, cpu_seconds() - cpu

        calls = recording.calls
        crops = sum(len(images) for images, *_ in calls)
        c_wall, c_cpu, c_texts = replay(command, calls)
        o_wall, o_cpu, o_texts = replay(in_process, calls)
        same = sum(a == b for a, b in zip(c_texts, o_texts))
        same_words = sum(sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())
                         for a, b in zip(c_texts, o_texts))
        words = sum(max(len(a), len(b)) for a, b in zip(c_texts, o_texts))

        print(f"\n[{layout}] {len(pages)} pages, {len(calls)} engine calls, {crops} images")
        print(f"  engine only   command {c_wall:6.2f} s wall {c_cpu:6.2f} s CPU   in process {o_wall:6.2f} s wall "
              f"{o_cpu:6.2f} s CPU   speed-up {c_wall / o_wall:5.2f}x wall, {c_cpu / o_cpu:5.2f}x CPU")
        print(f"  read_page     command {command_read['seconds'] / len(pages):6.2f} s/page ({command_read['cpu'] / len(pages):.2f} CPU)   "
              f"in process {ours_read['seconds'] / len(pages):6.2f} s/page ({ours_read['cpu'] / len(pages):.2f} CPU)   "
              f"speed-up {command_read['seconds'] / ours_read['seconds']:5.2f}x")
        print(f"  agreement     {same}/{len(c_texts)} readings identical, {same_words}/{words} words "
              f"({same_words / max(words, 1):.1%})")
        try:
            from bench_ocr import compare
            from validation.schema import FORM_FIELDS, TABLE_FIELDS

            truth = [json.loads(line) for line in book.truth.read_text(encoding="utf-8").splitlines() if line.strip()]
            fields = TABLE_FIELDS if layout == "table" else FORM_FIELDS
            for label, read in (("command", command_read), ("in process", ours_read)):
                c = compare(read["entries"], truth, fields)
                print(f"  exact fields  {label:10s} {c['exact']}/{c['fields']} ({c['exact'] / max(c['fields'], 1):.1%}), "
                      f"confident but wrong {c['silent_errors']}")
        except Exception as error:  # the scoring belongs to bench_ocr; its absence must not hide the timings
            print(f"  exact fields  not scored: {type(error).__name__}: {error}")


if __name__ == "__main__":
    main()
