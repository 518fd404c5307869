"""Whether type is monospaced, as a typewriter's is: measured on the letters' bodies of the words read.

In monospaced type every letter stands in a slot one advance wide, so the distance from centre to centre
of neighbouring letters is steady and the blank between them varies (an i in a slot as wide as an m's);
in proportional type and handwriting the blank is the steady one.
"""

from __future__ import annotations

from statistics import median

import cv2
import numpy as np

from ocr.engine import Word

#: Monospaced: the spread of letter-to-letter distances is this many times smaller than that of the blanks,
#: and under this share of an advance (typewriters keep to about 2%; proportional type and hands spread 6-10%).
#: A blurred scan evens the blanks out (ink spreads into them): 2.8% against 3.8% on a typewritten page.
MONOSPACED_MARGIN = 1.2
MAX_STEP_SPREAD = 0.045
#: Neighbouring letters needed to tell monospaced type from proportional.
MIN_PAIRS = 12


def looks_typewritten(clean: np.ndarray, words_per_cell: list[list[Word]]) -> bool:
    """Whether the page's cell text is monospaced, measured on the page pass's words (``clean``: ink > 0,
    page coordinates), so that a typewritten page is known before any cell is read on its own."""
    pairs_per_cell = []
    for words in words_per_cell:
        bodies_per_word = []
        for word in words:
            x, y, w, h = word.bbox
            crop = (clean[max(0, y):y + h, max(0, x):x + w] > 0).astype(np.uint8)
            if crop.size == 0:
                continue
            count, _, stats, _ = cv2.connectedComponentsWithStats(crop, connectivity=8)
            pieces = [(int(st[0]) + x, int(st[1]) + y, int(st[2]), int(st[3]), i) for i, st in enumerate(stats[1:count])]
            bodies_per_word.append(letter_bodies(word, pieces))
        pairs_per_cell.append(neighbours(bodies_per_word))
    return is_monospaced(pairs_per_cell)


def letter_bodies(word: Word, pieces: list[tuple[int, int, int, int, int]]) -> list[tuple[int, int, int, int, int]]:
    """The letters' bodies of a word: pieces of ink at least half as tall as the word's ink, centred inside
    its box. The ink, not the box: an engine's box may stand far taller than the word (an "n" beside a
    capital I in a box half as tall again is no body of it)."""
    wx, wy, ww, wh = word.bbox
    inside = [p for p in pieces if wx <= p[0] + p[2] / 2 <= wx + ww and p[1] < wy + wh and p[1] + p[3] > wy]
    if not inside:
        return []
    top, bottom = max(wy, min(p[1] for p in inside)), min(wy + wh, max(p[1] + p[3] for p in inside))
    height = min(wh, bottom - top)
    return sorted((p for p in inside if p[3] >= 0.45 * height), key=lambda p: p[0])


def neighbours(bodies_per_word: list[list[tuple]]) -> list[tuple[float, float]]:
    """(centre-to-centre distance, blank between) of letters side by side inside the words of one cell."""
    pairs = [(b[0] + b[2] / 2 - (a[0] + a[2] / 2), b[0] - (a[0] + a[2]))
             for bodies in bodies_per_word for a, b in zip(bodies, bodies[1:])]
    if not pairs:
        return []
    typical = median(step for step, _ in pairs)
    return [(step, gap) for step, gap in pairs if 0.5 * typical < step < 1.5 * typical]


def is_monospaced(pairs_per_cell: list[list[tuple[float, float]]]) -> bool:
    """Whether the cells' type is monospaced, each cell in its own size.

    In monospaced type the distance from centre to centre of neighbouring letters is the one advance and
    the blank between them varies (an i stands in a slot as wide as an m's); in proportional type and
    handwriting the blank between letters is the steady one. Both are measured in each cell's own advance."""
    steps, gaps = [], []
    for pairs in pairs_per_cell:
        if len(pairs) < 2:
            continue
        pitch = median(step for step, _ in pairs)
        steps += [step / pitch for step, _ in pairs]
        gaps += [gap / pitch for _, gap in pairs]
    if len(steps) < MIN_PAIRS:
        return False
    spread = _trimmed_std(steps)
    return spread < MAX_STEP_SPREAD and spread * MONOSPACED_MARGIN < _trimmed_std(gaps)


def _trimmed_std(values: list[float]) -> float:
    ordered = np.sort(np.asarray(values, dtype=float))
    cut = len(ordered) // 10
    return float(ordered[cut:len(ordered) - cut].std())
