"""From one page's raw readings to checked entries: repair → normalize → rules → cross-check → status.

The input is plain data (field name → (raw text, OCR confidence)), so this module knows nothing of OCR.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

from validation.crosscheck import book_entry_numbers, crosscheck_entry, decide_status, registry_only
from validation.date_words import is_verbalization, words_to_date
from validation.normalize import normalize_entry, normalize_field
from validation.digits import repair_entry_numbers
from validation.repair import (DIGITS, REPAIRED_FACTOR, SYLLABLE_FIELDS, VOCABULARY_FIELDS, GuessedOver, book_text,
                              repair_readings)
from validation.registry_choices import (Choices, RawEntry, drop_specks_the_registry_lacks,
                                         keep_readings_the_registry_spells, records_numbered,
                                         take_digits_the_engine_weighed, take_name_words_the_registry_spells,
                                         take_place_words_the_engine_weighed)
from validation.repair_kinds import UNSURE_CONFIDENCE, VOCABULARY
from validation.rules import check_rules
from validation.orthography import PagePlacement, placement_of, placement_used, same_letters, same_spelling
from validation.text import collapse_whitespace, comparable, nfc
from validation.vocab import spellings_it_may_be
from validation.schema import (
    BIRTH_FIELDS,
    STRUCTURED_FIELDS,
    BookKeys,
    EntrySource,
    EntryStatus,
    ExportedEntry,
    Flag,
    FlagCode,
    empty_fields,
)

#: Field → (reading, kind of repair): readings the page's context put right.
PageRepairs = dict[str, tuple[tuple[str, float], str]]


@dataclass
class EntryReading:
    """One entry as read: the book's text (``fields``), normalized ``values``, ``raw`` OCR readings, the
    ``repairs`` made (field → kind), confidences and the normalizers' flags."""

    fields: dict[str, Any]
    values: dict[str, Any]
    raw: dict[str, str | None]
    repairs: dict[str, str]
    confidence: dict[str, float]
    flags: list[Flag]
    unsure: set[str]  # fields whose reading no repair could settle (see validation.repair)


def read_entry(book: BookKeys, raw: RawEntry, min_confidence: float,
               placement: PagePlacement = None, page_repairs: PageRepairs | None = None,
               placements_seen: set[str] = frozenset(), registry_rows: list[dict[str, Any]] = (),
               marks_apart: set[str] = frozenset(), choices: Choices | None = None) -> EntryReading:
    """One entry's readings → the book's text, the normalized values, the repairs, confidences and the
    normalizers' flags. Rules and the cross-check come after (``check_entry``). ``placement``: the tone
    placement the entry's page shows; ``page_repairs``: readings the page's context put right (field →
    (reading, kind of repair)), used in place of the raw ones, which the record keeps; ``placements_seen``:
    fields typed with marks apart whose open vowel pairs' marks the reader saw settled (``ocr.marks``);
    ``registry_rows``: the book's registry records, which may spell a reading a name guess replaced;
    ``marks_apart``: fields typed with marks apart whose placement the reader did not see settled;
    ``choices``: the other letters the engine weighed in each field's words."""
    page_repairs = page_repairs or {}
    guessed_over: GuessedOver = {}
    repaired, repairs, unsure = repair_readings(
        {**raw, **{name: reading for name, (reading, _) in page_repairs.items()}}, book, placement,
        placements_seen, guessed_over)
    keep_readings_the_registry_spells(repaired, repairs, guessed_over, registry_rows)
    drop_specks_the_registry_lacks(repaired, repairs, marks_apart | placements_seen, registry_rows)
    take_name_words_the_registry_spells(raw, repaired, repairs, registry_rows, choices)
    take_place_words_the_engine_weighed(raw, repaired, repairs, registry_rows, choices)
    unsure -= take_digits_the_engine_weighed(raw, repaired, repairs, registry_rows, choices)
    for name in marks_apart & repaired.keys():
        text, conf = repaired[name]
        if any(placement_of(word) for word in re.findall(r"[^\W\d_]+", text or "")):
            # A mark struck apart over an open vowel pair ("Hoà") that the reader did not see land: the
            # placement may be the drift's, however sure the letters; a record in that placement confirms it.
            repaired[name] = (text, min(conf, UNSURE_CONFIDENCE))
    repairs.update({name: kind for name, (_, kind) in page_repairs.items()})
    values, confidence, flags = normalize_entry(repaired, min_confidence=min_confidence)
    fields = empty_fields()
    for name in BIRTH_FIELDS:
        if name in repaired:
            fields[name], kind = book_text(name, repaired[name][0], values.get(name))
            if kind is not None:
                repairs.setdefault(name, kind)
    return EntryReading(
        fields=fields, values=values, confidence=confidence, flags=flags, repairs=repairs, unsure=unsure,
        raw={name: raw[name][0] if name in raw else None for name in BIRTH_FIELDS},
    )


