"""Reading repair: what the page's context and Vietnamese spelling say a reading must have been.

Each repair returns the repaired text and the kind of repair (``validation.repair_kinds``); the caller keeps
the raw reading beside the repaired one, so a reviewer always sees what OCR returned. A repair never turns
the book's own spelling into another accepted spelling: the two tone placements (Hoá/Hóa) are one spelling.
The date in words has a repair of its own (``validation.date_words_repair``).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from datetime import date
from typing import Any

from rapidfuzz import fuzz

from validation.date_words_repair import repair_date_words
from validation.digits import repair_digits
from validation.names import has_common_surname, likely_spelling, reads_like_kinh_name, usual_spelling
from validation.normalize import REPAIRED_FACTOR, normalize_field, title_case_name
from validation.orthography import VOWELS, PagePlacement, canonical, placement_of, same_spelling, split_tone, with_tone_placement
from validation.notes import repair_note
from validation.places import PLACE_FIELDS, id_prefixes_of_authority, snap_unit_names, unit_names
from validation.repair_kinds import (APOSTROPHE, DIGITS, LETTER_CASE, LETTERS_FOR_DIGITS, OFFSET_MARKS,
                                     SPECK, UNIT_NAME, UNSURE_CONFIDENCE, USUAL_NAME, VOCABULARY)
from validation.schema import BookKeys
from validation.syllables import is_valid_syllable, join_split_name_parts, repair_syllables
from validation.text import DIGIT_LOOKALIKES, clean_reading, strip_diacritics
from validation.vocab import ethnic_group, ethnic_groups

RawEntry = dict[str, tuple[str, float]]

#: Fields of running text whose words get the letter-case repair.
TEXT_CASE_FIELDS = (*PLACE_FIELDS, "notes", "date_of_birth_words")
#: Digit fields in the order their repairs depend on each other (years and the ID follow the date of birth).
DIGIT_FIELDS = ("date_of_birth", "registration_date", "mother_birth_year", "father_birth_year", "personal_id")
#: Fields whose value comes from a closed vocabulary.
VOCABULARY_FIELDS = frozenset({"sex", "ethnicity", "mother_ethnicity", "father_ethnicity", "nationality",
                               "mother_nationality", "father_nationality"})
NAME_FIELDS = frozenset({"full_name", "mother_name", "father_name", "declarant_name"})
#: Fields whose syllables are checked: names, places and the date in words (before its grammar). Not
#: notes: a correction note quotes the wrong spelling it corrects ("từ Quãch thành Quách"), which must
#: stay as written; there only a mark read on the wrong vowel of its word is moved (``_repair_notes``).
SYLLABLE_FIELDS = (*sorted(NAME_FIELDS), *PLACE_FIELDS, "date_of_birth_words")


def repair_readings(raw: RawEntry, book: BookKeys, placement: PagePlacement = None,
                    placements_seen: set[str] = frozenset(), guessed_over: GuessedOver | None = None
                    ) -> tuple[RawEntry, dict[str, str], set[str]]:
    """Readings repaired by Vietnamese spelling (tone marks no syllable can carry), the date-words grammar
    and the page's context (unit names the authority spells out), with confidences adjusted; field → kind
    of repair for each one changed; and the fields whose reading could not be settled. Such a reading
    keeps its text (or, for the date in words, the first of the equally close variants) and gets at most
    ``UNSURE_CONFIDENCE``, so it goes to review. ``placement``: the tone placement the page's readings show
    (``orthography.placement_used``), given to a tone a unit name's reading lacks. ``placements_seen``:
    fields typed with marks apart whose every open oa/oe/uy mark the reader saw struck over its vowel
    (``ocr.marks.placements_seen``): their placement is the book's, not a drift to doubt. ``guessed_over``
    receives, for each name replaced by a guess from the names' counts, the reading it replaced and that
    reading's kind of repair (None when none): a candidate as good as the guess, which only the registry
    can tell apart (see ``validation.entry_check``)."""
    repaired = dict(raw)
    repairs: dict[str, str] = {}
    unsure: set[str] = set()
    present = [name for name in SYLLABLE_FIELDS if name in raw and raw[name][0]]
    # Marks that had to move show the entry was typed with separately struck, offset marks.
    offset = any((found := repair_syllables(raw[name][0])).repaired > found.named for name in present)
    for name in present:
        text, conf = raw[name]
        result = repair_syllables(text, offset=offset and name not in placements_seen)
        if result.repaired and result.text != unicodedata.normalize("NFC", text):
            # Placement alone (Hoà → Hòa) changes no letter or mark: no doubt is added.
            same = canonical(result.text) == canonical(text)
            text, conf = result.text, conf * (1.0 if same else REPAIRED_FACTOR)
            repairs[name] = OFFSET_MARKS
            if result.named:  # a mark spelling named, not the one read: for the registry to confirm
                conf = min(conf, UNSURE_CONFIDENCE)
        moved_open_pair = (name in placements_seen and repairs.get(name) == OFFSET_MARKS
                           and any(placement_of(word) for word in re.findall(r"[^\W\d_]+", text)))
        if result.unsure or moved_open_pair:
            # A mark this repair moved onto an open vowel pair sits where spelling, not the ink, put it.
            conf = min(conf, UNSURE_CONFIDENCE)
            unsure.add(name)
        repaired[name] = (text, conf)
    _repair_digit_fields(repaired, repairs, unsure, book)
    _repair_notes(repaired, repairs)
    known_units = unit_names(book.authority)
    for name in PLACE_FIELDS:
        if name in repaired and repaired[name][0]:
            text, conf = repaired[name]
            snapped = snap_unit_names(text, known_units, placement if placement != "mixed" else None)
            if not same_spelling(snapped, text):
                # On a page that shows both placements a placement read may be a mark that drifted: in a
                # reading that needed a repair, nothing confirms it (the registry compares placements as one).
                if (placement in (None, "mixed") and _placement_guessed(text, snapped)
                        or placement == "mixed" and name not in placements_seen
                        and any(placement_of(word) for word in re.findall(r"[^\W\d_]+", snapped))):
                    conf = min(conf, UNSURE_CONFIDENCE)
                    unsure.add(name)
                elif name in unsure and not repair_syllables(snapped, offset=offset).unsure:
                    unsure.discard(name)  # the words no syllable could be ("Tẩ", "xẫ") were a known unit's
                repaired[name], repairs[name] = (snapped, conf), UNIT_NAME
    if repaired.get("date_of_birth_words", ("", 0))[0] and "date_of_birth" in raw:
        # The digits as read, or as repaired where no date can be read from them ("72.70.2017" for 12.10.2017).
        born = (normalize_field("date_of_birth", *raw["date_of_birth"]).value
                or normalize_field("date_of_birth", *repaired.get("date_of_birth", raw["date_of_birth"])).value)
        if born:
            words, kind, settled = repair_date_words(*repaired["date_of_birth_words"], date.fromisoformat(born))
            repaired["date_of_birth_words"] = words
            if kind:
                repairs["date_of_birth_words"] = kind
            # The grammar decides for the date in words, whatever the syllables said.
            (unsure.discard if settled else unsure.add)("date_of_birth_words")
    _drop_name_specks(repaired, repairs)
    _repair_letter_case(repaired, repairs)
    _repair_digits_in_names(repaired, repairs)
    _repair_usual_names(repaired, repairs, guessed_over if guessed_over is not None else {})
    for name in NAME_FIELDS & unsure:
        # The words no syllable could be ("Ngụyễn", "Baồ") were replaced by a name's usual spelling: a guess
        # as doubtful as before, but one the registry may now confirm, as it does any usual-name guess. So
        # were words run together ("SìnhA Pó" for the Hmông Sình A Pó), once set apart.
        if repairs.get(name) in (USUAL_NAME, LETTER_CASE) and not repair_syllables(repaired[name][0]).unsure:
            unsure.discard(name)
    return repaired, repairs, unsure


def _repair_notes(readings: RawEntry, repairs: dict[str, str]) -> None:
    """A note's marks and wording put right (``validation.notes.repair_note``), less sure than read."""
    text, conf = readings.get("notes", ("", 0.0))
    repaired, kind = repair_note(text) if text else (text, None)
    if kind is not None:
        readings["notes"], repairs["notes"] = (repaired, conf * REPAIRED_FACTOR), kind


