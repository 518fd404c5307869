"""Tone marks a typewriter struck apart from their letters are put back over their vowels (real Tesseract),
and nothing moves in proportional type."""

from __future__ import annotations

import unicodedata

from ocr.marks import is_monospaced, reseat
from tests.ocr.render import typewritten_cell

NAMES = ["Phạm Thị Thu", "Trần Văn Hùng", "Lê Thị Lợi"]
DPI = 300


def _text(engine, images):
    return [unicodedata.normalize("NFC", " ".join(w.text for w in words))
            for words in engine.recognize_many(images, DPI, psm=6)]


def test_marks_struck_to_the_right_of_their_vowel_are_read_once_put_back(engine):
    cells = [typewritten_cell([name], mark_shift=0.7) for name in NAMES]
    words = engine.recognize_many(cells, DPI, psm=6)
    moved = reseat(cells, words)
    assert all(image is not None for image in moved), "every cell has a loose mark"
    again = _text(engine, moved)
    assert again[0].startswith("Phạm Thị"), again
    assert "Trần" in again[1] and "Hùng" in again[1], again


def test_proportional_type_is_never_touched(engine):
    from tests.ocr.render import FONT

    cells = [typewritten_cell([name], mark_shift=0.0, font_path=FONT) for name in NAMES * 2]
    words = engine.recognize_many(cells, DPI, psm=6)
    assert reseat(cells, words) == [None] * len(cells)


def test_monospaced_means_steady_steps_and_varying_blanks():
    steady = [[(24.0 + 0.3 * (i % 2), 4.0 + 3 * (i % 3)) for i in range(8)] for _ in range(3)]
    proportional = [[(20.0 + 5 * (i % 3), 3.0 + 0.2 * (i % 2)) for i in range(8)] for _ in range(3)]
    assert is_monospaced(steady)
    assert not is_monospaced(proportional)
    assert not is_monospaced(steady[:1][:1]), "too few letters to tell"