def check_entry(
    book: BookKeys,
    raw: RawEntry,
    source: EntrySource,
    registry_rows: list[dict[str, Any]],
    min_confidence: float,
    claimed_entry_nos: set[int] | None = None,
    marks_apart: set[str] = frozenset(),
    placement: PagePlacement = None,
    page_repairs: PageRepairs | None = None,
    sure_spellings: frozenset[str] = frozenset(),
    placements_seen: set[str] = frozenset(),
    spaces_blank: set[str] = frozenset(),
    choices: Choices | None = None,
) -> ExportedEntry:
    """One entry checked; ``sure_spellings``: the ethnic group spellings the page reads confidently;
    ``marks_apart``: fields typed with marks apart whose placement the reader did not see settled;
    ``placements_seen``: those whose placement it did; ``spaces_blank``: fields whose every space the reader
    saw over blank paper (no hyphen dropped there)."""
    reading = read_entry(book, raw, min_confidence, placement, page_repairs, placements_seen, registry_rows,
                         marks_apart, choices)
    values = reading.values
    flags = _drop_corroborated(reading.flags, values, registry_rows, reading.unsure, marks_apart, reading.fields,
                               sure_spellings, spaces_blank)
    flags += check_rules(values, book_year=book.year)
    flags += crosscheck_entry(values, registry_rows, claimed_entry_nos=claimed_entry_nos)
    flags += _blank_against_registry(raw, values, registry_rows, flags) + _without_essentials(values, flags)
    flags += _case_against_registry(reading.fields, values, registry_rows, flags, reading.repairs)
    return ExportedEntry(
        **book.model_dump(),
        entry_no=values.get("entry_no"),
        fields=reading.fields,
        values=values,
        raw=reading.raw,
        repairs=reading.repairs,
        status=decide_status(flags),
        flags=flags,
        source=source,
        confidence=reading.confidence,
    )


