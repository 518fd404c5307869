"""Readings with candidates only the registry can tell apart: where the entry's own registry record spells
one of them, that one is kept, as doubtful as it was read, for the cross-check to confirm; otherwise the
reading stays as repaired and goes to review. The book wins: a candidate is always something the page's ink
may say, never the registry's text where the ink says otherwise.
"""

from __future__ import annotations

import re
from typing import Any

from validation.normalize import normalize_field
from validation.orthography import same_spelling, split_tone
from validation.places import PLACE_FIELDS
from validation.repair import GuessedOver
from validation.repair_kinds import SPECK

RawEntry = dict[str, tuple[str, float]]


def keep_readings_the_registry_spells(repaired: RawEntry, repairs: dict[str, str], guessed_over: GuessedOver,
                                       registry_rows: list[dict[str, Any]]) -> None:
    """A name the usual-name guess replaced ("Phượng", a name few of the listed names use, guessed as the
    common Phương) and the guess are two candidates that only the registry can tell apart: where the entry's
    record spells the reading, the reading stays, as doubtful as it was read, for the registry to confirm.
    Where it spells neither, the guess stays and goes to review."""
    rows = _records_of_reading(repaired, registry_rows) if guessed_over else []
    for name, (reading, kind) in guessed_over.items():
        if any(isinstance(row.get(name), str) and same_spelling(reading[0], row[name]) for row in rows):
            repaired[name] = reading
            if kind is None:
                repairs.pop(name, None)
            else:
                repairs[name] = kind


#: A comma or stop right after a letter, before the next word (its tone mark is checked apart).
_SPECK_AFTER_LETTER_RE = re.compile(r"(?<=[^\W\d_])[,.](?=\s+[^\W\d_])")


def drop_specks_the_registry_lacks(repaired: RawEntry, repairs: dict[str, str], typed_apart: set[str],
                                    registry_rows: list[dict[str, Any]]) -> None:
    """A place typed with marks struck apart, read with a comma or stop right after a letter with a tone mark
    ("Bệnh viện Từ, Dũ"): the speck the drifted mark left, or the book's own comma. Only the registry can
    tell them apart: where the entry's record spells the reading without it, letter for letter, it goes."""
    fields = [name for name in PLACE_FIELDS if name in typed_apart and repaired.get(name, ("", 0.0))[0]]
    rows = _records_of_reading(repaired, registry_rows) if fields else []
    for name in fields:
        text, conf = repaired[name]
        spots = [m.start() for m in _SPECK_AFTER_LETTER_RE.finditer(text) if split_tone(text[m.start() - 1])[1]]
        candidates = [text[:at] + text[at + 1:] for at in spots]
        if len(spots) > 1:
            candidates.append("".join(ch for at, ch in enumerate(text) if at not in spots))
        for candidate in candidates:
            if any(isinstance(row.get(name), str) and same_spelling(candidate, row[name]) for row in rows):
                repaired[name], repairs[name] = (candidate, conf), SPECK
                break


def _records_of_reading(repaired: RawEntry, registry_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The registry records carrying the number an entry's readings give it (none without one)."""
    if not repaired.get("entry_no", ("", 0.0))[0]:
        return []
    return records_numbered({"entry_no": normalize_field("entry_no", *repaired["entry_no"]).value}, registry_rows)


def records_numbered(values: dict[str, Any], registry_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The registry records that carry the entry's number (none for an entry read without one)."""
    number = values.get("entry_no")
    return [] if number is None else [r for r in registry_rows if r.get("entry_no") == number]