def _placement_guessed(read: str, snapped: str) -> bool:
    """Whether a snapped unit name gave a tone to an open oa, oe or uy the reading had read without one
    ("Lương Hoa" → Hòa), or with a letter more or less ("Hó": one lost beside the mark): the list spells one
    placement, the book may have used the other (Hoà), and nothing read tells which."""
    read_words, words = unicodedata.normalize("NFC", read).split(), unicodedata.normalize("NFC", snapped).split()
    if len(read_words) != len(words):
        return False
    return any(seen != word and with_tone_placement(word, "old") != with_tone_placement(word, "new")
               and (not any(split_tone(ch)[1] for ch in seen) or len(seen) != len(word))
               for seen, word in zip(read_words, words))


#: A name read at least this confidently takes a name's usual marks only as a guess (doubtful ones take them).
USUAL_NAME_BELOW = 0.9


#: Field → (the reading a usual-name guess replaced, its confidence), and the kind of repair it had.
GuessedOver = dict[str, tuple[tuple[str, float], str | None]]


def _repair_usual_names(readings: RawEntry, repairs: dict[str, str], guessed_over: GuessedOver) -> None:
    """Doubtful readings of the names in a Kinh family's entry (the child's ethnic group is Kinh) whose
    words no listed name uses take the usual spelling of those letters (``validation.names``). The table
    is of Kinh names: the names of other groups (Giàng, Tòng, Mùa) are left as read. A book without an
    ethnic-group column (the older tables) counts as Kinh where the child's surname is a common Kinh one,
    and there only names whose other words are all common Kinh name words are repaired."""
    column = "ethnicity" in readings
    if column:
        group = ethnic_group(readings["ethnicity"][0]) if readings["ethnicity"][0] else None
        if group is None or group[1] != "Kinh":
            return
    elif not has_common_surname(readings.get("full_name", ("", 0.0))[0]):
        return
    for name in sorted(NAME_FIELDS):
        if not (name in readings and readings[name][0]):
            continue
        if not column and not reads_like_kinh_name(readings[name][0]):
            continue
        text, conf = readings[name]
        if conf >= USUAL_NAME_BELOW:
            # Read confidently, a word no one is named ("Đỉnh" as a surname) is still no name: the usual
            # spelling is a guess the registry must confirm, and the reading unconfirmed is doubtful.
            fixed = usual_spelling(text)
            if canonical(fixed) != canonical(text):  # a tone placement of its own is the book's
                guessed_over[name] = readings[name], repairs.get(name)
                readings[name], repairs[name] = (fixed, min(conf * REPAIRED_FACTOR, UNSURE_CONFIDENCE)), USUAL_NAME
            continue
        fixed, guessed = usual_spelling(text), likely_spelling(text)
        if guessed != fixed:  # only the registry can confirm a guess from the names' counts
            guessed_over[name] = readings[name], repairs.get(name)
            readings[name], repairs[name] = (guessed, min(conf * REPAIRED_FACTOR, UNSURE_CONFIDENCE)), USUAL_NAME
        elif fixed != unicodedata.normalize("NFC", text):
            readings[name], repairs[name] = (fixed, conf * REPAIRED_FACTOR), USUAL_NAME


