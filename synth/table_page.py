"""The columnar table layout of older birth registers: a ruled grid, one entry per row.

The book's style decides the page size, the columns (which, in what order, titled how), a two-tier header
(an upper cell spanning the child's or a parent's columns), a row of column numbers "(1) (2) …" under the
header, and row slots that are not entries: blank ruled rows, voided ones (crossed out, or "Bỏ trống" =
left blank, written across) and a first row carried over from the previous page.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from PIL import Image

from synth.draw import INK_HANDWRITTEN, BookStyle, Pen, fit
from synth.page_header import draw_header_block, margin_scale, page_mm
from synth.style import CLASSIC
from synth.wordings import CARRIED_TEXT, COLUMN_WEIGHTS, VOID_TEXT

ROWS_PER_PAGE = CLASSIC["table"]["rows_per_page"]
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18.0, 16.0, 16.0
TITLE_BLOCK = 19.0
HEADER_ROW = 13.0
UPPER_ROW = 7.0  # the upper tier of a two-tier header
NUMBER_ROW = 5.0  # the row of column numbers
FOOTER = 9.0
VALUE_PT = 9.5
MAX_LINES = {"notes": 4, "place_of_birth": 3, "hometown": 3, "mother_residence": 3, "father_residence": 3}
CENTRED = ("entry_no", "sex", "mother_birth_year", "father_birth_year")


def cell_text(field: str, value: Any) -> str:
    """How a value is written in a classic table: dates as dd/mm/yyyy, empty notes as nothing."""
    if value is None:
        return ""
    if field in ("registration_date", "date_of_birth"):
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def column_widths(columns: list[str], table_width: float) -> list[float]:
    total = sum(COLUMN_WEIGHTS[f] for f in columns)
    return [COLUMN_WEIGHTS[f] * (table_width / total) for f in columns]


def _titles_in(pen: Pen, text: str, x: float, width: float, top: float, height: float, max_lines: int = 2,
               size: float = 9) -> None:
    font, lines = fit(pen, text, width - 1.5, size, max_lines, kind="bold")
    line_height = font.size * 1.15 * 25.4 / pen.dpi
    first = top + height / 2 - (len(lines) - 1) * line_height / 2 + line_height * 0.3
    for i, line in enumerate(lines):
        pen.printed(x + width / 2, first + i * line_height, line, font, anchor="ms")


def _header(pen: Pen, style: dict[str, Any], left: float, top: float, bottom: float, widths: list[float]) -> float:
    """Column titles (one or two tiers), the column rules and the column-number row; returns the first row's y."""
    columns = style["columns"]
    groups = [g for g in style["groups"] if g[1] in columns and g[2] in columns]
    spans = {columns.index(g[1]): (columns.index(g[2]), g[0]) for g in groups}
    in_group = {i for start, (end, _) in spans.items() for i in range(start, end + 1)}
    inner_bounds = {i for start, (end, _) in spans.items() for i in range(start + 1, end + 1)}
    upper = UPPER_ROW if groups else 0.0
    header_height = upper + HEADER_ROW
    body = top + header_height
    xs = [left]
    for width in widths:
        xs.append(xs[-1] + width)
    for i in range(1, len(columns)):
        pen.line(xs[i], top + upper if i in inner_bounds else top, xs[i], bottom, 0.3)
    for start, (end, title) in spans.items():
        pen.line(xs[start], top + upper, xs[end + 1], top + upper, 0.3)
        _titles_in(pen, title, xs[start], xs[end + 1] - xs[start], top, upper)
    lines = 2 if style["preset"] == "classic" else 3  # classic pages keep today's 2-line titles
    for i, field in enumerate(columns):
        if i in in_group:
            _titles_in(pen, style["titles"][field], xs[i], widths[i], top + upper, HEADER_ROW, lines)
        else:
            _titles_in(pen, style["titles"][field], xs[i], widths[i], top, header_height, lines)
    pen.line(left, body, xs[-1], body, 0.4)
    if style["column_numbers"]:
        font = pen.font(8)
        for i in range(len(columns)):
            pen.printed((xs[i] + xs[i + 1]) / 2, body + NUMBER_ROW * 0.72, f"({i + 1})", font, anchor="ms")
        body += NUMBER_ROW
        pen.line(left, body, xs[-1], body, 0.3)
    return body


