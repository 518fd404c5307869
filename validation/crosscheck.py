"""Compare a book entry with the shared registry's rows for its book (CSDL hộ tịch = civil-status database).

The book is the legal master (Luật Hộ tịch 2014 Điều 60(2)): differences become flags for a reviewer, and
nothing here writes to the registry. The entry's normalized values (not the book's literal text) are
compared in ``orthography.canonical`` form: NFC, one tone placement, case and whitespace folded. A difference
only in tone placement (Thanh Hoá / Thanh Hóa) is none; any other mark matters, so "Hương" and "Hường" (or
Hóa and Hòa) are a real discrepancy.

Registry rows are dicts with the book keys, the BIRTH_FIELDS and ``registry_id``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rapidfuzz import fuzz

from validation.schema import BIRTH_FIELDS, EntryStatus, ExportedEntry, Flag, FlagCode
from validation.text import comparable

#: Fields compared between book and registry; entry_no is the key the rows are matched by.
COMPARED_FIELDS: tuple[str, ...] = tuple(f for f in BIRTH_FIELDS if f != "entry_no")


def _person_key(values: dict[str, Any]) -> tuple[str, str] | None:
    """(full name, date of birth) in comparable form; None when either is missing."""
    name, born = comparable(values.get("full_name")), comparable(values.get("date_of_birth"))
    return (name, born) if name and born else None


def differing_fields(fields: dict[str, Any], row: dict[str, Any]) -> list[str]:
    """Book fields that are non-null on both sides and differ."""
    different = []
    for name in COMPARED_FIELDS:
        book, registry = comparable(fields.get(name)), comparable(row.get(name))
        if book is not None and registry is not None and book != registry:
            different.append(name)
    return different


#: How close (rapidfuzz ratio, 0..100) a name must be to count as the same person misread.
NEAR_NAME_SCORE = 80.0


def _near_person(fields: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The one row with the same date of birth and a close name (most other fields agreeing), if exactly one."""
    name, born = comparable(fields.get("full_name")), comparable(fields.get("date_of_birth"))
    if not name or not born:
        return None
    candidates = []
    for row in rows:
        if comparable(row.get("date_of_birth")) != born:
            continue
        other = comparable(row.get("full_name")) or ""
        # token_set_ratio forgives words OCR added from a neighbouring label ("… Đúng hạn")
        if max(fuzz.ratio(name, other), fuzz.token_set_ratio(name, other)) < NEAR_NAME_SCORE:
            continue
        compared = [f for f in COMPARED_FIELDS if fields.get(f) is not None and row.get(f) is not None]
        if len(differing_fields(fields, row)) * 2 <= len(compared):
            candidates.append(row)
    return candidates[0] if len(candidates) == 1 else None


