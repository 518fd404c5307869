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

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from validation.orthography import canonical, same_spelling, with_tone_placement
from validation.text import nfc, strip_diacritics
from validation.vocab import current_province, old_provinces

#: Fields that name places: nơi sinh = place of birth, quê quán = hometown, nơi cư trú = residence.
PLACE_FIELDS: tuple[str, ...] = ("place_of_birth", "hometown", "mother_residence", "father_residence")

UNIT_WORDS = ("thị trấn", "thị xã", "thành phố", "phường", "xã", "quận", "huyện", "tỉnh", "TP.")
#: How far (edits on the comparison form) a province name may be misread and still be recognised: the
#: 63 old and 34 new names lie far apart, commune names do not (xã Phù Linh, xã Phú Linh); those are
#: snapped across one letter only to the few names the book's own authority spells.
PROVINCE_EDITS = 1
MIN_FUZZY_LENGTH = 6
_UNIT_WORD_KEYS = {" ".join(strip_diacritics(w).casefold().split()): w for w in UNIT_WORDS if w != "TP."}
_SEGMENT_START_RE = re.compile(r"(?:(?<=^)|(?<=[,;]))(?P<space>\s*)(?P<words>\S+(?:\s+\S+)?)")
_UNIT_RE = re.compile(
    r"(?P<unit>\b(?:" + "|".join(re.escape(w) for w in UNIT_WORDS) + r"))\s+(?P<name>[^,;()]+)",
    re.IGNORECASE,
)


def unit_names(authority: str) -> set[str]:
    """The unit names an authority string spells out: "UBND xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An"
    → {"Nghi Phong", "Nghi Lộc", "Nghệ An"}."""
    return {m["name"].strip() for m in _UNIT_RE.finditer(nfc(authority)) if m["name"].strip()}


@lru_cache(maxsize=1)
def _province_names() -> frozenset[str]:
    return frozenset(p.old_name for p in old_provinces()) | frozenset(p.new_name for p in old_provinces())


def _key(name: str) -> str:
    return " ".join(strip_diacritics(name).casefold().split())


def snap_unit_names(text: str, known: set[str]) -> str:
    """``text`` with each unit name that matches exactly one known name but for its marks replaced by it.

    The two tone placements are one spelling: a name that differs from a known name only in where its tone
    marks sit ("Thanh Hoá" for "Thanh Hóa") is left as written, and a snapped name takes the placement the
    reading used, so the book's own style survives the repair. The book's authority spells names the book
    itself uses, so its spelling wins over the province list's.
    """
    by_key: dict[str, dict[str, str]] = {}  # bare key → canonical form → spelling
    for name in sorted(_province_names()) + sorted(known):  # known last: the book's spelling wins
        by_key.setdefault(_key(name), {})[canonical(name)] = name

    provinces = {canonical(name): name for name in _province_names()}

    def replace(match: re.Match) -> str:
        name = match["name"].rstrip()
        trailing = match["name"][len(name):]
        candidates = by_key.get(_key(name), {})
        if len(candidates) != 1 and match.end() == len(text.rstrip()):
            candidates = _near_province(name, provinces)  # the last unit of a place is its province
        if not candidates:
            candidates = _one_letter_from(name, known)
        if len(candidates) != 1:
            return match.group(0)
        spelling = next(iter(candidates.values()))
        if same_spelling(name, spelling):
            return match.group(0)  # the book's own placement: nothing to repair
        return f"{match['unit']} {_in_placement_of(name, spelling)}{trailing}"

    text = snap_unit_words(nfc(text))
    return _UNIT_RE.sub(replace, text)


def _near_province(name: str, provinces: dict[str, str]) -> dict[str, str]:
    """The province names within PROVINCE_EDITS of a reading ("Hè Nội" → Hà Nội), by comparison form."""
    key = canonical(name)
    if len(key) < MIN_FUZZY_LENGTH:
        return {}
    return {form: spelling for form, spelling in provinces.items()
            if Levenshtein.distance(key, form, score_cutoff=PROVINCE_EDITS) <= PROVINCE_EDITS}


def _one_letter_from(name: str, known: set[str]) -> dict[str, str]:
    """The names the book's authority spells that a reading of the same length misses by one letter
    ("Krông Đắc" for Krông Pắc, "Đức Hòg" for Đức Hòa). Only a substitution, and only in long names: a
    letter more or less is another place (xã An Phú beside xã Tân Phú)."""
    key = canonical(name)
    if len(key) < MIN_FUZZY_LENGTH:
        return {}
    return {canonical(spelling): spelling for spelling in known
            if len(canonical(spelling)) == len(key) and Levenshtein.distance(key, canonical(spelling)) == 1}


def snap_unit_words(text: str) -> str:
    """A place's unit words (xã, huyện, tỉnh…, a closed list) read with a wrong mark where a part of the
    address begins ("huyên Bến Lức" → "huyện Bến Lức"), in the reading's case."""
    def replace(match: re.Match) -> str:
        words = match["words"].split()
        for size in (2, 1):
            if len(words) < size:
                continue
            head = " ".join(words[:size])
            unit = _UNIT_WORD_KEYS.get(" ".join(strip_diacritics(head).casefold().split()))
            if unit is None or same_spelling(head.casefold(), unit):
                continue
            fixed = unit[:1].upper() + unit[1:] if head[:1].isupper() else unit
            return match["space"] + " ".join([fixed, *words[size:]])
        return match.group(0)

    return _SEGMENT_START_RE.sub(replace, text)


def _in_placement_of(read: str, name: str) -> str:
    """``name`` with each word's tone mark placed as the reading's word of the same letters placed it: of the
    two placements, the one closer to what was read ("Họà", a stray dot and a grave on the a, is Hoà)."""
    read_words, words = read.split(), name.split()
    if len(read_words) != len(words):
        return name
    out = []
    for seen, word in zip(read_words, words):
        seen = unicodedata.normalize("NFC", seen)
        old, new = with_tone_placement(word, "old"), with_tone_placement(word, "new")
        to_old, to_new = Levenshtein.distance(seen, old), Levenshtein.distance(seen, new)
        out.append(new if to_new < to_old else old if to_old < to_new else word)
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