def _void(pen: Pen, style: dict[str, Any], left: float, right: float, row_top: float, row_height: float) -> None:
    """A voided row: crossed out with a stroke, or "Bỏ trống" written across it."""
    if style["voided_rows"] == "crossed":
        pen.draw.line([(pen.px(left + 4), pen.px(row_top + row_height - 1.5)),
                       (pen.px(right - 4), pen.px(row_top + 1.5))], fill=INK_HANDWRITTEN, width=max(2, pen.px(0.5)))
    else:
        pen.value((left + right) / 2, row_top + row_height * 0.62, VOID_TEXT, pen.font(VALUE_PT + 1, "value"),
                  anchor="ms")


def render_table_page(slots: list[dict[str, Any] | str], *, page_no: int, year: int, volume: str, dpi: int,
                      style: BookStyle, rng: random.Random, layout_style: dict[str, Any] | None = None,
                      authority: str = "") -> Image.Image:
    """One page: `slots` are truth rows (with "printed") or "blank" / "voided" for row slots without an entry."""
    layout_style = layout_style or CLASSIC["table"]
    width, height = page_mm(layout_style)
    scale = margin_scale(layout_style)
    margin_x, margin_top, margin_bottom = MARGIN_X * scale, MARGIN_TOP * scale, MARGIN_BOTTOM * scale
    pen = Pen(width, height, dpi, style, rng)
    if layout_style["header"] == "title":
        pen.printed(width / 2, margin_top + 6, layout_style["title"], pen.font(16, "bold"), anchor="ms")
        pen.printed(width / 2, margin_top + 13, f"Năm: {year}        Quyển số: {volume}", pen.font(11), anchor="ms")
        top = margin_top + TITLE_BLOCK
    else:
        top = draw_header_block(pen, layout_style, top=margin_top, left=margin_x, right=width - margin_x,
                                year=year, volume=volume, authority=authority, rng=rng)
    rows = layout_style["rows_per_page"]
    left, right = margin_x, width - margin_x
    columns = layout_style["columns"]
    widths = column_widths(columns, right - left)
    extra = (UPPER_ROW if layout_style["groups"] else 0.0) + (NUMBER_ROW if layout_style["column_numbers"] else 0.0)
    row_height = (height - margin_bottom - FOOTER - top - HEADER_ROW - extra) / rows
    bottom = top + HEADER_ROW + extra + row_height * rows

    # The grid: outer frame, header rule, one rule per row and one per column (the book is pre-ruled).
    pen.rect(left, top, right, bottom, 0.45)
    body = _header(pen, layout_style, left, top, bottom, widths)
    for row in range(1, rows):
        y = body + row * row_height
        pen.line(left, y, right, y, 0.25)

    for row, slot in enumerate(slots[:rows]):
        row_top = body + row * row_height
        if isinstance(slot, str):
            if slot == "voided":
                _void(pen, layout_style, left, right, row_top, row_height)
            elif slot == "carried":
                pen.printed(left + widths[0] + 2, row_top + row_height * 0.62, f"({CARRIED_TEXT})",
                            pen.font(VALUE_PT))
            continue
        x = left
        for field, col_width in zip(columns, widths):
            text = slot["printed"].get(field, "")
            if text:
                # Classic pages are drawn as they always were (their cells may overflow); drawn styles fit.
                room = None if layout_style.get("preset") == "classic" else row_height - 1.5
                font, lines = fit(pen, text, col_width - 3.2, VALUE_PT, MAX_LINES.get(field, 2), min_pt=7.0,
                                  height_mm=room)
                line_height = min(font.size * 1.2 * 25.4 / dpi, (row_height - 1.5) / len(lines))
                first = row_top + row_height / 2 - (len(lines) - 1) * line_height / 2 + line_height * 0.3
                for i, line in enumerate(lines):
                    if field in CENTRED:
                        pen.value(x + col_width / 2, first + i * line_height, line, font, anchor="ms")
                    else:
                        pen.value(x + 1.5, first + i * line_height, line, font)
            x += col_width

    pen.printed(width / 2, height - margin_bottom + 2, f"Trang số: {page_no}", pen.font(10), anchor="ms")
    return pen.image
