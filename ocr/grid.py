"""The grid of a table page and the kinds of its rows, found in the image: the rules (faded ones pieced
together), the rows between them (a line struck through a row to void it is no row rule), and which rows
are no entries: titles, the column numbers "(1) (2) …", marked ("Bỏ trống") or struck-out rows."""

from __future__ import annotations

import re

import cv2
import numpy as np
from rapidfuzz import fuzz

from ocr.descriptions import LayoutDescription, title_key
from ocr.engine import BBox
from ocr.image import Rules, cluster

_COLUMN_NUMBER = re.compile(r"^[(\[{]?\d{1,2}[)\]}]?[.,]?$")


def table_grid(rules: Rules, shape: tuple[int, ...]) -> tuple[list[float], list[float]] | None:
    """Row rule y positions and column rule x positions of a grid, or None if the page has no grid.

    A grid: at least 6 vertical rules (each over an eighth of the page) ending on the same bottom line,
    crossed by at least 3 horizontal rules.
    Column rules may start lower than the frame (sub-columns under a spanning title): the grid's top is the
    highest top two of them share."""
    height, width = shape[:2]
    # A last page may hold a short grid: a few rows are enough, six column rules make it a table.
    tall = [b for b in rules.v_lines if b[3] > 0.12 * height]
    if len(tall) < 6:
        return None
    bottom = float(np.median([b[1] + b[3] for b in tall]))
    ending = [b for b in tall if abs(b[1] + b[3] - bottom) < 0.02 * height]
    if len(ending) < 6:
        return None
    top = _frame_top([b[1] for b in ending], 0.01 * height)
    xs = _column_rules(rules.v_lines, top, bottom, height, width)
    if len(xs) < 6:
        return None
    left, right = xs[0], xs[-1]
    # Row rules: pieces on one line covering most of the grid's width (a faded rule breaks into pieces).
    pieces = sorted((b for b in rules.h_lines if top - 0.02 * height <= b[1] + b[3] / 2 <= bottom + 0.02 * height),
                    key=lambda b: b[1] + b[3] / 2)
    lines: list[list[BBox]] = []
    for piece in pieces:
        if lines and piece[1] + piece[3] / 2 - (lines[-1][-1][1] + lines[-1][-1][3] / 2) <= 0.006 * height:
            lines[-1].append(piece)
        else:
            lines.append([piece])
    wide = [line for line in lines if _coverage(line, left, right) > 0.8]
    ys = cluster([float(np.median([b[1] + b[3] / 2 for b in line])) for line in wide], tolerance=0.006 * height)
    if len(ys) < 3 or len(xs) < 6:
        return None
    return _without_strikes(ys), _with_frame_edges(xs, wide, width)


def _frame_top(tops: list[int], tolerance: float) -> float:
    """The highest top two column rules share (the frame's sides at least start there): a scanner's dark
    border along the page's edge ends near the grid's bottom too, but starts higher than any rule, alone."""
    tops = sorted(tops)
    return float(next((a for a, b in zip(tops, tops[1:]) if b - a <= tolerance), tops[0]))


def _with_frame_edges(xs: list[float], lines: list[list[BBox]], width: int) -> list[float]:
    """Column rules with the frame's outer edges where the rows' rules say the grid goes on past the outermost
    column rule found: a scan's dark border, once whitened, can take the frame's side rule with it."""
    if len(lines) < 3:
        return xs
    lefts = float(np.median([min(b[0] for b in line) for line in lines]))
    rights = float(np.median([max(b[0] + b[2] for b in line) for line in lines]))
    narrowest = min(b - a for a, b in zip(xs, xs[1:]))
    edge = 0.005 * width
    if xs[0] - lefts > max(edge, 0.5 * narrowest):
        xs = [lefts, *xs]
    if rights - xs[-1] > max(edge, 0.5 * narrowest):
        xs = [*xs, rights]
    return xs


def _column_rules(pieces: list[BBox], top: float, bottom: float, height: int, width: int) -> list[float]:
    """x of each column rule: the vertical pieces on one x that together cover most of the grid's height and
    end on its bottom line (a faded rule breaks into pieces; a scanner's border runs past the grid)."""
    slack = 0.02 * height
    inside = [b for b in pieces if b[1] + b[3] > top and b[1] < bottom and b[1] + b[3] <= bottom + slack]
    rules: list[list[BBox]] = []
    for piece in sorted(inside, key=lambda b: b[0] + b[2] / 2):
        if rules and piece[0] + piece[2] / 2 - (rules[-1][-1][0] + rules[-1][-1][2] / 2) <= 0.01 * width:
            rules[-1].append(piece)
        else:
            rules.append([piece])
    xs = []
    for rule in rules:
        if min(b[1] for b in rule) < top - slack:
            continue  # a scanner's border, running on above the grid
        ends_on_bottom = any(abs(b[1] + b[3] - bottom) < slack for b in rule)
        as_rows = [(b[1], 0, b[3], 0) for b in rule]  # y ranges, for the coverage measure
        if ends_on_bottom and _coverage(as_rows, top, bottom) > 0.75:
            xs.append(_length_weighted_median([b[0] + b[2] / 2 for b in rule], [b[3] for b in rule]))
    return xs


