"""Vietnamese tone-mark placement and the canonical form texts are compared in.

Vietnamese has two accepted placements of the tone mark in the open syllables oa, oe and uy: the "old"
style marks the first vowel (hòa, khỏe, thụy), the "new" style the second (hoà, khoẻ, thuỵ). Both are
correct and books use either (or both). Closed syllables (hoàn, khuyến) and syllables whose u/i belongs to
the consonant ("qu", "gi": quý, già) have one spelling only.

The record keeps the book's spelling letter for letter; ``canonical`` is only for comparing.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any, Literal

#: Tone marks as combining characters: huyền, sắc, ngã, hỏi, nặng.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
#: Letters that are vowels once their tone mark is removed (vowel marks ă â ê ô ơ ư kept).
VOWELS = frozenset("aăâeêioôơuưy")
#: Two-vowel open nuclei whose tone placement varies between the styles.
_VARIABLE_NUCLEI = frozenset({"oa", "oe", "uy"})

_WORD_RE = re.compile(r"[^\W\d_]+")
_WHITESPACE_RE = re.compile(r"\s+")

Style = Literal["old", "new"]


def split_tone(char: str) -> tuple[str, str]:
    """(the letter without its tone mark, NFC; the tone mark as a combining character or "")."""
    decomposed = unicodedata.normalize("NFD", char)
    tones = "".join(ch for ch in decomposed if ch in TONE_MARKS)
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return unicodedata.normalize("NFC", base), tones


def tone_marks(word: str) -> str:
    """The tone marks a word carries, as combining characters in order ("" for none)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if ch in TONE_MARKS)


def with_tone(base: str, tone: str) -> str:
    """The NFC letter ``base`` carrying ``tone`` (a combining tone mark, or "" for none)."""
    return unicodedata.normalize("NFC", base + tone)


def syllable_parts(bases: list[str]) -> tuple[int, int]:
    """(end of the onset, end of the nucleus) as indexes into a syllable's toneless letters (lowercase).

    "qu" and "gi" before a vowel are onsets: their u/i is part of the consonant.
    """
    lower = [b.lower() for b in bases]
    onset = 0
    while onset < len(lower) and lower[onset] not in VOWELS:
        onset += 1
    if onset < len(lower) - 1 and lower[onset + 1] in VOWELS:
        if lower[:onset] == ["q"] and lower[onset] == "u":
            onset += 1
        elif lower[:onset] == ["g"] and lower[onset] == "i":
            onset += 1
    nucleus = onset
    while nucleus < len(lower) and lower[nucleus] in VOWELS:
        nucleus += 1
    return onset, nucleus


def _place(word: str, style: Style) -> str:
    letters = [split_tone(ch) for ch in word]
    marked = [i for i, (_, tone) in enumerate(letters) if tone]
    if len(marked) != 1 or len(letters[marked[0]][1]) != 1:
        return word  # nothing to move, or not a single syllable's single mark
    bases = [b for b, _ in letters]
    onset, nucleus = syllable_parts(bases)
    if nucleus != len(bases) or nucleus - onset != 2:
        return word  # closed syllable, or not a two-vowel nucleus
    if "".join(bases[onset:nucleus]).lower() not in _VARIABLE_NUCLEI or marked[0] not in (onset, onset + 1):
        return word
    target = onset if style == "old" else onset + 1
    tone = letters[marked[0]][1]
    out = [b for b in bases]
    out[target] = with_tone(bases[target], tone)
    return "".join(out)


def placement_of(word: str) -> Style | None:
    """The placement a word shows: "old" for hòa, "new" for hoà; None where the word has no open oa, oe or
    uy carrying a tone (hoa, hoàn, quý)."""
    old, new = _place(word, "old"), _place(word, "new")
    if old == new:
        return None
    return "old" if word == old else "new" if word == new else None


#: Observations of one placement, and none of the other, that make a page's placement known.
PLACEMENT_EVIDENCE = 3


PagePlacement = Literal["old", "new", "mixed"] | None


def placement_used(texts: list[str]) -> PagePlacement:
    """The tone placement a page's readings show, when they show only one, at least ``PLACEMENT_EVIDENCE``
    times; "mixed" for a page that shows both (a mixed hand, or marks struck apart that drifted); None for
    too little to tell."""
    seen = {"old": 0, "new": 0}
    for text in texts:
        for match in _WORD_RE.finditer(unicodedata.normalize("NFC", text)):
            if style := placement_of(match[0]):
                seen[style] += 1
    if seen["old"] and seen["new"]:
        return "mixed"
    for style in ("old", "new"):
        if seen[style] >= PLACEMENT_EVIDENCE:
            return style
    return None


def with_tone_placement(text: str, style: Style) -> str:
    """``text`` (NFC out) with every open oa/oe/uy syllable's tone mark where ``style`` puts it:
    "old" → hòa, khỏe, thụy; "new" → hoà, khoẻ, thuỵ. Everything else is unchanged, case included."""
    if style not in ("old", "new"):
        raise ValueError(f"unknown tone placement style: {style!r}")
    text = unicodedata.normalize("NFC", text)
    return _WORD_RE.sub(lambda m: _place(m[0], style), text)


def canonical(text: Any) -> str:
    """The comparison form: NFC, old tone placement, casefolded, whitespace collapsed.

    Two texts that differ only in tone placement, NFC/NFD, case or spacing have the same form; any other
    letter or mark difference ("hòa" vs "hóa") gives different forms. Non-text values compare as text.
    """
    if text is None:
        return ""
    return _canonical_text(str(text))


@lru_cache(maxsize=1 << 16)
def _canonical_text(text: str) -> str:
    # Cached: the cross-check compares every entry's name and date with every registry row of its book.
    folded = unicodedata.normalize("NFC", text).casefold()
    placed = with_tone_placement(unicodedata.normalize("NFC", folded), "old")
    return _WHITESPACE_RE.sub(" ", placed).strip()


def comparable_or_none(value: Any) -> str | None:
    """``canonical(value)``, or None for a null or empty value (absent on one side is not a difference)."""
    form = canonical(value)
    return form or None


def same_letters(a: str, b: str) -> bool:
    """Whether two texts are the same letter for letter, tone placement and case included; only NFC/NFD and
    spacing may differ."""
    return " ".join(unicodedata.normalize("NFC", a).split()) == " ".join(unicodedata.normalize("NFC", b).split())


def same_spelling(a: str, b: str) -> bool:
    """Whether two texts spell the same letters and marks, case included: only tone placement and NFC/NFD
    may differ ("Thanh Hoá" and "Thanh Hóa" do; "sóc Sơn" and "Sóc Sơn" do not)."""
    def form(text: str) -> str:
        return " ".join(with_tone_placement(unicodedata.normalize("NFC", text), "old").split())
    return form(a) == form(b)
