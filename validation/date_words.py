"""Dates written in Vietnamese words, as on birth entries ("ghi bằng chữ" = written in words).

``date_to_words(date(2018, 3, 15))`` gives "Ngày mười lăm, tháng ba, năm hai nghìn không trăm mười tám".
``words_to_date`` reads that back and tolerates the usual variants (mồng, linh/lẻ, tư/bốn, mốt, ngàn,
giêng/chạp), so the words can be checked against the date written in digits.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from rapidfuzz.distance import Levenshtein

from validation.orthography import canonical
from validation.text import strip_diacritics

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def number_to_words(n: int) -> str:
    """Vietnamese words for 0 <= n < 10000, in the style used on civil-status documents."""
    if not 0 <= n < 10000:
        raise ValueError(f"out of range: {n}")
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, units = divmod(n, 10)
        head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
        if units == 0:
            return head
        if units == 5:
            tail = "lăm"
        elif units == 1 and tens > 1:
            tail = "mốt"
        elif units == 4 and tens > 1:
            tail = "tư"
        else:
            tail = _DIGITS[units]
        return f"{head} {tail}"
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{_DIGITS[hundreds]} trăm"
        if rest == 0:
            return head
        if rest < 10:
            return f"{head} linh {_DIGITS[rest]}"
        return f"{head} {number_to_words(rest)}"
    thousands, rest = divmod(n, 1000)
    head = f"{_DIGITS[thousands]} nghìn"
    if rest == 0:
        return head
    if rest < 100:
        # 2005 = "hai nghìn không trăm linh năm", 2018 = "hai nghìn không trăm mười tám"
        return f"{head} không trăm {number_to_words(rest) if rest >= 10 else 'linh ' + _DIGITS[rest]}"
    return f"{head} {number_to_words(rest)}"


def date_to_words(d: date) -> str:
    return f"Ngày {number_to_words(d.day)}, tháng {number_to_words(d.month)}, năm {number_to_words(d.year)}"


_WORD_VALUES = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5, "nhăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}
_MONTH_NAMES = {"giêng": 1, "chạp": 12}


def words_to_number(text: str) -> int | None:
    """Parse Vietnamese number words (0..9999); None when the words are not a number."""
    tokens = [t for t in re.split(r"[\s,.-]+", _nfc(text).lower()) if t and t not in {"linh", "lẻ", "mồng", "mùng"}]
    if not tokens:
        return None
    thousands = 0
    for scale in ("nghìn", "ngàn"):
        if scale in tokens:
            at = tokens.index(scale)
            head = _below_ten(tokens[:at]) if at else 1
            if head is None:
                return None
            thousands, tokens = head * 1000, tokens[at + 1 :]
            break
    hundreds = 0
    if "trăm" in tokens:
        at = tokens.index("trăm")
        head = _below_ten(tokens[:at])
        if head is None:
            return None
        hundreds, tokens = head * 100, tokens[at + 1 :]
    rest = _below_hundred(tokens)
    return None if rest is None else thousands + hundreds + rest


def _below_ten(tokens: list[str]) -> int | None:
    if len(tokens) != 1:
        return None
    return _WORD_VALUES.get(tokens[0])


def _below_hundred(tokens: list[str]) -> int | None:
    if not tokens:
        return 0
    if tokens[0] == "mười":
        tens, units = 10, tokens[1:]
    elif len(tokens) >= 2 and tokens[1] == "mươi":
        digit = _below_ten(tokens[:1])
        if digit is None or digit < 2:
            return None
        tens, units = digit * 10, tokens[2:]
    else:
        return _below_ten(tokens)
    if not units:
        return tens
    unit = _below_ten(units)
    return None if unit is None else tens + unit


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_DATE_RE = re.compile(r"ngày\s+(?P<day>.+?)\s*,?\s*tháng\s+(?P<month>.+?)\s*,?\s*năm\s+(?P<year>.+)$", re.I)


def words_to_date(text: str) -> date | None:
    """Read "Ngày …, tháng …, năm …" back into a date; None when it cannot be read as a real date."""
    m = _DATE_RE.search(_nfc(text).strip().lower())
    if not m:
        return None
    month_text = m["month"].strip()
    month = _MONTH_NAMES.get(month_text) or words_to_number(month_text)
    day, year = words_to_number(m["day"]), words_to_number(m["year"])
    if day is None or month is None or year is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def snap_date_words(text: str, expected: date) -> str:
    """The canonical words for ``expected`` when ``text`` says the same words but for marks
    ("không trầm" → "không trăm"); otherwise ``text`` unchanged. Variants (mồng, lẻ, tư…) are left alone."""
    canonical = date_to_words(expected)

    def key(s: str) -> list[str]:
        decomposed = unicodedata.normalize("NFD", _nfc(s).replace("đ", "d").replace("Đ", "D"))
        bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        return re.sub(r"[,.]", " ", bare).casefold().split()

    return canonical if key(text) == key(canonical) else text


# --- every valid verbalization ------------------------------------------------------------------------

def number_verbalizations(n: int, month: bool = False) -> list[str]:
    """Every accepted way of saying 0 <= n < 10000 on a civil-status document: năm/lăm after tens,
    một/mốt and bốn/tư after tens above ten, linh/lẻ, nghìn/ngàn. ``month`` adds the month names
    (tháng tư, tháng giêng, tháng chạp). ``number_to_words(n)`` is always among them."""
    if not 0 <= n < 10000:
        raise ValueError(f"out of range: {n}")
    found = [number_to_words(n)]
    for variant in _number_variants(n):
        if variant not in found:
            found.append(variant)
    if month:
        found += {4: ["tư"], 1: ["giêng"], 12: ["chạp"]}.get(n, [])
    return found


def _units_after_tens(units: int, tens: int) -> list[str]:
    if units == 0:
        return [""]
    if units == 5:
        return ["lăm", "năm"]
    if units == 1:
        return ["mốt", "một"] if tens > 1 else ["một"]
    if units == 4:
        return ["tư", "bốn"] if tens > 1 else ["bốn", "tư"]
    return [_DIGITS[units]]


def _below_hundred_variants(n: int) -> list[str]:
    if n < 10:
        return [_DIGITS[n]]
    tens, units = divmod(n, 10)
    head = "mười" if tens == 1 else f"{_DIGITS[tens]} mươi"
    return [f"{head} {tail}".strip() for tail in _units_after_tens(units, tens)]


def _rest_after_hundreds(rest: int) -> list[str]:
    """The part after "… trăm": "linh/lẻ năm" for 1-9, else the tens."""
    if rest == 0:
        return [""]
    if rest < 10:
        return [f"{link} {unit}" for link in ("linh", "lẻ") for unit in
                (["bốn", "tư"] if rest == 4 else [_DIGITS[rest]])]
    return _below_hundred_variants(rest)


def _number_variants(n: int) -> list[str]:
    if n < 100:
        return _below_hundred_variants(n)
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return [f"{_DIGITS[hundreds]} trăm {tail}".strip() for tail in _rest_after_hundreds(rest)]
    thousands, rest = divmod(n, 1000)
    out = []
    for scale in ("nghìn", "ngàn"):
        head = f"{_DIGITS[thousands]} {scale}"
        if rest == 0:
            out.append(head)
        elif rest < 100:
            out += [f"{head} không trăm {tail}" for tail in _rest_after_hundreds(rest)]
        else:
            out += [f"{head} {tail}" for tail in _number_variants(rest)]
    return out


def date_verbalizations(d: date) -> list[str]:
    """Every valid way of writing ``d`` in words, ``date_to_words(d)`` first: mồng/mùng or nothing before
    days 1-10, bốn/tư, năm/lăm, linh/lẻ, một/mốt, nghìn/ngàn, and the month names tư/giêng/chạp."""
    days = number_verbalizations(d.day)
    if d.day <= 10:
        days = days + [f"{prefix} {day}" for prefix in ("mồng", "mùng") for day in days]
    found = [date_to_words(d)]
    for day in days:
        for month in number_verbalizations(d.month, month=True):
            for year in number_verbalizations(d.year):
                text = f"Ngày {day}, tháng {month}, năm {year}"
                if text not in found:
                    found.append(text)
    return found


def _words_form(text: str) -> str:
    """The words compared canonically: punctuation gone, case and tone placement folded."""
    return " ".join(re.sub(r"[,.;:()]", " ", canonical(text)).split())


def _words_key(text: str) -> str:
    """Words only, from "ngày" on (a label read with the value, "(ghi bằng chữ):", is not the date), in
    ``_words_form``."""
    key = _words_form(text)
    at = key.find("ngày")
    return key[at:] if at > 0 else key


def is_verbalization(text: str, d: date) -> bool:
    """Whether ``text`` is, all of it, a valid way of writing ``d`` in words (punctuation, case and tone
    placement aside): nothing read before "Ngày" or after the year."""
    return _words_form(text) in {_words_form(v) for v in date_verbalizations(d)}


def closest_verbalization(text: str, d: date, max_edits: int = 3) -> tuple[str | None, int, bool]:
    """(the valid verbalization of ``d`` the reading is closest to, character edits between them, whether
    it is the only one that close).

    The words of a date are a closed grammar once the digits are known, so a misread word ("mươ1", "mô"
    for "mốt") is one of a few valid variants. None when the closest needs more than ``max_edits`` edits.
    When variants are equally close (the book's own variant cannot be told) the first of them in
    ``date_verbalizations`` order is given, marked not unique: the reading is unsure.
    """
    key = _words_key(text)
    scored = sorted((Levenshtein.distance(key, _words_key(v)), i, v) for i, v in enumerate(date_verbalizations(d)))
    edits, _, best = scored[0]
    if edits > max_edits:
        return None, edits, False
    unique = edits == 0 or len(scored) == 1 or scored[1][0] > edits
    return best, edits, unique


def verbalization_by_letters(text: str, d: date, max_edits: int = 2) -> tuple[str | None, int]:
    """(the valid verbalization of ``d`` whose letters, tone marks and hats aside, the reading spells, letter
    edits between them), or (None, edits) when none is that close or another is nearly as close.

    A typewriter's marks are often lost ("Ngày mông bôn, thang tư"); the grammar's variants differ in whole
    words (mồng/mùng, bốn/tư, nghìn/ngàn), so the bare letters still tell them apart."""
    key = strip_diacritics(_words_key(text))
    scored = sorted((Levenshtein.distance(key, strip_diacritics(_words_key(v))), i, v)
                    for i, v in enumerate(date_verbalizations(d)))
    edits, _, best = scored[0]
    margin = 1 if edits == 0 else 2  # another variant as close, or nearly, leaves it open
    if edits > max_edits or (len(scored) > 1 and scored[1][0] < edits + margin):
        return None, edits
    return best, edits
