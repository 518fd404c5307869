"""Layout: where the entries and their fields are on a prepared page, found in the image itself.

Two layouts exist (see ``validation.schema``):

* **table** (older books, bảng = table): a ruled grid, a header row of column titles, one entry per row.
  Rules are found with long morphological openings; columns are mapped to fields by reading the header
  titles (fuzzy match), never by their position.
* **form** (books since 2016): boxed blocks, one entry per box, printed labels followed by values. The boxes
  are found here; the labels are read with the values in ``ocr.read`` (a form cell is known only once its
  label is read).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Literal

import cv2
import numpy as np
from rapidfuzz import fuzz

from ocr.engine import BBox, OcrEngine, TesseractEngine, Word
from ocr.errors import LayoutNotFoundError
from ocr.preprocess import PreparedPage

#: Column titles printed in table books, by field (variants seen in books may be added here).
TABLE_TITLES: dict[str, tuple[str, ...]] = {
    "entry_no": ("Số", "STT", "Số TT"),
    "registration_date": ("Ngày đăng ký", "Ngày, tháng, năm đăng ký"),
    "full_name": ("Họ và tên", "Họ, chữ đệm, tên", "Họ tên"),
    "date_of_birth": ("Ngày sinh", "Ngày, tháng, năm sinh"),
    "sex": ("Giới tính",),
    "ethnicity": ("Dân tộc",),
    "nationality": ("Quốc tịch",),
    "place_of_birth": ("Nơi sinh",),
    "personal_id": ("Số định danh cá nhân", "Số định danh"),
    "mother_name": ("Họ tên mẹ", "Họ và tên mẹ"),
    "father_name": ("Họ tên cha", "Họ và tên cha"),
    "notes": ("Ghi chú",),
}
#: A header title must score at least this (0..100) to name a column.
MIN_TITLE_SCORE = 70.0


@dataclass
class EntryRegion:
    """One entry on the page: its box and, for tables, each field's cell box (x, y, w, h)."""

    bbox: BBox
    cells: dict[str, BBox] = field(default_factory=dict)
    #: Form blocks: the parts of the box separated by its inner rules ("header", "main", "side").
    parts: dict[str, BBox] = field(default_factory=dict)


@dataclass
class PageLayout:
    kind: Literal["table", "form"]
    entries: list[EntryRegion]
    #: Table: the grid's column boxes by field, and how well each header title matched (0..1).
    columns: dict[str, BBox] = field(default_factory=dict)
    column_scores: dict[str, float] = field(default_factory=dict)
    #: The area inside the frame(s) that holds text to read (table: the grid; form: each box).
    region: BBox | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass
class Rules:
    """The long ruling lines of a page: masks and the lines as boxes."""

    horizontal: np.ndarray
    vertical: np.ndarray
    h_lines: list[BBox]
    v_lines: list[BBox]


