"""Layout descriptions: what a book type's pages print, as data (``ocr/layouts/<book type>-<layout>.toml``),
checked by a schema when loaded. Adding a wording variant seen in a book means adding it to the file.

A description names:

* **attributes**: what a title or label asks for ("Họ, chữ đệm, tên" = a name, "Dân tộc" = an ethnicity),
  with its printed wordings and the field it gives for each person (child, mother, father, declarant) or for
  the entry itself ("entry": Số, Ngày đăng ký, Ghi chú);
* **persons**: the qualifiers that make a title that person's ("… người mẹ") and the section headings that
  put the labels under them that person's ("Mẹ:", "Cha:", "Người đi khai sinh:");
* **fields**: every field the layout can carry, with its value format (``formats.toml``: date, year, 12-digit
  ID, entry number, closed lists such as the 54 ethnic groups).

``match_title`` names a printed title by its whole wording: the best fuzzy match (tone marks and case
ignored) over every attribute wording, alone or followed by a person's qualifier.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rapidfuzz import fuzz

from ocr.words import fold

LAYOUTS_DIR = Path(__file__).resolve().parent / "layouts"
PERSONS = ("child", "mother", "father", "declarant")
#: Where a title or label names no person, its field is the entry's own (Số, Ngày đăng ký, Ghi chú).
ENTRY = "entry"


class Format(BaseModel):
    model_config = ConfigDict(extra="forbid")

    pattern: str | None = None
    values: list[str] = Field(default_factory=list)
    digits: bool = False
    compact: bool = False  # spaces removed before matching (digits written one per box)
    open: bool = False  # the closed list is not exhaustive: it helps to name a column, never to judge a value
    #: Punctuation a value may hold; a name holds none at its words' edges (a dot there is a leader's).
    edge_punctuation: bool = True
    #: Every word begins with a capital (a person's name): a word read without one was misread.
    capitalized: bool = False

    def matches(self, text: str) -> bool:
        """Whether a reading looks like a value of this format (None-free, stripped text)."""
        text = text.strip()
        if self.compact:
            text = re.sub(r"\s+", "", text)
        if self.pattern is not None:
            return re.fullmatch(self.pattern, text) is not None
        if self.values:
            key = fold(text)
            return any(fold(value) == key for value in self.values)
        return False

    def holds(self, text: str) -> bool:
        """Whether a reading is a value of this format letter for letter (marks matter; case, hyphens and
        spacing do not): "Mương" is no ethnic group although it folds like "Mường"."""
        text = text.strip()
        if self.compact:
            text = re.sub(r"\s+", "", text)
        if self.pattern is not None:
            return re.fullmatch(self.pattern, text) is not None
        if self.values:
            key = _exact_key(text)
            if any(_exact_key(value) == key for value in self.values):
                return True
            # Folding like a listed value yet differing in its marks is a misreading ("Viêt Nam"), even
            # where the list is open; anything else is only judged by a closed list.
            return self.open and not any(fold(value) == fold(text) for value in self.values)
        return True

    @property
    def recognizable(self) -> bool:
        return self.pattern is not None or bool(self.values)


def _exact_key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().replace("-", " ")
    return " ".join(text.split())


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid")

    qualifiers: list[str] = Field(default_factory=list)
    headings: list[str] = Field(default_factory=list)
    #: Attribute of a value written on the heading's own line ("Người đi khai sinh: Trần Văn B").
    heading_value: str | None = None


class Groups(BaseModel):
    model_config = ConfigDict(extra="forbid")

    headings: list[str] = Field(default_factory=list)


class Attribute(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    wordings: list[str] = Field(min_length=1)
    #: person (or "entry") → field; empty: a printed label of no field of ours (its value is skipped).
    fields: dict[str, str] = Field(default_factory=dict)


class Ticks(BaseModel):
    model_config = ConfigDict(extra="forbid")

    captions: list[str] = Field(default_factory=list)
    field: str = "registration_kind"


class Wrapping(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: list[str] = Field(default_factory=list)


class LayoutDescription(BaseModel):
    model_config = ConfigDict(extra="forbid")

    book_type: str
    layout: str
    default_person: str = "child"
    non_entry_rows: list[str] = Field(default_factory=list)
    persons: dict[str, Person]
    groups: Groups = Field(default_factory=Groups)
    ticks: Ticks = Field(default_factory=Ticks)
    attributes: list[Attribute]
    wrapping: Wrapping = Field(default_factory=Wrapping)
    #: field → format name, in the order books usually print them.
    fields: dict[str, str]
    formats: dict[str, Format] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> "LayoutDescription":
        for name in self.persons:
            if name not in PERSONS:
                raise ValueError(f"unknown person {name!r} (known: {', '.join(PERSONS)})")
        if self.default_person not in self.persons:
            raise ValueError(f"default_person {self.default_person!r} is not described")
        for attribute in self.attributes:
            for person, field_name in attribute.fields.items():
                if person != ENTRY and person not in self.persons:
                    raise ValueError(f"attribute {attribute.key!r}: unknown person {person!r}")
                if field_name not in self.fields:
                    raise ValueError(f"attribute {attribute.key!r}: field {field_name!r} is not in [fields]")
        for person in self.persons.values():
            if person.heading_value and not any(a.key == person.heading_value for a in self.attributes):
                raise ValueError(f"heading_value {person.heading_value!r} is no attribute")
        for field_name in self.wrapping.fields:
            if field_name not in self.fields:
                raise ValueError(f"wrapping field {field_name!r} is not in [fields]")
        for field_name, format_name in self.fields.items():
            if format_name not in self.formats:
                raise ValueError(f"field {field_name!r}: unknown format {format_name!r}")
        return self

    # --- questions the readers ask ---------------------------------------------------------------------
    def format_of(self, field_name: str) -> Format:
        return self.formats[self.fields[field_name]]

    def format_or_none(self, field_name: str) -> Format | None:
        return self.format_of(field_name) if field_name in self.fields else None

    def is_digits(self, field_name: str) -> bool:
        return field_name in self.fields and self.format_of(field_name).digits

    def field_for(self, attribute: Attribute, person: str | None) -> str | None:
        """The attribute's field for that person, or its entry-level field."""
        if ENTRY in attribute.fields:
            return attribute.fields[ENTRY]
        return attribute.fields.get(person or self.default_person)

    def person_of(self, field_name: str | None) -> str | None:
        """Whose the field is ("mother" for mother_birth_year, "entry" for entry_no); None if no attribute
        names it."""
        for attribute in self.attributes:
            for person, name in attribute.fields.items():
                if name == field_name:
                    return person
        return None

    @property
    def wordings(self) -> list["Wording"]:
        return _wordings(self)