def _drop_corroborated(flags: list[Flag], values: dict[str, Any], registry_rows: list[dict[str, Any]],
                       unsure: set[str] = frozenset(), marks_apart: set[str] = frozenset(),
                       fields: dict[str, Any] | None = None, sure_spellings: frozenset[str] = frozenset(),
                       spaces_blank: set[str] = frozenset()) -> list[Flag]:
    """A hesitant reading that says what the registry record of this entry says (letter for letter and in the
    same case; tone placement aside, unless its marks were struck apart) is confirmed by an independent source: the low-confidence flag on it goes.
    Readings the registry cannot confirm keep theirs: the date in words whose variant was not settled
    (the registry keeps the date, not the words), and any reading whose repair was not settled, such as a
    tone placement no mark read showed (the registry compares placements as one)."""
    rows = records_numbered(values, registry_rows)

    def corroborated(flag: Flag) -> bool:
        if flag.code != FlagCode.LOW_CONFIDENCE or flag.field is None or values.get(flag.field) is None:
            return False
        if flag.field == "date_of_birth_words":
            if flag.field in unsure:
                return False
            # The registry keeps no words; they are confirmed when they say the date the registry confirms.
            as_written = str((fields or {}).get("date_of_birth_words") or "")
            if any(word[:1].isupper() for word in as_written.split()[1:]):
                return False  # "hai nghìn Không": a hand's k read as K, or the book's own; no record says
            said = words_to_date(values["date_of_birth_words"])
            # All of it words of that date: "26-07-2016 Ngày hai mươi sáu…" says the date, but is no text of it.
            return (said is not None and is_verbalization(values["date_of_birth_words"], said)
                    and said.isoformat() == values.get("date_of_birth")) and any(
                comparable(values["date_of_birth"]) == comparable(row.get("date_of_birth")) for row in rows)
        value = values[flag.field]
        if flag.field in unsure:
            return False  # a placement or repair nothing read could settle: the registry cannot settle it
        if flag.field.endswith("ethnicity") and not _spelling_settled(str((fields or {}).get(flag.field) or ""),
                                                                      sure_spellings, flag.field in spaces_blank):
            return False  # the registry keeps the group, not which of its spellings (Ê-đê, Ê đê) the book has
        if isinstance(value, str):
            # Letter for letter and in the same case: the registry's "Đa khoa" does not confirm a hesitant
            # "Đa Khoa" (an engine's guess at a k it could not tell). Typed with marks struck apart, in the
            # same tone placement too: its "Hòa" says nothing of whether a hesitant "Hoà" had a drifted mark.
            same = same_letters if flag.field in marks_apart else same_spelling
            return any(isinstance(row.get(flag.field), str) and same(value, row[flag.field]) for row in rows)
        return any(comparable(value) == comparable(row.get(flag.field)) for row in rows)

    return [f for f in flags if not corroborated(f)]


def _spelling_settled(text: str, sure_spellings: frozenset[str], spaces_blank: bool = False) -> bool:
    """Whether a hesitant reading of an ethnic group is the book's spelling of it: the reading is a listed
    spelling, letter for letter and in its case, and the group has no other spelling the reading may be
    (one that differs in hyphens or spaces, Ê-đê and Ê đê, or that it is with letters lost, Hmông read
    "Mông"), or the page reads this one confidently and no other such (one hand writes a group one way).
    ``spaces_blank``: the reader saw every space of the reading over blank paper, so no spelling with a hyphen
    there is one it may be."""
    may_be = spellings_it_may_be(text)
    if may_be and nfc(text) not in {nfc(spelling) for spelling in may_be}:
        return False  # "mông": no listed spelling in that case; a capital lost, or a letter before it
    if spaces_blank:  # the page shows no hyphen where the reading has a space: not Ê-đê read as "Ê đê"
        may_be = frozenset(s for s in may_be if nfc(s) == nfc(text) or nfc(s.replace("-", " ")) != nfc(text))
    if len(may_be) <= 1:
        return True
    seen = {spelling for spelling in may_be if nfc(spelling) in sure_spellings}
    return seen == {spelling for spelling in may_be if nfc(spelling) == nfc(text)} and bool(seen)


#: Fields every birth entry has: an entry read without one of them is never verified.
ESSENTIAL_FIELDS = ("entry_no", "full_name", "date_of_birth")


def _blank_against_registry(raw: RawEntry, values: dict[str, Any], registry_rows: list[dict[str, Any]],
                            flags: list[Flag]) -> list[Flag]:
    """A field the page has (its column or label was found) that reads blank, where the registry record of
    the entry holds a value: the book may lack it, or the reader missed it; either way a reviewer looks.
    (A field the layout lacks is no difference.)"""
    flagged = {f.field for f in flags if f.code == FlagCode.FIELD_MISMATCH}
    rows = records_numbered(values, registry_rows)
    if len(rows) != 1:
        return []
    return [Flag(code=FlagCode.FIELD_MISMATCH, field=name, book_value=None, registry_value=str(rows[0][name]),
                 detail="the book's field reads blank and the registry record has a value")
            for name, (text, _) in raw.items()
            if name in BIRTH_FIELDS and name not in flagged and not (text or "").strip()
            and rows[0].get(name) not in (None, "")]