_NAME_WORD_WITH_DIGIT_RE = re.compile(r"\b(?=\w*[^\W\d_])(?=\w*\d)\w+\b")


def _repair_digits_in_names(readings: RawEntry, repairs: dict[str, str]) -> None:
    """A digit inside a word of a name ("0anh", "Bù1") is a letter misread: where exactly one of the letters
    it may be makes a word written like a name part (a capital, then small letters) that Vietnamese spelling
    allows, that letter is put in. Otherwise the word stays and its field's format check sends it to review."""
    for name in sorted(NAME_FIELDS):
        if not (name in readings and readings[name][0]):
            continue
        text, conf = readings[name]

        def replace(match: re.Match) -> str:
            word = match[0]
            choices = [DIGIT_LOOKALIKES.get(ch, ch) if ch.isdigit() else ch for ch in word]
            fits = {candidate for candidate in ("".join(p) for p in itertools.product(*choices))
                    if candidate[:1].isupper() and candidate[1:] == candidate[1:].lower()
                    and is_valid_syllable(candidate) is not False and _vietnamese_ending(candidate)}
            return fits.pop() if len(fits) == 1 else word

        fixed = _NAME_WORD_WITH_DIGIT_RE.sub(replace, text)
        if fixed != text:
            readings[name], repairs[name] = (fixed, conf * REPAIRED_FACTOR), LETTERS_FOR_DIGITS


