"""Words and lines: grouping the engine's words into lines and boxes, and the folded form used to match
printed wordings (tone marks, hats and case ignored)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

import numpy as np

from ocr.engine import BBox, Word

#: Leader dots and rules written with characters: "......", "…", "____" around a value.
_LEADER = re.compile(r"^[.…·_\-]{2,}|[.…·_\-]{2,}$")
#: A word whose box is less tall than this share of its neighbours' median holds no letter: it is a row of
#: leader dots (kept under a value, see ocr.image.erase_leaders) that the engine read as "h" or "Hư".
DOT_ROW_HEIGHT = 0.25
#: A word read with less confidence than this, on an engine line of its own, whose middle lies in the lower
#: part of a surer line's words, is ink under that line (a leader's dots, descenders) read a second time.
FRAGMENT_CONFIDENCE = 0.2


def fold(text: str) -> str:
    """Lowercase without tone marks or hats (đ → d): the key for fuzzy label and title matching."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if not unicodedata.combining(ch))


def words_in_box(words: list[Word], box: BBox) -> list[Word]:
    x, y, w, h = box
    return [word for word in words if x <= word.center[0] < x + w and y <= word.center[1] < y + h]


def next_on_line(words: list[Word], index: int) -> int | None:
    """The index of the word right after ``words[index]`` on its engine line, if any."""
    word = words[index]
    beside = [i for i, other in enumerate(words)
              if i != index and other.line == word.line and other.bbox[0] > word.bbox[0]]
    return min(beside, key=lambda i: words[i].bbox[0], default=None)


def box_of(words: list[Word]) -> BBox:
    x0 = min(w.bbox[0] for w in words)
    y0 = min(w.bbox[1] for w in words)
    x1 = max(w.bbox[0] + w.bbox[2] for w in words)
    y1 = max(w.bbox[1] + w.bbox[3] for w in words)
    return (x0, y0, x1 - x0, y1 - y0)


def strip_leaders(words: list[Word]) -> list[Word]:
    """Words without the leader dots printed or read around them ("tên:......" → "tên:"); words that are
    only punctuation (a stray colon, dots, a rule), only as tall as a dot, or fragments of the ink under a
    line are dropped."""
    result = []
    usual_height = float(np.median([word.bbox[3] for word in words])) if words else 0.0
    for word in words:
        if word.bbox[3] < DOT_ROW_HEIGHT * usual_height or _is_fragment(word, words):
            continue
        text = word.text
        for _ in range(2):
            text = _LEADER.sub("", text)
        if not any(ch.isalnum() for ch in text):
            continue
        if text and text != word.text:
            result.append(Word(text, word.conf, word.bbox, word.line))
        elif text:
            result.append(word)
    return result


def _is_fragment(word: Word, words: list[Word]) -> bool:
    if word.conf >= FRAGMENT_CONFIDENCE:
        return False
    middle = word.center[1]
    return any(other.line != word.line and other.conf > max(0.5, word.conf)
               and other.center[1] + 0.25 * other.bbox[3] < middle < other.bbox[1] + other.bbox[3]
               for other in words)


def join_lines(words: list[Word]) -> str:
    """Words in reading order: lines top to bottom, each line left to right.

    The engine's own text lines are the units (a word with a tall box, "ngày" with its descender and tone
    mark, must not slip below the next line's date in a cramped cell); units whose vertical centres lie within
    half a word height of each other are one line (a sparse pass may split a line in two)."""
    by_line: dict[tuple[int, int, int], list[Word]] = {}
    for index, word in enumerate(words):
        # Words without the engine's line numbers are each their own unit.
        key = word.line if word.line != (0, 0, 0) else (-1, -1, index)
        by_line.setdefault(key, []).append(word)
    units = [part for unit in by_line.values() for part in _stacked_lines(unit)]

    def centre(group: list[Word]) -> float:
        return float(np.median([w.center[1] for w in group]))

    def height(group: list[Word]) -> float:
        return float(np.median([w.bbox[3] for w in group]))

    lines: list[list[Word]] = []
    for unit in sorted(units, key=centre):
        if lines and abs(centre(unit) - centre(lines[-1])) <= 0.5 * min(height(unit), height(lines[-1])):
            # Two engine lines over the same ink ("huyện" read in both): each word once, the surer reading.
            for word in unit:
                twin = next((w for w in lines[-1] if _mostly_overlap(w.bbox, word.bbox)), None)
                if twin is None:
                    lines[-1].append(word)
                elif word.conf > twin.conf:
                    lines[-1][lines[-1].index(twin)] = word
        else:
            lines.append(list(unit))
    return " ".join(" ".join(w.text for w in sorted(line, key=lambda w: w.bbox[0])) for line in lines)