def _case_against_registry(fields: dict[str, Any], values: dict[str, Any], registry_rows: list[dict[str, Any]],
                           flags: list[Flag], repairs: dict[str, str] | None = None) -> list[Flag]:
    """A text that says what the registry record says but for the case of some letter ("Trung tâm y tế" for
    its "Y tế", "Xã" for "xã"): no discrepancy (case is folded), but engines confuse the case of letters
    that differ only in size, so which case the book prints is for a reviewer to see. A text in capitals
    throughout is the book's style (names in capitals), not a misread letter, unless it is a vocabulary word
    snapped from a misreading in capitals ("NỈ" → "NỮ"), whose capitals are the misreading's."""
    snapped = {name for name, kind in (repairs or {}).items() if kind == VOCABULARY}
    flagged = {f.field for f in flags}
    rows = records_numbered(values, registry_rows)
    if len(rows) != 1:
        return []
    return [Flag(code=FlagCode.LOW_CONFIDENCE, field=name,
                 detail="the letter case differs from the registry record's; the scan shows which the book has")
            for name, text in fields.items()
            if isinstance(text, str) and (name not in STRUCTURED_FIELDS and not text.isupper() or name in snapped)
            and name not in flagged
            and isinstance(rows[0].get(name), str) and not same_spelling(text, rows[0][name])
            and same_spelling(text.casefold(), rows[0][name].casefold())]


def _without_essentials(values: dict[str, Any], flags: list[Flag]) -> list[Flag]:
    flagged = {f.field for f in flags}
    return [Flag(code=FlagCode.UNREADABLE, field=name, detail="the entry was read without this field")
            for name in ESSENTIAL_FIELDS if values.get(name) is None and name not in flagged]


def check_page(
    book: BookKeys,
    reading: Any,
    page_no: int,
    page_key: str,
    source_file: str,
    registry_rows: list[dict[str, Any]],
    min_confidence: float,
    earlier: EarlierPages | None = None,
) -> list[ExportedEntry]:
    """Check every entry a page reading holds. ``reading.entries[i].fields[name]`` has .text and .confidence.
    ``earlier``: what the book's pages checked before this one tell (``earlier_pages``)."""
    earlier = earlier or EarlierPages()
    raws = [{name: (f.text, f.confidence) for name, f in entry.fields.items()} for entry in reading.entries]
    renumbered = _repair_entry_numbers(raws, earlier.last_entry_no)
    # One hand typed the page: the placement its readings show is the one a tone they lack should take.
    placement = placement_used([text for raw in raws for name, (text, _) in raw.items()
                                if name in SYLLABLE_FIELDS and text])
    if placement == "mixed" and not any(getattr(f, "marks_apart", False) for e in reading.entries
                                        for f in e.fields.values()):
        placement = None  # both placements without marks struck apart: a mixed hand, each as it was read
    on_page = [(_as_spelling(text), conf) for raw in raws for name, (text, conf) in raw.items()
               if name.endswith("ethnicity") and text]
    sure_spellings = _sure_spellings(on_page, earlier.ethnic_spellings, min_confidence)
    numbers_read = []
    for index, raw in enumerate(raws):
        text = renumbered[index]["entry_no"][0][0] if index in renumbered else raw.get("entry_no", ("",))[0]
        numbers_read.append(normalize_field("entry_no", text, 1.0).value if text else None)
    checked = []
    for index, (entry, raw) in enumerate(zip(reading.entries, raws)):
        others = {n for i, n in enumerate(numbers_read) if i != index and n is not None}
        boxes = {name: tuple(f.bbox) for name, f in entry.fields.items() if getattr(f, "bbox", None)}
        source = EntrySource(page=page_no, object_key=page_key, source_file=source_file, bbox=tuple(entry.bbox),
                             field_boxes=boxes)
        # Typed with marks apart, the placement of an open vowel pair is the book's only where the reader saw
        # its mark struck there; elsewhere only the same placement may confirm it.
        seen = {name for name, f in entry.fields.items() if getattr(f, "placement_seen", False)}
        apart = {name for name, f in entry.fields.items() if getattr(f, "marks_apart", False)} - seen
        blank = {name for name, f in entry.fields.items() if getattr(f, "spaces_blank", False)}
        checked.append(check_entry(book, raw, source, registry_rows, min_confidence, claimed_entry_nos=others,
                                   marks_apart=apart, placements_seen=seen, placement=placement,
                                   page_repairs=renumbered.get(index), sure_spellings=sure_spellings,
                                   spaces_blank=blank, choices={name: getattr(f, "choices", {})
                                                                for name, f in entry.fields.items()}))
    checked = _capitals_against_the_page(checked)
    unnamed = getattr(reading, "unnamed_columns", 0)
    if unnamed:
        # A column the reader could not name holds a field of every entry on the page: none is complete.
        flag = Flag(code=FlagCode.UNREADABLE, detail=f"{unnamed} column(s) of this page could not be named, "
                                                     "so their values were not read")
        checked = [e.model_copy(update={"flags": [*e.flags, flag], "status": EntryStatus.FLAGGED}) for e in checked]
    return checked