#: The consonants a Vietnamese syllable may end in; otherwise it ends in a vowel.
ENDING_CONSONANTS = ("ch", "nh", "ng", "c", "m", "n", "p", "t")


def _vietnamese_ending(word: str) -> bool:
    bare = "".join(split_tone(ch)[0] for ch in unicodedata.normalize("NFC", word)).lower()
    return bool(bare) and (bare[-1] in VOWELS or bare.endswith(ENDING_CONSONANTS))


#: Punctuation no name holds, a speck read beside a mark struck apart: a bracket closing a word ("Thị]"),
#: a stop or comma joining two words ("Tạ.Đức"; "H.Nhi", one letter before it, is the H' prefix).
_NAME_SPECK_RE = re.compile(r"(?<=[^\W\d_])[\]\[{}]+(?=\s|$)|(?<=[^\W\d_]{2})[.,](?=[^\W\d_])")


def _drop_name_specks(readings: RawEntry, repairs: dict[str, str]) -> None:
    for name in sorted(NAME_FIELDS):
        text, conf = readings.get(name) or ("", 0.0)
        fixed = _NAME_SPECK_RE.sub(lambda m: " " if m[0] in ".," else "", text or "")
        if fixed != (text or ""):
            readings[name], repairs[name] = (fixed, conf), SPECK


def _repair_letter_case(readings: RawEntry, repairs: dict[str, str]) -> None:
    """Letter case OCR cannot see: c, o, s, v, x, z (and ô, ơ, ư…) have one shape in both cases, so an
    engine guesses. A name is written with every part capitalized (or all in capitals); inside a word a
    capital after small letters ("tẾ", "tỪ") is a misreading, and so is a part split in two ("Ng uyễn"). Which
    case a word begins with is left alone (a place may start "xã" or "Xã")."""
    for name in (*sorted(NAME_FIELDS), *TEXT_CASE_FIELDS):
        if not (name in readings and readings[name][0]):
            continue
        text, conf = readings[name]
        if name in NAME_FIELDS and (prefixed := _h_prefix(text)) != text:
            readings[name], repairs[name] = (prefixed, conf), APOSTROPHE
            text = prefixed
        fixed = (_name_case(_split_run_together_parts(join_split_name_parts(text))) if name in NAME_FIELDS
                 else _inner_case(text))
        if fixed != text:
            readings[name] = (fixed, conf)
            repairs.setdefault(name, LETTER_CASE)


