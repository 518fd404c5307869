"""A cell's lines read one by one where the engine gave a capital's marks to the line above (real Tesseract)."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.lines import reread_split_lines

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
DPI = 450


def _cell(lines: list[str], line_height: float = 1.2, size: int = 34) -> np.ndarray:
    """Lines written ``line_height`` font sizes apart: tight enough that a capital's marks reach into the
    space the line above's words take."""
    image = Image.new("L", (300, 140), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(SANS, size)
    for row, text in enumerate(lines):
        draw.text((28, 65 + row * size * line_height), text, font=font, fill=0, anchor="ls")
    return np.array(image)


def _texts(read) -> list[str]:
    return [" ".join(w.text for w in words) for words in read]


def test_marks_over_a_capital_of_the_second_line_are_read_with_it(engine):
    cells = [_cell(["Nguyễn Thị", "Ánh"]), _cell(["Thạch Thị", "Ên"])]
    first = engine.recognize_many(cells, DPI, psm=6)
    again = _texts(reread_split_lines(cells, first, DPI, engine))
    assert again == ["Nguyễn Thị Ánh", "Thạch Thị Ên"], (_texts(first), again)


def test_a_cell_whose_lines_stand_apart_is_read_once(engine):
    cells = [_cell(["Nguyễn Thị", "Ánh"], line_height=2.0), _cell(["Lê Văn Hùng"])]
    first = engine.recognize_many(cells, DPI, psm=6)
    assert reread_split_lines(cells, first, DPI, engine) == first
