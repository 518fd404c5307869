"""Drawing helpers shared by both page layouts: fonts, millimetre coordinates, wrapped and "handwritten" text.

Pages are drawn at the book's DPI in millimetre coordinates. Printed text (labels, titles) uses the regular or
bold face of the book's printing font; entry values use the book's value style: typed (another family, black)
or handwritten-looking (an italic face in blue-black ink, with a slightly different size and a jittered
baseline).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_DIRS = (Path("/usr/share/fonts/truetype"), Path("/usr/share/fonts"))
# family → (regular, bold, italic) file names. Only families whose faces cover Vietnamese are used (the
# Debian fonts-liberation 1.x faces, for one, lack letters such as ả and ỷ).
FAMILIES: dict[str, tuple[str, str, str]] = {
    "DejaVu Sans": ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"),
    "DejaVu Serif": ("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf"),
    "Liberation Sans": ("LiberationSans-Regular.ttf", "LiberationSans-Bold.ttf", "LiberationSans-Italic.ttf"),
    "Liberation Serif": ("LiberationSerif-Regular.ttf", "LiberationSerif-Bold.ttf", "LiberationSerif-Italic.ttf"),
    "Noto Sans": ("NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "NotoSans-Italic.ttf"),
    "Noto Serif": ("NotoSerif-Regular.ttf", "NotoSerif-Bold.ttf", "NotoSerif-Italic.ttf"),
}
INK_PRINTED = (25, 25, 25)
INK_TYPED = (10, 10, 10)
INK_HANDWRITTEN = (20, 30, 105)
#: The smallest value size a crowded cell shrinks to (about 1.8 mm capitals).
LEGIBLE_PT = 5.0
# The typewriter's face is kept apart from FAMILIES so today's random font draw is unchanged.
TYPEWRITER_FACE = "DejaVuSansMono.ttf"


class FontNotFoundError(RuntimeError):
    """A font file the synthetic pages need is not installed (Debian: fonts-dejavu-core, fonts-liberation,
    fonts-noto-core)."""


@lru_cache
def font_path(file_name: str) -> Path:
    for root in FONT_DIRS:
        found = sorted(root.rglob(file_name))
        if found:
            return found[0]
    raise FontNotFoundError(f"font file {file_name} not found under {', '.join(map(str, FONT_DIRS))}")


@lru_cache(maxsize=256)
def load_font(file_name: str, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(file_name)), size_px)


VIETNAMESE_LETTERS = "".join(sorted(set(
    "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
)))
VIETNAMESE_LETTERS += VIETNAMESE_LETTERS.upper()


@lru_cache
def covers_vietnamese(file_name: str) -> bool:
    """Whether the font has a glyph for every Vietnamese letter (a missing one renders as the .notdef box)."""
    font = load_font(file_name, 24)

    def glyph(text: str) -> bytes:
        mask = font.getmask(text)
        return repr(mask.size).encode() + bytes(mask)

    missing = glyph("\uffff")  # a noncharacter: always drawn as the .notdef glyph
    return all(glyph(letter) != missing for letter in VIETNAMESE_LETTERS)


def vietnamese_families() -> list[str]:
    """The installed families whose regular, bold and italic faces all cover Vietnamese, sorted by name."""
    usable = []
    for family, faces in sorted(FAMILIES.items()):
        try:
            if all(covers_vietnamese(face) for face in faces):
                usable.append(family)
        except FontNotFoundError:
            continue
    if not usable:
        raise FontNotFoundError("no installed font family covers Vietnamese (install fonts-dejavu-core)")
    return usable


@dataclass(frozen=True)
class BookStyle:
    """The fonts and ink of one book, chosen once per book."""

    printed_family: str
    value_family: str
    handwritten: bool
    value_scale: float  # value size relative to the label size
    typewriter: bool = False  # values typed on a monospace typewriter, tone marks struck separately


def choose_style(rng: random.Random) -> BookStyle:
    families = vietnamese_families()
    printed = rng.choice(families)
    handwritten = rng.random() < 0.6
    value = rng.choice([f for f in families if f != printed] or families)
    return BookStyle(printed, value, handwritten, rng.uniform(1.0, 1.12) if handwritten else 1.0)


class Pen:
    """Draws on one page in millimetres at a given DPI."""

    def __init__(self, width_mm: float, height_mm: float, dpi: int, style: BookStyle, rng: random.Random):
        self.dpi, self.style, self.rng = dpi, style, rng
        self.image = Image.new("RGB", (self.px(width_mm), self.px(height_mm)), "white")
        self.draw = ImageDraw.Draw(self.image)

    def px(self, mm: float) -> int:
        return round(mm * self.dpi / 25.4)

    def font(self, size_pt: float, kind: str = "regular") -> ImageFont.FreeTypeFont:
        """kind: regular or bold (printed family), value (the book's value face)."""
        if kind == "value" and self.style.typewriter:
            return load_font(TYPEWRITER_FACE, max(6, round(size_pt * self.dpi / 72)))
        if kind == "value":
            regular, _, italic = FAMILIES[self.style.value_family]
            file_name = italic if self.style.handwritten else regular
            size_pt *= self.style.value_scale
        else:
            regular, bold, _ = FAMILIES[self.style.printed_family]
            file_name = bold if kind == "bold" else regular
        return load_font(file_name, max(6, round(size_pt * self.dpi / 72)))

    def text_mm(self, text: str, font: ImageFont.FreeTypeFont) -> float:
        """Width of `text` in millimetres."""
        return font.getlength(text) * 25.4 / self.dpi

    def line(self, x0: float, y0: float, x1: float, y1: float, width_mm: float = 0.3) -> None:
        self.draw.line([(self.px(x0), self.px(y0)), (self.px(x1), self.px(y1))], fill=INK_PRINTED,
                       width=max(1, self.px(width_mm)))

    def rect(self, x0: float, y0: float, x1: float, y1: float, width_mm: float = 0.35) -> None:
        self.draw.rectangle([self.px(x0), self.px(y0), self.px(x1), self.px(y1)], outline=INK_PRINTED,
                            width=max(1, self.px(width_mm)))

    def printed(self, x: float, y: float, text: str, font: ImageFont.FreeTypeFont, anchor: str = "ls") -> None:
        """Printed text with its baseline at y (anchor 'ls' = left, baseline; 'ms' = centred)."""
        self.draw.text((self.px(x), self.px(y)), text, font=font, fill=INK_PRINTED, anchor=anchor)

    def value(self, x: float, y: float, text: str, font: ImageFont.FreeTypeFont, anchor: str = "ls") -> None:
        """An entry value: typed, typewritten (offset tone marks) or handwritten-looking with per-word baseline
        and spacing jitter."""
        if self.style.typewriter:
            from synth.typewriter import strike

            strike(self, x, y, text, font, anchor)
            return
        if not self.style.handwritten:
            self.draw.text((self.px(x), self.px(y)), text, font=font, fill=INK_TYPED, anchor=anchor)
            return
        total = font.getlength(text)
        left = self.px(x) - (total / 2 if anchor[0] == "m" else 0)
        size = font.size
        space = font.getlength(" ")
        for word in text.split(" "):
            dy = self.rng.uniform(-0.08, 0.08) * size
            self.draw.text((left, self.px(y) + dy), word, font=font, fill=INK_HANDWRITTEN, anchor="ls")
            left += font.getlength(word) + space * self.rng.uniform(0.85, 1.15)

    def tick(self, x0: float, y0: float, size: float, kind: str = "check") -> None:
        """A handwritten mark in a box whose top-left corner is (x0, y0): a tick (✓), a cross (x) or the box
        filled in."""
        if kind == "filled":
            inset = size * 0.18
            self.draw.rectangle([self.px(x0 + inset), self.px(y0 + inset), self.px(x0 + size - inset),
                                 self.px(y0 + size - inset)], fill=INK_HANDWRITTEN)
            return
        if kind == "x":
            for a, b in (((0.15, 0.15), (0.85, 0.85)), ((0.85, 0.15), (0.15, 0.85))):
                ends = [(x0 + size * u + self.rng.uniform(-0.2, 0.2), y0 + size * v + self.rng.uniform(-0.2, 0.2))
                        for u, v in (a, b)]
                self.draw.line([(self.px(p), self.px(q)) for p, q in ends], fill=INK_HANDWRITTEN,
                               width=max(2, self.px(0.45)))
            return
        points = [(x0 + size * 0.15, y0 + size * 0.55), (x0 + size * 0.42, y0 + size * 0.85),
                  (x0 + size * 0.95, y0 - size * 0.1)]
        jitter = [(px + self.rng.uniform(-0.3, 0.3), py + self.rng.uniform(-0.3, 0.3)) for px, py in points]
        self.draw.line([(self.px(a), self.px(b)) for a, b in jitter], fill=INK_HANDWRITTEN,
                       width=max(2, self.px(0.5)), joint="curve")


def wrap(text: str, font: ImageFont.FreeTypeFont, width_px: float) -> list[str]:
    """Greedy word wrap of `text` into lines no wider than `width_px` (a single long word stays whole)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and font.getlength(candidate) > width_px:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines


def fit(pen: Pen, text: str, width_mm: float, size_pt: float, max_lines: int, kind: str = "value",
        min_pt: float = 6.0, height_mm: float | None = None) -> tuple[ImageFont.FreeTypeFont, list[str]]:
    """The largest font (from size_pt down) at which `text` wraps into at most `max_lines` lines of `width_mm`.

    With ``height_mm`` the lines must also fit that height, handwritten values keep room for their jittered
    spacing, and a text that still does not fit at ``min_pt`` goes on shrinking to a legible floor: an
    officer writes smaller in a crowded cell rather than across the column's rule."""
    width_px = width_mm * pen.dpi / 25.4
    slack = 1.15 if height_mm is not None and kind == "value" and pen.style.handwritten else 1.0
    floor = min(min_pt, LEGIBLE_PT) if height_mm is not None else min_pt
    size = size_pt
    while True:
        font = pen.font(size, kind)
        lines = wrap(text, font, width_px / slack)
        widest = max((font.getlength(line) for line in lines), default=0) * slack
        tall = height_mm is not None and len(lines) * font.size * 1.2 * 25.4 / pen.dpi > height_mm
        fits = len(lines) <= max_lines and widest <= width_px and not tall
        if fits or size <= floor or (size <= min_pt and height_mm is None):
            return font, lines
        size -= 0.5
