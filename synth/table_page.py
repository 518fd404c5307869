"""The columnar table layout of older birth registers: a landscape page, a ruled grid, one entry per row."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from PIL import Image

from synth.draw import BookStyle, Pen, fit

PAGE_MM = (297.0, 210.0)  # A4 landscape
ROWS_PER_PAGE = 10
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 18.0, 16.0, 16.0
TITLE_BLOCK = 19.0
HEADER_ROW = 13.0
FOOTER = 9.0
VALUE_PT = 9.5

# (column title, entry field, width in mm); widths sum to the table width, 297 - 2 * 18 = 261 mm.
COLUMNS: tuple[tuple[str, str, float], ...] = (
    ("Số", "entry_no", 9),
    ("Ngày đăng ký", "registration_date", 20),
    ("Họ và tên", "full_name", 29),
    ("Ngày sinh", "date_of_birth", 20),
    ("Giới tính", "sex", 12),
    ("Dân tộc", "ethnicity", 15),
    ("Quốc tịch", "nationality", 15),
    ("Nơi sinh", "place_of_birth", 37),
    ("Số định danh cá nhân", "personal_id", 27),
    ("Họ tên mẹ", "mother_name", 25),
    ("Họ tên cha", "father_name", 25),
    ("Ghi chú", "notes", 27),
)


def cell_text(field: str, value: Any) -> str:
    """How a value is written in the table: dates as dd/mm/yyyy, empty notes as nothing."""
    if value is None:
        return ""
    if field in ("registration_date", "date_of_birth"):
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def render_table_page(entries: list[dict[str, Any]], *, page_no: int, year: int, volume: int, dpi: int,
                      style: BookStyle, rng: random.Random) -> Image.Image:
    """One page of a columnar book with up to ROWS_PER_PAGE entries."""
    width, height = PAGE_MM
    pen = Pen(width, height, dpi, style, rng)
    pen.printed(width / 2, MARGIN_TOP + 6, "SỔ ĐĂNG KÝ KHAI SINH", pen.font(16, "bold"), anchor="ms")
    pen.printed(width / 2, MARGIN_TOP + 13, f"Năm: {year}        Quyển số: {volume:02d}", pen.font(11), anchor="ms")

    top = MARGIN_TOP + TITLE_BLOCK
    row_height = (height - MARGIN_BOTTOM - FOOTER - top - HEADER_ROW) / ROWS_PER_PAGE
    bottom = top + HEADER_ROW + row_height * ROWS_PER_PAGE
    left, right = MARGIN_X, width - MARGIN_X

    # The grid: outer frame, header rule, one rule per row and one per column (the book is pre-ruled).
    pen.rect(left, top, right, bottom, 0.45)
    pen.line(left, top + HEADER_ROW, right, top + HEADER_ROW, 0.4)
    for row in range(1, ROWS_PER_PAGE):
        y = top + HEADER_ROW + row * row_height
        pen.line(left, y, right, y, 0.25)
    x = left
    for title, _, col_width in COLUMNS:
        if x > left:
            pen.line(x, top, x, bottom, 0.3)
        font, lines = fit(pen, title, col_width - 1.5, 9, 2, kind="bold")
        line_height = font.size * 1.15 * 25.4 / dpi
        first = top + HEADER_ROW / 2 - (len(lines) - 1) * line_height / 2 + line_height * 0.3
        for i, line in enumerate(lines):
            pen.printed(x + col_width / 2, first + i * line_height, line, font, anchor="ms")
        x += col_width

    for row, entry in enumerate(entries[:ROWS_PER_PAGE]):
        row_top = top + HEADER_ROW + row * row_height
        x = left
        for _, field, col_width in COLUMNS:
            text = cell_text(field, entry.get(field))
            if text:
                max_lines = {"notes": 4, "place_of_birth": 3}.get(field, 2)
                font, lines = fit(pen, text, col_width - 3.2, VALUE_PT, max_lines, min_pt=7.0)
                line_height = min(font.size * 1.2 * 25.4 / dpi, (row_height - 1.5) / len(lines))
                first = row_top + row_height / 2 - (len(lines) - 1) * line_height / 2 + line_height * 0.3
                centred = field in ("entry_no", "sex")
                for i, line in enumerate(lines):
                    if centred:
                        pen.value(x + col_width / 2, first + i * line_height, line, font, anchor="ms")
                    else:
                        pen.value(x + 1.5, first + i * line_height, line, font)
            x += col_width

    pen.printed(width / 2, height - MARGIN_BOTTOM + 2, f"Trang số: {page_no}", pen.font(10), anchor="ms")
    return pen.image
