"""Readings with candidates only the registry can tell apart: where the entry's own registry record spells
one of them, that one is kept, as doubtful as it was read, for the cross-check to confirm; otherwise the
reading stays as repaired and goes to review. The book wins: a candidate is always something the page's ink
may say, never the registry's text where the ink says otherwise.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from validation.names import MIN_COMMON, letters_key, name_words
from validation.normalize import normalize_field
from validation.orthography import placement_of, same_spelling, split_tone
from validation.places import PLACE_FIELDS
from validation.repair import NAME_FIELDS, GuessedOver
from validation.repair_kinds import ENGINE_CHOICE, LETTERS_FOR_DIGITS, LOOKALIKE_LETTER, SPECK, USUAL_NAME
from validation.text import lookalike_swap, nfc
from validation.vocab import ethnic_group

RawEntry = dict[str, tuple[str, float]]
#: Per field, per word the engine read, the other characters it weighed for each letter (``Word.choices``).
Choices = dict[str, dict[str, tuple[str, ...]]]


def keep_readings_the_registry_spells(repaired: RawEntry, repairs: dict[str, str], guessed_over: GuessedOver,
                                       registry_rows: list[dict[str, Any]]) -> None:
    """A name the usual-name guess replaced ("Phượng", a name few of the listed names use, guessed as the
    common Phương) and the guess are two candidates that only the registry can tell apart: where the entry's
    record spells the reading, the reading stays, as doubtful as it was read, for the registry to confirm.
    Where it spells neither, the guess stays and goes to review."""
    rows = _records_of_reading(repaired, registry_rows) if guessed_over else []
    for name, (reading, kind) in guessed_over.items():
        if any(isinstance(row.get(name), str) and same_spelling(reading[0], row[name]) for row in rows):
            repaired[name] = reading
            if kind is None:
                repairs.pop(name, None)
            else:
                repairs[name] = kind


#: A comma or stop right after a letter, before the next word (its tone mark is checked apart).
_SPECK_AFTER_LETTER_RE = re.compile(r"(?<=[^\W\d_])[,.](?=\s+[^\W\d_])")


def drop_specks_the_registry_lacks(repaired: RawEntry, repairs: dict[str, str], typed_apart: set[str],
                                    registry_rows: list[dict[str, Any]]) -> None:
    """A place typed with marks struck apart, read with a comma or stop right after a letter with a tone mark
    ("Bệnh viện Từ, Dũ"): the speck the drifted mark left, or the book's own comma. Only the registry can
    tell them apart: where the entry's record spells the reading without it, letter for letter, it goes."""
    fields = [name for name in PLACE_FIELDS if name in typed_apart and repaired.get(name, ("", 0.0))[0]]
    rows = _records_of_reading(repaired, registry_rows) if fields else []
    for name in fields:
        text, conf = repaired[name]
        spots = [m.start() for m in _SPECK_AFTER_LETTER_RE.finditer(text) if split_tone(text[m.start() - 1])[1]]
        candidates = [text[:at] + text[at + 1:] for at in spots]
        if len(spots) > 1:
            candidates.append("".join(ch for at, ch in enumerate(text) if at not in spots))
        for candidate in candidates:
            if any(isinstance(row.get(name), str) and same_spelling(candidate, row[name]) for row in rows):
                repaired[name], repairs[name] = (candidate, conf), SPECK
                break


