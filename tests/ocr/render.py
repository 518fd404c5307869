"""Quick pages rendered with Pillow for preprocessing unit tests (the accuracy tests use synth/ books)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf"
LINE = "Nguyễn Thị Hằng  12/05/2019  Trạm y tế xã Tân Phú, huyện Đức Hòa, tỉnh Long An  Kinh  Việt Nam"


def ruled_page(dpi: int = 300, frame: bool = True, rows: int = 10) -> Image.Image:
    """A landscape A4 page: a ruled table frame with rows of Vietnamese text (or text only)."""
    scale = dpi / 300
    width, height = int(3508 * scale), int(2480 * scale)
    image = Image.new("L", (width, height), 250)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, int(34 * scale))
    left, top, right = int(200 * scale), int(300 * scale), int(3300 * scale)
    row_h = int(170 * scale)
    for row in range(rows):
        y = top + row * row_h
        draw.text((left + int(40 * scale), y + int(50 * scale)), LINE, font=font, fill=20)
        if frame:
            draw.line([(left, y), (right, y)], fill=0, width=max(2, int(3 * scale)))
    if frame:
        bottom = top + rows * row_h
        draw.line([(left, bottom), (right, bottom)], fill=0, width=max(2, int(3 * scale)))
        for x in np.linspace(left, right, 6):
            draw.line([(int(x), top), (int(x), bottom)], fill=0, width=max(2, int(3 * scale)))
    return image


def save(image: Image.Image, path: Path, dpi: int = 300) -> Path:
    image.save(path, dpi=(dpi, dpi))
    return path


def rotated(image: Image.Image, degrees: float) -> Image.Image:
    """Counter-clockwise by ``degrees`` (Pillow's convention), corners filled with paper."""
    return image.rotate(degrees, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=250)
