"""Layout: where the entries and their fields are on a prepared page, found in the image itself.

Two layouts exist: **table** (older books, ``ocr.table``: a ruled grid, columns named by their titles) and
**form** (books since 2016, ``ocr.form``: boxed blocks, one entry per box; their labels are read with the
values). What each layout prints is described in ``ocr/layouts/*.toml`` (``ocr.descriptions``).
"""

from __future__ import annotations

from ocr.book_columns import ColumnHint
from ocr.descriptions import load_layout
from ocr.engine import OcrEngine, TesseractEngine
from ocr.errors import LayoutNotFoundError
from ocr.form_blocks import form_layout
from ocr.image import (MIN_CELL_DPI, Rules, cell_crops, cell_scale, find_rules, ink_fraction,  # noqa: F401
                       remove_rules)
from ocr.model import EntryRegion, PageLayout  # noqa: F401 (re-exported)
from ocr.preprocess import PreparedPage
from ocr.grid import table_grid
from ocr.table import MIN_TITLE_SCORE, map_columns, table_layout  # noqa: F401 (re-exported)
from ocr.words import fold, join_lines, words_in_box  # noqa: F401 (re-exported)


def detect_layout(prepared: PreparedPage, engine: OcrEngine | None = None, book_type: str = "birth",
                  column_hint: ColumnHint | None = None) -> PageLayout:
    """Table or form, with its entries. Raises LayoutNotFoundError (naming the file) when neither is found.
    ``column_hint``: the book's table column names so far (``ocr.book_columns``)."""
    rules = prepared.rules
    # Several framed blocks are a form page, even when side by side they rule the page like a grid.
    blocks = form_layout(prepared.binary, prepared.dpi, rules, book_type)
    if blocks is not None and len(blocks.entries) >= 2:
        return blocks
    grid = table_grid(rules, prepared.binary.shape)
    refused: LayoutNotFoundError | None = None
    if grid is not None:
        try:
            return table_layout(prepared, rules, *grid, engine or TesseractEngine(), load_layout(book_type, "table"),
                                column_hint)
        except LayoutNotFoundError as error:
            refused = error  # ruled like a grid (form blocks side by side are), but no column titles
    if blocks is not None:
        blocks.untitled_grid = refused is not None
        return blocks
    raise refused or LayoutNotFoundError(prepared.source_file or "page", page=prepared.page_in_file)


def upright_layout(prepared: PreparedPage, engine: OcrEngine | None = None, book_type: str = "birth",
                   column_hint: ColumnHint | None = None) -> tuple[PreparedPage, PageLayout]:
    """``detect_layout``, with the page turned over when it was found upside down by mistake: a page ruled
    like a table whose titles cannot be read, or with no layout at all, is tried the other way up, and
    taken so when a table is found there. (The orientation test falls back on the engine's guess when marks
    above and below letters are too few to tell, as on a table of small handwritten values, and the guess
    can be wrong.) Returns the page as it was read and its layout."""
    try:
        layout = detect_layout(prepared, engine, book_type, column_hint)
    except LayoutNotFoundError as error:
        layout, not_found = None, error
    if layout is not None and not layout.untitled_grid:
        return prepared, layout
    turned = prepared.turned_over()
    try:
        other = detect_layout(turned, engine, book_type, column_hint)
    except LayoutNotFoundError:
        other = None
    if other is not None and other.kind == "table":
        return turned, other
    if layout is None:
        raise not_found
    return prepared, layout
