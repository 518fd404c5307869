"""The form-block layout of birth registers since 2016: boxed entries with printed labels.

Each block has a top row (Số, Quyển, registration date), a left part with printed labels followed by
values, and a right column of tick boxes (Đúng hạn = on time, Quá hạn = late, Đăng ký lại = registered
again) above a Ghi chú (notes) box. The book's style decides the label wordings, whether the parents come
under section headings (Mẹ:, Cha:, Người đi khai sinh:) with the child's generic labels, where "ghi bằng chữ"
goes, dotted leaders, the ID in 12 boxes, the tick mark and the label order; form_lines builds the lines.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from PIL import Image

from synth.draw import BookStyle, Pen, fit, wrap
from synth.entries import registration_kind
from synth.page_header import draw_header_block, margin_scale, page_mm
from synth.style import CLASSIC
from synth.wordings import SECTION_HEADINGS, TICK_CAPTIONS

ENTRIES_PER_PAGE = 2
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 16.0, 14.0, 16.0
HEADER = 8.0
FOOTER = 8.0
GAP = 6.0
TOP_ROW = 10.0
RIGHT_COLUMN = 44.0
LABEL_PT, VALUE_PT = 9.5, 10.5
MIN_PITCH = 5.0  # mm between label lines below which the block's type is set smaller
TICK_BOXES = TICK_CAPTIONS
SHARED_LINE_STOPS = (0.0, 0.34, 0.64)  # where each label of a shared line starts, as a fraction of the width
ID_BOX = 4.6  # width of one box of a boxed personal ID, mm

Line = tuple[str, tuple[tuple[str, str], ...]]  # (kind: single|shared|flow|heading, ((label, field), ...))


def value_text(field: str, value: Any) -> str:
    if value is None:
        return ""
    if field == "date_of_birth":
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    return str(value)


def entries_per_page(style: dict[str, Any]) -> int:
    """Blocks per page: two on A4 portrait, three on A3 portrait, two side by side on A3 landscape."""
    return 3 if (style["page_size"], style["orientation"]) == ("A3", "portrait") else ENTRIES_PER_PAGE


def form_lines(style: dict[str, Any]) -> list[Line]:
    """The block's printed lines, top to bottom, for the book's label style."""
    labels = style["labels"]
    sections = style["parents"] == "sections"
    one_per_line = style["form_order"] == "one_per_line"

    def single(key: str, field: str | None = None) -> Line:
        return ("single", ((labels[key], field or key),))

    def trio(year_or_sex: tuple[str, str], prefix: str) -> list[Line]:
        pairs = (year_or_sex, (labels["ethnicity"], f"{prefix}ethnicity"), (labels["nationality"],
                                                                            f"{prefix}nationality"))
        return [("single", (p,)) for p in pairs] if one_per_line else [("shared", pairs)]

    lines: list[Line] = []
    if style["child_heading"] or sections:
        lines.append(("heading", ((style["child_heading"] or SECTION_HEADINGS["child"][0], ""),)))
    lines.append(single("full_name"))
    if style["form_order"] == "id_after_name":
        lines.append(single("personal_id"))
    if style["date_words_line"] == "same_line":
        lines.append(("flow", ((labels["date_of_birth"], "date_of_birth"),
                               (labels["date_of_birth_words"], "date_of_birth_words"))))
    else:
        lines += [single("date_of_birth"), single("date_of_birth_words")]
    lines += trio((labels["sex"], "sex"), "")
    lines += [single("place_of_birth"), single("hometown")]
    if style["form_order"] != "id_after_name":
        lines.append(single("personal_id"))
    for person in ("mother", "father"):
        if sections:
            lines.append(("heading", ((SECTION_HEADINGS[person][0], ""),)))
            lines.append(single("generic_name", f"{person}_name"))
        else:
            lines.append(single(f"{person}_name"))
        lines += trio((labels["birth_year"], f"{person}_birth_year"), f"{person}_")
        lines.append(single("residence", f"{person}_residence"))
    if sections:
        lines += [("heading", ((SECTION_HEADINGS["declarant"][0], ""),)), single("generic_name", "declarant_name")]
    else:
        lines.append(single("declarant_name"))
    return lines


def _leader(pen: Pen, x0: float, x1: float, y: float) -> None:
    """A dotted leader from x0 to x1 just under the baseline y (the value is written over it)."""
    step, x = 1.1, x0
    while x < x1:
        pen.line(x, y + 0.6, x + 0.25, y + 0.6, 0.25)
        x += step


def _id_boxes(pen: Pen, x: float, y: float, digits: str, font, pitch: float = 8.0) -> None:
    """The personal ID written one digit per box of a row of 12 printed boxes, no taller than the line pitch
    allows: a printed form never has its boxes run into the lines above and below."""
    height = min(5.4, pitch - 0.8)
    for i in range(12):
        left = x + i * ID_BOX
        pen.rect(left, y - height * 0.78, left + ID_BOX, y + height * 0.22, 0.25)
        if i < len(digits):
            pen.value(left + ID_BOX / 2, y, digits[i], font, anchor="ms")


def _left_rows(pen: Pen, entry: dict[str, Any], style: dict[str, Any], left: float, width: float,
               scale: float = 1.0):
    """Per printed line: [(x, kind, text, slot end)], wrapping long values onto continuation lines."""
    mm_per_px = 25.4 / pen.dpi
    label_font, value_font = pen.font(LABEL_PT * scale), pen.font(VALUE_PT * scale, "value")
    printed = entry["printed"]
    rows: list[list[tuple[float, str, str, float]]] = []
    for kind, items in form_lines(style):
        if kind == "heading":
            rows.append([(left, "heading", items[0][0], left)])
            continue
        if kind == "shared":
            row = []
            for i, ((label, field), stop) in enumerate(zip(items, SHARED_LINE_STOPS)):
                x = left + stop * width
                end = left + (SHARED_LINE_STOPS[i + 1] * width - 2 if i + 1 < len(items) else width)
                value_x = x + pen.text_mm(label, label_font) + 1.5
                row += [(x, "label", label, end), (value_x, "value", printed.get(field, ""), end)]
            rows.append(row)
            continue
        x, row = left, []
        for n, (label, field) in enumerate(items):
            value_x = x + pen.text_mm(label, label_font) + 1.5
            text = printed.get(field, "")
            if field == "personal_id" and style["id_boxes"]:
                row += [(x, "label", label, value_x), (value_x, "boxes", text, left + width)]
                continue
            last = n == len(items) - 1
            pieces = wrap(text, value_font, (left + width - value_x) / mm_per_px) or [""] if last else [text]
            # A leader runs to the line's end, or on a shared flow line to the end of its own value.
            end = left + width if last else value_x + pen.text_mm(pieces[0], value_font) + 1
            row += [(x, "label", label, end), (value_x, "value", pieces[0], end)]
            x = value_x + pen.text_mm(pieces[0], value_font) + 4
            if last and len(pieces) > 1:
                rows.append(row)
                row = []
                rest = wrap(" ".join(pieces[1:]), value_font, (width - 10) / mm_per_px)
                rows.extend([[(left + 10, "value", piece, left + width)] for piece in rest])
        if row:
            rows.append(row)
    return rows


def _render_block(pen: Pen, entry: dict[str, Any], style: dict[str, Any], x0: float, y0: float, x1: float,
                  y1: float) -> None:
    mm_per_px = 25.4 / pen.dpi
    pen.rect(x0, y0, x1, y1, 0.5)
    label_font = pen.font(LABEL_PT)
    value_font = pen.font(VALUE_PT, "value")
    labels, printed = style["labels"], entry["printed"]

    # Top row: Số, Quyển and the registration date.
    baseline = y0 + TOP_ROW * 0.68
    pairs = [(labels["entry_no"], printed["entry_no"], x0 + 3), (labels["volume"], entry["volume"], x0 + 32),
             (labels["registration_date"], printed["registration_date"], x0 + 70)]
    end = float("-inf")
    for label, value, x in pairs:
        x = max(x, end + 6)
        pen.printed(x, baseline, label, label_font)
        pen.value(x + pen.text_mm(label, label_font) + 2, baseline, value, value_font)
        end = x + pen.text_mm(label, label_font) + 2 + pen.text_mm(value, value_font)
    pen.line(x0, y0 + TOP_ROW, x1, y0 + TOP_ROW, 0.35)
    split = x1 - RIGHT_COLUMN
    pen.line(split, y0 + TOP_ROW, split, y1, 0.35)

    rows = _left_rows(pen, entry, style, x0 + 3, split - x0 - 5)
    pitch = min(8.0, (y1 - y0 - TOP_ROW - 4) / len(rows))
    if pitch < MIN_PITCH:  # many lines (sections, one label per line) in a short block: smaller type, as printed
        scale = max(0.7, pitch / MIN_PITCH)
        label_font, value_font = pen.font(LABEL_PT * scale), pen.font(VALUE_PT * scale, "value")
        rows = _left_rows(pen, entry, style, x0 + 3, split - x0 - 5, scale)
        pitch = min(8.0, (y1 - y0 - TOP_ROW - 4) / len(rows))
    for i, row in enumerate(rows):
        y = y0 + TOP_ROW + 2 + pitch * (i + 0.75)
        for x, kind, text, slot_end in row:
            if kind == "heading":
                pen.printed(x, y, text, pen.font(label_font.size * 72 / pen.dpi, "bold"))
            elif kind == "label":
                pen.printed(x, y, text, label_font)
                if style["leaders"]:
                    _leader(pen, x + pen.text_mm(text, label_font) + 0.8, slot_end, y)
            elif kind == "boxes":
                _id_boxes(pen, x, y, text, value_font, pitch)
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
            pen.tick(split + 4, top, box, style["tick"])
    notes_top = y0 + TOP_ROW + 5 + 3 * 9 + 2
    pen.rect(split + 3, notes_top, x1 - 3, y1 - 3, 0.3)
    pen.printed(split + 5, notes_top + 5, labels["notes"], pen.font(LABEL_PT, "bold"))
    if printed.get("notes"):
        font, lines = fit(pen, printed["notes"], RIGHT_COLUMN - 10, VALUE_PT - 1, 8)
        line_height = font.size * 1.25 * mm_per_px
        for i, line in enumerate(lines):
            pen.value(split + 5, notes_top + 11 + i * line_height, line, font)


def render_form_page(entries: list[dict[str, Any]], *, page_no: int, year: int, volume: str, dpi: int,
                     style: BookStyle, rng: random.Random, layout_style: dict[str, Any] | None = None,
                     authority: str = "") -> Image.Image:
    """One page of a form-block book with up to entries_per_page(layout_style) entries."""
    layout_style = layout_style or CLASSIC["form"]
    width, height = page_mm(layout_style)
    scale = margin_scale(layout_style)
    margin_x, margin_top, margin_bottom = MARGIN_X * scale, MARGIN_TOP * scale, MARGIN_BOTTOM * scale
    pen = Pen(width, height, dpi, style, rng)
    if layout_style["header"] == "title":
        pen.printed(margin_x, margin_top + 4, layout_style["title"], pen.font(11, "bold"))
        pen.printed(width - margin_x, margin_top + 4, f"Năm: {year}   Quyển số: {volume}", pen.font(10),
                    anchor="rs")
        top = margin_top + HEADER
    else:
        top = draw_header_block(pen, layout_style, top=margin_top, left=margin_x, right=width - margin_x,
                                year=year, volume=volume, authority=authority, rng=rng)
    per_page = entries_per_page(layout_style)
    bottom = height - margin_bottom - FOOTER
    side_by_side = layout_style["orientation"] == "landscape"
    for i, entry in enumerate(entries[:per_page]):
        if side_by_side:
            block_width = (width - 2 * margin_x - GAP) / 2
            x0 = margin_x + i * (block_width + GAP)
            _render_block(pen, entry, layout_style, x0, top, x0 + block_width, bottom)
            continue
        block_height = (bottom - top - GAP * (per_page - 1)) / per_page
        y0 = top + i * (block_height + GAP)
        _render_block(pen, entry, layout_style, margin_x, y0, width - margin_x, y0 + block_height)
    pen.printed(width / 2, height - margin_bottom + 3, f"Trang số: {page_no}", pen.font(10), anchor="ms")
    return pen.image
