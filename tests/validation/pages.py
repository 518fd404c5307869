"""Page readings as the OCR stage hands them on (ocr.model), built from plain texts for the checking tests."""

from __future__ import annotations

from ocr.model import EntryReading, FieldReading, PageReading


def page_of(entries: list[dict[str, str]], confidence: float = 0.95, marks_apart: bool = False) -> PageReading:
    """A table page reading with one entry per dict of field → text, every field read at ``confidence``."""
    return PageReading("table", [EntryReading((0, 0, 1, 1), {name: FieldReading(text, confidence, None, marks_apart)
                                                            for name, text in fields.items()})
                                 for fields in entries], 0.0, False, "test")
