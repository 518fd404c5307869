"""Vietnamese syllables: which tone-marked spellings can exist, and the repair of marks that sit where no
syllable can have them.

Typewritten books strike the tone mark separately; on the scan it sits a letter to the right of its vowel,
and OCR returns "Nguyêñ" for Nguyễn, "Trâǹ" for Trần. A syllable is onset + (glide) + nucleus + coda with
one tone; the tone mark sits on the nucleus's main vowel (two accepted places for open oa/oe/uy), a stop
coda (p, t, c, ch) takes only sắc or nặng, and a consonant never carries a mark.

Only marked syllables are judged. Names of the Ê-đê, Gia-rai, Hmông… ("Ksor", "H'Bia", "Niê", "Y Bhin",
"Mlô") hold unmarked syllables outside Kinh phonotactics; they are left alone. The targets are misplaced
or offset marks and impossible mark combinations. A repair is made only when exactly one valid syllable
fits (the two tone placements counting as one); otherwise the reading is reported as unsure, never
accepted as read.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from validation.orthography import VOWELS, split_tone, syllable_parts, with_tone

SAC, NANG = "\u0301", "\u0323"
_DIAERESIS = "\u0308"
STOP_CODAS = frozenset({"p", "t", "c", "ch"})
_VOWEL_MARKED = frozenset("ăâêôơư")

#: Nuclei (vowel letters between onset and coda, "qu"/"gi" onsets excluded) of syllables without a coda.
OPEN_NUCLEI = frozenset(
    "a e ê i o ô ơ u ư y ai ao au âu ay ây eo êu ia iu oa oe oi ôi ơi ua uê ui uy ưa ưi ưu uơ "
    "iêu yêu oai oao oay oeo uây uôi ươi ươu uya uyu".split()
)
#: Nuclei of syllables with a consonant coda.
CLOSED_NUCLEI = frozenset("a ă â e ê i o ô ơ u ư y oa oă oe uâ uê uy iê yê uô ươ uyê oo".split())

_WORD_RE = re.compile(r"(?:[^\W\d_]|[\u0300-\u036f])+")
_TONES = "\u0300\u0301\u0303\u0309\u0323"
#: A tone mark OCR left on the space or punctuation after its word (the offset carried it past the last
#: letter): "Hoa ̀", "Hoa,̀".
_MARK_AFTER_SPACE_RE = re.compile(rf"([^\W\d_])([\s,.;:)]+)([{_TONES}])")
#: Spacing accents OCR reads for a separately struck mark, right after a letter.
_SPACING_TONES = {"`": "\u0300", "ˋ": "\u0300", "´": "\u0301", "ˊ": "\u0301", "˜": "\u0303", "~": "\u0303"}
_SPACING_RE = re.compile(r"(?<=[^\W\d_])[`ˋ´ˊ˜~]")
#: A slash right after a word's last vowel is an acute read on its own ("tê/" for tế, "ky/" for ký); between
#: digits or after a consonant it is a slash (2/5/2015, 32/QĐ-UBND).
#: Right after a vowel letter.
_AFTER_VOWEL = r"(?<=[aăâeêioôơuưyAĂÂEÊIOÔƠUƯY])"
_SLASH_ACUTE_RE = re.compile(_AFTER_VOWEL + r"/(?=[\s,.;:)]|$)")


#: A mark struck past a word's last vowel, read as a glyph that joins the word to the next ("xa7Ea",
#: "My7Xuyên", "xa”Phong"): no word holds one there, so it stands where the space was. Not an apostrophe:
#: names of the Ê-đê and others spell one (H'Bia, Y'Ngông).
_JOINING_MARK_RE = re.compile(_AFTER_VOWEL + r"[7”“\"*]+(?=[^\W\d_])")
#: Such a mark read as a quote closing the word ("huyện Cu” Chi"): the word's, not the text's.
_TRAILING_MARK_RE = re.compile(_AFTER_VOWEL + r"[”“\"]+(?=[\s,.;:)]|$)")
#: A stop consonant with a mark struck over it read as one glyph ("So€" for Sóc, "Lê€h" for Lếch, "Rêf" for
#: Rết): a syllable ending in c, ch or t carries an acute or a dot below, and a mark above is the acute.
_STRUCK_STOP_RE = re.compile(_AFTER_VOWEL + r"(€(?=h?(?![^\W\d_]))|f(?![^\W\d_]))")
_STRUCK_STOPS = {"€": "c", "f": "t"}
#: A t with a mark struck over or under it read as one dagger ("Đa†" for Đạt, "Nguyê†" for Nguyệt), or a stop
#: with its acute read as a pound sign ("Triê£" for Triết): which of the two marks a t-closed syllable allows,
#: or (for £) whether it was a c, the glyph does not say. Taken for the t, more often a name's or place's.
_STRUCK_T_RE = re.compile(_AFTER_VOWEL + r"[†£](?![^\W\d_])")


@dataclass
class SyllableRepair:
    text: str  # the repaired text (NFC); the reading itself when nothing could be repaired
    repaired: int = 0  # words repaired (exactly one valid syllable fitted)
    unsure: int = 0  # words no valid syllable fits, or more than one does: left as read
    #: Words whose mark spelling named but the ink did not show (an acute read as a hook over a stop-closed
    #: syllable): repaired, yet only a second source, such as the registry, can confirm them.
    named: int = 0


def letters_of(word: str) -> list[tuple[str, str]]:
    """(toneless letter, tone marks) per letter; a combining mark with no precomposed form (B + grave)
    belongs to the letter before it."""
    groups: list[str] = []
    for ch in unicodedata.normalize("NFD", word):
        if groups and unicodedata.combining(ch):
            groups[-1] += ch
        else:
            groups.append(ch)
    return [split_tone(group) for group in groups]


def _is_vowel(base: str) -> bool:
    return base.lower() in VOWELS


def tone_positions(bases: list[str]) -> tuple[int, ...]:
    """Where the tone mark of the single syllable spelled by these toneless letters may sit (indexes);
    () when the letters are not one Vietnamese syllable with a known nucleus."""
    onset, nucleus = syllable_parts(bases)
    coda = "".join(bases[nucleus:]).lower()
    if nucleus == onset or any(_is_vowel(b) for b in coda):
        return ()
    vowels = "".join(bases[onset:nucleus]).lower()
    if vowels not in (CLOSED_NUCLEI if coda else OPEN_NUCLEI):
        return ()
    marked = [i for i in range(onset, nucleus) if bases[i].lower() in _VOWEL_MARKED]
    if marked:
        return (marked[-1],)  # the vowel with a vowel mark: ươ → ơ, uyê → ê, ưu → ư
    if len(vowels) == 1:
        return (onset,)
    if coda:
        return (nucleus - 1,)  # hoàn, khuỳnh
    if len(vowels) == 2:
        return (onset, onset + 1) if vowels in ("oa", "oe", "uy") else (onset,)
    return (onset + 1,)  # oai, uyu, oeo


def stop_toned(word: str) -> tuple[str, ...]:
    """The two spellings a toneless syllable closed by p, t, c or ch may be, which Vietnamese spelling does
    not allow without a tone ("Triêt": Triết, Triệt); () for any other word."""
    letters = letters_of(word)
    if any(marks for _, marks in letters):
        return ()
    bases = [b for b, _ in letters]
    _, nucleus = syllable_parts(bases)
    positions = tone_positions(bases)
    if "".join(bases[nucleus:]).lower() not in STOP_CODAS or len(positions) != 1:
        return ()
    return tuple(unicodedata.normalize("NFC", "".join(with_tone(b, tone) if i == positions[0] else b
                                                      for i, b in enumerate(bases))) for tone in (SAC, NANG))


def _stop_coda_allows(bases: list[str], tone: str) -> bool:
    _, nucleus = syllable_parts(bases)
    return "".join(bases[nucleus:]).lower() not in STOP_CODAS or tone in (SAC, NANG)


def is_valid_syllable(word: str) -> bool | None:
    """True for a marked word that is a possible syllable, False for one that is not, None when the word
    carries no tone mark (not judged: unmarked minority-language syllables stay outside the rules).
    A mark on a consonant is always impossible, also in a word that is not one syllable."""
    letters = letters_of(word)
    tones = [(i, t) for i, (_, marks) in enumerate(letters) for t in marks]
    if not tones:
        return None
    bases = [b for b, _ in letters]
    if any(not _is_vowel(bases[i]) for i, _ in tones) or len(tones) > 1:
        return False
    (position, tone), = tones
    return position in tone_positions(bases) and _stop_coda_allows(bases, tone)


def _placed(bases: list[str], tone: str, near: int) -> str | None:
    """The word with ``tone`` on its main vowel (the accepted place nearest left of ``near``, where the
    mark drifted from), or None when no valid syllable carries this tone."""
    positions = tone_positions(bases)
    if not positions or not _stop_coda_allows(bases, tone):
        return None
    left = [p for p in positions if p <= near]
    target = max(left) if left else min(positions)
    return "".join(with_tone(b, tone) if i == target else b for i, b in enumerate(bases))


def repair_syllables(text: str, offset: bool = False) -> SyllableRepair:
    """Move each stray or misplaced tone mark to the one vowel where it makes a valid syllable.

    The mark goes to its own word, or to the word before when it sits on a word's first letter (struck
    past the space). Exactly one valid place → repaired; none or several → the word stays as read and
    counts as unsure.

    ``offset`` says the entry is known to have offset marks (another reading needed this repair): then a
    mark read on the second vowel of an open oa/oe/uy ("Hoà") may have drifted there from the first ("Hòa").
    Both spellings are valid and compare equal, but the record keeps the book's placement letter for letter,
    so such a word stays as read and counts as unsure.
    """
    text = unicodedata.normalize("NFC", text)
    prepared = _SPACING_RE.sub(lambda m: _SPACING_TONES[m[0]], _SLASH_ACUTE_RE.sub("\u0301", text))
    # Which mark it was is not known: the word before stays unsure until a closed list settles it.
    prepared, joined = _JOINING_MARK_RE.subn(" ", prepared)
    prepared, trailing = _TRAILING_MARK_RE.subn("", prepared)
    joined += trailing
    # The glyph was read, not the mark: that it was the acute is spelling's word, for the registry to confirm
    # as it confirms an acute read as a hook over a stop-closed syllable.
    prepared, struck = _STRUCK_STOP_RE.subn(lambda m: "\u0301" + _STRUCK_STOPS[m[1]], prepared)
    prepared, dagger = _STRUCK_T_RE.subn("t", prepared)
    joined += dagger  # the t is sure, its mark is not: the word stays unsure, for a closed list to settle
    prepared = unicodedata.normalize("NFC", _MARK_AFTER_SPACE_RE.sub(r"\1\3\2", prepared))
    words = list(_WORD_RE.finditer(prepared))
    out = [m[0] for m in words]
    as_read = [m[0] for m in _WORD_RE.finditer(text)]
    as_read = as_read if len(as_read) == len(out) else [None] * len(out)
    # A spacing accent made a mark again, or a mark carried past the space given back to its word.
    repaired, unsure, named = int(prepared != text), joined, struck
    for index, match in enumerate(words):
        word = out[index]
        valid = is_valid_syllable(word)
        # Not a mark given back above, and not the text's last word: a mark struck past the end has
        # nowhere to land, so OCR may put it on the last letter, just where the new placement has it.
        if valid and offset and word == as_read[index] and index < len(out) - 1:
            if _drifted_back(word) != word:
                unsure += 1
            continue
        single = (_one_of_a_doubled_vowel(word) if valid is False or _DIAERESIS in unicodedata.normalize("NFD", word)
                  else None)
        if single is not None:
            out[index] = single
            repaired += 1
            named += 1  # which copy's mark was the letter's own, the ink does not say
            continue
        if valid is not False:
            continue
        letters = letters_of(word)
        tones = [t for _, marks in letters for t in marks]
        if len(tones) != 1:
            # An offset moves a syllable's one mark; two marks in a word ("Ḍặng" for Đặng) are no offset.
            unsure += 1
            continue
        tone = tones[0]
        stray = next(i for i, (_, marks) in enumerate(letters) if marks)
        bases = [b for b, _ in letters]
        candidates = {}
        acute = _acute_over_stop(bases, tone, stray)
        if acute is not None:
            out[index] = acute
            repaired += 1
            named += 1
            continue
        own = _placed(bases, tone, stray)
        if own is not None:
            candidates[index] = own
        previous = index - 1
        if stray == 0 and previous >= 0 and _joined_by_space(prepared, words[previous], match):
            before = out[previous]
            before_letters = letters_of(before)
            if not any(marks for _, marks in before_letters):
                moved = _placed([b for b, _ in before_letters], tone, len(before_letters))
                if moved is not None:
                    candidates[previous] = moved
        if len(candidates) != 1:
            unsure += 1
            continue
        (where, spelled), = candidates.items()
        if where == previous:
            out[previous], out[index] = spelled, "".join(bases)
        else:
            out[index] = spelled
        repaired += 1
    if not repaired:
        return SyllableRepair(text=text, unsure=unsure)
    pieces, last = [], 0
    for match, word in zip(words, out):
        pieces += [prepared[last:match.start()], word]
        last = match.end()
    pieces.append(prepared[last:])
    return SyllableRepair(text=unicodedata.normalize("NFC", "".join(pieces)), repaired=repaired, unsure=unsure,
                          named=named)


def marks_on_their_vowel(text: str) -> str:
    """Running text with each word's one tone mark moved onto the only vowel that can carry it, where it was
    read on another ("ngaỳ" → ngày, "Caỉ" → Cải). For text that may quote a misspelling (a correction
    note's "từ Quãch"): a mark no vowel of its word can carry, a word of two marks, and an open oa/oe/uy
    (either vowel may carry the mark) stay as read, and no mark moves to another word."""
    text = unicodedata.normalize("NFC", text)

    def moved(match: re.Match) -> str:
        word = match[0]
        if is_valid_syllable(word) is not False:
            return word
        letters = letters_of(word)
        marked = [i for i, (_, marks) in enumerate(letters) if marks]
        bases = [base for base, _ in letters]
        if len(marked) != 1 or len(letters[marked[0]][1]) != 1 or len(tone_positions(bases)) != 1:
            return word
        placed = _placed(bases, letters[marked[0]][1][0], marked[0])
        return placed if placed is not None and is_valid_syllable(placed) else word

    return unicodedata.normalize("NFC", _WORD_RE.sub(moved, text))


def _one_of_a_doubled_vowel(word: str) -> str | None:
    """A word that is no syllable because one vowel was read twice ("Nguyễên", "Hoàang", "Hàä": a struck
    mark's ink read as a second copy of its letter; Vietnamese has no diaeresis), as the syllable with that
    vowel once, carrying the one tone mark read on either copy; None when no such syllable is made."""
    letters = letters_of(word)
    for index in range(len(letters) - 1):
        (first, first_tone), (second, second_tone) = letters[index], letters[index + 1]
        key = _without_diaeresis(first)
        if not _is_vowel(key) or key.lower() != _without_diaeresis(second).lower() or len(
                set(first_tone + second_tone)) > 1:
            continue
        tone = (first_tone or second_tone)[:1]
        bases = [base for base, _ in letters[:index]] + [key] + [base for base, _ in letters[index + 2:]]
        single = unicodedata.normalize("NFC", "".join(
            with_tone(base, tone) if at == index and tone else base for at, base in enumerate(bases)))
        if not tone or is_valid_syllable(single):
            return single if tone else None
        # The kept mark on the wrong vowel of the pair ("Nghiã" of "Nghiãa"): the one place it may stand.
        placed = _placed(bases, tone, index)
        if placed is not None and is_valid_syllable(unicodedata.normalize("NFC", placed)):
            return unicodedata.normalize("NFC", placed)
    return None


def _without_diaeresis(letter: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", letter).replace(_DIAERESIS, ""))


def _acute_over_stop(bases: list[str], tone: str, at: int) -> str | None:
    """A syllable closed by p, t, c or ch read with a grave, hook or tilde over its vowel ("Đửc", "Phủc"):
    such a syllable carries the acute or the dot below, and the mark read stands above, so it is the
    acute, at the syllable's place for it. None for any other word (the dot below is the other mark such a
    syllable allows)."""
    if _stop_coda_allows(bases, tone) or not _is_vowel(bases[at]):
        return None
    placed = _placed(bases, SAC, at)
    return placed if placed is not None and is_valid_syllable(placed) else None


def _drifted_back(word: str) -> str:
    """An open oa/oe/uy syllable with its mark on the second vowel, with the mark on the first."""
    letters = letters_of(word)
    bases = [b for b, _ in letters]
    positions = tone_positions(bases)
    marked = [i for i, (_, marks) in enumerate(letters) if marks]
    if len(positions) != 2 or marked != [positions[1]]:
        return word
    tone = letters[marked[0]][1]
    return "".join(with_tone(b, tone) if i == positions[0] else b for i, b in enumerate(bases))


def _joined_by_space(text: str, first: re.Match, second: re.Match) -> bool:
    return text[first.end():second.start()].isspace()


def join_split_name_parts(text: str) -> str:
    """A name read with one of its parts in two pieces ("Ng uyễn" for Nguyễn) put back together: the first
    piece has no vowel, which no syllable lacks, and the second begins in small letters, which no part of
    a name does. Anything else stays as read."""
    parts = text.split(" ")
    joined: list[str] = []
    for part in parts:
        if (joined and part[:1].islower() and joined[-1].isalpha()
                and not any(_is_vowel(base) for base, _ in letters_of(joined[-1]))):
            joined[-1] += part
        else:
            joined.append(part)
    return " ".join(joined)
