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

from validation import units
from validation.orthography import Style, canonical, same_spelling, split_tone, with_tone_placement
from validation.text import LOOKALIKE_LETTERS, nfc
from validation.vocab import current_province, old_provinces

#: Fields that name places: nơi sinh = place of birth, quê quán = hometown, nơi cư trú = residence.
PLACE_FIELDS: tuple[str, ...] = ("place_of_birth", "hometown", "mother_residence", "father_residence")

UNIT_WORDS = ("thị trấn", "thị xã", "thành phố", "phường", "xã", "quận", "huyện", "tỉnh", "TP.")
#: How far (edits on the comparison form) a province name may be misread and still be recognised: the
#: 63 old and 34 new names lie far apart, commune names do not (xã Phù Linh, xã Phú Linh); those are
#: snapped across one letter only to the few names the book's own authority spells.
PROVINCE_EDITS = 1
#: Marks a province reading may miss besides, where its letters are PROVINCE_EDITS from the name's.
PROVINCE_MARKS = 2
MIN_FUZZY_LENGTH = 6
#: Shorter names are matched by one letter only where the two letters look alike in print (E and F).
MIN_SHAPE_LENGTH = 4
#: The words a place's first part may begin with, the hamlet or quarter it names (thôn = hamlet, ấp, bản,
#: buôn, sóc: the hamlet words of the south, the north-west, the Central Highlands, the Khmer south).
SETTLEMENT_WORDS = ("tổ dân phố", "khu phố", "thôn", "xóm", "ấp", "bản", "buôn", "khóm", "phum", "plei")
#: How a place of birth that is a health facility begins (trạm y tế = commune health station, trung tâm y tế
#: = district health centre, bệnh viện đa khoa / phụ sản = general / maternity hospital, nhà hộ sinh =
#: maternity home), longest first: a word of these read with another mark is the facility word misread.
FACILITY_WORDS = tuple(sorted((
    "trạm y tế", "trung tâm y tế", "bệnh viện", "bệnh viện đa khoa", "bệnh viện phụ sản", "bệnh viện sản nhi",
    "bệnh viện nhi", "bệnh viện quân y", "bệnh xá", "nhà hộ sinh", "phòng khám đa khoa", "phòng khám",
), key=lambda phrase: -len(phrase.split())))
_UNIT_WORD_KEYS = {units.bare_key(w): w for w in UNIT_WORDS if w != "TP."}
_PART_START_KEYS = {**{units.bare_key(w): w for w in SETTLEMENT_WORDS},
                    **_UNIT_WORD_KEYS}
_SEGMENT_START_RE = re.compile(r"(?:(?<=^)|(?<=[,;]))(?P<space>\s*)(?P<words>[^\s,;]+(?:[^\S\n]+[^\s,;]+){0,3})")
_TOKEN_RE = re.compile(r"\S+")
#: A colon inside an address (no address has one), with the spaces around it.
_SPECK_COLON_RE = re.compile(r"(?<=[^\W\d_])\s*:\s*(?=[^\W\d_])|(?<=,)\s*:\s*|\s*:(?=,)")
_SPECK_COLON_END_RE = re.compile(r"\s*:+\s*$")
#: A stop after a comma, or after a word of three letters or more (abbreviations, TP. P. Q. Tx., are
#: shorter) or a whole unit word, before a comma or inside a unit's name: no sentence ends there (one may
#: end before a unit word, "xã Diễn Kim. Huyện Diễn Châu…").
_SPECK_STOP_RE = re.compile(r"(?<=,)\.|(?:(?<=[^\W\d_]{3})|(?<=\bxã))\.(?=,|\s(?!\s*(?i:"
                            + "|".join(re.escape(w) for w in UNIT_WORDS) + r")\s))")
#: Specks a scan leaves before a line's first letter, read as punctuation ("_Xơm 6", "'Xoí 9").
_LEADING_SPECKS = "_'\"‘’“”`.-"
#: Hamlet words shorter than this (ấp, tổ) are matched only as read: one letter off, they are other words.
MIN_HAMLET_KEY = 3
_QUOTE_MARKS = "\"”“’'"
_UNIT_RE = re.compile(
    r"(?P<unit>\b(?i:" + "|".join(re.escape(w) for w in UNIT_WORDS) + r"))\s+"
    r"(?P<name>(?:(?!\s(?:" + "|".join(re.escape(w) for w in UNIT_WORDS if w != "TP.") + r")\s)[^,;()])+)",
)

#: A ")" that closes nothing, before the next part's unit word: the comma between two parts, misread.
_STRAY_CLOSE_RE = re.compile(r"\)(?=\s+(?i:" + "|".join(re.escape(w) for w in UNIT_WORDS) + r")\s)")
#: A "." before a unit word in small letters ("Diễn Châu. tỉnh Nghệ An"): no sentence begins in small
#: letters, so it is the comma between two parts, misread; so is a "?" there ("Bình My? huyện", the comma
#: and a mark struck apart read as one glyph: no address asks a question). "TP." keeps its dot.
_STRAY_PERIOD_RE = re.compile(r"(?<!TP)(?<=[^\W_])[.?](?=\s+(?:"
                              + "|".join(re.escape(w) for w in UNIT_WORDS if w != "TP.") + r")\s+[^\W_])")


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
        if not found:
            found = _one_letter_from(name, set(known) | tree_names)
        if not found:
            found = _one_letter_and_marks_lost(name, known)
        spelling = next(iter(found.values())) if len(found) == 1 else None
        if spelling is not None and not same_spelling(name_read, spelling):
            rest = match["name"][len(name):]
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
        if len(key) >= MIN_FUZZY_LENGTH or _lookalike_swap(read if letter else key, letter or form):
            found[form] = spelling
    return found