#: "HNhi", "H.Nhi", "H]Juin": a name part of H, at most one mark of punctuation, then a capitalized part,
#: is the Ê-đê and Gia-rai women's prefix H' whose apostrophe was misread. No Vietnamese name part has two
#: capitals; "H Điêu", with a space, may be how the book wrote it and stays, as do names in capitals.
_H_PREFIX_RE = re.compile(r"(?<![^\s-])H[.,`´\]\[|]?(?=[^\W\d_])(?=\w[^\W\d_]*)")


def _h_prefix(text: str) -> str:
    """``text`` with the H' prefix of a name part restored where OCR lost or misread its apostrophe."""
    text = unicodedata.normalize("NFC", text)

    def restore(match: re.Match) -> str:
        rest = text[match.end():]
        part = re.match(r"[^\W\d_]+", rest)
        if part and part[0][0].isupper() and len(part[0]) > 1 and part[0][1:].islower():
            return "H'"
        return match[0]

    return _H_PREFIX_RE.sub(restore, text)


#: Name parts of one letter: the Hmông and Dao men's A (Giàng A Páo), the Ê-đê and Gia-rai men's Y (Y Bhin).
ONE_LETTER_PARTS = frozenset("AY")


def _split_run_together_parts(text: str) -> str:
    """A name part ending in a capital A or Y after small letters, or beginning with one before a
    capitalized part, as two parts: the space beside a one-letter part was lost ("LyA Chu" for the Hmông
    "Ly A Chu", "CứA Páo"; "YBhin" for the Ê-đê "Y Bhin"). Other capitals there are misread small letters
    ("TrÍ", "RươtL"), and longer tails ("McDonald") spellings."""
    def split(match: re.Match) -> str:
        run = match[0]
        if len(run) > 1 and run[-1] in ONE_LETTER_PARTS and run[-2].islower():
            return run[:-1] + " " + run[-1]
        if len(run) > 2 and run[0] in ONE_LETTER_PARTS and run[1].isupper() and run[2:].islower():
            return run[0] + " " + run[1:]
        return run

    return _WORD_PART_RE.sub(split, unicodedata.normalize("NFC", text))


def _name_case(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) > 1 and all(ch.isupper() for ch in letters):
        return text  # a name written in capitals throughout
    return title_case_name(text)


_WORD_PART_RE = re.compile(r"[^\W\d_]+")


#: Letters whose capital is their small letter enlarged: case is a guess for an engine.
SAME_SHAPE = frozenset("cosuvwxz")


def _inner_case(text: str) -> str:
    """Capitals inside a run of letters that holds small letters become small ("tẾ" → "tế", "ThÀnh" →
    "Thành"); so do the capitals after the first of a run made only of same-shape letters in a text that is
    not in capitals ("CỦ Chi" → "Củ Chi"). Other runs in capitals ("QĐ", "UBND") stay."""
    mixed_text = any(ch.islower() for ch in text)

    def fix(match: re.Match) -> str:
        run = match[0]
        tail = run[1:]
        if any(ch.islower() for ch in run) and any(ch.isupper() for ch in tail):
            return run[0] + tail.lower()
        if mixed_text and len(run) > 1 and run.isupper() and set(strip_diacritics(run).lower()) <= SAME_SHAPE:
            return run[0] + tail.lower()
        return run

    return _WORD_PART_RE.sub(fix, text)


def _repair_digit_fields(readings: RawEntry, repairs: dict[str, str], unsure: set[str], book: BookKeys) -> None:
    """Confusable digits (see validation.digits) in place, dependent fields after the date of birth."""
    for name in DIGIT_FIELDS:
        if not (name in readings and readings[name][0]):
            continue
        born = normalize_field("date_of_birth", *readings["date_of_birth"]).value if "date_of_birth" in readings else None
        sex = normalize_field("sex", *readings["sex"]).value if "sex" in readings else None
        text, conf = readings[name]
        fixed, settled = repair_digits(name, text, book.year, date.fromisoformat(born) if born else None, sex,
                                       id_prefixes_of_authority(book.authority))
        if fixed != text:
            readings[name], repairs[name] = (fixed, conf * REPAIRED_FACTOR), DIGITS
        if not settled:
            readings[name] = (fixed, min(conf, UNSURE_CONFIDENCE))
            unsure.add(name)


