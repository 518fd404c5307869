"""The words an address is built of, read right: unit words (xã = commune, huyện = district, tỉnh =
province), hamlet words and a health facility's words, each from a closed list, and the specks a scan leaves
between them read as punctuation. Names of units are ``validation.places``' concern.
"""

from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from validation import units
from validation.orthography import same_spelling, tone_marks
from validation.text import lookalike_swap

#: Words that name a unit before its name (thành phố = city, thị xã = town, thị trấn = township, phường =
#: ward, quận = urban district).
UNIT_WORDS = ("thị trấn", "thị xã", "thành phố", "phường", "xã", "quận", "huyện", "tỉnh", "TP.")
#: The words a place's first part may begin with, the hamlet or quarter it names (thôn = hamlet, ấp, bản,
#: buôn, sóc: the hamlet words of the south, the north-west, the Central Highlands, the Khmer south; tổ =
#: a ward's residential group).
SETTLEMENT_WORDS = ("tổ dân phố", "khu phố", "thôn", "xóm", "ấp", "bản", "buôn", "khóm", "phum", "plei", "tổ")
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
#: Hamlet words shorter than this (ấp, tổ) are matched one letter off only when the reading keeps their tone
#: mark ("Tả 32" for Tổ 32): two letters, one of them misread and no mark to go by, are any word.
MIN_HAMLET_KEY = 3
_QUOTE_MARKS = "\"”“’'"
#: A unit word read with its first letter alone misread is matched from this length (huyện, phường).
MIN_FIRST_LETTER_OFF = 5
#: A word, then a quote or caret standing before the next word: where the word is a unit word read without
#: its mark ("xa "Tân", "xaˆTân" for xã Tân), the mark struck apart, read loose.
_LOOSE_MARK_BEFORE_NAME_RE = re.compile(r"(?P<word>[^\W\d_]+)\s?[\"”“ˆ]\s?(?=[^\W\d_])")
#: A short word in small letters beginning with t, then a name, ending the place: its province, or not.
_PROVINCE_AT_END_RE = re.compile(
    r"(?P<before>(?:^|(?<=,))\s*)(?P<word>t[^\W\d_]{1,4})(?P<after>\s+(?P<name>[^\W\d_][^,;]*?)\s*)$")
#: A ")" that closes nothing, before the next part's unit word: the comma between two parts, misread.
_STRAY_CLOSE_RE = re.compile(r"\)(?=\s+(?i:" + "|".join(re.escape(w) for w in UNIT_WORDS) + r")\s)")
#: A "." before a unit word in small letters ("Diễn Châu. tỉnh Nghệ An"): no sentence begins in small
#: letters, so it is the comma between two parts, misread; so is a "?" there ("Bình My? huyện", the comma
#: and a mark struck apart read as one glyph: no address asks a question). "TP." keeps its dot.
_STRAY_PERIOD_RE = re.compile(r"(?<!TP)(?<=[^\W_])[.?](?=\s+(?:"
                              + "|".join(re.escape(w) for w in UNIT_WORDS if w != "TP.") + r")\s+[^\W_])")


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
            first_misread = unit is None and size == 1
            if first_misread:
                unit = _first_letter_off_unit(head)
            if unit is None and head == "x" and match.start() > 0:
                unit = "xã"  # its ã struck apart and lost with its mark: no other unit word begins with x
            if unit is not None and match.start() == 0 and _capitals_in_small_text(head, text):
                return match["space"] + " ".join([unit[:1].upper() + unit[1:], *words[size:]])
            if unit is None or same_spelling(head.casefold(), unit):
                continue
            # A misread first letter says nothing of its case ("Ruyện" for huyện): the word's usual case then.
            fixed = unit[:1].upper() + unit[1:] if head[:1].isupper() and not first_misread else unit
            return match["space"] + " ".join([fixed, *words[size:]])
        return match.group(0)

    text = _PROVINCE_AT_END_RE.sub(_province_word_misread, text)
    text = _LOOSE_MARK_BEFORE_NAME_RE.sub(_unit_word_without_its_mark, text)
    if "(" not in text:
        text = _STRAY_CLOSE_RE.sub(",", text)
    text = _STRAY_PERIOD_RE.sub(",", text)
    text = _drop_specks(text)
    text = _facility_words(text)
    return _inner_unit_words(_SEGMENT_START_RE.sub(replace, text))


