"""Synthetic scanned birth-register books with ground truth and a registry snapshot (the test corpus).

``generate_book(out_dir, layout="table"|"form", pages=10, seed=0, ...)`` writes the scans (a PDF of JPEG pages,
or one image file per page), truth.jsonl, registry.jsonl, discrepancies.jsonl and book.json.

Each book's style is drawn from its seed across a style matrix (synth.style: wordings, columns, headers, page
shape, fonts incl. a typewriter, tone placement, date styles, form sections…; book.json "style"), unless forced
with ``style={"axis": value}`` or ``style="classic"`` (the one fixed style of earlier books). ``quality`` is
clean, light, degraded, mixed or heavy. Seeds 0-9999 are for tests and tuning, seeds >= 100000 for the bench.
"""

from synth.book import BookFiles, generate_book
from synth.style import flat_axes

__all__ = ["BookFiles", "flat_axes", "generate_book"]
