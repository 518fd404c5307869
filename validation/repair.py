"""Reading repair: what the page's context and Vietnamese spelling say a reading must have been.

Each repair returns the repaired text and the kind of repair (``REPAIR_KINDS``); the caller keeps the raw
reading beside the repaired one, so a reviewer always sees what OCR returned. A repair never turns the
book's own spelling into another accepted spelling: the two tone placements (Hoá/Hóa) are one spelling.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from validation.date_words import snap_date_words
from validation.normalize import normalize_field
from validation.orthography import canonical
from validation.places import PLACE_FIELDS, snap_unit_names, unit_names
from validation.schema import BookKeys
from validation.text import clean_reading, fold_key
from validation.vocab import ethnic_group

RawEntry = dict[str, tuple[str, float]]

#: The kinds of repair an exported entry's ``repairs`` may name.
UNIT_NAME = "unit_name"  # a unit name's misread mark snapped to a name the context knows
DATE_WORDS = "date_words"  # the date in words snapped to a valid verbalization of the date in digits
VOCABULARY = "vocabulary"  # a closed-vocabulary reading (sex, ethnic group, nationality) snapped
REPAIR_KINDS = frozenset({UNIT_NAME, DATE_WORDS, VOCABULARY})

#: Fields whose value comes from a closed vocabulary.
VOCABULARY_FIELDS = frozenset({"sex", "ethnicity", "mother_ethnicity", "father_ethnicity", "nationality",
                               "mother_nationality", "father_nationality"})
NAME_FIELDS = frozenset({"full_name", "mother_name", "father_name", "declarant_name"})


def repair_readings(raw: RawEntry, book: BookKeys) -> tuple[RawEntry, dict[str, str]]:
    """Readings repaired from the page's context (unit names the authority spells out, the date in words
    against the date in digits), and field → kind of repair for each one changed."""
    repaired = dict(raw)
    repairs: dict[str, str] = {}
    known_units = unit_names(book.authority)
    for name in PLACE_FIELDS:
        if name in raw and raw[name][0]:
            text, conf = raw[name]
            snapped = snap_unit_names(text, known_units)
            if canonical(snapped) != canonical(text):
                repaired[name], repairs[name] = (snapped, conf), UNIT_NAME
    if raw.get("date_of_birth_words", ("", 0))[0] and "date_of_birth" in raw:
        born = normalize_field("date_of_birth", *raw["date_of_birth"]).value
        if born:
            text, conf = raw["date_of_birth_words"]
            snapped = snap_date_words(text, date.fromisoformat(born))
            if canonical(snapped) != canonical(text):
                repaired["date_of_birth_words"], repairs["date_of_birth_words"] = (snapped, conf), DATE_WORDS
    return repaired, repairs


def book_text(name: str, reading: str | None, value: Any) -> tuple[str | None, str | None]:
    """(the book's text for a field, the kind of repair when the text is not the reading).

    The text is the cleaned reading (NFC, whitespace collapsed, stray rule marks gone), case and tone
    placement as printed. A closed-vocabulary reading that is not one of the vocabulary's accepted spellings
    was misread: the book's text is then the value it was snapped to, in the reading's case.
    """
    text = clean_reading(reading)
    if text is None:
        return None, None
    if name in NAME_FIELDS:
        return text.rstrip(".").rstrip() or text, None
    if name in VOCABULARY_FIELDS and isinstance(value, str) and not _spells(text, value, name):
        return (value.upper() if text.isupper() and len(text) > 1 else value), VOCABULARY
    return text, None


def _spells(text: str, value: str, name: str) -> bool:
    """Whether ``text`` is an accepted spelling of ``value`` (case, spaces, hyphens, tone placement aside)."""
    if fold_key(text) == fold_key(value):
        return True
    if name.endswith("ethnicity"):
        match = ethnic_group(text)
        return match is not None and match[1] == value and match[2] >= 100.0
    return False