def _best_row(fields: dict[str, Any], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The row with the fewest differing fields (the first one on a tie)."""
    return min(rows, key=lambda row: len(differing_fields(fields, row)))


def _mismatch_flags(fields: dict[str, Any], row: dict[str, Any]) -> list[Flag]:
    return [
        Flag(code=FlagCode.FIELD_MISMATCH, field=name, book_value=_text(fields.get(name)),
             registry_value=_text(row.get(name)), detail="the book and the registry record differ")
        for name in differing_fields(fields, row)
    ]


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _entry_no_mismatch(book_no: Any, row: dict[str, Any], near: bool = False) -> Flag:
    person = "the same date of birth and a close name" if near else "the same name and date of birth"
    return Flag(code=FlagCode.FIELD_MISMATCH, field="entry_no", book_value=_text(book_no),
                registry_value=_text(row.get("entry_no")),
                detail=f"the registry record with {person} has another entry number")


def crosscheck_entry(
    fields: dict[str, Any], registry_rows: list[dict[str, Any]], claimed_entry_nos: set[int] | None = None
) -> list[Flag]:
    """Flags for one book entry against the registry rows of its book.

    - rows with the entry's number: none → ``missing_in_registry``; two or more, or the same person
      (name + date of birth) also under another number → ``duplicate_in_registry``; every field that
      differs from the best-matching row → ``field_mismatch``.
    - the entry number may be misread: when no row has it (or the rows that have it are another person)
      but exactly one row has the same name and date of birth, that row is compared and the number is
      reported as a ``field_mismatch`` on entry_no — unless ``claimed_entry_nos`` (numbers other entries
      of the book were read with) holds that row's number: then the entry is missing, and the detail says
      a same-person record exists under another number.
    - when no row has the number and no row has the same name and date of birth, exactly one row with the
      same date of birth, a close name and mostly equal fields is taken as the record (number and name
      both misread); otherwise the entry is missing.
    """
    entry_no = fields.get("entry_no")
    person = _person_key(fields)
    numbered = [r for r in registry_rows if entry_no is not None and r.get("entry_no") == entry_no]
    same_person = [r for r in registry_rows if person is not None and _person_key(r) == person]
    elsewhere = [r for r in same_person if r.get("entry_no") != entry_no]
    claimed = claimed_entry_nos or set()

    flags: list[Flag] = []
    if numbered:
        numbered_is_person = any(_person_key(r) == person for r in numbered) or person is None
        if not numbered_is_person and len(elsewhere) == 1 and elsewhere[0].get("entry_no") not in claimed:
            # Most likely a misread number: the record of this person sits under the number read off the
            # book's neighbour entry. Compare with the person's record.
            row = elsewhere[0]
            return [_entry_no_mismatch(entry_no, row), *_mismatch_flags(fields, row)]
        if len(numbered) > 1 or (numbered_is_person and elsewhere):
            flags.append(Flag(code=FlagCode.DUPLICATE_IN_REGISTRY,
                              detail=f"{len(numbered) + len(elsewhere)} registry records match this entry"))
        best = _best_row(fields, [r for r in numbered if _person_key(r) == person] or numbered)
        return flags + _mismatch_flags(fields, best)

    if elsewhere:
        unclaimed = [r for r in elsewhere if r.get("entry_no") not in claimed]
        if len(unclaimed) == 1 and len(elsewhere) == 1:
            row = unclaimed[0]
            return [_entry_no_mismatch(entry_no, row), *_mismatch_flags(fields, row)]
        detail = ("no registry record has this entry number; a record with the same name and date of birth "
                  "exists under another entry number")
        if len(elsewhere) > 1:
            flags.append(Flag(code=FlagCode.DUPLICATE_IN_REGISTRY,
                              detail=f"{len(elsewhere)} registry records have this name and date of birth"))
        return [Flag(code=FlagCode.MISSING_IN_REGISTRY, detail=detail), *flags]

    near = _near_person(fields, [r for r in registry_rows if r.get("entry_no") not in claimed])
    if near is not None:
        # Number and name both misread (or the name differs a little): same date of birth, close name.
        return [_entry_no_mismatch(entry_no, near, near=True), *_mismatch_flags(fields, near)]
    if entry_no is None:
        detail = "entry number unreadable and no registry record has the same name and date of birth"
    else:
        detail = "no registry record has this entry number"
    return [Flag(code=FlagCode.MISSING_IN_REGISTRY, detail=detail)]


def registry_only(book_entry_nos: set[int], registry_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of this book whose entry_no no book entry has (known once the whole book is read).

    A row that repeats the person (name + date of birth) of a row whose number the book does have is left
    out: it is already reported as ``duplicate_in_registry`` on that entry.
    """
    present = [r for r in registry_rows if r.get("entry_no") in book_entry_nos]
    present_people = {key for r in present if (key := _person_key(r)) is not None}
    return [
        r for r in registry_rows
        if r.get("entry_no") not in book_entry_nos and _person_key(r) not in present_people
    ]


def book_entry_numbers(entries: Iterable[ExportedEntry]) -> set[int]:
    """The registry entry numbers a processed book accounts for: the numbers read, plus the numbers of the
    records that entries with a misread number were matched to (their ``field_mismatch`` flag on entry_no).
    Pass this to ``registry_only`` so such a record is not reported as registry-only too."""
    numbers: set[int] = set()
    for entry in entries:
        if entry.entry_no is not None:
            numbers.add(entry.entry_no)
        for flag in entry.flags:
            if (flag.code == FlagCode.FIELD_MISMATCH and flag.field == "entry_no"
                    and flag.registry_value is not None and flag.registry_value.isdigit()):
                numbers.add(int(flag.registry_value))
    return numbers


def decide_status(flags: list[Flag]) -> EntryStatus:
    """Verified iff nothing needs a reviewer."""
    return EntryStatus.FLAGGED if flags else EntryStatus.VERIFIED