def _length_weighted_median(positions: list[float], lengths: list[int]) -> float:
    """The position half the pieces' length lies on either side of: a rule's long pieces decide where it is,
    not the short strokes beside it (the back page's rules showing through, a hand's down-stroke)."""
    order = np.argsort(positions)
    cumulative = np.cumsum(np.asarray(lengths, float)[order])
    return float(np.asarray(positions, float)[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _coverage(pieces: list[BBox], left: float, right: float) -> float:
    """Share of [left, right] that the pieces' x ranges cover."""
    covered = np.zeros(max(1, int(right - left)), bool)
    for x, _, w, _ in pieces:
        covered[max(0, int(x - left)):max(0, int(x + w - left))] = True
    return float(covered.mean())


def _without_strikes(ys: list[float]) -> list[float]:
    """Row rules without the lines struck through the middle of a row to void it: such a line cuts one row
    into two thin ones that add up to a usual row (is_struck then finds the stroke in the row)."""
    if len(ys) < 4:
        return ys
    usual = float(np.median(np.diff(ys)))
    kept = list(ys)
    index = 1
    while index < len(kept) - 1:
        above, below = kept[index] - kept[index - 1], kept[index + 1] - kept[index]
        if above < 0.7 * usual and below < 0.7 * usual and 0.8 * usual <= above + below <= 1.25 * usual:
            del kept[index]
        else:
            index += 1
    return kept


def is_title_row(texts: list[str], description: LayoutDescription) -> bool:
    """A row of printed titles: several cells match a title or heading wording (subset match, so that a
    spanning title and its sub-title read together still count)."""
    filled = [t for t in texts if title_key(t)]
    if not filled:
        return False
    hits = 0
    for text in filled:
        key = title_key(text)
        for wording in description.wordings:
            short = len(wording.folded) <= 3
            if (key == wording.folded) if short else fuzz.token_set_ratio(key, wording.folded) >= 90:
                hits += 1
                break
    return hits >= min(3, len(texts)) and hits >= 0.4 * len(filled)


def is_number_row(texts: list[str]) -> bool:
    """The row of column numbers under a header, "(1) (2) … (12)": most cells hold only a small number."""
    filled = [t.strip() for t in texts if t.strip()]
    if len(filled) < max(3, 0.5 * len(texts)):
        return False
    return sum(is_column_number(t) for t in filled) >= 0.7 * len(filled)


def is_column_number(text: str) -> bool:
    """One cell of that row. Small print in parentheses is often misread ("(9)" as "(@)", "ạũ)", "(11)" as
    "q1)"): a short token in parentheses counts."""
    compact = text.replace(" ", "")
    if not compact:
        return False
    return bool(_COLUMN_NUMBER.match(compact)) or (len(compact) <= 4 and (compact[0] in "([{" or compact[-1] in ")]}"))


def is_non_entry_row(row_text: str, description: LayoutDescription) -> bool:
    """A row marked as no entry by its words ("Bỏ trống", "Trang trước chuyển sang"), written in one cell
    or across several: the row's whole text is the mark."""
    key = title_key(row_text)
    if not key or len(key) > 40:
        return False
    return any(fuzz.ratio(key, title_key(mark)) >= 85 for mark in description.non_entry_rows)


def is_struck(clean: np.ndarray, rules: Rules, row: BBox, cells: list[BBox]) -> bool:
    """A row crossed out: a stroke running across most of its cells (a diagonal, or a line through the
    middle of the row). Removing the column rules cuts it into one piece per cell, each a thin line as wide
    as its cell; written letters are never that long and thin."""
    x, y, w, h = row
    band = rules.horizontal[y + h // 4:y + 3 * h // 4, x:x + w]
    if band.size and (band > 0).any(axis=0).mean() > 0.5:
        return True
    crossed = 0
    for cx, cy, cw, ch in cells:
        crop = clean[cy:cy + ch, cx:cx + cw]
        count, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
        crossed += any(stats[i, 2] >= 0.6 * cw and stats[i, 2] >= 4 * stats[i, 3] for i in range(1, count))
    return crossed >= max(2, 0.5 * len(cells))
