"""Record rules over normalized fields → ``rule_violation`` flags for a reviewer.

Details name the field and the rule, never the values (they are personal data). Rules skip fields that
are null: an absent value is the normalizer's business (``unreadable``), not a rule's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from validation.date_words import words_to_date
from validation.schema import Flag, FlagCode
from validation.vocab import id_prefixes, official_ethnic_names

SEXES = frozenset({"Nam", "Nữ"})
#: A parent is this many years older than the child, at least and at most.
MIN_PARENT_AGE, MAX_PARENT_AGE = 12, 70


def _violation(field: str, detail: str) -> Flag:
    return Flag(code=FlagCode.RULE_VIOLATION, field=field, detail=detail)


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def id_century_digit(birth_year: int, sex: str) -> int | None:
    """The 4th digit of a personal ID: century and sex (1900s: Nam 0 / Nữ 1; 2000s: 2/3; … 2300s: 8/9)."""
    century = birth_year // 100 - 19
    if not 0 <= century <= 4 or sex not in SEXES:
        return None
    return century * 2 + (1 if sex == "Nữ" else 0)


def check_personal_id(personal_id: str, birth_year: int | None, sex: str | None) -> list[str]:
    """Structural problems of a personal ID (PPP G YY RRRRRR; NĐ 137/2015 Điều 13). Soft checks: the
    encoding rules may no longer bind new numbers (domain facts B3), so a reviewer decides."""
    if not (isinstance(personal_id, str) and personal_id.isdigit() and len(personal_id) == 12):
        return ["personal ID is not 12 digits"]
    problems = []
    if personal_id[:3] not in id_prefixes():
        problems.append("personal ID does not start with a known province code")
    century_digit = int(personal_id[3])
    if sex in SEXES and (century_digit % 2 == 1) != (sex == "Nữ"):
        problems.append("personal ID sex digit disagrees with the sex")
    if birth_year is not None:
        if 1900 + (century_digit // 2) * 100 != birth_year // 100 * 100:
            problems.append("personal ID century digit disagrees with the birth year")
        if personal_id[4:6] != f"{birth_year % 100:02d}":
            problems.append("personal ID year digits disagree with the birth year")
    return problems


def check_rules(fields: dict[str, Any], book_year: int | None = None) -> list[Flag]:
    """Check one entry's normalized fields against the record rules; one flag per broken rule."""
    flags: list[Flag] = []
    born = _as_date(fields.get("date_of_birth"))
    registered = _as_date(fields.get("registration_date"))
    sex = fields.get("sex")

    if born and registered and born > registered:
        flags.append(_violation("date_of_birth", "date of birth is after the registration date"))
    if registered and book_year is not None and registered.year != book_year:
        flags.append(_violation("registration_date", "registration year differs from the book's year"))

    words = fields.get("date_of_birth_words")
    if words:
        in_words = words_to_date(str(words))
        if in_words is None:
            flags.append(_violation("date_of_birth_words", "date of birth in words cannot be read as a date"))
        elif born and in_words != born:
            flags.append(_violation("date_of_birth_words", "date of birth in words disagrees with the digits"))

    personal_id = fields.get("personal_id")
    if personal_id:
        for problem in check_personal_id(str(personal_id), born.year if born else None, sex):
            flags.append(_violation("personal_id", problem))

    if born:
        for parent in ("mother", "father"):
            year = fields.get(f"{parent}_birth_year")
            if isinstance(year, int) and not MIN_PARENT_AGE <= born.year - year <= MAX_PARENT_AGE:
                flags.append(_violation(f"{parent}_birth_year",
                                        f"{parent} would be outside {MIN_PARENT_AGE}-{MAX_PARENT_AGE} years "
                                        f"old at the birth"))

    if sex is not None and sex not in SEXES:
        flags.append(_violation("sex", "sex is neither Nam nor Nữ"))
    official = official_ethnic_names()
    for name in ("ethnicity", "mother_ethnicity", "father_ethnicity"):
        value = fields.get(name)
        if value is not None and value not in official:
            flags.append(_violation(name, "not one of the 54 official ethnic group names"))

    entry_no = fields.get("entry_no")
    if entry_no is not None and not (isinstance(entry_no, int) and entry_no > 0):
        flags.append(_violation("entry_no", "entry number is not a positive whole number"))
    return flags
