"""A hook above read where the ink shows a grave's straight stroke is a grave; a hook the ink shows stays,
and so does any word whose marks cannot be told apart."""

from __future__ import annotations

import unicodedata

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from ocr.engine import Word
from ocr.graves import with_seen_graves

ITALIC = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf"
SANS_OBLIQUE = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf"


def _word_ink(text: str, font_path: str, size: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    font = ImageFont.truetype(font_path, size)
    image = Image.new("L", (int(font.getlength(text)) + 2 * size, 3 * size), 255)
    ImageDraw.Draw(image).text((size, 2 * size), text, font=font, fill=0, anchor="ls")
    ink = (np.asarray(image.filter(ImageFilter.GaussianBlur(0.8))) < 128).astype(np.uint8) * 255
    ys, xs = np.nonzero(ink)
    return ink, (int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1))


def _hooked(text: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", text).replace("\u0300", "\u0309"))


def _reread(written: str, reading: str, font_path: str, size: int) -> str:
    ink, box = _word_ink(written, font_path, size)
    return with_seen_graves(ink, [Word(reading, 0.7, box)])[0].text


def test_a_grave_read_as_a_hook_is_a_grave():
    for written in ("Giàng", "Thào", "Tòng", "Mùa", "Phùng"):
        for font_path in (ITALIC, SANS_OBLIQUE):
            assert _reread(written, _hooked(written), font_path, 44) == written, (written, font_path)


def test_hooks_the_ink_shows_stay_hooks():
    for written in ("tỉnh", "Thủy", "Hải", "Phở", "Giảng", "Thảo", "Cử", "Huỳnh", "Quảng", "Khải"):
        for font_path in (ITALIC, SANS_OBLIQUE):
            for size in (32, 44):
                assert _reread(written, written, font_path, size) == written, (written, font_path, size)


def test_a_word_whose_marks_do_not_match_its_reading_is_left_as_read():
    # The reading has a hook on the a, the ink a dotted i the reading lacks: the pieces do not line up.
    assert _reread("Giàng", "Gảng", ITALIC, 44) == "Gảng"
    # A capital's mark is never judged by shape.
    assert _reread("Ồ", "Ổ", ITALIC, 44) == "Ổ"
