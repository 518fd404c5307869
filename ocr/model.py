"""The data the OCR stage hands on: where the entries are on a page (PageLayout) and what was read in them
(PageReading). Plain dataclasses; the flow caches readings as JSON (see ``ocr.read``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from ocr.book_columns import ColumnMap
from ocr.engine import BBox, Word


@dataclass
class EntryRegion:
    """One entry on the page: its box and, for tables, each field's cell box (x, y, w, h)."""

    bbox: BBox
    cells: dict[str, BBox] = field(default_factory=dict)
    #: Form blocks: the parts of the box separated by its inner rules ("header", "main", "side").
    parts: dict[str, BBox] = field(default_factory=dict)


@dataclass
class PageLayout:
    kind: Literal["table", "form"]
    entries: list[EntryRegion]
    #: Table: the grid's column boxes by field, and how well each column was named (0..1).
    columns: dict[str, BBox] = field(default_factory=dict)
    column_scores: dict[str, float] = field(default_factory=dict)
    #: The area inside the frame(s) that holds text to read (table: the grid; form: each box).
    region: BBox | None = None
    warnings: list[str] = field(default_factory=list)
    #: Words of the sparse pass over ``region`` made while finding the structure (table), reused when reading.
    words: list[Word] | None = field(default=None, repr=False, compare=False)
    book_type: str = "birth"
    #: Columns with ink that no title, value format or neighbour could name: their fields are not read.
    unnamed_columns: int = 0
    #: Table: the columns as the page's own titles named them, and the book's naming taken instead (None:
    #: the page's own stands); see ocr.book_columns.
    column_map: ColumnMap | None = None
    book_columns: ColumnMap | None = None
    #: A form found on a page ruled like a table whose column titles could not be read (see
    #: ``ocr.layout.upright_layout``).
    untitled_grid: bool = False


@dataclass
class FieldReading:
    text: str
    confidence: float
    bbox: BBox | None
    #: Typed with separately struck tone marks (ocr.marks): which vowel of an open oa/oe/uy carries the
    #: mark is not known letter for letter, so only the same placement may confirm it.
    marks_apart: bool = False
    #: With marks apart: every mark on an open oa/oe/uy was found where it was struck and its vowel settled
    #: by the page's usual offset (ocr.marks.placements_seen), so the placement read is the book's.
    placement_seen: bool = False
    #: Share of the cell's ink outside every word the engine returned (see ocr.cells.unread_ink).
    unread_ink: float = 0.0
    #: Every space read between two words stands over blank paper, no hyphen dropped there
    #: (ocr.spaces.spaces_on_blank_paper): "Ê đê" is the book's spelling, not "Ê-đê" read without its hyphen.
    spaces_blank: bool = False
    #: Per word read (its text), the other characters the engine weighed for each of its letters
    #: (``ocr.engine.Word.choices``), for the words that have any.
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class EntryReading:
    bbox: BBox
    fields: dict[str, FieldReading]


@dataclass
class PageReading:
    layout: Literal["table", "form"]
    entries: list[EntryReading]
    skew_degrees: float
    rotated_180: bool
    engine: str
    warnings: list[str] = field(default_factory=list)
    #: See PageLayout.unnamed_columns: an entry of such a page may lack a field the book gives it.
    unnamed_columns: int = 0
    #: See PageLayout.column_map and book_columns.
    column_map: ColumnMap | None = None
    book_columns: ColumnMap | None = None
