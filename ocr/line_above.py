"""The line above a word, in a cell of lines set close together: which words stand on it, and which small
pieces of ink over the word hang from them (the comma after a word above) rather than being the word's own
marks (``ocr.marks``).
"""

from __future__ import annotations

from statistics import median

from ocr.engine import Word

#: A piece starting this far (in word heights) above the baseline of the line above hangs from that line.
HANGS = 0.12


def hangs_from(piece: tuple, span: tuple[float, float, float], pitch: float, height: float) -> bool:
    """Whether a small piece over a word hangs from the word ``span`` (left, right, baseline) of the line
    above: it starts well above that word's baseline, or crosses it at the word's end, as the comma after
    it does. Between that word's letters, a piece across its baseline is a mark rising from below ("Gấm"
    under "Nguyễn", lines set close)."""
    left, right, base = span
    centre = piece[0] + piece[2] / 2
    if not left - pitch <= centre <= right + pitch:
        return False
    return piece[1] < base - HANGS * height or (piece[1] <= base < piece[1] + piece[3] and centre >= right - pitch)


def is_word_above(other: Word, other_bodies: list[tuple], word: Word, bodies: list[tuple]) -> bool:
    """Whether ``other`` is a word of the line above ``word``'s, letters as tall as its own: not a mark of
    ``word`` the engine read as a word of its own (an acute over "Anh" read as "'"), which hangs from nothing."""
    if not other_bodies or not bodies or not _line_above(other.bbox, word.bbox):
        return False
    return any(ch.isalnum() for ch in other.text) and \
        median(p[3] for p in other_bodies) >= 0.5 * median(p[3] for p in bodies)


def _line_above(other: tuple[int, int, int, int], word: tuple[int, int, int, int]) -> bool:
    """Whether the word box ``other`` stands on a line above ``word``'s (they share under half their height)."""
    overlap = min(other[1] + other[3], word[1] + word[3]) - max(other[1], word[1])
    return other[1] + other[3] / 2 < word[1] + word[3] / 2 and overlap < 0.5 * min(other[3], word[3])


def baseline_span(word: Word, bodies: list[tuple]) -> tuple[float, float, float]:
    """(left, right, baseline) of a word's letters."""
    return (word.bbox[0], word.bbox[0] + word.bbox[2], median(p[1] + p[3] for p in bodies))
