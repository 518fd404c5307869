"""Administrative-unit names inside place fields, snapped to the units the book itself names.

Tesseract often misreads a tone mark on short syllables of unit names ("huyện Nghi Lộc" → "huyện Nghỉ Lộc").
A commune's register mostly names its own commune, district and province, which the book's authority
(cơ quan đăng ký = registering authority) spells out, and the 63 old provinces are known. A unit name that
differs from exactly one of those known names by marks alone is taken to be that name (a repair: the raw
reading is kept beside it). A name that differs only in tone placement (Hoá/Hóa) is the same spelling and is
left as the book wrote it. Nothing else in the text changes, and the snapped value still has to agree with
the registry to be verified.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from validation import units
from validation.orthography import Style, canonical, same_spelling, split_tone, tone_marks, with_tone_placement
from validation.syllables import letters_of
from validation.text import LOOKALIKE_LETTERS, lookalike_swap, nfc
from validation.unit_words import UNIT_WORDS, snap_unit_words
from validation.vocab import current_province, id_prefixes_of, old_provinces

#: Fields that name places: nơi sinh = place of birth, quê quán = hometown, nơi cư trú = residence.
PLACE_FIELDS: tuple[str, ...] = ("place_of_birth", "hometown", "mother_residence", "father_residence")

#: How far (edits on the comparison form) a province name may be misread and still be recognised: the
#: 63 old and 34 new names lie far apart, commune names do not (xã Phù Linh, xã Phú Linh); those are
#: snapped across one letter only to the few names the book's own authority spells.
PROVINCE_EDITS = 1
#: Marks a province reading may miss besides, where its letters are PROVINCE_EDITS from the name's.
PROVINCE_MARKS = 2
MIN_FUZZY_LENGTH = 6
#: Shorter names are matched by one letter only where the two letters look alike in print (E and F).
MIN_SHAPE_LENGTH = 4
_UNIT_RE = re.compile(
    r"(?P<unit>\b(?i:" + "|".join(re.escape(w) for w in UNIT_WORDS) + r"))\s+"
    r"(?P<name>(?:(?!\s(?:" + "|".join(re.escape(w) for w in UNIT_WORDS if w != "TP.") + r")\s)[^,;()])+)",
)



def unit_names(authority: str) -> set[str]:
    """The unit names an authority string spells out: "UBND xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An"
    → {"Nghi Phong", "Nghi Lộc", "Nghệ An"}."""
    return {m["name"].strip() for m in _UNIT_RE.finditer(nfc(authority)) if m["name"].strip()}


@lru_cache(maxsize=1)
def _province_names() -> frozenset[str]:
    return frozenset(p.old_name for p in old_provinces()) | frozenset(p.new_name for p in old_provinces())


_key = units.bare_key


def snap_unit_names(text: str, known: set[str], placement: Style | None = None) -> str:
    """``text`` with each unit name that matches exactly one known name but for its marks replaced by it.

    Known names are the book's authority's units, the 63 old provinces, and the units of the old
    administrative tree (``validation.units``) under the units the place names after it: a commune among
    its district's communes. The two tone placements are one spelling: a name that differs from a known
    name only in where its tone marks sit ("Thanh Hoá" for "Thanh Hóa") is left as written, and a snapped
    name takes the placement the reading used, so the book's own style survives the repair. The book's
    authority spells names the book itself uses, so its spelling wins over the lists'. A tone the reading
    lacks takes ``placement``, the page's own, when it is known.
    """
    text = snap_unit_words(nfc(text))
    matches = list(_UNIT_RE.finditer(text))
    provinces = {canonical(name): name for name in _province_names()}
    provinces_by_key, known_by_key = units.index_of(_province_names()), units.index_of(sorted(known))
    replacements: dict[int, str] = {}
    skip_after: set[int] = set()  # replacements that also replace the character after the match
    district = province = None
    for index in range(len(matches) - 1, -1, -1):  # the province first: it narrows the rest
        match = matches[index]
        name = match["name"].rstrip()
        word = match["unit"].casefold()
        tiers = units.candidate_tiers(word, district, province)
        name_read, name = name, _DIGIT_IN_WORD_RE.sub(lambda m: _DIGIT_LETTERS[m[0]], name)
        name = _LOOSE_MARK_AFTER_WORD_RE.sub("", _TILDE_BEFORE_WORD_RE.sub(" ", name))
        key = _key(name)
        found: dict[str, str] = {}
        for tier in tiers:  # its district's units first, then its province's, then the whole country's
            found = {**provinces_by_key.get(key, {}), **tier.get(key, {}), **known_by_key.get(key, {})}
            if found:  # the book's own spelling (known) wins over the lists' for one comparison form
                break
        narrowed = len(tiers) > 1
        tree_names = {n for group in tiers[0].values() for n in group.values()} if narrowed else set()
        if len(found) != 1 and index == len(matches) - 1:
            found = _near_province(name, provinces)  # the last unit of a place is its province
        nearby = set(known) | tree_names
        for misread in (_one_letter_from, _one_letter_and_marks_lost, _vowel_read_twice, _word_read_apart):
            if found:
                break
            found = misread(name, nearby)
        spelling = next(iter(found.values())) if len(found) == 1 else None
        if spelling is not None and not same_spelling(name_read, spelling):
            rest = match["name"][len(name_read):]
            if text[match.end():match.end() + 1] == ";" and _mark_lost_at_end(name_read, spelling):
                rest += ","  # the mark the last word lacks was struck over the comma after it, read as ";"
                skip_after.add(index)
            replacements[index] = f"{match['unit']} {_in_placement_of(name, spelling, placement)}{rest}"
        if spelling is not None and canonical(spelling) in provinces and word in units.PROVINCE_WORDS:
            province = spelling
        elif spelling is not None and word in units.DISTRICT_WORDS:
            district = spelling
    if not replacements:
        return text
    out, last = [], 0
    for index, match in enumerate(matches):
        if index in replacements:
            out += [text[last:match.start()], replacements[index]]
            last = match.end() + (index in skip_after)
    return "".join(out) + text[last:]


#: A tone mark struck apart and read loose after its word ("huyện Cu' Chỉ", "xã Bình My?", a tilde over the
#: space read as a 7, "Vư7 Thư"): no unit's name has such a character glued to a word; the name is matched
#: without it, and a known name's marks are its own.
_LOOSE_MARK_AFTER_WORD_RE = re.compile(r"(?<=[^\W\d_])['`’”\"?´~^7]+(?=\s|$)")
#: The tilde read as a 7 in the space itself, the two words run together ("Vụ7Thư").
_TILDE_BEFORE_WORD_RE = re.compile(r"(?<=[^\W\d_])7(?=[^\W\d_])")
#: A 1 or 0 inside a word of letters is an i or an o ("xã Nga1 Xuyên" for Ngãi Xuyên); "Phường 1" is a number.
_DIGIT_IN_WORD_RE = re.compile(r"(?<=[^\W\d_])[10]|[10](?=[^\W\d_])")
_DIGIT_LETTERS = {"1": "i", "0": "o"}


def _mark_lost_at_end(read: str, spelling: str) -> bool:
    """Whether the known spelling's last word carries a tone mark its reading lacks ("Trà Cu" for Trà Cú)."""
    read_words, words = read.split(), spelling.split()
    if not read_words or not words:
        return False
    tones = lambda word: [t for ch in word for t in split_tone(ch)[1]]  # noqa: E731
    return bool(tones(words[-1])) and not tones(read_words[-1])