def book_text(name: str, reading: str | None, value: Any) -> tuple[str | None, str | None]:
    """(the book's text for a field, the kind of repair when the text is not the reading).

    The text is the cleaned reading (NFC, whitespace collapsed, stray rule marks gone), case and tone
    placement as printed. A closed-vocabulary reading that is not one of the vocabulary's accepted spellings
    was misread: the book's text is then the value it was snapped to, in the reading's case.
    """
    text = clean_reading(reading)
    if text is None:
        return None, None
    if name in NAME_FIELDS:
        return text.rstrip(".").rstrip() or text, None
    if name in VOCABULARY_FIELDS and isinstance(value, str) and not _spells(text, value, name):
        spelled = _closest_spelling(text, value) if name.endswith("ethnicity") else value
        return _case_like(text, spelled), VOCABULARY
    if name in VOCABULARY_FIELDS and isinstance(value, str) and (cased := _vocabulary_case(text, value)) != text:
        return cased, LETTER_CASE
    return text, None


def _vocabulary_case(text: str, value: str) -> str:
    """A vocabulary word read with a same-shape first letter in the other case than the vocabulary writes it
    ("việt Nam" for Việt Nam: v and V differ in size only) takes the vocabulary's case; any other letter's
    case stays as read."""
    read_parts, parts = text.split(" "), value.split(" ")
    if len(read_parts) != len(parts) or text.isupper():
        return text
    fixed = [p[:1] + r[1:] if r[:1] != p[:1] and r[:1].casefold() == p[:1].casefold()
             and strip_diacritics(r[:1]).lower() in SAME_SHAPE else r for r, p in zip(read_parts, parts)]
    return " ".join(fixed)


def _case_like(reading: str, text: str) -> str:
    """``text`` in the reading's letter case, word by word ("NŨ" → "NỮ", "Ê Đế" → "Ê Đê")."""
    if reading.isupper() and len(reading) > 1:
        return text.upper()
    read_parts, parts = re.split(r"([\s\-]+)", reading), re.split(r"([\s\-]+)", text)
    if len(read_parts) != len(parts):
        return text
    # A word's case is taken from the reading only where its first letter was read as that letter
    # ("Đế" → "Đê"); a misread first letter ("tô" for "Lô") says nothing of case.
    return "".join((p[:1].upper() + p[1:] if r[:1].isupper() else p[:1].lower() + p[1:])
                   if r[:1].casefold() == p[:1].casefold() else p
                   for r, p in zip(read_parts, parts))


def _closest_spelling(text: str, official: str) -> str:
    """Of an ethnic group's accepted spellings ("Ê-đê", "Ê đê"), the one a misread reading is closest to,
    so a book that writes the variant keeps it."""
    group = next((g for g in ethnic_groups() if g.name == official), None)
    spellings = (official, *group.variants) if group else (official,)
    return max(spellings, key=lambda s: fuzz.ratio(canonical(s), canonical(text)))


def _spells(text: str, value: str, name: str) -> bool:
    """Whether ``text`` is an accepted spelling of ``value``: one of its listed spellings, letter for letter
    and mark for mark, with case and tone placement aside. A lost hyphen or space ("Khơme" for "Khơ-me",
    "ViệtNam") is a misreading, not the book's spelling."""
    spellings: tuple[str, ...] = (value,)
    if name.endswith("ethnicity"):
        group = next((g for g in ethnic_groups() if g.name == value), None)
        spellings = (value, *group.variants) if group else (value,)
    return any(same_spelling(text.casefold(), spelling.casefold()) for spelling in spellings)
