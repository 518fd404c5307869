"""The lines of a cell read one by one, where the engine gave a line's marks to the line above.

Vietnamese stacks marks over capitals (Ẩ, Ấ, Ễ) up into the space between lines. In a cell written with
tight lines an engine's line finder may count such a stack in with the line above: the word above grows
down over it, and the word below is read without it ("An" for Ẩn, confidently). Which line a piece of ink in
the gap belongs to is geometry: a dot below hangs just under its line's baseline, a mark over a capital sits
just above its letter. Where the engine's words put a piece with another line than the geometry does, each
affected line is cut out with only its own ink and read again as a single line.
"""

from __future__ import annotations

from dataclasses import replace
from statistics import median

import cv2
import numpy as np

from ocr.engine import Mode, OcrEngine, Word

#: A piece at least this share of its line's height is a letter's body; smaller pieces are marks and dots.
BODY_SHARE = 0.45
#: Margin (pixels, at the cell's resolution) left around a line cut out on its own.
LINE_MARGIN = 6


def reread_split_lines(crops: list[np.ndarray], read: list[list[Word]], dpi: int,
                       engine: OcrEngine) -> list[list[Word]]:
    """``read`` (the engine's words of each crop: black text on white), with the lines whose marks the
    engine put with another line read again, each on its own. One batched engine run for all such lines."""
    jobs: list[tuple[int, tuple, np.ndarray, int]] = []  # (cell, line key, line image, y offset)
    for index, (crop, words) in enumerate(zip(crops, read)):
        for key, image, top in _misassigned_lines(crop, words):
            jobs.append((index, key, image, top))
    if not jobs:
        return read
    again = engine.recognize_many([image for _, _, image, _ in jobs], dpi, psm=Mode.SINGLE_LINE)
    result = [list(words) for words in read]
    for (index, key, _, top), words in zip(jobs, again):
        old = [w for w in result[index] if w.line == key]
        if not words or len(words) != len(old):
            continue  # the line alone read as another number of words: no better evidence, keep the first
        new = [replace(w, bbox=(w.bbox[0], w.bbox[1] + top, w.bbox[2], w.bbox[3]), line=key) for w in words]
        at = result[index].index(old[0])
        result[index] = [w for w in result[index] if w.line != key]
        result[index][at:at] = new
    return result


def _misassigned_lines(crop: np.ndarray, words: list[Word]):
    """(line key, the line's own ink alone, its top) for each line of the crop some of whose marks the
    engine's word boxes gave to another line."""
    lines = _lines(words)
    if len(lines) < 2:
        return []
    count, labels, stats, _ = cv2.connectedComponentsWithStats((crop < 128).astype(np.uint8), connectivity=8)
    pieces = [tuple(int(v) for v in stats[i, :4]) + (i,) for i in range(1, count)]
    geometry = [_line_geometry(line_words, pieces) for _, line_words in lines]
    if any(g is None for g in geometry):
        return []
    owner = {piece: _owner(piece, geometry) for piece in pieces}
    out = []
    for number, (key, line_words) in enumerate(lines):
        own = [p for p, line in owner.items() if line == number]
        stray = [p for p in own if not any(_inside(p, w.bbox) for w in line_words)
                 and any(_inside(p, w.bbox) for _, other in lines if other is not line_words for w in other)]
        if not stray:
            continue
        top = max(0, min(p[1] for p in own) - LINE_MARGIN)
        bottom = min(crop.shape[0], max(p[1] + p[3] for p in own) + LINE_MARGIN)
        image = np.full((bottom - top, crop.shape[1]), 255, np.uint8)
        for x, y, w, h, label in own:
            mask = labels[y:y + h, x:x + w] == label
            image[y - top:y - top + h, x:x + w][mask] = crop[y:y + h, x:x + w][mask]
        out.append((key, image, top))
    return out


def _lines(words: list[Word]) -> list[tuple[tuple, list[Word]]]:
    by_line: dict[tuple, list[Word]] = {}
    for word in words:
        by_line.setdefault(word.line, []).append(word)
    return sorted(by_line.items(), key=lambda item: median(w.bbox[1] + w.bbox[3] / 2 for w in item[1]))


def _line_geometry(words: list[Word], pieces: list[tuple]) -> tuple[float, float, list[tuple]] | None:
    """(top of its letters, baseline, its letters' bodies) of one line, from the bodies inside its words."""
    height = median(w.bbox[3] for w in words)
    bodies = [p for p in pieces if p[3] >= BODY_SHARE * height and any(_inside(p, w.bbox) for w in words)]
    if not bodies:
        return None
    return min(p[1] for p in bodies), median(p[1] + p[3] for p in bodies), bodies


def _owner(piece: tuple, geometry: list[tuple[float, float, list[tuple]]]) -> int:
    """The line a piece belongs to: the one whose letters it overlaps, or, in the gap between two lines,
    the one it lies closer to (from its top to the baseline above, from its bottom to the letters below)."""
    x, y, w, h, _ = piece
    for number, (top, baseline, bodies) in enumerate(geometry):
        if piece in bodies or (y + h > top and y < baseline):
            return number
    for number in range(len(geometry) - 1):
        _, baseline_above, _ = geometry[number]
        top_below, _, bodies_below = geometry[number + 1]
        if baseline_above <= y + h / 2 <= top_below:
            under = [b for b in bodies_below if b[0] < x + w and x < b[0] + b[2]]
            letters_top = min((b[1] for b in under), default=top_below)
            return number + 1 if letters_top - (y + h) < y - baseline_above else number
    return 0 if y < geometry[0][0] else len(geometry) - 1


def _inside(piece: tuple, box: tuple[int, int, int, int]) -> bool:
    x, y, w, h = box
    cx, cy = piece[0] + piece[2] / 2, piece[1] + piece[3] / 2
    return x <= cx <= x + w and y <= cy <= y + h