def _capitals_in_small_text(head: str, text: str) -> bool:
    """Whether an address's first word is in capitals and the rest of it is not ("TỔ 28, phường Kim Mã": a
    typewriter's hook struck apart, read over a capital Ô): the word is capitalized like its address."""
    rest = text[len(head):]
    words = [word.strip(",;") for word in rest.split()]  # "TP." abbreviates in capitals: no word of letters
    return len(head) > 1 and head.isupper() and any(ch.islower() for ch in rest) and not any(
        word.isalpha() and word.isupper() and len(word) > 1 for word in words)


def _province_word_misread(match: re.Match) -> str:
    """The word before a province's name at a place's end is tỉnh when it is a province that is no city
    ("từth Long An", "thủ Long An": a hand's tỉnh), whatever it was read as; a unit word stays."""
    if units.bare_key(match["word"]) in _UNIT_WORD_KEYS or units.province_word(match["name"]) != "tỉnh":
        return match.group(0)
    return match["before"] + "tỉnh" + match["after"]


def _unit_word_without_its_mark(match: re.Match) -> str:
    word = match["word"]
    unit = _UNIT_WORD_KEYS.get(units.bare_key(word))
    return word + " " if unit is not None and word != unit else match.group(0)


def _first_letter_off_unit(word: str) -> str | None:
    """The one unit word of five letters or more that a word is with only its first letter misread, every
    other letter and mark as read ("Ruyện", "Nuyện": a hand's h), and no word of any unit's name."""
    if len(word) < MIN_FIRST_LETTER_OFF or units.bare_key(word) in units.name_words():
        return None  # "Quyện", "Tuyên": words units are named with
    near = {unit for unit in _UNIT_WORD_KEYS.values() if len(unit) == len(word) and " " not in unit
            and unit[1:] == word[1:] and unit[:1] != word[:1].casefold()}
    return near.pop() if len(near) == 1 else None


def _drop_specks(text: str) -> str:
    """Specks a scan left inside an address, read as punctuation no address has: a colon ("huyện Xuân:
    Trường", "tỉnh:Long An"), a stop after a word that abbreviates nothing ("xã Lương. Hoà", "Bến Lức,.")."""
    text = _SPECK_COLON_RE.sub(" ", text)
    text = _SPECK_COLON_END_RE.sub("", text)
    return _SPECK_STOP_RE.sub("", text)


def _hamlet_word_before_number(word: str) -> str | None:
    """The one hamlet or unit word (xóm, thôn, khóm, phường, tổ…) that a part's first word before a number is
    with one letter misread (a word of two letters only with its tone mark as read, "Tả 32"), or with its m
    read as two narrow letters ("Xoín 6", "Xoii 6": a typewriter's narrow m under a struck acute), same first
    letter: a name does not stand before a number."""
    key = units.bare_key(word)
    if not key.isalpha():
        return None

    def near(unit_key: str, unit: str) -> bool:
        if " " in unit_key or unit_key[:1] != key[:1]:
            return False
        if len(unit_key) < MIN_HAMLET_KEY:
            return len(key) == len(unit_key) and Levenshtein.distance(key, unit_key) == 1 \
                and tone_marks(word) == tone_marks(unit) != ""
        return len(key) >= MIN_HAMLET_KEY and (Levenshtein.distance(key, unit_key) <= 1
                                               or key in _m_read_apart(unit_key))

    found = {unit for unit_key, unit in _PART_START_KEYS.items() if near(unit_key, unit)}
    return found.pop() if len(found) == 1 else None


def _m_read_apart(key: str) -> set[str]:
    """A word's letters with its m read as two narrow letters."""
    return {key.replace("m", pair) for pair in ("in", "ni", "rn", "ii") if "m" in key}


def _one_letter_off_unit(word: str, keys: dict[str, str] = _PART_START_KEYS) -> str | None:
    """The one unit or hamlet word (of ``keys``) that a word in small letters before a name is with one
    letter misread, same length and first letter ("xễ Thanh Xương" for xã, a typewriter's tilde struck over
    the a; "tiẢh Nam Định" for tỉnh; "thahh phố" for thành phố): nothing else stands in small letters before a
    name in an address. A two-letter hamlet word (ấp, tổ) is not: one letter of two off is any word ("th").
    """
    key = units.bare_key(word)
    near = {unit for unit_key, unit in keys.items() if unit_key.count(" ") == key.count(" ")
            and len(unit_key) == len(key) and (len(key) >= MIN_HAMLET_KEY or unit in _UNIT_WORD_KEYS.values())
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
                               and lookalike_swap(read, spelled))


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