def _near_province(name: str, provinces: dict[str, str]) -> dict[str, str]:
    """The province names within PROVINCE_EDITS of a reading ("Hè Nội" → Hà Nội), by comparison form; or
    within PROVINCE_EDITS by their letters and PROVINCE_MARKS marks more ("Hã Nôj": a grave read as a
    tilde, the dot below of ộ read as the tail of a j). A letter with a diaeresis is no Vietnamese letter
    but a mark read twice ("Hãä"): it is left out of the comparison."""
    name = "".join(ch for ch in nfc(name) if "\u0308" not in unicodedata.normalize("NFD", ch))
    key = canonical(name)
    if len(key) < MIN_FUZZY_LENGTH:
        return {}
    bare = _key(name)
    return {form: spelling for form, spelling in provinces.items()
            if Levenshtein.distance(key, form, score_cutoff=PROVINCE_EDITS) <= PROVINCE_EDITS
            or (Levenshtein.distance(bare, _key(spelling), score_cutoff=PROVINCE_EDITS) <= PROVINCE_EDITS
                and Levenshtein.distance(key, form, score_cutoff=PROVINCE_EDITS + PROVINCE_MARKS)
                <= PROVINCE_EDITS + PROVINCE_MARKS)}


def _one_letter_from(name: str, known: set[str]) -> dict[str, str]:
    """The names the book's authority spells that a reading of the same length misses by one letter
    ("Krông Đắc" for Krông Pắc, "Đức Hòg" for Đức Hòa). Only a substitution, in long names, or in short
    ones where the two letters look alike in print ("Fa Tu" for Ea Tu), or in any name where every letter
    missed, up to half of them, is such a pair ("Sd Pg" for Sa Pa): a letter more or less is another
    place (xã An Phú beside xã Tân Phú). Each name is compared in both tone placements: "Hoằng Hoó" misses
    the book's Hoằng Hoá by one letter, and Hoằng Hóa by two."""
    key = canonical(name)
    if len(key) < MIN_SHAPE_LENGTH:
        return {}
    read = nfc(name).casefold()
    found = {}
    for spelling in known:
        form = canonical(spelling)
        placed = [with_tone_placement(nfc(spelling), style).casefold() for style in ("old", "new")]
        letter = next((p for p in placed if len(p) == len(read) and Levenshtein.distance(read, p) == 1), None)
        if letter is None and _lookalikes_only(key, form):
            found[form] = spelling  # "Sd Pg" for Sa Pa: a hand's a read as d and g
            continue
        if letter is None and not (len(form) == len(key) and Levenshtein.distance(key, form) == 1):
            continue
        if len(key) >= MIN_FUZZY_LENGTH or lookalike_swap(read if letter else key, letter or form):
            found[form] = spelling
    return found