def shared_area(a: BBox, b: BBox) -> int:
    """The area two boxes (x, y, w, h) have in common."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    return max(0, width) * max(0, height)


def _mostly_overlap(a: BBox, b: BBox) -> bool:
    """Whether two boxes share more than half of the smaller one."""
    return shared_area(a, b) > 0.5 * min(a[2] * a[3], b[2] * b[3])


#: Words of one engine line whose boxes end this many word heights apart stand on two printed lines.
STACKED_LINES = 0.8


def _stacked_lines(unit: list[Word]) -> list[list[Word]]:
    """An engine line split where its words stand a line apart: a value wrapping under its first line, the
    wrapped words further left, comes back from the engine as one line ("Biên Bản Củ, …, tỉnh Điện"). Boxes
    are compared by their bottoms, near the baseline: a wrapped word's box may reach up into the line above."""
    ordered = sorted(unit, key=lambda w: w.bbox[1] + w.bbox[3])
    height = float(np.median([w.bbox[3] for w in unit]))
    parts = [[ordered[0]]]
    for before, word in zip(ordered, ordered[1:]):
        if (word.bbox[1] + word.bbox[3]) - (before.bbox[1] + before.bbox[3]) > STACKED_LINES * height:
            parts.append([])
        parts[-1].append(word)
    return parts


def text_lines(words: list[Word]) -> list[list[Word]]:
    """Words grouped into lines by vertical overlap, each line left to right, lines top to bottom."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: w.center[1]):
        for line in lines:
            top = np.median([w.bbox[1] for w in line])
            bottom = np.median([w.bbox[1] + w.bbox[3] for w in line])
            overlap = min(bottom, word.bbox[1] + word.bbox[3]) - max(top, word.bbox[1])
            if overlap > 0.5 * min(bottom - top, word.bbox[3]):
                line.append(word)
                break
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w.bbox[0]) for line in sorted(lines, key=lambda l: min(w.bbox[1] for w in l))]


def split_colons(words: list[Word]) -> list[Word]:
    """Split "tên:Hà" (label and value read as one word) at the colon, boxes shared by character count."""
    result = []
    for word in words:
        head, sep, tail = word.text.partition(":")
        if sep and head and tail:
            x, y, w, h = word.bbox
            cut = int(w * (len(head) + 1) / len(word.text))
            result.append(Word(head + ":", word.conf, (x, y, cut, h), word.line))
            result.append(Word(tail, word.conf, (x + cut, y, max(1, w - cut), h), word.line))
        else:
            result.append(word)
    return result


def fit_to_ink(binary: np.ndarray, words: list[Word], region: BBox) -> list[Word]:
    """The words with their boxes drawn in to the ink they own. A sparse pass can box a word over its
    neighbours or over the first letter of the next ("thường" over "trú:", "trú:" over the T of "Thôn"); a
    label erased by such a box takes that letter with it, and a value box that starts at the label's edge
    loses it. So a box ends where the next word on its line begins, then shrinks to the connected pieces of
    ink whose centre lies inside it. Edges only move in, and a piece far larger than the word (a rule) is
    no letter."""
    import cv2

    x0, y0, w, h = region
    _, _, stats, centroids = cv2.connectedComponentsWithStats(
        (binary[y0:y0 + h, x0:x0 + w] > 0).astype(np.uint8), connectivity=8)
    lefts, rights, heights = stats[1:, 0] + x0, stats[1:, 0] + stats[1:, 2] + x0, stats[1:, 3]
    cx, cy = centroids[1:, 0] + x0, centroids[1:, 1] + y0
    fitted = []
    for word in words:
        wx, wy, ww, wh = word.bbox
        # A word that starts within the first letter or so is the engine's second box of the same ink.
        end = min([wx + ww] + [o.bbox[0] for o in words
                               if wx + max(wh, ww / 4) <= o.bbox[0] < wx + ww and _same_line(word, o)])
        own = ((cx >= wx) & (cx < end) & (cy >= wy) & (cy < wy + wh)
               & (heights <= 2 * wh) & (rights - lefts <= ww + wh))
        if not own.any():
            fitted.append(word if end == wx + ww else replace(word, bbox=(wx, wy, end - wx, wh)))
            continue
        left = int(max(lefts[own].min(), wx))
        right = int(max(min(rights[own].max(), end), left + 1))
        fitted.append(replace(word, bbox=(left, wy, right - left, wh)))
    return fitted


def _same_line(a: Word, b: Word) -> bool:
    """Whether two words overlap by at least half the taller one's height (a speck of a leader under a word
    is on no line with it)."""
    top, bottom = max(a.bbox[1], b.bbox[1]), min(a.bbox[1] + a.bbox[3], b.bbox[1] + b.bbox[3])
    return bottom - top >= max(a.bbox[3], b.bbox[3]) / 2