def _capitals_against_the_page(checked: list[ExportedEntry]) -> list[ExportedEntry]:
    """A closed-vocabulary value in capitals ("NỮ") on a page whose other entries write that field in small
    letters, at least twice as many: the capitals may be the engine's (a ữ read the size of a capital), and
    the registry, folding case, cannot tell. A reviewer looks at the scan."""
    flagged: dict[int, list[str]] = {}
    for name in sorted(VOCABULARY_FIELDS):
        texts = {i: e.fields.get(name) for i, e in enumerate(checked) if isinstance(e.fields.get(name), str)}
        capitals = [i for i, text in texts.items() if text.isupper() and sum(ch.isalpha() for ch in text) > 1]
        small = [i for i, text in texts.items() if not text.isupper()]
        if capitals and len(small) >= 2 * len(capitals):
            for i in capitals:
                flagged.setdefault(i, []).append(name)
    result = list(checked)
    for i, names in flagged.items():
        entry = result[i]
        flags = [*entry.flags, *(Flag(code=FlagCode.LOW_CONFIDENCE, field=name,
                                      detail="read in capitals where the page's other entries are not")
                                 for name in names if not any(f.field == name for f in entry.flags))]
        result[i] = entry.model_copy(update={"flags": flags, "status": decide_status(flags)})
    return result


#: How many times a page, or the book, must read an ethnic group one way, and never another, for that to be
#: its spelling.
REPEATED_SPELLING = 3


@dataclass(frozen=True)
class EarlierPages:
    """What the book's pages checked before this one tell about the next (``earlier_pages``).

    ``last_entry_no``: the number the page before ends with, when the registry confirmed it (a number read
    wrong and left so, "72" for 12, would turn the next page's right "13 14", one confusion off 73 74,
    wrong); ``ethnic_spellings``: every reading of an ethnic group, as a spelling (``_as_spelling``)."""

    last_entry_no: int | None = None
    ethnic_spellings: tuple[str, ...] = ()