def _one_letter_and_marks_lost(name: str, known: set[str]) -> dict[str, str]:
    """The long name the book's authority spells that a reading misses by one letter and by marks it lacks
    ("Bihh Mỹ" for Bình Mỹ: a typewriter's n read as h, the grave struck apart and lost). Marks lost, not
    misread: a reading with a mark the name lacks is another name."""
    key = _key(name)
    if len(key) < MIN_FUZZY_LENGTH:
        return {}
    read = unicodedata.normalize("NFD", nfc(name).casefold())
    found = {}
    for spelling in known:
        if len(_key(spelling)) != len(key) or Levenshtein.distance(key, _key(spelling)) != 1:
            continue
        marks = [(base, mark) for base, mark in _letters_and_marks(read)]
        theirs = [(base, mark) for base, mark in _letters_and_marks(
            unicodedata.normalize("NFD", nfc(spelling).casefold()))]
        if len(marks) == len(theirs) and all(m <= t for (_, m), (_, t) in zip(marks, theirs)):
            found[canonical(spelling)] = spelling
    return found


def _letters_and_marks(decomposed: str) -> list[tuple[str, set[str]]]:
    """Each base letter of an NFD text with the set of combining marks on it."""
    out: list[tuple[str, set[str]]] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and out:
            out[-1][1].add(ch)
        else:
            out.append((ch, set()))
    return out


def _lookalikes_only(key: str, form: str) -> bool:
    """Whether two comparison forms of the same length differ in two letters or more, at most half of them,
    each a pair a hand or print confuses."""
    differing = [(a, b) for a, b in zip(key, form) if a != b]
    letters = sum(1 for ch in form if ch.isalpha())
    return (len(key) == len(form) and 2 <= len(differing) <= letters // 2
            and all({a, b} in LOOKALIKE_LETTERS for a, b in differing))


def _lookalike_swap(read: str, form: str) -> bool:
    """Whether the one letter two forms of the same length differ in is a pair print confuses (e/f)."""
    return any({a, b} in LOOKALIKE_LETTERS for a, b in zip(read, form) if a != b)


def snap_unit_words(text: str) -> str:
    """A place's unit and hamlet words (xã, huyện, tỉnh, thôn, bản…, closed lists) read with a wrong mark
    where a part of the address begins ("huyên Bến Lức" → "huyện Bến Lức", "Bẩn Púng" → "Bản Púng"), in
    the reading's case; and a unit word inside a part, in small letters before a name or number
    ("Trạm y tế xá Thanh Xương" → "xã")."""
    def replace(match: re.Match) -> str:
        words = match["words"].split()
        if len(words) < 2:
            return match.group(0)  # a part of one word is a name, not a unit word and its name
        for size in (3, 2, 1):
            if len(words) <= size or not (words[size][:1].isupper() or words[size][:1].isdigit()):
                continue  # a unit or hamlet word is followed by its name or number
            head = " ".join(words[:size])
            if size == 1 and words[1][:1].isdigit():
                head = head.lstrip(_LEADING_SPECKS) or head  # "_Xơm 6": a speck before the line's first word
            unit = _PART_START_KEYS.get(units.bare_key(head))
            if unit is None and size <= 2 and head[:1].islower():
                unit = _one_letter_off_unit(head)
            if unit is None and size == 1 and words[1][:1].isdigit():
                unit = _hamlet_word_before_number(head)
            if unit is None or same_spelling(head.casefold(), unit):
                continue
            fixed = unit[:1].upper() + unit[1:] if head[:1].isupper() else unit
            return match["space"] + " ".join([fixed, *words[size:]])
        return match.group(0)

    if "(" not in text:
        text = _STRAY_CLOSE_RE.sub(",", text)
    text = _STRAY_PERIOD_RE.sub(",", text)
    text = _drop_specks(text)
    text = _facility_words(text)
    return _inner_unit_words(_SEGMENT_START_RE.sub(replace, text))


def _drop_specks(text: str) -> str:
    """Specks a scan left inside an address, read as punctuation no address has: a colon ("huyện Xuân:
    Trường", "tỉnh:Long An"), a stop after a word that abbreviates nothing ("xã Lương. Hoà", "Bến Lức,.")."""
    text = _SPECK_COLON_RE.sub(" ", text)
    text = _SPECK_COLON_END_RE.sub("", text)
    return _SPECK_STOP_RE.sub("", text)