def _records_of_reading(repaired: RawEntry, registry_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The registry records carrying the number an entry's readings give it (none without one)."""
    if not repaired.get("entry_no", ("", 0.0))[0]:
        return []
    return records_numbered({"entry_no": normalize_field("entry_no", *repaired["entry_no"]).value}, registry_rows)


def records_numbered(values: dict[str, Any], registry_rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The registry records that carry the entry's number (none for an entry read without one)."""
    number = values.get("entry_no")
    return [] if number is None else [r for r in registry_rows if r.get("entry_no") == number]


#: A 1 inside a name's word is an i whose tone mark the engine took into the digit ("Th1" for Thị, the dot
#: below or the grave joined to the stem): the i in any tone.
_TONED_I = ("i", "ì", "í", "ỉ", "ĩ", "ị")
#: At most this many words of one name may be misreadings the record settles: more, and it is another name.
MAX_SETTLED_WORDS = 2


def take_name_words_the_registry_spells(raw: RawEntry, repaired: RawEntry, repairs: dict[str, str],
                                       registry_rows: list[dict[str, Any]], choices: Choices | None = None) -> None:
    """Name words that are no name's word, as read, settled by the entry's record. Where the record spells
    the name with every other word as repaired (tone placement aside) and each such word as the misreading's
    source, its words are kept, as doubtful as the reading; the book's own placement stays in the others:

    - a 1 read for an i ("Th1", repaired to the bare "Thi" for Thị: the dot below or a grave joined to the
      stem), the i in the record's tone, a common name word there;
    - a word no listed name uses in its place, one letter of it the letter it looks like ("Tục", "Tưu" as
      surnames, a hand's L as T; "Tan" as a given name), where some listed name uses the record's word;
    - a word no listed name uses in its place read with other marks ("Đỉnh", "Đính" as surnames for Đinh, a
      hand's dotted i read with a hook or an acute), where the record's is a common name word there;
    - a word no common name uses in its place (any word, for a person of another group than the Kinh),
      whose every letter the record has otherwise is one the engine weighed there (``choices``: "Đâng" with
      P its second choice, for Pâng), and is more than another tone mark: the engine's doubt between Ủ and Ú
      is the registry's own between Ủn and Ún where it is a typo.

    A word some name uses is a reading to trust, whatever the record says; a record's word no name uses
    may be its typo."""
    table = name_words()

    def kind_of(name: str, index: int, seen: str, read: str, spelled: str, weighed: tuple[str, ...]) -> str | None:
        counts = table.surname if index == 0 else table.other
        # For a person of another group, a word the listed (Kinh) names use anywhere may be their own name;
        # one no listed name uses ("Đỉnh", "Kiêt") is a misreading as in a Kinh name: many people of other
        # groups bear Sino-Vietnamese names (a Mường Đinh, a Hoa Kiệt).
        listed = not _of_another_group(repaired, name) or not (table.surname.get(read) or table.other.get(read))
        return (_settled_as(seen, read, spelled, counts, listed)
                or _weighed_by_engine(seen, read, spelled, weighed, counts, listed))

    _settle_words(sorted(NAME_FIELDS), raw, repaired, repairs, registry_rows, choices or {}, kind_of)


def take_place_words_the_engine_weighed(raw: RawEntry, repaired: RawEntry, repairs: dict[str, str],
                                        registry_rows: list[dict[str, Any]], choices: Choices | None = None
                                        ) -> None:
    """Place words read with a letter the engine weighed another for, where the entry's record spells the
    place with that other letter and is otherwise the place as repaired ("Xóm T1," for a hand's Xóm 11, the
    engine's second choice for the T a 1): the record's words, as doubtful as the reading."""

    def kind_of(name: str, index: int, seen: str, read: str, spelled: str, weighed: tuple[str, ...]) -> str | None:
        return _weighed_by_engine(seen, read, spelled, weighed, {}, listed=False)

    _settle_words(sorted(PLACE_FIELDS), raw, repaired, repairs, registry_rows, choices or {}, kind_of)


#: Digit fields (a date's record is in ISO form; it is compared in the book's own separators and padding).
DIGIT_WORD_FIELDS: tuple[str, ...] = ("personal_id", "mother_birth_year", "father_birth_year", "date_of_birth",
                                      "registration_date")
_DATE_SHAPE_RE = re.compile(r"^(\d+)(\D+)(\d+)(\D+)(\d{4})$")


def take_digits_the_engine_weighed(raw: RawEntry, repaired: RawEntry, repairs: dict[str, str],
                                   registry_rows: list[dict[str, Any]], choices: Choices | None = None
                                   ) -> set[str]:
    """A year, an ID or a date read with a digit the engine weighed another for, where the entry's record
    has that other digit there and is otherwise the reading ("1997" with 1 weighed beside its last 7, for a
    hand's 1991; both are years, so no rule tells them apart): the record's digits, as doubtful as the
    reading, in the book's own separators. One digit at most: a record with a date's day and month swapped
    differs in two, and the book's date stands against it. Returns the fields settled so: the engine's
    doubt is what left a date's repair unsettled ("71" a day as 11 and as 17), and the record ends it."""

    def kind_of(name: str, index: int, seen: str, read: str, spelled: str, weighed: tuple[str, ...]) -> str | None:
        if len(read) != len(spelled) or sum(a != b for a, b in zip(read, spelled)) != 1:
            return None
        return _weighed_by_engine(seen, read, spelled, weighed, {}, listed=False)

    return _settle_words(list(DIGIT_WORD_FIELDS), raw, repaired, repairs, registry_rows, choices or {}, kind_of,
                         _record_digits, max_words=1)


def _record_digits(name: str, record: Any, reading: str) -> str:
    """A record's year or ID as it is; its ISO date in the shape the book wrote the reading's ("5/6/2023",
    "05.06.2023"), or "" where it cannot take that shape."""
    if name not in ("date_of_birth", "registration_date"):
        return str(record or "")
    shape = _DATE_SHAPE_RE.match(reading)
    if not shape or not isinstance(record, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", record):
        return ""
    year, month, day = record.split("-")
    day, month = str(int(day)).zfill(len(shape[1])), str(int(month)).zfill(len(shape[3]))
    if len(day) != len(shape[1]) or len(month) != len(shape[3]):
        return ""
    return f"{day}{shape[2]}{month}{shape[4]}{year}"


def _settle_words(names: list[str], raw: RawEntry, repaired: RawEntry, repairs: dict[str, str],
                  registry_rows: list[dict[str, Any]], choices: Choices,
                  kind_of: Callable[[str, int, str, str, str, tuple[str, ...]], str | None],
                  record_text: Callable[[str, Any, str], str] = lambda name, value, reading: str(value or ""),
                  max_words: int = MAX_SETTLED_WORDS) -> set[str]:
    """Each field of ``names`` whose record (by the entry's number) has its words, tone placement aside,
    but for at most ``max_words``, each of which ``kind_of(field, index, seen, read, spelled,
    weighed)`` names a misreading of: the record's words in those places, the book's elsewhere.
    ``record_text(field, record's value, reading)``: the record's value as text to compare. Returns the
    fields settled."""
    fields = [name for name in names if repaired.get(name, ("", 0.0))[0]]
    rows = _records_of_reading(repaired, registry_rows) if fields else []
    settled_fields: set[str] = set()
    for name in fields:
        weighed = choices.get(name, {})
        text, conf = repaired[name]
        words = nfc(text).split()
        seen = nfc(raw[name][0]).split() if name in raw else []
        seen = seen if len(seen) == len(words) else [""] * len(words)
        for row in rows:
            theirs = nfc(record_text(name, row.get(name), text)).split()
            if len(theirs) != len(words):
                continue
            differing = [i for i, (mine, its) in enumerate(zip(words, theirs)) if not same_spelling(mine, its)]
            if not differing or len(differing) > max_words:
                continue
            kinds = [kind_of(name, i, seen[i], words[i], theirs[i], weighed.get(seen[i], ())) for i in differing]
            if None in kinds:
                continue
            settled = list(words)
            for index in differing:
                settled[index] = theirs[index]
            repaired[name], repairs[name] = (" ".join(settled), conf), kinds[0]
            settled_fields.add(name)
            break
    return settled_fields


def _settled_as(seen: str, read: str, spelled: str, counts: dict[str, int], listed: bool = True) -> str | None:
    """The kind of misreading that makes ``spelled`` (the record's word) the source of ``read`` (repaired
    from ``seen``, the engine's word), or None. ``listed``: the listed names speak for this person's names;
    otherwise a word no listed name uses is no sign of a misreading, and only a digit among letters is."""
    if read[:1].isupper() != spelled[:1].isupper():
        return None
    if _toned_i_for_one(seen, read, spelled) and counts.get(spelled, 0) >= MIN_COMMON:
        return LETTERS_FOR_DIGITS
    if counts.get(read, 0) != 0 or not listed:
        return None
    if counts.get(spelled, 0) > 0 and _one_lookalike_apart(read, spelled):
        return LOOKALIKE_LETTER
    # The record's tone on an open oa/oe/uy is in the record's placement: the book's is unknown ("Thuy", its
    # mark lost, is Thuỳ or Thùy), so only a word without such a pair takes the record's marks.
    if counts.get(spelled, 0) >= MIN_COMMON and letters_key(read) == letters_key(spelled) \
            and placement_of(spelled) is None:
        return USUAL_NAME
    return None


#: The ethnic group field of the person a name field names (the declarant's group is not written).
_GROUP_FIELD = {"full_name": "ethnicity", "mother_name": "mother_ethnicity", "father_name": "father_ethnicity"}


def _of_another_group(repaired: RawEntry, name: str) -> bool:
    """Whether the book says the person ``name`` names (the child, for the declarant) belongs to a group
    other than the Kinh. The listed names are Kinh names: for a Hmông "Ly Thị Pà" the surname Ly, which no
    listed name has as a surname but some as a given name, is the book's own and no misreading of the Kinh
    surname Lý."""
    text = (repaired.get(_GROUP_FIELD.get(name, "ethnicity"), ("", 0.0))[0]
            or repaired.get("ethnicity", ("", 0.0))[0])
    group = ethnic_group(text) if text else None
    return group is not None and group[1] != "Kinh"


def _weighed_by_engine(seen: str, read: str, spelled: str, weighed: tuple[str, ...], counts: dict[str, int],
                       listed: bool) -> str | None:
    """ENGINE_CHOICE where ``spelled`` is ``seen`` with each letter that differs (case aside) one the engine
    weighed there, each such change more than a tone mark; None where ``read`` is a common name word in its
    place (for a listed person) or the record's word differs otherwise."""
    if not weighed or len(weighed) != len(seen) or len(seen) != len(spelled):
        return None
    if spelled[:1].isalpha() and read[:1].isupper() != spelled[:1].isupper():
        return None
    if listed and counts.get(read, 0) >= MIN_COMMON:
        return None
    changed = [(mine, its, others) for mine, its, others in zip(seen.casefold(), spelled.casefold(), weighed)
               if mine != its]
    if not changed:
        return None
    return ENGINE_CHOICE if all(its in others.casefold() and split_tone(mine)[0] != split_tone(its)[0]
                                for mine, its, others in changed) else None


def _toned_i_for_one(seen: str, read: str, spelled: str) -> bool:
    """Whether ``spelled`` is ``read`` with each i put in for a 1 ``seen`` by the engine in some tone."""
    if not (len(seen) == len(read) == len(spelled)) or seen == read:
        return False
    return all(b == c or a == "1" and b == "i" and c in _TONED_I for a, b, c in zip(seen, read, spelled))


def _one_lookalike_apart(read: str, spelled: str) -> bool:
    """Whether two words differ in exactly one letter, case aside, a pair that looks alike (t and l)."""
    read, spelled = read.casefold(), spelled.casefold()
    return (len(read) == len(spelled) and sum(a != b for a, b in zip(read, spelled)) == 1
            and lookalike_swap(read, spelled))