def _one_letter_and_marks_lost(name: str, known: set[str]) -> dict[str, str]:
    """The long name, of the book's authority or of the units the place names after it, that a reading misses
    by one letter and by marks it lacks ("Bihh Mỹ" for Bình Mỹ: a typewriter's n read as h, the grave struck
    apart and lost), or whose tone mark it read over the letter beside ("Ba Điàh" for Ba Đình: the grave
    struck apart, over the next slot). Marks lost or moved, not misread: a reading with a mark the name
    lacks is another name."""
    key = _key(name)
    if len(key) < MIN_FUZZY_LENGTH:
        return {}
    found = {}
    for spelling in known:
        if len(_key(spelling)) != len(key) or Levenshtein.distance(key, _key(spelling)) != 1:
            continue
        if _marks_within(name, spelling):
            found[canonical(spelling)] = spelling
    return found


def _vowel_read_twice(name: str, known: set[str]) -> dict[str, str]:
    """The known names a reading is with one vowel read twice over, once with each of two marks
    ("Chiềểng Mung" for Chiềng Mung: a typewriter's hook struck apart, read as a letter of its own). No
    Vietnamese word has the same vowel twice running but oo (xoong): such a pair is one letter."""
    letters = letters_of(nfc(name))
    found = {}
    for index in range(1, len(letters)):
        base = letters[index][0].casefold()
        if base != letters[index - 1][0].casefold() or base not in _DOUBLED_ONCE:
            continue
        for drop in (index - 1, index):
            found |= _spelled_as(unicodedata.normalize("NFC", "".join(b + t for i, (b, t) in enumerate(letters)
                                                                   if i != drop)), known)
    return found


def _word_read_apart(name: str, known: set[str]) -> dict[str, str]:
    """The known names a reading is with one of its words read as two ("Chi ềng Mung" for Chiềng Mung: a
    speck between two letters read as a space), the joined word spelled as the name spells it."""
    words = name.split()
    found = {}
    for index in range(len(words) - 1):
        found |= _spelled_as(" ".join([*words[:index], words[index] + words[index + 1], *words[index + 2:]]), known)
    return found


def _spelled_as(candidate: str, known: set[str]) -> dict[str, str]:
    """The known names spelled as ``candidate``, case aside, by comparison form."""
    return {canonical(spelling): spelling for spelling in known
            if same_spelling(candidate.casefold(), spelling.casefold())}


