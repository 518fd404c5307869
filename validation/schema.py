"""The record schema shared by every stage: field names, book keys, flags and exported entries.

These names are a published format (truth.jsonl, registry.jsonl, export.jsonl); keep them exactly.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, Field

#: Fields of the birth register (Sổ đăng ký khai sinh = birth register), in book order.
BIRTH_FIELDS: tuple[str, ...] = (
    "entry_no",  # Số = entry number within the book
    "registration_date",  # Ngày đăng ký, ISO date
    "full_name",  # Họ, chữ đệm, tên = surname, middle name(s), given name
    "date_of_birth",  # ISO date
    "date_of_birth_words",  # "ghi bằng chữ" = the date of birth written in words
    "sex",  # Giới tính: "Nam" / "Nữ"
    "ethnicity",  # Dân tộc (sensitive personal data)
    "nationality",  # Quốc tịch
    "place_of_birth",  # Nơi sinh
    "hometown",  # Quê quán = hometown (ancestral home)
    "personal_id",  # Số định danh cá nhân = 12-digit personal identification number
    "mother_name",
    "mother_birth_year",
    "mother_ethnicity",
    "mother_nationality",
    "mother_residence",  # Nơi cư trú = residence
    "father_name",
    "father_birth_year",
    "father_ethnicity",
    "father_nationality",
    "father_residence",
    "declarant_name",  # Người đi khai sinh = person who declared the birth
    "notes",  # Ghi chú
)

#: Fields that identify a person; never logged or shown in artifacts in clear.
PERSONAL_FIELDS: frozenset[str] = frozenset(
    {
        "full_name",
        "date_of_birth",
        "date_of_birth_words",
        "ethnicity",
        "personal_id",
        "mother_name",
        "mother_ethnicity",
        "father_name",
        "father_ethnicity",
        "declarant_name",
        "place_of_birth",
        "mother_residence",
        "father_residence",
        "hometown",
        "notes",
    }
)

#: Fields each page layout carries; the others are null for that layout.
TABLE_FIELDS: tuple[str, ...] = (
    "entry_no",
    "registration_date",
    "full_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "nationality",
    "place_of_birth",
    "personal_id",
    "mother_name",
    "father_name",
    "notes",
)
FORM_FIELDS: tuple[str, ...] = BIRTH_FIELDS

#: Fields whose value is not the printed text: numbers, ISO dates, the 12-digit ID. The others are text
#: fields: the book's wording is the value (compared literally by the evaluation).
STRUCTURED_FIELDS: frozenset[str] = frozenset(
    {"entry_no", "registration_date", "date_of_birth", "personal_id", "mother_birth_year", "father_birth_year"}
)
TEXT_FIELDS: tuple[str, ...] = tuple(f for f in BIRTH_FIELDS if f not in STRUCTURED_FIELDS)

BOOK_KEYS: tuple[str, ...] = ("authority", "book_type", "year", "volume")

Layout = Literal["table", "form"]
BookType = Literal["birth"]


class BookKeys(BaseModel):
    """Identifies one paper book: the registering authority (cơ quan đăng ký), type, year and volume (quyển)."""

    authority: str
    book_type: BookType = "birth"
    year: int
    volume: str = Field(min_length=1, coerce_numbers_to_str=True)  # as the book prints it: '01' (quyển số)


class FlagCode(StrEnum):
    MISSING_IN_REGISTRY = "missing_in_registry"
    FIELD_MISMATCH = "field_mismatch"
    DUPLICATE_IN_REGISTRY = "duplicate_in_registry"
    REGISTRY_ONLY = "registry_only"
    LOW_CONFIDENCE = "low_confidence"
    RULE_VIOLATION = "rule_violation"
    UNREADABLE = "unreadable"


class Flag(BaseModel):
    """Why an entry needs a reviewer. book_value/registry_value may hold personal data: never log a Flag."""

    code: FlagCode
    field: str | None = None
    book_value: str | None = None
    registry_value: str | None = None
    detail: str = ""


class EntryStatus(StrEnum):
    VERIFIED = "verified"
    FLAGGED = "flagged"
    RESOLVED = "resolved"


class EntrySource(BaseModel):
    """Where an entry was read: the page number within the batch and the stored page image's object key."""

    page: int | None  # None for a registry_only line: the book has no such entry
    object_key: str | None
    source_file: str | None = None
    # Bounding box of the entry on the stored page image: x, y, width, height in pixels.
    bbox: tuple[int, int, int, int] | None = None
    #: Where each field was read on the same image (same units), so a reviewer sees the field outlined.
    field_boxes: dict[str, tuple[int, int, int, int]] = Field(default_factory=dict)


class ExportedEntry(BaseModel):
    """One line of export.jsonl."""

    authority: str
    book_type: str
    year: int
    volume: str = Field(min_length=1, coerce_numbers_to_str=True)  # as the book prints it, like BookKeys.volume
    entry_no: int | None
    #: The book's text per field (NFC, whitespace collapsed, after reading repair), letter for letter.
    fields: dict[str, Any]
    #: Normalized per field, what the registry would hold (ISO dates, ints, official ethnic names…);
    #: only for comparing. Empty in exports written before values existed.
    values: dict[str, Any] = Field(default_factory=dict)
    #: The OCR reading per field before any repair.
    raw: dict[str, str | None] = Field(default_factory=dict)
    #: Field → kind of repair made to its reading (see validation.repair); never the value.
    repairs: dict[str, str] = Field(default_factory=dict)
    status: EntryStatus
    flags: list[Flag] = Field(default_factory=list)
    source: EntrySource
    confidence: dict[str, float] = Field(default_factory=dict)

    def value(self, name: str) -> Any:
        """The normalized value of a field; the field's text for exports that carry no values."""
        return self.values.get(name) if self.values else self.fields.get(name)


def empty_fields() -> dict[str, Any]:
    """A field dict with every birth-register field present and null."""
    return {name: None for name in BIRTH_FIELDS}
