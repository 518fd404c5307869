"""Raw OCR text per field → a normalized value, an adjusted confidence and the problems found.

Every normalizer works on NFC text with collapsed whitespace and without the stray marks OCR adds ("|", "_",
a leading ":"). Names and places are not "corrected" here: a different tone mark is different information.
The only repairs of their readings are made before, by validation.repair (marks no syllable can carry, unit
names of the page's context), and are recorded as repairs.
Closed vocabularies (sex, ethnic group, nationality) are snapped to the official spelling; a snap that is a
guess lowers the confidence. A value that cannot be normalized becomes None with a problem: a wrong value
is worse than a flag.

Problem texts never contain the value read (it may be personal data).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from validation.schema import BIRTH_FIELDS, Flag, FlagCode
from validation.text import clean_reading, fold_key, strip_diacritics
from validation.vocab import ethnic_group

DEFAULT_MIN_CONFIDENCE = 0.80
#: A reading that had to be repaired (digit look-alikes, dot leaders…) keeps this share of its confidence.
REPAIRED_FACTOR = 0.95
#: Earliest and latest plausible years on a birth register (parents' years included).
MIN_YEAR, MAX_YEAR = 1850, 2100
#: Fields that every entry has: an empty reading of one of them is unreadable, not blank.
REQUIRED_FIELDS = frozenset({"entry_no", "registration_date", "full_name", "date_of_birth", "sex"})

SEXES = ("Nam", "Nữ")
VIETNAM = "Việt Nam"


@dataclass
class NormalizedField:
    value: Any  # None if empty or unreadable
    confidence: float  # 0..1
    problems: list[str] = field(default_factory=list)  # never contain the value read


# --- digits -----------------------------------------------------------------------------------------

_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "Q": "0", "D": "0", "l": "1", "I": "1", "i": "1", "|": "1"})


def _digits(text: str) -> tuple[str, bool]:
    """Map letters OCR confuses with digits (O→0, l/I→1) and drop spaces, dots and dashes. Digit fields only."""
    mapped = text.translate(_DIGIT_LOOKALIKES)
    compact = re.sub(r"[\s.,\-–/]", "", mapped)
    return compact, mapped != text


def normalize_entry_no(raw: str, confidence: float) -> NormalizedField:
    text = re.sub(r"^(số|so)\s*[:.]?\s*", "", raw, flags=re.IGNORECASE)  # a label read with the value
    digits, repaired = _digits(text)
    if not digits.isdigit():
        return NormalizedField(None, 0.0, ["entry number is not a number"])
    value = int(digits)
    if value <= 0:
        return NormalizedField(None, 0.0, ["entry number is not positive"])
    return NormalizedField(value, confidence * (REPAIRED_FACTOR if repaired else 1.0))


def normalize_year(raw: str, confidence: float) -> NormalizedField:
    digits, repaired = _digits(raw)
    if not (digits.isdigit() and len(digits) == 4):
        return NormalizedField(None, 0.0, ["birth year is not a 4-digit year"])
    value = int(digits)
    if not MIN_YEAR <= value <= MAX_YEAR:
        return NormalizedField(value, min(confidence, 0.5), [f"birth year outside {MIN_YEAR}-{MAX_YEAR}"])
    return NormalizedField(value, confidence * (REPAIRED_FACTOR if repaired else 1.0))


def normalize_personal_id(raw: str, confidence: float) -> NormalizedField:
    """Số định danh cá nhân = personal identification number: 12 digits, kept as text (leading zeros)."""
    digits, repaired = _digits(raw)
    if not digits.isdigit():
        return NormalizedField(None, 0.0, ["personal ID contains characters other than digits"])
    if len(digits) != 12:
        return NormalizedField(None, 0.0, [f"personal ID has {len(digits)} digits, expected 12"])
    return NormalizedField(digits, confidence * (REPAIRED_FACTOR if repaired else 1.0))


# --- dates ------------------------------------------------------------------------------------------

_NUMERIC_DATE_RE = re.compile(r"^(?P<d>[\dOolI]{1,2})\s*[/.\-]\s*(?P<m>[\dOolI]{1,2})\s*[/.\-]\s*(?P<y>[\dOolI]{4})$")
#: A date whose separators were misread: lost to the reading ("01 12 2009" for 01.12.2009, the dots too
#: faint), read as a comma or colon ("20.11,2067", "21:7-2014": a speck on the hyphen), or one lost beside
#: one read ("15 2.2008"); or a speck after the year read as a stop ("9-3-2014.").
_MISREAD_SEPARATORS_RE = re.compile(
    r"^(?P<d>[\dOolI]{1,2})(?:\s*[/.\-,:;]\s*|\s+)(?P<m>[\dOolI]{1,2})(?:\s*[/.\-,:;]\s*|\s+)(?P<y>[\dOolI]{4})"
    r"[.,:;“”\"'’]?$")
_ISO_DATE_RE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})$")
_WORDED_DATE_RE = re.compile(
    r"^ngày\s*(?P<d>[\dOolI]{1,2})\s*,?\s*tháng\s*(?P<m>[\dOolI]{1,2})\s*,?\s*năm\s*(?P<y>[\dOolI]{4})$",
    re.IGNORECASE,
)


def parse_date(text: str) -> tuple[date | None, bool, str | None]:
    """(date, repaired, problem) for dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy, yyyy-mm-dd and
    "ngày 05 tháng 3 năm 1998"; "dd mm yyyy", "dd.mm,yyyy" are ones whose separators were misread (repaired)."""
    misread = _MISREAD_SEPARATORS_RE.match(text)
    match = _ISO_DATE_RE.match(text) or _NUMERIC_DATE_RE.match(text) or _WORDED_DATE_RE.match(text) or misread
    if not match:
        return None, False, "not a date in a known format"
    parts = {k: _digits(v) for k, v in match.groupdict().items()}
    repaired = any(r for _, r in parts.values()) or match is misread
    try:
        return date(int(parts["y"][0]), int(parts["m"][0]), int(parts["d"][0])), repaired, None
    except ValueError:
        return None, repaired, "not a valid calendar date"


def normalize_date(raw: str, confidence: float) -> NormalizedField:
    parsed, repaired, problem = parse_date(raw)
    if parsed is None:
        return NormalizedField(None, 0.0, [problem or "not a date"])
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        return NormalizedField(None, 0.0, [f"year outside {MIN_YEAR}-{MAX_YEAR}"])
    return NormalizedField(parsed.isoformat(), confidence * (REPAIRED_FACTOR if repaired else 1.0))


_DATE_WORDS_RE = re.compile(r"ngày\s*(?P<d>.+?)\s*,?\s*tháng\s*(?P<m>.+?)\s*,?\s*năm\s+(?P<y>.+)$", re.IGNORECASE)


def normalize_date_words(raw: str, confidence: float) -> NormalizedField:
    """The date of birth in words ("ghi bằng chữ" = written in words), as text in the canonical spacing
    "Ngày …, tháng …, năm …"; the words themselves are kept as read."""
    match = _DATE_WORDS_RE.search(raw)
    if not match:
        return NormalizedField(raw, confidence * 0.8, ["date in words lacks the ngày/tháng/năm parts"])
    day, month, year = (re.sub(r"[\s,]+", " ", match[k]).strip(" ,").lower() for k in ("d", "m", "y"))
    return NormalizedField(f"Ngày {day}, tháng {month}, năm {year}", confidence)


# --- closed vocabularies ----------------------------------------------------------------------------

def _snap_factor(score: float) -> float:
    """Confidence kept after snapping to a vocabulary entry with this score (100 = exact): a little less
    for a guess, e.g. 90 → 0.96, 75 → 0.9."""
    return 1.0 - (100.0 - score) / 250.0


def normalize_sex(raw: str, confidence: float) -> NormalizedField:
    """Giới tính = sex: "Nam" (male) or "Nữ" (female)."""
    key = fold_key(raw)
    for sex in SEXES:
        if key == fold_key(sex):
            return NormalizedField(sex, confidence)
    # Without diacritics "Nam"/"Nu" still differ; "Nũ", "Nư", "Nừ" are misread "Nữ".
    # "rn" is a classic OCR reading of "m"; a mark struck apart may read as a quote or caret ("Nư”").
    bare = "".join(ch for ch in strip_diacritics(key) if unicodedata.category(ch) in ("Ll", "Lu")).replace("rn", "m")
    if bare == "nam":
        return NormalizedField("Nam", confidence * _snap_factor(90))
    if bare == "nu":
        return NormalizedField("Nữ", confidence * _snap_factor(90))
    if len(bare) == 2 and bare[0] == "n" and bare[1] != "a":  # "Nñ", "Nü": the ữ misread; "Nam" has 3 letters
        return NormalizedField("Nữ", confidence * _snap_factor(80))
    scores = {sex: fuzz.ratio(key, fold_key(sex)) for sex in SEXES}
    best = max(scores, key=scores.get)
    other = min(scores, key=scores.get)
    if scores[best] >= 60 and scores[best] - scores[other] >= 20:
        return NormalizedField(best, confidence * _snap_factor(min(scores[best], 85)))
    return NormalizedField(None, 0.0, ["sex is neither Nam nor Nữ"])


def normalize_ethnicity(raw: str, confidence: float) -> NormalizedField:
    """Dân tộc = ethnic group, snapped to one of the 54 official names."""
    match = ethnic_group(raw)
    if match is None:
        return NormalizedField(None, 0.0, ["not one of the 54 ethnic groups"])
    _, name, score = match
    return NormalizedField(name, confidence * _snap_factor(score))


def normalize_nationality(raw: str, confidence: float) -> NormalizedField:
    """Quốc tịch = nationality: "Việt Nam" snapped; another nationality is kept as read."""
    key, target = fold_key(raw), fold_key(VIETNAM)
    if key == target:
        return NormalizedField(VIETNAM, confidence)
    if strip_diacritics(key) == strip_diacritics(target):
        return NormalizedField(VIETNAM, confidence * _snap_factor(90))
    # No other country's name is near "Việt Nam", so a rough reading ("Vin Nam", "Vi0t Nam") is still it.
    score = fuzz.ratio(strip_diacritics(key), strip_diacritics(target))
    if score >= 70:
        return NormalizedField(VIETNAM, confidence * _snap_factor(min(score, 85)))
    return NormalizedField(raw, confidence)


# --- free text --------------------------------------------------------------------------------------

_NAME_PART_RE = re.compile(r"[^\s\-'’]+")


def title_case_name(text: str) -> str:
    """Vietnamese title case: "NGUYỄN thị thanh hương" → "Nguyễn Thị Thanh Hương", "H'BIA NIÊ" → "H'Bia Niê"
    (each part between spaces, hyphens and apostrophes; Đ/đ handled). Only letter case changes;
    diacritics are kept exactly as read."""
    return _NAME_PART_RE.sub(lambda m: _capitalized(m[0]), text)


def _capitalized(part: str) -> str:
    """The part's first letter (or digit) capital, the rest small; punctuation before it ('"Nguyễn') is
    left be."""
    first = next((i for i, ch in enumerate(part) if ch.isalnum()), None)
    if first is None:
        return part
    return part[:first] + part[first].upper() + part[first + 1:].lower()


def normalize_name(raw: str, confidence: float) -> NormalizedField:
    text = raw.rstrip(".")
    if not any(ch.isalpha() for ch in text):
        return NormalizedField(None, 0.0, ["name has no letters"])
    return NormalizedField(title_case_name(text), confidence)


def normalize_text(raw: str, confidence: float) -> NormalizedField:
    return NormalizedField(raw, confidence)


Normalizer = Callable[[str, float], NormalizedField]

NORMALIZERS: dict[str, Normalizer] = {
    "entry_no": normalize_entry_no,
    "registration_date": normalize_date,
    "full_name": normalize_name,
    "date_of_birth": normalize_date,
    "date_of_birth_words": normalize_date_words,
    "sex": normalize_sex,
    "ethnicity": normalize_ethnicity,
    "nationality": normalize_nationality,
    "place_of_birth": normalize_text,
    "hometown": normalize_text,
    "personal_id": normalize_personal_id,
    "mother_name": normalize_name,
    "mother_birth_year": normalize_year,
    "mother_ethnicity": normalize_ethnicity,
    "mother_nationality": normalize_nationality,
    "mother_residence": normalize_text,
    "father_name": normalize_name,
    "father_birth_year": normalize_year,
    "father_ethnicity": normalize_ethnicity,
    "father_nationality": normalize_nationality,
    "father_residence": normalize_text,
    "declarant_name": normalize_name,
    "notes": normalize_text,
}
assert set(NORMALIZERS) == set(BIRTH_FIELDS)


def normalize_field(name: str, raw: str | None, ocr_confidence: float) -> NormalizedField:
    """Normalize one field's OCR text. Unknown field names are an error of the caller (KeyError)."""
    normalizer = NORMALIZERS[name]
    confidence = min(max(float(ocr_confidence), 0.0), 1.0)
    text = clean_reading(raw)
    if text is None:
        return NormalizedField(None, confidence if raw is None or not raw.strip() else 0.0)
    result = normalizer(text, confidence)
    result.confidence = min(max(result.confidence, 0.0), 1.0)
    return result


