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


# --- pages of the styles real books show (independent of synth/, so the readers are not tuned to it) -----

BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf"


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(lines[-1] + " " + word, font=font) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def _centred(draw, box, text, font, fill=20):
    x0, y0, x1, y1 = box
    lines = _wrap(draw, text, font, x1 - x0 - 16)
    step = int(font.size * 1.25)
    top = (y0 + y1) // 2 - step * len(lines) // 2
    for number, line in enumerate(lines):
        width = draw.textlength(line, font=font)
        draw.text(((x0 + x1 - width) / 2, top + number * step), line, font=font, fill=fill)


def table_page(titles: list[str], widths: list[float], rows: list[list[str] | None], spans=(),
               number_row: bool = False, struck: tuple[int, ...] = ()) -> Image.Image:
    """A landscape A4 table page at 300 dpi. ``titles`` per column (under a spanning title when ``spans``
    holds (title, first column, last column)); ``rows``: the cells' texts, None = a blank ruled row;
    ``number_row``: a row "(1) (2) …" under the header; ``struck``: rows crossed out by a diagonal stroke."""
    image = Image.new("L", (3508, 2480), 250)
    draw = ImageDraw.Draw(image)
    title_font, value_font = ImageFont.truetype(BOLD, 28), ImageFont.truetype(FONT, 30)
    left, right, top = 120, 3388, 260
    draw.text((left, 120), "SỔ ĐĂNG KÝ KHAI SINH", font=ImageFont.truetype(BOLD, 44), fill=10)
    scale = (right - left) / sum(widths)
    xs = [left]
    for width in widths:
        xs.append(int(xs[-1] + width * scale))
    xs[-1] = right
    tier = 90 if spans else 0
    header_bottom = top + tier + 170
    line = dict(fill=0, width=3)
    spanned = {c for _, a, b in spans for c in range(a, b + 1)}
    for title, a, b in spans:
        _centred(draw, (xs[a], top, xs[b + 1], top + tier), title, title_font)
        draw.line([(xs[a], top + tier), (xs[b + 1], top + tier)], **line)
    for column, title in enumerate(titles):
        y0 = top + tier if column in spanned else top
        _centred(draw, (xs[column], y0, xs[column + 1], header_bottom), title, title_font)
    y = header_bottom
    ys = [top, y]
    if number_row:
        for column in range(len(titles)):
            _centred(draw, (xs[column], y, xs[column + 1], y + 55), f"({column + 1})", ImageFont.truetype(FONT, 24))
        y += 55
        ys.append(y)
    for index, row in enumerate(rows):
        y1 = y + 140
        if row is not None:
            for column, text in enumerate(row):
                lines = _wrap(draw, text, value_font, xs[column + 1] - xs[column] - 20)
                for number, part in enumerate(lines[:3]):
                    draw.text((xs[column] + 10, y + 14 + number * 38), part, font=value_font, fill=25)
        if index in struck:
            draw.line([(xs[0] + 20, y1 - 15), (xs[-1] - 20, y + 15)], fill=30, width=4)
        y = y1
        ys.append(y)
    for y_rule in ys:
        draw.line([(left, y_rule), (right, y_rule)], **line)
    for column, x in enumerate(xs):
        # A column rule inside a spanning title starts below it.
        inner = any(a < column <= b for _, a, b in spans)
        draw.line([(x, top + tier if inner else top), (x, ys[-1])], **line)
    return image


def _leader(draw, x0, x1, baseline):
    for x in range(int(x0), int(x1), 14):
        draw.ellipse([x, baseline - 2, x + 3, baseline + 1], fill=40)