@dataclass(frozen=True)
class Wording:
    """One printed form of a title or label: an attribute's wording, possibly with a person's qualifier, or
    a section heading (attribute None). ``person`` None: the person comes from the context."""

    text: str
    folded: str
    attribute: Attribute | None
    person: str | None
    heading: bool = False
    qualifier: str | None = None  # comparison form of the person's qualifier that ends the wording


_WORDINGS: dict[int, list[Wording]] = {}


def _wordings(description: LayoutDescription) -> list[Wording]:
    key = id(description)
    if key not in _WORDINGS:
        found: list[Wording] = []
        for attribute in description.attributes:
            for text in attribute.wordings:
                found.append(Wording(text, title_key(text), attribute, None))
                persons = [p for p in attribute.fields if p != ENTRY]
                for person in persons:
                    for qualifier in description.persons[person].qualifiers:
                        whole = f"{text} {qualifier}"
                        found.append(Wording(whole, title_key(whole), attribute, person, False,
                                             title_key(qualifier)))
        for name, person in description.persons.items():
            for text in person.headings:
                found.append(Wording(text, title_key(text), None, name, heading=True))
        for text in description.groups.headings:
            found.append(Wording(text, title_key(text), None, None, heading=True))
        _WORDINGS[key] = found
    return _WORDINGS[key]


_NUMBER_MARK = re.compile(r"\(\s*\d{1,2}\s*\)")


def title_key(text: str) -> str:
    """The comparison form of a title or label: folded, punctuation and column numbers "(3)" dropped,
    whitespace collapsed."""
    text = _NUMBER_MARK.sub(" ", fold(text))
    text = re.sub(r"[,;:.()\[\]*\"'’‘“”`~^]", " ", text)
    return " ".join(text.split())


_REMARK = re.compile(r"\([^)]*\)")
#: A title matched without its remark in parentheses ("Nơi sinh (ghi rõ địa chỉ)") scores this much less,
#: so that a remark that names the field ("… (ghi bằng chữ)") wins when a wording has it.
REMARK_PENALTY = 8.0


#: A title's first words alone (a remark after them whose parentheses were not read: "Nơi sinh ghi rõ địa
#: chỉ)") score this much less again.
PREFIX_PENALTY = 12.0


