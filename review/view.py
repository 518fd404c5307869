"""What the entry view shows for one review item: per field the book's reading, its confidence, the
registry's value with the differences marked, and the flag reasons in words; plus the crop geometry."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any

from review.diff import Difference, as_text, difference
from storage.errors import StorageError
from storage.registry import RegistryReader
from storage.state import Batch, ReviewItem, StateStore
from validation.schema import BIRTH_FIELDS, STRUCTURED_FIELDS, ExportedEntry, Flag, FlagCode

LABELS = {
    "entry_no": "Entry number", "registration_date": "Registration date", "full_name": "Full name",
    "date_of_birth": "Date of birth", "date_of_birth_words": "Date of birth in words", "sex": "Sex",
    "ethnicity": "Ethnicity", "nationality": "Nationality", "place_of_birth": "Place of birth",
    "hometown": "Hometown", "personal_id": "Personal ID number", "mother_name": "Mother's name",
    "mother_birth_year": "Mother's year of birth", "mother_ethnicity": "Mother's ethnicity",
    "mother_nationality": "Mother's nationality", "mother_residence": "Mother's residence",
    "father_name": "Father's name", "father_birth_year": "Father's year of birth",
    "father_ethnicity": "Father's ethnicity", "father_nationality": "Father's nationality",
    "father_residence": "Father's residence", "declarant_name": "Declarant's name", "notes": "Notes",
}

REASONS = {
    FlagCode.MISSING_IN_REGISTRY: "The registry has no record for this entry",
    FlagCode.FIELD_MISMATCH: "The book and the registry differ",
    FlagCode.DUPLICATE_IN_REGISTRY: "The registry holds this person more than once",
    FlagCode.REGISTRY_ONLY: "The registry has a record no entry of the book matched",
    FlagCode.LOW_CONFIDENCE: "The reading is uncertain",
    FlagCode.RULE_VIOLATION: "The value breaks a record rule",
    FlagCode.UNREADABLE: "Could not be read",
}

#: Margin around the entry on the crop, in page pixels.
CROP_MARGIN = 24


@dataclass
class FieldView:
    name: str
    label: str
    book: str  # the book's text as read (literal)
    structured: bool  # a date, number or ID: compared as the registry keeps it (the diff is over that form)
    compared: str  # what was compared with the registry: the literal text, or the normalized value
    raw: str
    confidence: float | None
    registry: str | None
    diff: Difference | None
    reasons: list[str]
    flagged: bool
    box: tuple[int, int, int, int] | None  # relative to the crop


@dataclass
class ItemView:
    item: ReviewItem
    batch: Batch
    entry: ExportedEntry
    fields: list[FieldView]
    entry_reasons: list[str]  # reasons that name no field
    codes: list[str]
    registry_record: dict[str, Any] | None
    registry_note: str | None
    crop: tuple[int, int, int, int] | None  # on the page image: x, y, w, h
    kind: str  # 'entry', 'registry_only' or 'missing_in_registry'
    neighbour_pages: list[int] = field(default_factory=list)


#: Reasons whose detail already says it all in a sentence of its own.
_SELF_EXPLAINING = {FlagCode.FIELD_MISMATCH, FlagCode.REGISTRY_ONLY, FlagCode.MISSING_IN_REGISTRY}


def reason_text(flag: Flag) -> str:
    words = REASONS.get(flag.code, flag.code.value)
    if flag.detail and flag.code in _SELF_EXPLAINING:
        return flag.detail[0].upper() + flag.detail[1:]
    return f"{words}: {flag.detail}" if flag.detail else words


def crop_box(entry: ExportedEntry) -> tuple[int, int, int, int] | None:
    if not entry.source.bbox:
        return None
    x, y, w, h = entry.source.bbox
    x0, y0 = max(0, x - CROP_MARGIN), max(0, y - CROP_MARGIN)
    return x0, y0, w + (x - x0) + CROP_MARGIN, h + (y - y0) + CROP_MARGIN


def registry_rows(reader: RegistryReader, entry: ExportedEntry) -> tuple[list[dict[str, Any]], str | None]:
    try:
        return reader.rows_for_book(entry.authority, entry.book_type, entry.year, entry.volume), None
    except StorageError:
        return [], "the registry cannot be read just now"


def registry_record_for(entry: ExportedEntry, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The registry record the item is about: the one its flags name, else the one with its entry number."""
    named = {f.detail.split()[2] for f in entry.flags if f.code == FlagCode.REGISTRY_ONLY and f.detail.count(" ") > 2}
    for row in rows:
        if row.get("registry_id") in named:
            return row
    same_no = [r for r in rows if entry.entry_no is not None and r.get("entry_no") == entry.entry_no]
    return same_no[0] if same_no else None


def build(state: StateStore, reader: RegistryReader, item: ReviewItem, batch: Batch,
          pages_near: Callable[[str, int], list[int]] | None = None) -> ItemView | None:
    """The view of one item; ``pages_near(batch_id, entry_no)`` finds where a registry-only record's number
    would stand in the book."""
    entry = state.entry(item.batch_id, item.entry_key)
    if entry is None:
        return None
    rows, note = registry_rows(reader, entry)
    record = registry_record_for(entry, rows)
    codes = sorted({f.code.value for f in entry.flags})
    kind = ("registry_only" if FlagCode.REGISTRY_ONLY.value in codes
            else "missing_in_registry" if FlagCode.MISSING_IN_REGISTRY.value in codes else "entry")
    crop = crop_box(entry)
    by_field: dict[str, list[Flag]] = {}
    for flag in entry.flags:
        if flag.field:
            by_field.setdefault(flag.field, []).append(flag)
    views = []
    for name in BIRTH_FIELDS:
        book = entry.fields.get(name)
        registry_value = record.get(name) if record and kind == "entry" else None
        if book is None and registry_value is None and name not in by_field:
            continue
        # Structured fields are compared as the registry keeps them (ISO dates, digits), text fields as written.
        compared = entry.value(name) if name in STRUCTURED_FIELDS else book
        box = entry.source.field_boxes.get(name)
        if box and crop:
            box = (box[0] - crop[0], box[1] - crop[1], box[2], box[3])
        views.append(FieldView(
            name=name, label=LABELS.get(name, name), book=as_text(book), structured=name in STRUCTURED_FIELDS,
            compared=as_text(compared), raw=as_text(entry.raw.get(name)),
            confidence=entry.confidence.get(name), registry=None if registry_value is None else as_text(registry_value),
            diff=difference(compared, registry_value) if registry_value is not None or name in by_field else None,
            reasons=[reason_text(f) for f in by_field.get(name, [])], flagged=name in by_field, box=box))
    views.sort(key=lambda v: not v.flagged)  # flagged fields first, then book order
    neighbours = (pages_near(item.batch_id, entry.entry_no)
                  if kind == "registry_only" and pages_near is not None and entry.entry_no is not None else [])
    return ItemView(item, batch, entry, views, [reason_text(f) for f in entry.flags if not f.field], codes,
                    record, note, crop, kind, neighbours)
