"""From one page's raw readings to checked entries: normalize → rules → cross-check → status.

The input is plain data (field name → (raw text, OCR confidence)), so this module knows nothing of OCR.
"""

from __future__ import annotations

from typing import Any

from validation.crosscheck import crosscheck_entry, decide_status, registry_only
from validation.normalize import normalize_entry
from validation.rules import check_rules
from validation.schema import (
    BookKeys,
    EntrySource,
    EntryStatus,
    ExportedEntry,
    Flag,
    FlagCode,
    empty_fields,
)

RawEntry = dict[str, tuple[str, float]]


def check_entry(
    book: BookKeys,
    raw: RawEntry,
    source: EntrySource,
    registry_rows: list[dict[str, Any]],
    min_confidence: float,
) -> ExportedEntry:
    fields, confidence, flags = normalize_entry(raw, min_confidence=min_confidence)
    flags = flags + check_rules(fields, book_year=book.year)
    flags += crosscheck_entry(fields, registry_rows)
    return ExportedEntry(
        **book.model_dump(),
        entry_no=fields.get("entry_no"),
        fields=fields,
        status=decide_status(flags),
        flags=flags,
        source=source,
        confidence=confidence,
    )


def check_page(
    book: BookKeys,
    reading: Any,
    page_no: int,
    page_key: str,
    source_file: str,
    registry_rows: list[dict[str, Any]],
    min_confidence: float,
) -> list[ExportedEntry]:
    """Check every entry a page reading holds. ``reading.entries[i].fields[name]`` has .text and .confidence."""
    checked = []
    for entry in reading.entries:
        raw = {name: (f.text, f.confidence) for name, f in entry.fields.items()}
        source = EntrySource(page=page_no, object_key=page_key, source_file=source_file, bbox=tuple(entry.bbox))
        checked.append(check_entry(book, raw, source, registry_rows, min_confidence))
    return checked


def registry_only_entries(
    book: BookKeys, entries: list[ExportedEntry], registry_rows: list[dict[str, Any]]
) -> list[ExportedEntry]:
    """Registry records of this book that no book entry matched, as flagged export entries."""
    book_numbers = {e.entry_no for e in entries if e.entry_no is not None}
    orphans = []
    for row in registry_only(book_numbers, registry_rows):
        orphans.append(
            ExportedEntry(
                **book.model_dump(),
                entry_no=row.get("entry_no"),
                fields=empty_fields() | {"entry_no": row.get("entry_no")},
                status=EntryStatus.FLAGGED,
                flags=[Flag(code=FlagCode.REGISTRY_ONLY, detail=f"registry record {row.get('registry_id')} has no entry in the book")],
                source=EntrySource(page=None, object_key=None),
                confidence={},
            )
        )
    return orphans
