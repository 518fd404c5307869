"""Layout: where the entries and their fields are on a prepared page, found in the image itself.

Two layouts exist: **table** (older books, ``ocr.table``: a ruled grid, columns named by their titles) and
**form** (books since 2016, ``ocr.form``: boxed blocks, one entry per box; their labels are read with the
values). What each layout prints is described in ``ocr/layouts/*.toml`` (``ocr.descriptions``).
"""

from __future__ import annotations

from ocr.descriptions import load_layout
from ocr.engine import OcrEngine, TesseractEngine
from ocr.errors import LayoutNotFoundError
from ocr.form import form_layout
from ocr.image import (MIN_CELL_DPI, Rules, cell_crops, cell_scale, find_rules, ink_fraction,  # noqa: F401
                       remove_rules)
from ocr.model import EntryRegion, PageLayout  # noqa: F401 (re-exported)
from ocr.preprocess import PreparedPage
from ocr.table import MIN_TITLE_SCORE, map_columns, table_grid, table_layout  # noqa: F401 (re-exported)
from ocr.words import fold, join_lines, words_in_box  # noqa: F401 (re-exported)


def detect_layout(prepared: PreparedPage, engine: OcrEngine | None = None, book_type: str = "birth") -> PageLayout:
    """Table or form, with its entries. Raises LayoutNotFoundError (naming the file) when neither is found."""
    rules = find_rules(prepared.binary, prepared.dpi)
    grid = table_grid(rules, prepared.binary.shape)
    if grid is not None:
        return table_layout(prepared, rules, *grid, engine or TesseractEngine(), load_layout(book_type, "table"))
    layout = form_layout(prepared.binary, prepared.dpi, rules, book_type)
    if layout is not None:
        return layout
    raise LayoutNotFoundError(prepared.source_file or "page", page=prepared.page_in_file)