def normalize_entry(
    raw: dict[str, tuple[str, float]], min_confidence: float = DEFAULT_MIN_CONFIDENCE
) -> tuple[dict[str, Any], dict[str, float], list[Flag]]:
    """Normalize one entry's readings (field name → (raw text, OCR confidence 0..1)).

    Returns every BIRTH_FIELDS key (None where the layout lacks the field or nothing was read), the
    confidence of each field read, and flags: ``unreadable`` when a reading gave no usable value (or a
    required field is empty), ``rule_violation`` when a value was kept but is implausible, and
    ``low_confidence`` when a value's confidence is below ``min_confidence``. Readings of names that are not
    birth-register fields are ignored.
    """
    fields: dict[str, Any] = {name: None for name in BIRTH_FIELDS}
    confidence: dict[str, float] = {}
    flags: list[Flag] = []
    for name in BIRTH_FIELDS:
        if name not in raw:
            continue
        text, ocr_confidence = raw[name]
        result = normalize_field(name, text, ocr_confidence)
        fields[name] = result.value
        confidence[name] = result.confidence
        read = clean_reading(text)
        if result.value is None:
            if read is not None:
                flags.append(Flag(code=FlagCode.UNREADABLE, field=name, book_value=read,
                                  detail="; ".join(result.problems) or "could not be read"))
            elif name in REQUIRED_FIELDS:
                flags.append(Flag(code=FlagCode.UNREADABLE, field=name, detail="required field is empty"))
            elif result.confidence < min_confidence:
                # Nothing read, but the reader is not sure the place is blank (ink no word explains, a
                # label not found): an empty field here could be a value lost.
                flags.append(Flag(code=FlagCode.UNREADABLE, field=name,
                                  detail=f"nothing read where something may be written "
                                         f"(confidence {result.confidence:.2f})"))
            continue
        if result.problems:
            flags.append(Flag(code=FlagCode.RULE_VIOLATION, field=name, book_value=read,
                              detail="; ".join(result.problems)))
        elif result.confidence < min_confidence:
            flags.append(Flag(code=FlagCode.LOW_CONFIDENCE, field=name,
                              detail=f"confidence {result.confidence:.2f} below {min_confidence:.2f}"))
    return fields, confidence, flags
