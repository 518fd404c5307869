"""The form-block layout of birth registers since 2016: a portrait page with two boxed entries.

Each block has a top row (Số, Quyển, registration date), a left part with printed labels followed by
values, and a right column of tick boxes (Đúng hạn = on time, Quá hạn = late, Đăng ký lại = registered
again) above a Ghi chú (notes) box.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from PIL import Image

from synth.draw import BookStyle, Pen, fit, wrap
from synth.entries import registration_kind

PAGE_MM = (210.0, 297.0)  # A4 portrait
ENTRIES_PER_PAGE = 2
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 16.0, 14.0, 16.0
HEADER = 8.0
FOOTER = 8.0
GAP = 6.0
TOP_ROW = 10.0
RIGHT_COLUMN = 44.0
LABEL_PT, VALUE_PT = 9.5, 10.5
TICK_BOXES = (("on_time", "Đúng hạn"), ("late", "Quá hạn"), ("re_registered", "Đăng ký lại"))

# One line per tuple; a line holds one or more (label, field) pairs side by side.
LINES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("Họ, chữ đệm, tên:", "full_name"),),
    (("Ngày, tháng, năm sinh:", "date_of_birth"),),
    (("ghi bằng chữ:", "date_of_birth_words"),),
    (("Giới tính:", "sex"), ("Dân tộc:", "ethnicity"), ("Quốc tịch:", "nationality")),
    (("Nơi sinh:", "place_of_birth"),),
    (("Quê quán:", "hometown"),),
    (("Số định danh cá nhân:", "personal_id"),),
    (("Họ, chữ đệm, tên người mẹ:", "mother_name"),),
    (("Năm sinh:", "mother_birth_year"), ("Dân tộc:", "mother_ethnicity"), ("Quốc tịch:", "mother_nationality")),
    (("Nơi cư trú:", "mother_residence"),),
    (("Họ, chữ đệm, tên người cha:", "father_name"),),
    (("Năm sinh:", "father_birth_year"), ("Dân tộc:", "father_ethnicity"), ("Quốc tịch:", "father_nationality")),
    (("Nơi cư trú:", "father_residence"),),
    (("Người đi khai sinh:", "declarant_name"),),
)
SHARED_LINE_STOPS = (0.0, 0.34, 0.64)  # where each label of a shared line starts, as a fraction of the width


def value_text(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field == "date_of_birth":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def _render_block(pen: Pen, entry: dict[str, Any], x0: float, y0: float, x1: float, y1: float) -> None:
    mm_per_px = 25.4 / pen.dpi
    pen.rect(x0, y0, x1, y1, 0.5)
    label_font = pen.font(LABEL_PT)
    value_font = pen.font(VALUE_PT, "value")

    # Top row: Số, Quyển and the registration date.
    baseline = y0 + TOP_ROW * 0.68
    registered = date.fromisoformat(entry["registration_date"]).strftime("%d/%m/%Y")
    pairs = [("Số:", str(entry["entry_no"]), x0 + 3), ("Quyển:", f"{entry['volume']:02d}", x0 + 32),
             ("Ngày, tháng, năm đăng ký:", registered, x0 + 70)]
    for label, value, x in pairs:
        pen.printed(x, baseline, label, label_font)
        pen.value(x + pen.text_mm(label, label_font) + 2, baseline, value, value_font)
    pen.line(x0, y0 + TOP_ROW, x1, y0 + TOP_ROW, 0.35)
    split = x1 - RIGHT_COLUMN
    pen.line(split, y0 + TOP_ROW, split, y1, 0.35)

    # Left part: labels and values, wrapping long values onto a continuation line.
    left, width = x0 + 3, split - x0 - 5
    rows: list[list[tuple[float, str, str]]] = []  # per printed line: (x, kind, text)
    for line in LINES:
        if len(line) > 1:
            row = []
            for (label, field), stop in zip(line, SHARED_LINE_STOPS):
                x = left + stop * width
                row.append((x, "label", label))
                row.append((x + pen.text_mm(label, label_font) + 1.5, "value", value_text(field, entry.get(field))))
            rows.append(row)
            continue
        label, field = line[0]
        value_x = left + pen.text_mm(label, label_font) + 1.5
        text = value_text(field, entry.get(field))
        pieces = wrap(text, value_font, (left + width - value_x) / mm_per_px) or [""]
        rows.append([(left, "label", label), (value_x, "value", pieces[0])])
        if len(pieces) > 1:
            rest = wrap(" ".join(pieces[1:]), value_font, (width - 10) / mm_per_px)
            rows.extend([[(left + 10, "value", piece)] for piece in rest])
    pitch = min(8.0, (y1 - y0 - TOP_ROW - 4) / len(rows))
    for i, row in enumerate(rows):
        y = y0 + TOP_ROW + 2 + pitch * (i + 0.75)
        for x, kind, text in row:
            if kind == "label":
                pen.printed(x, y, text, label_font)
            elif text:
                pen.value(x, y, text, value_font)

    # Right column: the three tick boxes, then the Ghi chú box.
    box = 4.0
    kind = registration_kind(entry)
    for i, (key, caption) in enumerate(TICK_BOXES):
        top = y0 + TOP_ROW + 5 + i * 9
        pen.rect(split + 4, top, split + 4 + box, top + box, 0.3)
        pen.printed(split + 4 + box + 2.5, top + box * 0.85, caption, label_font)
        if key == kind:
            pen.tick(split + 4, top, box)
    notes_top = y0 + TOP_ROW + 5 + 3 * 9 + 2
    pen.rect(split + 3, notes_top, x1 - 3, y1 - 3, 0.3)
    pen.printed(split + 5, notes_top + 5, "Ghi chú:", pen.font(LABEL_PT, "bold"))
    if entry.get("notes"):
        font, lines = fit(pen, entry["notes"], RIGHT_COLUMN - 10, VALUE_PT - 1, 8)
        line_height = font.size * 1.25 * mm_per_px
        for i, line in enumerate(lines):
            pen.value(split + 5, notes_top + 11 + i * line_height, line, font)


def render_form_page(entries: list[dict[str, Any]], *, page_no: int, year: int, volume: int, dpi: int,
                     style: BookStyle, rng: random.Random) -> Image.Image:
    """One page of a form-block book with up to ENTRIES_PER_PAGE entries."""
    width, height = PAGE_MM
    pen = Pen(width, height, dpi, style, rng)
    pen.printed(MARGIN_X, MARGIN_TOP + 4, "SỔ ĐĂNG KÝ KHAI SINH", pen.font(11, "bold"))
    pen.printed(width - MARGIN_X, MARGIN_TOP + 4, f"Năm: {year}   Quyển số: {volume:02d}", pen.font(10), anchor="rs")
    top = MARGIN_TOP + HEADER
    block_height = (height - MARGIN_BOTTOM - FOOTER - top - GAP * (ENTRIES_PER_PAGE - 1)) / ENTRIES_PER_PAGE
    for i, entry in enumerate(entries[:ENTRIES_PER_PAGE]):
        y0 = top + i * (block_height + GAP)
        _render_block(pen, entry, MARGIN_X, y0, width - MARGIN_X, y0 + block_height)
    pen.printed(width / 2, height - MARGIN_BOTTOM + 3, f"Trang số: {page_no}", pen.font(10), anchor="ms")
    return pen.image