#: Vowels never written twice running in a Vietnamese word.
_DOUBLED_ONCE = frozenset("aăâeêiuưyơô")


def _marks_within(read: str, spelling: str) -> bool:
    """Whether each hat, horn or breve of ``read`` stands on the same letter in ``spelling``, and each tone
    mark on the same letter too, or at least in the same word (where the two have as many words)."""
    read_letters, letters = letters_of(nfc(read)), letters_of(nfc(spelling))
    if len(read_letters) != len(letters):
        return False
    if not all(_hats(mine) <= _hats(its) for (mine, _), (its, _) in zip(read_letters, letters)):
        return False
    if all(set(mine) <= set(its) for (_, mine), (_, its) in zip(read_letters, letters)):
        return True
    read_words, words = read.split(), spelling.split()
    return len(read_words) == len(words) and all(set(tone_marks(mine)) <= set(tone_marks(its))
                                                 for mine, its in zip(read_words, words))


def _hats(letter: str) -> set[str]:
    """The combining marks of a toneless letter: its hat, horn or breve."""
    return set(unicodedata.normalize("NFD", letter)[1:])


def _lookalikes_only(key: str, form: str) -> bool:
    """Whether two comparison forms of the same length differ in two letters or more, at most half of them,
    each a pair a hand or print confuses."""
    differing = [(a, b) for a, b in zip(key, form) if a != b]
    letters = sum(1 for ch in form if ch.isalpha())
    return (len(key) == len(form) and 2 <= len(differing) <= letters // 2
            and all({a, b} in LOOKALIKE_LETTERS for a, b in differing))



def _in_placement_of(read: str, name: str, placement: Style | None = None) -> str:
    """``name`` with each word's tone mark placed as the reading's word of the same letters placed it: of the
    two placements, the one closer to what was read ("Họà", a stray dot and a grave on the a, is Hoà); where
    the reading tells neither (it is as close to both, read no tone mark, or a letter more or less),
    ``placement`` if given."""
    read_words, words = read.split(), name.split()
    joined = unicodedata.normalize("NFC", "".join(read_words))
    if len(read_words) != len(words) and len(joined) == sum(len(word) for word in words):
        # Two words read run together ("ThanhHoá"): cut where the name's words end, its marks kept.
        ends = list(itertools.accumulate(len(word) for word in words))
        read_words = [joined[start:end] for start, end in zip([0, *ends], ends)]
    if len(read_words) != len(words):
        return name
    out = []
    for seen, word in zip(read_words, words):
        seen = unicodedata.normalize("NFC", seen)
        old, new = with_tone_placement(word, "old"), with_tone_placement(word, "new")
        to_old, to_new = Levenshtein.distance(seen, old), Levenshtein.distance(seen, new)
        tie = with_tone_placement(word, placement) if placement else word
        if not any(split_tone(ch)[1] for ch in seen) or len(_key(seen)) != len(_key(word)):
            # "Hoâ": a hat is no tone; "Hó" for Hoá: with a letter lost beside the mark, where it sat says
            # nothing of the vowel it belongs to. Either way the reading tells nothing of the tone's place.
            out.append(tie)
            continue
        out.append(new if to_new < to_old else old if to_old < to_new else tie)
    return " ".join(out)


def province_layers(text: str | None) -> dict[str, str | None] | None:
    """A place as the book wrote it and the province it lies in, then and since 1 July 2025.

    "xã Tân Phú, huyện Đức Hòa, tỉnh Long An" → as_written (never altered), province "Long An",
    current_province "Tây Ninh". The last unit of the text is taken as the province; None when no
    province can be recognised (the reviewer sees the text as written).
    """
    if not text:
        return None
    units = [m for m in _UNIT_RE.finditer(nfc(text))]
    last = units[-1] if units else None
    province = last["name"].strip() if last is not None else None
    current = current_province(province) if province else None
    return {
        "as_written": text,
        "province": province if current else None,
        "current_province": current,
    }


@lru_cache(maxsize=64)
def id_prefixes_of_authority(authority: str) -> frozenset[str]:
    """The codes that start the IDs a book registers: its authority's province's (its last unit)."""
    layers = province_layers(authority)
    return id_prefixes_of(layers["province"] if layers else None)