def earlier_pages(entries: list[ExportedEntry], page_no: int) -> EarlierPages:
    """What ``entries``, the book's entries checked so far in page order, tell page ``page_no``."""
    last = entries[-1] if entries else None
    follows = last is not None and last.source.page == page_no - 1 and last.status == EntryStatus.VERIFIED
    spellings = tuple(_as_spelling(text) for entry in entries for name, text in entry.raw.items()
                      if name.endswith("ethnicity") and text)
    return EarlierPages(last.entry_no if follows else None, spellings)


_SPACED_HYPHEN_RE = re.compile(r"\s*-\s*")


def _as_spelling(text: str) -> str:
    """A reading of an ethnic group as the spelling it shows: a hyphen read with a blank beside it ("Khơ -me",
    a typewriter's hyphen fills a whole letter's slot) is a hyphen read."""
    return _SPACED_HYPHEN_RE.sub("-", nfc(collapse_whitespace(text)))


def _sure_spellings(on_page: list[tuple[str, float]], earlier: tuple[str, ...], min_confidence: float
                    ) -> frozenset[str]:
    """The ethnic group spellings a page reads, never in another of the group's spellings, confidently or
    REPEATED_SPELLING times, or that the book so far reads so REPEATED_SPELLING times ("Khơ-me" on every
    line, hesitantly: a hyphen read again and again is ink, not a speck, and one hand writes a group one
    way; a book may change hands between pages). A page that reads both "Khơ me" and "Khơ-me" says nothing
    of either: a hyphen may be lost however sure the engine is. ``on_page``: (spelling, confidence);
    ``earlier``: the book's spellings before the page."""
    page_spellings = [text for text, _ in on_page]
    page_counts = Counter(page_spellings)
    confident = {text for text, conf in on_page if conf >= min_confidence and _alone(text, page_counts)}
    return frozenset(confident | _repeated(page_spellings) | _repeated(page_spellings + list(earlier)))


def _repeated(spellings: list[str]) -> set[str]:
    counts = Counter(spellings)
    return {text for text, count in counts.items() if count >= REPEATED_SPELLING and _alone(text, counts)}


def _alone(spelling: str, counts: Counter) -> bool:
    """Whether no other spelling of the group ``spelling`` spells is among the readings ``counts``."""
    return not any(other != spelling and counts[other] for other in map(nfc, spellings_it_may_be(spelling)))


def _repair_entry_numbers(raws: list[RawEntry], previous: int | None) -> dict[int, PageRepairs]:
    """Entry numbers the page's sequence puts right (``digits.repair_entry_numbers``), with the repair's
    lower confidence, by the index of the entry."""
    texts = []
    for raw in raws:
        value = normalize_field("entry_no", raw["entry_no"][0], 1.0).value if raw.get("entry_no") else None
        read = raw["entry_no"][0].strip() if raw.get("entry_no") else ""
        # Garbled ("0ù8") as read: its digits may still say which number of the sequence it is.
        texts.append(str(value).zfill(len(read)) if value is not None else read or None)
    return {index: {"entry_no": ((fixed, raws[index]["entry_no"][1] * REPAIRED_FACTOR), DIGITS)}
            for index, fixed in enumerate(repair_entry_numbers(texts, previous)) if fixed is not None}


def registry_only_entries(
    book: BookKeys, entries: list[ExportedEntry], registry_rows: list[dict[str, Any]]
) -> list[ExportedEntry]:
    """Registry records of this book that no book entry matched, as flagged export entries."""
    orphans = []
    for row in registry_only(book_entry_numbers(entries), registry_rows):
        orphans.append(
            ExportedEntry(
                **book.model_dump(),
                entry_no=row.get("entry_no"),
                fields=empty_fields() | {"entry_no": row.get("entry_no")},
                values=empty_fields() | {"entry_no": row.get("entry_no")},
                status=EntryStatus.FLAGGED,
                flags=[Flag(code=FlagCode.REGISTRY_ONLY, detail=f"registry record {row.get('registry_id')} has no entry in the book")],
                source=EntrySource(page=None, object_key=None),
                confidence={},
            )
        )
    return orphans
