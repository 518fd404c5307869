"""A note's fixed wording, read right: notes (ghi chú = remarks) record later civil-status events in the
closed wording of those events (cải chính = correction, thay đổi = change, bổ sung = addition, xác định lại
dân tộc = ethnicity re-determined, đăng ký lại = registered again), "từ … thành …" (from … to …), a date and a
decision's number. Where a whole note follows one of ``NOTE_PHRASES``, a word of its wording read with
other marks or one letter off ("ngầy", "Đăng ký tại", "Thy đổi") takes the wording's spelling; what the
note quotes (names, dates, numbers) stays as read, since a correction note quotes the wrong spelling it
corrects.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from validation import units
from validation.repair_kinds import NOTE_WORDS, OFFSET_MARKS
from validation.syllables import marks_on_their_vowel
from validation.text import nfc

#: The wordings notes follow. ``{field}``: what an event changed (one of ``NOTE_FIELDS``); ``{quoted}``: one
#: to four words the note quotes (a name, a date); ``{date}``: one date; ``{decision}``: a decision's number
#: ("124/QĐ-UBND").
NOTE_PHRASES = (
    "Đăng ký lại",
    "Đăng ký quá hạn",
    "Cải chính {field} từ {quoted} thành {quoted} ngày {date}",
    "Thay đổi {field} từ {quoted} thành {quoted} theo QĐ số {decision} ngày {date}",
    "Bổ sung {field} ngày {date}",
    "Xác định lại dân tộc từ {quoted} thành {quoted} ngày {date}",
)
#: What an event may have changed, as notes name it (họ = family name, chữ đệm = middle name, tên = given
#: name, quê quán = hometown).
NOTE_FIELDS = ("họ", "tên", "chữ đệm", "họ, chữ đệm, tên", "ngày sinh", "nơi sinh", "quê quán", "giới tính",
               "dân tộc", "quốc tịch")
#: Words shorter than this are matched with other marks only: "họ" one letter off is any two-letter word.
MIN_LETTER_OFF = 3
#: Most of a note's wording must be read exactly before its other words are taken for misreadings.
MIN_EXACT_SHARE = 0.5
MAX_QUOTED_WORDS = 4
_EDGE_PUNCTUATION = ",.;:"


def repair_note(text: str) -> tuple[str, str | None]:
    """A note with each tone mark read on a vowel that cannot carry it moved to the one that can ("ngaỳ" →
    ngày: a typewriter's marks drift off their letter there as anywhere), then the words of the wording it
    follows spelled (``snap_note_words``); and the kind of the last repair made, None for none."""
    moved = marks_on_their_vowel(text)
    kind = OFFSET_MARKS if moved != nfc(text) else None
    worded = snap_note_words(moved)
    return worded, NOTE_WORDS if worded != moved else kind


def snap_note_words(text: str) -> str:
    """``text`` with the words of the one wording it follows spelled as the wording spells them, each in the
    case it was read; unchanged when it follows none, or more than one."""
    tokens = text.split()
    fits = [fit for phrase in _phrases() if (fit := _align(phrase, tokens)) is not None]
    if len(fits) != 1:
        return text
    out = list(tokens)
    for index, word in fits[0]:
        token = tokens[index]
        core = token.rstrip(_EDGE_PUNCTUATION)
        spelled = word[:1].upper() + word[1:] if core[:1].isupper() else word
        out[index] = spelled + token[len(core):]
    return " ".join(out) if out != tokens else text


@lru_cache(maxsize=1)
def _phrases() -> tuple[tuple[str, ...], ...]:
    """Each wording as its words, with ``{field}`` spelled out as each field."""
    phrases = []
    for phrase in NOTE_PHRASES:
        for field in NOTE_FIELDS if "{field}" in phrase else ("",):
            phrases.append(tuple(phrase.replace("{field}", field).split()))
    return tuple(phrases)


def _align(phrase: tuple[str, ...], tokens: list[str]) -> list[tuple[int, str]] | None:
    """The tokens a wording's fixed words stand at, with the words, when the whole note follows the wording
    and most of its words were read exactly; None otherwise."""
    pairs = _match(phrase, tokens, 0, 0)
    if pairs is None:
        return None
    exact = sum(1 for index, word in pairs if _core(tokens[index]) == _core(word))
    if exact < MIN_EXACT_SHARE * len(pairs):
        return None
    return [(index, word.rstrip(_EDGE_PUNCTUATION)) for index, word in pairs if _core(tokens[index]) != _core(word)]


def _match(phrase: tuple[str, ...], tokens: list[str], at: int, start: int) -> list[tuple[int, str]] | None:
    if at == len(phrase):
        return [] if start == len(tokens) else None
    part = phrase[at]
    if part == "{quoted}":
        for count in range(1, MAX_QUOTED_WORDS + 1):
            if start + count <= len(tokens) and (rest := _match(phrase, tokens, at + 1, start + count)) is not None:
                return rest
        return None
    if start >= len(tokens):
        return None
    token = tokens[start]
    if part in ("{date}", "{decision}"):
        fits = any(ch.isdigit() for ch in token)
    else:
        fits = _word_fits(_core(token), _core(part))
    if not fits:
        return None
    rest = _match(phrase, tokens, at + 1, start + 1)
    if rest is None:
        return None
    return rest if part.startswith("{") else [(start, part), *rest]


def _word_fits(read: str, word: str) -> bool:
    """Whether a read word is the wording's word: as spelled, with other marks, with one of its letters read
    twice ("QĐĐ"), or (from MIN_LETTER_OFF letters) one letter more, less or other."""
    if read == word:
        return True
    read_key, key = units.bare_key(read), units.bare_key(word)
    if read_key == key or _one_letter_doubled(read_key, key):
        return True
    return len(key) >= MIN_LETTER_OFF and Levenshtein.distance(read_key, key) == 1 and _letters(read)


def _one_letter_doubled(read: str, word: str) -> bool:
    return len(read) == len(word) + 1 and any(
        read[i] == read[i - 1] and read[:i] + read[i + 1:] == word for i in range(1, len(read)))


def _letters(read: str) -> bool:
    return bool(re.fullmatch(r"[^\W\d_]+", read.replace(",", "")))


def _core(token: str) -> str:
    return token.rstrip(_EDGE_PUNCTUATION).casefold()
