"""From one page's raw readings to checked entries: normalize → rules → cross-check → status.

The input is plain data (field name → (raw text, OCR confidence)), so this module knows nothing of OCR.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from validation.crosscheck import book_entry_numbers, crosscheck_entry, decide_status, registry_only
from validation.normalize import normalize_entry, normalize_field
from validation.date_words import snap_date_words, words_to_date
from validation.places import PLACE_FIELDS, snap_unit_names, unit_names
from validation.rules import check_rules
from validation.text import same_text
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
    claimed_entry_nos: set[int] | None = None,
) -> ExportedEntry:
    raw = _snap_to_context(raw, book)
    fields, confidence, flags = normalize_entry(raw, min_confidence=min_confidence)
    flags = _drop_corroborated(flags, fields, registry_rows)
    flags += check_rules(fields, book_year=book.year)
    flags += crosscheck_entry(fields, registry_rows, claimed_entry_nos=claimed_entry_nos)
    return ExportedEntry(
        **book.model_dump(),
        entry_no=fields.get("entry_no"),
        fields=fields,
        status=decide_status(flags),
        flags=flags,
        source=source,
        confidence=confidence,
    )


def _snap_to_context(raw: RawEntry, book: BookKeys) -> RawEntry:
    """Readings whose marks alone disagree with what the context says: unit names the book's authority
    spells out, and the date in words against the date in digits. See validation.places / date_words."""
    raw = dict(raw)
    known_units = unit_names(book.authority)
    for name in PLACE_FIELDS:
        if name in raw and raw[name][0]:
            raw[name] = (snap_unit_names(raw[name][0], known_units), raw[name][1])
    if raw.get("date_of_birth_words", ("", 0))[0] and "date_of_birth" in raw:
        born = normalize_field("date_of_birth", *raw["date_of_birth"]).value
        if born:
            text, conf = raw["date_of_birth_words"]
            raw["date_of_birth_words"] = (snap_date_words(text, date.fromisoformat(born)), conf)
    return raw


def _drop_corroborated(flags: list[Flag], fields: dict[str, Any], registry_rows: list[dict[str, Any]]) -> list[Flag]:
    """A hesitant reading that says exactly what the registry record of this entry says is confirmed by an
    independent source: the low-confidence flag on it goes. Readings the registry cannot confirm keep theirs."""
    rows = [r for r in registry_rows if fields.get("entry_no") is not None and r.get("entry_no") == fields["entry_no"]]

    def corroborated(flag: Flag) -> bool:
        if flag.code != FlagCode.LOW_CONFIDENCE or flag.field is None or fields.get(flag.field) is None:
            return False
        if flag.field == "date_of_birth_words":
            # The registry keeps no words; they are confirmed when they say the date the registry confirms.
            said = words_to_date(fields["date_of_birth_words"])
            return said is not None and said.isoformat() == fields.get("date_of_birth") and any(
                same_text(fields["date_of_birth"], row.get("date_of_birth")) for row in rows)
        return any(same_text(fields[flag.field], row.get(flag.field)) for row in rows)

    return [f for f in flags if not corroborated(f)]


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
    raws = [{name: (f.text, f.confidence) for name, f in entry.fields.items()} for entry in reading.entries]
    numbers_read = [normalize_field("entry_no", raw["entry_no"][0], 1.0).value if "entry_no" in raw else None
                    for raw in raws]
    checked = []
    for index, (entry, raw) in enumerate(zip(reading.entries, raws)):
        others = {n for i, n in enumerate(numbers_read) if i != index and n is not None}
        source = EntrySource(page=page_no, object_key=page_key, source_file=source_file, bbox=tuple(entry.bbox))
        checked.append(check_entry(book, raw, source, registry_rows, min_confidence, claimed_entry_nos=others))
    return checked


def registry_only_entries(
    book: BookKeys, entries: list[ExportedEntry], registry_rows: list[dict[str, Any]]
) -> list[ExportedEntry]:
    """Registry records of this book that no book entry matched, as flagged export entries."""
    orphans = []
    for row in registry_only(book_entry_numbers(entries), registry_rows):
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