def title_keys(text: str) -> list[tuple[str, float]]:
    """The comparison forms of a title: as printed, without its remarks in parentheses (penalized), and its
    first two or three words (penalized more)."""
    keys = [(title_key(text), 0.0)]
    bare = _REMARK.sub(" ", text)
    if bare != text and title_key(bare) and not _NUMBER_MARK.fullmatch(_REMARK.search(text).group(0)):
        keys.append((title_key(bare), REMARK_PENALTY))
    words = keys[0][0].split()
    keys += [(" ".join(words[:size]), PREFIX_PENALTY) for size in (2, 3) if len(words) > size]
    return keys


def wording_score(key: str, wording: "Wording") -> float:
    """0..100: a title's comparison form against a wording; short ones ("Số", "Mẹ") only exactly. A
    qualified wording ("… người mẹ") scores only when the title ends with its qualifier: "Họ, chữ đệm,
    tên" is 87 % of "Họ, chữ đệm, tên cha", yet says nothing of the father."""
    if len(wording.folded) <= 3 or len(key) <= 3:
        return 100.0 if key == wording.folded else 0.0
    if wording.qualifier:
        size, words = len(wording.qualifier.split()), key.split()
        if len(words) > size and _says_qualifier(" ".join(words[-size:]), wording.qualifier):
            return fuzz.ratio(key, wording.folded)
        # A title wrapped over lines may lose its last line's word ("Họ tên người được khai" for "… khai
        # sinh"): a long qualifier without its last word still names the person, a little less surely.
        shorter = " ".join(wording.qualifier.split()[:-1])
        if size > 2 and len(words) > size - 1 and _says_qualifier(" ".join(words[-(size - 1):]), shorter):
            stem = wording.folded[:len(wording.folded) - len(wording.qualifier)]
            return fuzz.ratio(key, stem + shorter) - LOST_WORD_PENALTY
        return 0.0
    return fuzz.ratio(key, wording.folded)


#: A qualifier read without its last word scores this much less than one read whole.
LOST_WORD_PENALTY = 8.0
#: Each word of a long qualifier must be at least this like the title's word in its place: "người được
#: khai" is 86 % of "người đi khai" as a whole, yet "được" is not "đi".
QUALIFIER_WORD_SCORE = 50


def _says_qualifier(tail: str, qualifier: str) -> bool:
    """Whether a title's last words are the qualifier. A short one ("mẹ", "cha") must be there whole, with
    at most two stray letters of a smudge around it ("zmeẹ"); a longer one may be misread a little, each of
    its words a little."""
    if len(qualifier) <= 3:
        return qualifier in tail and len(tail) <= len(qualifier) + 2
    return fuzz.ratio(tail, qualifier) >= 80 and all(
        fuzz.ratio(read, word) >= QUALIFIER_WORD_SCORE for read, word in zip(tail.split(), qualifier.split()))


@dataclass(frozen=True)
class TitleMatch:
    wording: Wording
    score: float  # 0..100


def match_title(text: str, description: LayoutDescription, minimum: float = 0.0) -> TitleMatch | None:
    """The wording a printed title is, by its whole text; None below ``minimum``. Short wordings ("Số",
    "Mẹ") must be read exactly: they are too short to guess."""
    keys = [(key, penalty) for key, penalty in title_keys(text) if key]
    if not keys:
        return None
    best: TitleMatch | None = None
    for wording in description.wordings:
        score = max(wording_score(key, wording) - penalty for key, penalty in keys)
        # Ties go to the longer wording: "Họ tên mẹ" is the mother's, not a child's "Họ tên" misread.
        if best is None or (score, len(wording.folded)) > (best.score, len(best.wording.folded)):
            best = TitleMatch(wording, score)
    if best is None or best.score < minimum:
        return None
    return best


@cache
def load_layout(book_type: str, layout: str) -> LayoutDescription:
    """The description of one book type and layout, checked; ValueError naming the file when it is wrong."""
    path = LAYOUTS_DIR / f"{book_type}-{layout}.toml"
    return load_description(path)


def load_description(path: Path) -> LayoutDescription:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        formats = tomllib.loads((path.parent / "formats.toml").read_text(encoding="utf-8"))
        data.setdefault("formats", formats)
        return LayoutDescription.model_validate(data)
    except (OSError, tomllib.TOMLDecodeError, ValueError) as error:
        raise ValueError(f"{path}: not a valid layout description: {error}") from error