def _hamlet_word_before_number(word: str) -> str | None:
    """The one hamlet or unit word (xóm, thôn, khóm, phường…) that a part's first word before a number is
    with one letter misread, or with its m read as two narrow letters ("Xoín 6", "Xoii 6": a typewriter's narrow m
    under a struck acute), same first letter: a name does not stand before a number."""
    key = units.bare_key(word)
    if len(key) < MIN_HAMLET_KEY or not key.isalpha():
        return None
    near = {unit for unit_key, unit in _PART_START_KEYS.items()
            if " " not in unit_key and unit_key[:1] == key[:1] and len(unit_key) >= MIN_HAMLET_KEY
            and (Levenshtein.distance(key, unit_key) <= 1 or key in _m_read_apart(unit_key))}
    return near.pop() if len(near) == 1 else None


def _m_read_apart(key: str) -> set[str]:
    """A word's letters with its m read as two narrow letters."""
    return {key.replace("m", pair) for pair in ("in", "ni", "rn", "ii") if "m" in key}


def _one_letter_off_unit(word: str, keys: dict[str, str] = _PART_START_KEYS) -> str | None:
    """The one unit or hamlet word (of ``keys``) that a word in small letters before a name is with one
    letter misread, same length and first letter ("xễ Thanh Xương" for xã, a typewriter's tilde struck over
    the a; "tiẢh Nam Định" for tỉnh; "thahh phố" for thành phố): nothing else stands in small letters before a
    name in an address."""
    key = units.bare_key(word)
    near = {unit for unit_key, unit in keys.items() if unit_key.count(" ") == key.count(" ")
            and len(unit_key) == len(key)
            and unit_key[:1] == key[:1] and Levenshtein.distance(unit_key, key) == 1}
    return near.pop() if len(near) == 1 else None


def _facility_words(text: str) -> str:
    """A place that begins with a facility's words read with other marks ("Tram y tê", "Trung tâm Ÿ tế") or
    with a letter that looks alike ("Bệnh viện Đa khod") begins with them as spelled, each word in the case
    it was read in ("Trạm Y tế" stays capitalized)."""
    tokens = text.split(" ")
    for phrase in FACILITY_WORDS:
        words = phrase.split()
        head = tokens[:len(words)]
        if len(head) < len(words) or not all(_is_facility_word(t, w) for t, w in zip(head, words)):
            continue
        spelled = [w.upper()[:1] + w[1:] if t[:1].isupper() else w for t, w in zip(head, words)]
        return " ".join(spelled + tokens[len(words):])
    return text


def _is_facility_word(token: str, word: str) -> bool:
    read, spelled = _word_key(token), units.bare_key(word)
    return read == spelled or (len(read) == len(spelled) > 1 and Levenshtein.distance(read, spelled) == 1
                               and _lookalike_swap(read, spelled))


def _word_key(token: str) -> str:
    """A read word's bare key; Ÿ is a Y with specks."""
    return units.bare_key(token.replace("Ÿ", "Y").replace("ÿ", "y"))


def _inner_unit_words(text: str) -> str:
    tokens = list(_TOKEN_RE.finditer(text))
    out, last, index = [], 0, 1  # the first word was seen as a part's start
    while index < len(tokens) - 1:
        for size in (2, 1):
            head_tokens = tokens[index:index + size]
            after = tokens[index + size] if index + size < len(tokens) else None
            # A loose mark read as a quote after the word ("xa”" for xã, typewritten) is no letter of it.
            head = " ".join(t.group(0) for t in head_tokens).rstrip(_QUOTE_MARKS)
            if (len(head_tokens) < size or after is None or not head.replace(" ", "").isalpha()
                    or not head[:1].islower() or not after.group(0)[:1].isupper() and not after.group(0)[:1].isdigit()):
                continue
            unit = _UNIT_WORD_KEYS.get(units.bare_key(head))
            if unit is None and len(head) >= 2:
                unit = _one_letter_off_unit(head, _UNIT_WORD_KEYS)
            if unit is None:
                continue
            if not same_spelling(head, unit) or head_tokens[-1].group(0).endswith(tuple(_QUOTE_MARKS)):
                out += [text[last:head_tokens[0].start()], unit]
                last = head_tokens[-1].end()
            index += size
            break
        else:
            index += 1
    return "".join(out) + text[last:]


def _in_placement_of(read: str, name: str, placement: Style | None = None) -> str:
    """``name`` with each word's tone mark placed as the reading's word of the same letters placed it: of the
    two placements, the one closer to what was read ("Họà", a stray dot and a grave on the a, is Hoà); where
    the reading tells neither (it is as close to both, or read no tone mark), ``placement`` if given."""
    read_words, words = read.split(), name.split()
    if len(read_words) != len(words):
        return name
    out = []
    for seen, word in zip(read_words, words):
        seen = unicodedata.normalize("NFC", seen)
        old, new = with_tone_placement(word, "old"), with_tone_placement(word, "new")
        to_old, to_new = Levenshtein.distance(seen, old), Levenshtein.distance(seen, new)
        tie = with_tone_placement(word, placement) if placement else word
        if not any(split_tone(ch)[1] for ch in seen):
            out.append(tie)  # "Hoâ": a hat is no tone, so where it sits says nothing of the tone's place
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
