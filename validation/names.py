"""The usual spelling of a Kinh name's words, for readings whose marks the engine was unsure of.

Data: ``data/name_words.csv``, how often each word stands first (the surname, họ) and elsewhere (middle
and given names, tên đệm and tên) in 8,725 real full names (the uit_member list of duyet/vietnamese-namedb,
MIT licence). Nearly all of them are Kinh names, so the table speaks for Kinh names only.

An engine unsure of a mark reads a common name as a word no one is named ("Trân" as a surname for Trần,
"Đỉnh" for Đinh, "Nhỉ" for Nhi). Such a word, never seen in its place, is replaced by the one word of the
same letters (marks aside; Đ and D are two letters) that is common there. Where several common words share
those letters, or the reading is a rare name word, the reading becomes the word that far outnumbers the
others ("Đỉnh" → Đình, 194 names against Định's 21; "Hàng", 1 name, → Hằng, 19) only as a guess: it keeps
a confidence the registry alone can confirm, since the table's counts are no reading of the book. So does a
syllable closed by p, t, c or ch read without the mark it must carry ("Triêt"), where only one of its two
spellings (Triết, Triệt) is a listed name word.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from rapidfuzz.distance import Levenshtein

from validation.orthography import canonical, tone_marks, with_tone_placement
from validation.syllables import stop_toned

#: How many of the listed names must use a spelling for it to replace a reading no name uses.
MIN_COMMON = 10
#: How many times more names must use a spelling than any other of the same letters (and than the reading
#: itself) for it to be the guess where the letters are shared.
DOMINANT = 5


@dataclass(frozen=True)
class NameWords:
    surname: dict[str, int]
    other: dict[str, int]
    surname_by_letters: dict[str, tuple[str, ...]]
    other_by_letters: dict[str, tuple[str, ...]]
    surname_by_round_vowels: dict[str, tuple[str, ...]]
    other_by_round_vowels: dict[str, tuple[str, ...]]


#: Vowels a hand writes as nearly the same round letter (an a closed at the top is an o; its breve, hat or
#: horn are small strokes an engine adds or drops): "Phơn" for Phan, "Bỏo" for Bảo, "Tốn" for Tấn.
ROUND_VOWELS = frozenset("aăâoôơAĂÂOÔƠ")
_VOWEL_MARKS = frozenset("\u0306\u0302\u031b")  # breve, circumflex, horn


def letters_key(word: str) -> str:
    """The word's letters without tone or vowel marks, casefolded; đ stays apart from d."""
    decomposed = unicodedata.normalize("NFD", word.replace("đ", "\x00").replace("Đ", "\x00"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def round_vowels_key(word: str) -> str:
    """``letters_key`` with the tone marks kept and the round vowels one letter: the word as a hand that
    closes its a's would show it."""
    out = []
    for char in unicodedata.normalize("NFD", word.replace("đ", "\x00").replace("Đ", "\x00")):
        if char in _VOWEL_MARKS:
            continue
        out.append("o" if char in ROUND_VOWELS else char)
    return "".join(out).casefold()


@lru_cache(maxsize=1)
def name_words() -> NameWords:
    text = resources.files("validation").joinpath("data", "name_words.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    surname = {unicodedata.normalize("NFC", r["word"]): int(r["as_surname"]) for r in rows}
    other = {unicodedata.normalize("NFC", r["word"]): int(r["as_other"]) for r in rows}

    def by_letters(counts: dict[str, int], key=letters_key) -> dict[str, tuple[str, ...]]:
        groups: dict[str, list[str]] = {}
        for word, count in counts.items():
            if count >= MIN_COMMON:
                groups.setdefault(key(word), []).append(word)
        return {key: tuple(words) for key, words in groups.items()}

    return NameWords(surname, other, by_letters(surname), by_letters(other),
                     by_letters(surname, round_vowels_key), by_letters(other, round_vowels_key))


def _with_the_tone_read(word: str, choices: list[str]) -> str | None:
    """The one common spelling of the word's letters with the tone mark read (Thùy, not Thúy or Thủy, for
    "Thưỳ"), in the tone placement nearer the reading ("Thuỳ"); None when the tone read leaves several."""
    tone = tone_marks(word)
    toned = [c for c in choices if tone and tone_marks(c) == tone]
    if len({canonical(c) for c in toned}) != 1:
        return None
    placements = {with_tone_placement(toned[0], style) for style in ("old", "new")}
    read = unicodedata.normalize("NFC", word)
    return min(sorted(placements), key=lambda p: Levenshtein.distance(read, p))


def has_common_surname(name: str) -> bool:
    """Whether ``name`` starts with a surname at least ``MIN_COMMON`` listed names carry (Nguyễn, Đỗ, Lương):
    where a book has no ethnic-group column, the one sign that the family's names are Kinh names."""
    words = unicodedata.normalize("NFC", name).split()
    return bool(words) and name_words().surname.get(words[0], 0) >= MIN_COMMON


def reads_like_kinh_name(name: str) -> bool:
    """Whether every word of ``name`` is common in its place or used by no listed name at all (a misreading
    to repair): a word few names use ("A" in the Hmông "Lý A Vư") marks a name of another tradition."""
    table = name_words()
    words = unicodedata.normalize("NFC", name).split()
    return all((count := (table.surname if index == 0 else table.other).get(word, 0)) == 0 or count >= MIN_COMMON
               for index, word in enumerate(words))


def usual_spelling(name: str) -> str:
    """``name`` (a Kinh full name as read) with each word that no listed name uses in its place (surname
    first, then the rest) replaced by the one common word of the same letters, if there is exactly one."""
    return _spelled(name, guess=False)


def likely_spelling(name: str) -> str:
    """``usual_spelling``, and besides each word that is rare in its place (fewer than MIN_COMMON names)
    replaced by the common word of the same letters that DOMINANT times outnumbers the others and the
    reading. A guess from the table's counts: the caller keeps it unconfirmed."""
    return _spelled(name, guess=True)


def _spelled(name: str, guess: bool) -> str:
    table = name_words()
    words = unicodedata.normalize("NFC", name).split()
    out = []
    for index, word in enumerate(words):
        counts, common, round_common = ((table.surname, table.surname_by_letters, table.surname_by_round_vowels)
                                        if index == 0 else
                                        (table.other, table.other_by_letters, table.other_by_round_vowels))
        if len(word) > 1 and word.isupper():
            out.append(word)  # names in capitals are the book's style; the table spells them in small letters
            continue
        seen = counts.get(word, 0)
        choices = [c for c in common.get(letters_key(word), ()) if c[:1].isupper() == word[:1].isupper()]
        ranked = sorted(choices, key=lambda c: -counts[c])
        # A word no one is named whose letters no common name has either: the one common word it is with
        # its round vowels told apart otherwise (same tone), as a guess.
        rounded = [c for c in round_common.get(round_vowels_key(word), ()) if c[:1].isupper() == word[:1].isupper()]
        # Not a word of other marks where a round vowel told apart otherwise gives one with the mark read
        # ("Khỏi": Khải rather than Khôi).
        contested = bool(ranked) and tone_marks(ranked[0]) != tone_marks(word) and any(c not in choices for c in rounded)
        if seen == 0 and len(choices) == 1 and not contested:
            out.append(choices[0])
        elif guess and seen == 0 and not choices and len(rounded) == 1:
            out.append(rounded[0])
        elif guess and seen == 0 and len(named := [w for w in stop_toned(word) if counts.get(w, 0)]) == 1:
            out.append(named[0])  # "Triêt": a stop-closed syllable lost its mark; Triết is a name, Triệt none
        elif guess and seen == 0 and (toned := _with_the_tone_read(word, choices)) is not None:
            out.append(toned)  # "Thưỳ": a horn or hat read on a vowel of a name whose tone was read right
        elif (guess and seen < MIN_COMMON and ranked and ranked[0] != word and not contested
              and counts[ranked[0]] >= DOMINANT * max([seen, 1] + [counts[c] for c in ranked[1:]])):
            out.append(ranked[0])
        else:
            out.append(word)
    return " ".join(out)
