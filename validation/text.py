"""Small text helpers shared by the normalizers, the cross-check and the evaluation.

Vietnamese text arrives from OCR in NFC or NFD form, with doubled spaces and stray marks such as "|" or "_"
from table rules. Everything here keeps diacritics and tone marks: "Hương" and "Hường" stay different.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from validation.orthography import canonical, with_tone_placement

#: Characters OCR adds from table rules, underlines and dotted leaders; never part of a value.
STRAY_CHARACTERS = "|¦_~•·…"
_STRAY_RE = re.compile(f"[{re.escape(STRAY_CHARACTERS)}]")
_LEADING_PUNCTUATION = " :;,.-–—'\"`*“”‘’"
_TRAILING_PUNCTUATION = " :;,'\"`*“”‘’"
_DOT_LEADER_RE = re.compile(r"\.{2,}$")
_WHITESPACE_RE = re.compile(r"\s+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collapse_whitespace(text: str) -> str:
    return _WHITESPACE_RE.sub(" ", text).strip()


def clean_reading(raw: str | None) -> str | None:
    """NFC, stray marks removed, edge punctuation (a leading ":" after a label, a trailing dot leader)
    stripped, whitespace collapsed. A single trailing "." is kept: it may belong to the text.

    Returns None when nothing is left.
    """
    if raw is None:
        return None
    text = collapse_whitespace(_STRAY_RE.sub(" ", nfc(raw)))
    text = _DOT_LEADER_RE.sub("", text.lstrip(_LEADING_PUNCTUATION)).rstrip(_TRAILING_PUNCTUATION)
    text = collapse_whitespace(text)
    return text or None


def comparable(value: Any) -> str | None:
    """The form two values are compared in: ``orthography.canonical`` (NFC, one tone placement, case-folded,
    whitespace collapsed); ints and dates as text; None for null or empty.

    Case and the placement of a tone mark (hoá/hóa) do not matter; every other mark does.
    """
    if value is None:
        return None
    return canonical(value) or None


def same_text(a: Any, b: Any) -> bool:
    """Exact match after NFC and whitespace normalization (case-sensitive), as the evaluation counts it."""
    return exact_form(a) == exact_form(b)


#: Letters a digit read inside a word may be (names and vocabulary words hold no digits): 0 for O, 1 for I,
#: i or l, 5 for S, 8 for B.
DIGIT_LOOKALIKES = {"0": "Oo", "1": "Iil", "5": "Ss", "8": "B"}
#: Pairs of small letters print or a hand makes look alike.
LOOKALIKE_LETTERS = ({"e", "f"}, {"i", "l"}, {"l", "t"}, {"c", "e"}, {"n", "u"}, {"h", "b"}, {"o", "c"},
                     # a hand's a: with a stem it reads as d, q or g, closed at the top as o or ơ
                     {"a", "d"}, {"a", "q"}, {"a", "g"}, {"a", "o"}, {"a", "ơ"})


def lookalike_swap(read: str, form: str) -> bool:
    """Whether two words of the same length differ in a pair of letters that look alike (e and f)."""
    return any({a, b} in LOOKALIKE_LETTERS for a, b in zip(read, form) if a != b)


def exact_form(value: Any) -> str | None:
    """NFC and collapsed whitespace, case kept; None for null or empty."""
    if value is None:
        return None
    text = collapse_whitespace(nfc(str(value)))
    return text or None


def fold_key(text: str) -> str:
    """A lookup key: NFC, one tone placement, case-folded, without spaces, hyphens, dots or apostrophes
    (diacritics kept)."""
    return re.sub(r"[\s\-‐‑–—.'’`]+", "", with_tone_placement(nfc(text), "old").casefold())


def strip_diacritics(text: str) -> str:
    """Remove tone marks and vowel marks ("Đặng" → "Dang"); only for lookups in closed vocabularies."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return nfc("".join(ch for ch in decomposed if not unicodedata.combining(ch)))