def find_rules(binary: np.ndarray, dpi: int) -> Rules:
    """Horizontal and vertical rules: ink runs longer than ~12 mm (morphological opening)."""
    length = max(20, int(dpi * 0.47))
    horizontal = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (length, 1)))
    vertical = cv2.morphologyEx(binary, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, length)))
    # Bridge breaks in faint or noisy rules before measuring them.
    horizontal = cv2.dilate(horizontal, cv2.getStructuringElement(cv2.MORPH_RECT, (length // 4, 3)))
    vertical = cv2.dilate(vertical, cv2.getStructuringElement(cv2.MORPH_RECT, (3, length // 4)))
    return Rules(horizontal, vertical, _boxes(horizontal), _boxes(vertical))


def _boxes(mask: np.ndarray) -> list[BBox]:
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    return [tuple(int(v) for v in stats[i, :4]) for i in range(1, count)]


def remove_rules(binary: np.ndarray, rules: Rules, dpi: int = 300) -> np.ndarray:
    """The binary page without its ruling lines (and their ragged edges): what the OCR engine should see."""
    lines = cv2.bitwise_or(rules.horizontal, rules.vertical)
    size = max(3, int(round(dpi / 100)))
    lines = cv2.dilate(lines, np.ones((size, size), np.uint8))
    return cv2.bitwise_and(binary, cv2.bitwise_not(lines))


def detect_layout(prepared: PreparedPage, engine: OcrEngine | None = None) -> PageLayout:
    """Table or form, with its entries. Raises LayoutNotFoundError (naming the file) when neither is found."""
    rules = find_rules(prepared.binary, prepared.dpi)
    grid = _table_grid(rules, prepared.binary.shape)
    if grid is not None:
        return _table_layout(prepared, rules, *grid, engine or TesseractEngine())
    boxes = form_boxes(prepared.binary, prepared.dpi)
    if boxes:
        return PageLayout("form", [EntryRegion(box, parts=form_parts(box, rules)) for box in boxes])
    raise LayoutNotFoundError(prepared.source_file or "page", page=prepared.page_in_file)


# --- table ------------------------------------------------------------------------------------------

def _cluster(positions: list[float], tolerance: float) -> list[float]:
    groups: list[list[float]] = []
    for value in sorted(positions):
        if groups and value - groups[-1][-1] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    return [float(np.mean(group)) for group in groups]


def _table_grid(rules: Rules, shape: tuple[int, ...]) -> tuple[list[float], list[float]] | None:
    """Row rule y positions and column rule x positions of a grid, or None if the page has no grid.

    A grid: at least 6 vertical rules of about the same span, crossed by at least 3 horizontal rules."""
    height, width = shape[:2]
    tall = [b for b in rules.v_lines if b[3] > 0.3 * height]
    if len(tall) < 6:
        return None
    top = float(np.median([b[1] for b in tall]))
    bottom = float(np.median([b[1] + b[3] for b in tall]))
    span = bottom - top
    columns = [b for b in tall if b[3] > 0.8 * span and abs(b[1] - top) < 0.1 * span]
    if len(columns) < 6:
        return None
    xs = _cluster([b[0] + b[2] / 2 for b in columns], tolerance=0.01 * width)
    left, right = xs[0], xs[-1]
    wide = [b for b in rules.h_lines if b[2] > 0.8 * (right - left) and top - 0.02 * height <= b[1] + b[3] / 2 <= bottom + 0.02 * height]
    ys = _cluster([b[1] + b[3] / 2 for b in wide], tolerance=0.006 * height)
    if len(ys) < 3 or len(xs) < 6:
        return None
    return ys, xs


def _inset(x0: float, y0: float, x1: float, y1: float, pad: int) -> BBox:
    return (int(x0) + pad, int(y0) + pad, max(1, int(x1 - x0) - 2 * pad), max(1, int(y1 - y0) - 2 * pad))


def ink_fraction(binary: np.ndarray, box: BBox) -> float:
    x, y, w, h = box
    crop = binary[max(0, y):y + h, max(0, x):x + w]
    return float((crop > 0).mean()) if crop.size else 0.0


def fold(text: str) -> str:
    """Lowercase without tone marks or hats (đ → d): the key for fuzzy label and title matching."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def title_score(text: str, title: str) -> float:
    """0..100: how well a read header text matches a printed title (accents and case ignored)."""
    a, b = fold(text).replace(",", " ").split(), fold(title).replace(",", " ").split()
    return fuzz.ratio(" ".join(a), " ".join(b))


def map_columns(titles: list[str]) -> tuple[dict[str, int], dict[str, float], list[str]]:
    """Column index per field from the header texts, best matches first, one column per field; also the
    fields whose title was unreadable and that were placed by column order."""
    candidates = []
    for column, text in enumerate(titles):
        if not text.strip():
            continue
        for field_name, variants in TABLE_TITLES.items():
            score = max(title_score(text, variant) for variant in variants)
            candidates.append((score, column, field_name))
    mapping: dict[str, int] = {}
    scores: dict[str, float] = {}
    used: set[int] = set()
    for score, column, field_name in sorted(candidates, reverse=True):
        if score < MIN_TITLE_SCORE or column in used or field_name in mapping:
            continue
        mapping[field_name] = column
        scores[field_name] = score / 100
        used.add(column)
    # Titles the engine could not read (a smudge, a torn corner): when as many columns as fields are left,
    # they keep the book's column order. Marked with a low score so their readings get low confidence.
    left_fields = [name for name in TABLE_TITLES if name not in mapping]
    left_columns = [c for c in range(len(titles)) if c not in used]
    placed: list[str] = []
    if left_fields and len(left_fields) == len(left_columns) and len(left_fields) <= 2:
        # One gap among columns all read in book order is nearly certain; several gaps much less so.
        placed_score = 0.9 if len(left_fields) == 1 else 0.5
        order = sorted(mapping, key=mapping.get)
        book_order = [name for name in TABLE_TITLES if name in mapping]
        if order == book_order:
            for name, column in zip(left_fields, left_columns):
                mapping[name] = column
                scores[name] = placed_score
                placed.append(name)
    return mapping, scores, placed


def words_in_box(words: list[Word], box: BBox) -> list[Word]:
    x, y, w, h = box
    return [word for word in words if x <= word.center[0] < x + w and y <= word.center[1] < y + h]


def join_lines(words: list[Word]) -> str:
    """Words in reading order: lines top to bottom, each line left to right.

    The engine's own text lines are the units (a word with a tall box, "ngày" with its descender and tone
    mark, must not slip below the next line's date in a cramped cell); units whose vertical centres lie within
    half a word height of each other are one line (a sparse pass may split a line in two)."""
    units: dict[tuple[int, int, int], list[Word]] = {}
    for index, word in enumerate(words):
        # Words without the engine's line numbers are each their own unit.
        key = word.line if word.line != (0, 0, 0) else (-1, -1, index)
        units.setdefault(key, []).append(word)

    def centre(group: list[Word]) -> float:
        return float(np.median([w.center[1] for w in group]))

    def height(group: list[Word]) -> float:
        return float(np.median([w.bbox[3] for w in group]))

    lines: list[list[Word]] = []
    for unit in sorted(units.values(), key=centre):
        if lines and abs(centre(unit) - centre(lines[-1])) <= 0.5 * min(height(unit), height(lines[-1])):
            lines[-1].extend(unit)
        else:
            lines.append(list(unit))
    return " ".join(" ".join(w.text for w in sorted(line, key=lambda w: w.bbox[0])) for line in lines)


def _read_header(clean: np.ndarray, dpi: int, row: tuple[float, float], xs: list[float], pad: int,
                 engine: OcrEngine) -> tuple[dict[str, int], dict[str, float], list[str]]:
    """Column mapping (see map_columns) from the titles in one row of the grid.

    One sparse pass (psm 11) over the whole strip first. It misreads bold, blurred or two-line titles on
    degraded scans (a page lost three columns that way), so when some column is left without a title read,
    each title cell is read again on its own, enlarged (psm 6), and the mapping naming more columns by their
    titles wins."""
    y0, y1 = row
    x0, x1 = int(xs[0]), int(xs[-1])
    columns = list(zip(xs[:-1], xs[1:]))
    strip = 255 - clean[int(y0):int(y1), x0:x1]
    words = engine.recognize_words(strip, dpi, psm=11)
    titles = [join_lines(words_in_box(words, (int(a - x0), 0, int(b - a), int(y1 - y0)))) for a, b in columns]
    best = map_columns(titles)
    by_title = len(best[0]) - len(best[2])
    if by_title >= min(len(columns), len(TABLE_TITLES)):
        return best
    crops = cell_crops(clean, [_inset(a, y0, b, y1, pad) for a, b in columns], dpi)
    alone = engine.recognize_many(crops, int(round(dpi * cell_scale(dpi))), psm=6)
    second = map_columns([join_lines(words) for words in alone])
    return second if len(second[0]) - len(second[2]) > by_title else best


#: Cells are read at no less than this resolution: tesseract misreads small digits at 200 dpi.
MIN_CELL_DPI = 300


def cell_scale(dpi: int) -> float:
    return max(1.0, MIN_CELL_DPI / dpi)


def cell_crops(clean: np.ndarray, boxes: list[BBox], dpi: int) -> list[np.ndarray]:
    """Cells cut out of the line-free page as black-on-white images with a white margin (for psm 6),
    enlarged to at least MIN_CELL_DPI."""
    margin = max(8, int(dpi * 0.05))
    scale = cell_scale(dpi)
    crops = []
    for x, y, w, h in boxes:
        crop = 255 - clean[y:y + h, x:x + w]
        crop = cv2.copyMakeBorder(crop, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=255)
        if scale > 1.0:
            crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
        crops.append(crop)
    return crops


def _table_layout(prepared: PreparedPage, rules: Rules, ys: list[float], xs: list[float],
                  engine: OcrEngine) -> PageLayout:
    dpi = prepared.dpi
    pad = max(3, int(dpi * 0.016))
    warnings: list[str] = []
    clean = remove_rules(prepared.binary, rules, prepared.dpi)
    columns = list(zip(xs[:-1], xs[1:]))
    rows = list(zip(ys[:-1], ys[1:]))

    # The header is the first row whose texts name most of the columns.
    mapping: dict[str, int] = {}
    scores: dict[str, float] = {}
    placed: list[str] = []
    header_row = -1
    for index in range(min(2, len(rows))):
        mapping, scores, placed = _read_header(clean, dpi, rows[index], xs, pad, engine)
        if len(mapping) >= max(3, len(columns) // 2):
            header_row = index
            break
    if header_row < 0:
        raise LayoutNotFoundError(prepared.source_file or "page", "a ruled table without readable column titles",
                                  page=prepared.page_in_file)
    missing = [name for name in TABLE_TITLES if name not in mapping]
    if missing:
        warnings.append(f"columns not found: {', '.join(missing)}")
    if placed:
        warnings.append(f"column titles unreadable, placed by column order: {', '.join(placed)}")

    column_boxes = {name: _inset(columns[i][0], ys[header_row + 1], columns[i][1], ys[-1], pad)
                    for name, i in mapping.items()}
    entries = []
    for y0, y1 in rows[header_row + 1:]:
        cells = {name: _inset(columns[i][0], y0, columns[i][1], y1, pad) for name, i in mapping.items()}
        if max(ink_fraction(clean, box) for box in cells.values()) < 0.002:
            continue  # an unused row at the end of the book
        entries.append(EntryRegion(_inset(xs[0], y0, xs[-1], y1, 0), cells))
    region = _inset(xs[0], ys[header_row + 1], xs[-1], ys[-1], 0)
    return PageLayout("table", entries, column_boxes, scores, region, warnings)


# --- form -------------------------------------------------------------------------------------------

def form_boxes(binary: np.ndarray, dpi: int) -> list[BBox]:
    """The entry blocks of a form page: large rectangular frames, top to bottom."""
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    page_area = binary.shape[0] * binary.shape[1]
    boxes = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w * h >= 0.08 * page_area and w > 0.5 * binary.shape[1]:
            boxes.append((x, y, w, h))
    return sorted(boxes, key=lambda b: b[1])


def form_parts(box: BBox, rules: Rules) -> dict[str, BBox]:
    """Split a form block by its inner rules: a header strip (a rule across the whole block near its top)
    and a side column (a tall rule inside the block) for the tick boxes and notes. Missing rules: one part."""
    x, y, w, h = box
    header_bottom = y
    for lx, ly, lw, lh in rules.h_lines:
        mid = ly + lh / 2
        if lw > 0.9 * w and y + 0.02 * h < mid < y + 0.25 * h and abs(lx - x) < 0.05 * w:
            header_bottom = max(header_bottom, int(ly + lh))
    split = x + w
    for lx, ly, lw, lh in rules.v_lines:
        mid = lx + lw / 2
        if lh > 0.4 * h and x + 0.5 * w < mid < x + 0.97 * w and ly + lh / 2 > header_bottom:
            split = min(split, int(lx))
    parts = {"main": (x, header_bottom, split - x, y + h - header_bottom)}
    if header_bottom > y:
        parts["header"] = (x, y, w, header_bottom - y)
    if split < x + w:
        parts["side"] = (split, header_bottom, x + w - split, y + h - header_bottom)
    return parts