def form_page(blocks: list[list[list[tuple[str, str]]]], ticks: list[str], ticked: list[str | None],
              notes: list[str], leaders: int | None = None, mark: str = "check") -> Image.Image:
    """A portrait A4 form page at 300 dpi with one boxed block per entry. A block is its lines, a line its
    (label, value) pairs; the first line goes in the header strip. A label "#ID" draws its value one digit
    per box. ``leaders``: dotted leaders after the labels, this many pixels below the line's top (34 touches
    the letters' feet, 46 runs clear below them). ``ticks``: the side column's captions; ``ticked``: the caption ticked
    per block; ``mark``: "check" (✓), "cross" (x) or "fill"."""
    image = Image.new("L", (2480, 3508), 250)
    draw = ImageDraw.Draw(image)
    label_font, value_font = ImageFont.truetype(BOLD, 30), ImageFont.truetype(FONT, 32)
    left, right, side = 110, 2370, 1900
    y = 160
    for number, block in enumerate(blocks):
        height = 110 + 72 * (len(block) - 1) + 40
        top = y
        draw.rectangle([left, top, right, top + height], outline=0, width=4)
        draw.line([(left, top + 100), (right, top + 100)], fill=0, width=3)
        draw.line([(side, top + 100), (side, top + height)], fill=0, width=3)
        for index, pairs in enumerate(block):
            line_y = top + 30 if index == 0 else top + 100 + 30 + 72 * (index - 1)
            stop = right if index == 0 else side
            x = left + 25
            starts = [x + i * (stop - left - 25) // max(1, len(pairs)) for i in range(len(pairs))]
            # A long value pushes the next label along the line (date of birth, then "ghi bằng chữ").
            for i in range(1, len(pairs)):
                label, value = pairs[i - 1]
                end = starts[i - 1] + draw.textlength(label, font=label_font) + 18 + draw.textlength(value, font=value_font)
                starts[i] = max(starts[i], int(end) + 50)
            for (label, value), x0 in zip(pairs, starts):
                if label == "#ID":
                    for box_index, digit in enumerate(value):
                        bx = x0 + box_index * 52
                        draw.rectangle([bx, line_y - 8, bx + 52, line_y + 50], outline=0, width=3)
                        draw.text((bx + 14, line_y), digit, font=value_font, fill=20)
                    continue
                draw.text((x0, line_y), label, font=label_font, fill=10)
                vx = x0 + draw.textlength(label, font=label_font) + 18
                if leaders is not None:
                    end = starts[starts.index(x0) + 1] - 20 if x0 != starts[-1] else stop - 20
                    _leader(draw, vx - 10, end, line_y + leaders)
                draw.text((vx, line_y), value, font=value_font, fill=25)
        ty = top + 130
        for caption in ticks:
            draw.rectangle([side + 25, ty, side + 70, ty + 45], outline=0, width=3)
            if caption == ticked[number]:
                if mark == "check":
                    draw.line([(side + 31, ty + 24), (side + 45, ty + 38), (side + 66, ty + 6)], fill=20, width=5)
                elif mark == "cross":
                    draw.line([(side + 31, ty + 6), (side + 64, ty + 39)], fill=20, width=5)
                    draw.line([(side + 31, ty + 39), (side + 64, ty + 6)], fill=20, width=5)
                else:
                    draw.rectangle([side + 31, ty + 6, side + 64, ty + 39], fill=20)
            draw.text((side + 85, ty + 4), caption, font=ImageFont.truetype(FONT, 28), fill=20)
            ty += 70
        draw.text((side + 25, ty + 10), "Ghi chú:", font=label_font, fill=10)
        for line_number, part in enumerate(_wrap(draw, notes[number], ImageFont.truetype(FONT, 28), right - side - 50)):
            draw.text((side + 25, ty + 60 + 40 * line_number), part, font=ImageFont.truetype(FONT, 28), fill=25)
        y = top + height + 80
    return image


def heavy_scan(image: Image.Image, degrees: float, seed: int = 0) -> Image.Image:
    """A heavy scan of a page: faded ink, the back page showing through (mirrored), skewed, a dark scanner
    border around the sheet, sensor noise, then JPEG at quality 30."""
    import io

    rng = np.random.default_rng(seed)
    page = np.asarray(image, dtype=np.float32)
    page = 250 - (250 - page) * 0.45  # faded ink
    back = np.asarray(image.transpose(Image.Transpose.FLIP_LEFT_RIGHT), dtype=np.float32)
    page = page - (250 - back) * 0.12  # show-through
    sheet = Image.fromarray(np.clip(page, 0, 255).astype(np.uint8))
    sheet = sheet.rotate(degrees, resample=Image.Resampling.BILINEAR, expand=True, fillcolor=250)
    canvas = Image.new("L", (sheet.width + 160, sheet.height + 120), 25)  # the scanner lid's dark border
    canvas.paste(sheet, (90, 50))
    noisy = np.asarray(canvas, dtype=np.float32) + rng.normal(0, 6, (canvas.height, canvas.width))
    buffer = io.BytesIO()
    Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8)).save(buffer, "JPEG", quality=30)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


MONO = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"
_TONES = "\u0300\u0301\u0303\u0309\u0323"


def typewritten_cell(lines: list[str], mark_shift: float, size: int = 40, font_path: str = MONO,
                     line_height: float = 1.9) -> np.ndarray:
    """A cell typed on a typewriter: each letter struck without its tone mark, the mark struck on its own
    ``mark_shift`` advances to the right (black text on white, uint8). With a proportional ``font_path`` and
    no shift it is plain type. Lines are ``line_height`` font sizes apart."""
    import unicodedata

    font = ImageFont.truetype(font_path, size)
    advance = font.getlength("M")
    width = int(advance * (max(len(line) for line in lines) + 3)) + 40
    image = Image.new("L", (width, int(size * line_height * len(lines) + size) + 40), 255)
    draw = ImageDraw.Draw(image)
    for row, line in enumerate(lines):
        x, baseline = 20.0, 20 + size * 1.5 + row * size * line_height
        for char in line:
            decomposed = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
            tone = "".join(c for c in decomposed if c in _TONES)
            draw.text((x, baseline), base, font=font, fill=0, anchor="ls")
            if tone:
                # The mark alone: the plain vowel with this tone, minus the plain vowel.
                plain = "".join(c for c in decomposed if not unicodedata.combining(c))
                glyph = Image.new("L", image.size, 0)
                ImageDraw.Draw(glyph).text((x + mark_shift * advance, baseline), unicodedata.normalize(
                    "NFC", plain + tone), font=font, fill=255, anchor="ls")
                # An i marked above has no dot under its mark
                unmarked = "\u0131" if plain == "i" and tone != "\u0323" else plain
                ImageDraw.Draw(glyph).text((x + mark_shift * advance, baseline), unmarked, font=font, fill=0,
                                           anchor="ls")
                image.paste(0, mask=glyph.point(lambda v: 255 if v > 128 else 0))
            x += advance if font_path == MONO else font.getlength(base)
    return np.asarray(image, dtype=np.uint8)
