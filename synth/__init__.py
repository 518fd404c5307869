"""Synthetic scanned birth-register books with ground truth and a registry snapshot (the test corpus).

``generate_book(out_dir, layout="table"|"form", pages=10, seed=0, ...)`` writes the scans (a PDF of JPEG pages,
or one image file per page), truth.jsonl, registry.jsonl, discrepancies.jsonl and book.json.
"""

from synth.book import BookFiles, generate_book

__all__ = ["BookFiles", "generate_book"]
