"""Typewritten values: a monospace face whose tone marks are struck separately, so they sit offset.

On Vietnamese typewriters the letters (including ă â ê ô ơ ư đ) had keys of their own and the five tone marks
(dấu thanh) were dead keys struck on top; the mark rarely landed centred. We draw the toneless letter, then the
mark's pixels alone (the precomposed glyph minus its base glyph) shifted right and up, so OCR reads "Nguyêñ"
for Nguyễn and "Trâǹ" for Trần.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
INK_RIBBON = (30, 30, 34)
# How far the separately struck mark lands from its letter, as a fraction of the character advance: from
# slightly off to over the next letter. Over its own hatted letter (ê, â, ô, ă, ơ has no hat above) the mark
# rides above the hat; landing on the next letter it keeps the height of a mark over a plain letter.
MARK_SHIFT_X = (0.3, 1.0)
HAT_RAISE = 0.22  # em
HATTED = frozenset("âêôăÂÊÔĂ")
DOT_BELOW = "\u0323"


def split_tone(char: str) -> tuple[str, str]:
    """(the letter without its tone mark, NFC; the combining tone mark or "")."""
    decomposed = unicodedata.normalize("NFD", char)
    tone = "".join(c for c in decomposed if c in TONE_MARKS)
    base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONE_MARKS))
    return base, tone


@lru_cache(maxsize=4096)
def _glyph(font: ImageFont.FreeTypeFont, char: str) -> np.ndarray:
    """The glyph's coverage on a canvas of 2 advances × 3 ems, baseline at 2 ems, left edge at 0.5 advance."""
    advance = font.getlength("M")
    canvas = Image.new("L", (round(advance * 2), font.size * 3), 0)
    ImageDraw.Draw(canvas).text((advance * 0.5, font.size * 2), char, font=font, fill=255, anchor="ls")
    return np.asarray(canvas, dtype=np.int16)


@lru_cache(maxsize=4096)
def mark_pixels(font: ImageFont.FreeTypeFont, char: str) -> np.ndarray | None:
    """The tone mark of `char` alone, at the height it takes over a plain letter: the precomposed glyph of the
    plain vowel with that tone minus the plain vowel ("ẽ" − "e" for ễ; fonts squeeze a tone over a hat, so
    "ễ" − "ê" would cut the mark). None without a mark."""
    _, tone = split_tone(char)
    if not tone:
        return None
    plain = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
    marked = unicodedata.normalize("NFC", plain + tone)
    # An i marked above has no dot where its mark sits: minus the dotted i, the mark would lose half its ink.
    unmarked = "\u0131" if plain == "i" and tone != DOT_BELOW else plain
    mark = np.clip(_glyph(font, marked) - _glyph(font, unmarked), 0, 255).astype(np.uint8)
    return mark if mark.any() else None


def _stamp(image: Image.Image, coverage: np.ndarray, left: float, top: float, ink: tuple[int, int, int]) -> None:
    mask = Image.fromarray(coverage.astype(np.uint8), "L")
    image.paste(Image.new(image.mode, mask.size, ink), (round(left), round(top)), mask)


def strike(pen, x_mm: float, y_mm: float, text: str, font: ImageFont.FreeTypeFont, anchor: str = "ls") -> None:
    """Type `text` with its baseline at y: each letter struck without its tone, then the tone struck offset.

    Letters vary a little in height and darkness, as typebars and ribbons do."""
    advance = font.getlength("M")
    left = pen.px(x_mm) - (advance * len(text) / 2 if anchor[0] == "m" else 0)
    baseline = pen.px(y_mm)
    for char in text:
        if char != " ":
            base, _ = split_tone(char)
            shade = int(pen.rng.uniform(0, 40))
            ink = tuple(min(255, c + shade) for c in INK_RIBBON)
            dy = pen.rng.uniform(-0.03, 0.03) * font.size
            _stamp(pen.image, _glyph(font, base), left - advance * 0.5, baseline + dy - font.size * 2, ink)
            mark = mark_pixels(font, char)
            if mark is not None:
                shift = pen.rng.uniform(*MARK_SHIFT_X)
                shift_x = advance * shift
                above_hat = base in HATTED and shift < 0.6 and split_tone(char)[1] != DOT_BELOW
                shift_y = -font.size * (HAT_RAISE if above_hat else 0.02)
                _stamp(pen.image, mark, left - advance * 0.5 + shift_x, baseline + dy + shift_y - font.size * 2,
                       ink)
        left += advance
