"""Reading cells, shared by the table and the form readers: the words of a box become a field reading with
an honest confidence, and every inked box is read twice (the page pass, then the cell on its own).

A field's confidence (0..1) is low when its words' confidences are low, when ink in the cell was not read
as words, when the words stick out of the cell, when the text holds characters Vietnamese does not use, when
the two passes disagree, or when the structure itself (the column's title) was uncertain.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import replace
from typing import NamedTuple

import numpy as np

from ocr.apostrophes import with_seen_apostrophes
from ocr.commas import with_seen_commas
from ocr.descriptions import Format
from ocr.engine import BBox, OcrEngine, Word
from ocr.graves import with_seen_graves
from ocr.image import cell_crops, cell_scale, deslanted, ink_fraction, squeeze_gaps, without_enclosed_ink
from ocr.letter_case import sized_case
from ocr.lines import reread_split_lines
from ocr.dots_below import without_unseen_dots
from ocr.marks import placements_seen, reseat, retone
from ocr.monospace import looks_typewritten
from ocr.spaces import spaces_on_blank_paper
from ocr.model import FieldReading
from ocr.words import fold, join_lines, strip_leaders, words_in_box

#: A cell with less ink than this fraction of its area is blank.
BLANK_CELL_INK = 0.0025
#: Confidence of a blank cell (the ink check is reliable, but not infallible).
BLANK_CONFIDENCE = 0.98
#: Confidence factor when the two passes read a cell differently.
DISAGREEMENT_FACTOR = 0.6
#: A page-pass reading of a closed-list value this confident is not read again (see _settled).
REREAD_BELOW = 0.90
#: Share of a cell's ink the engine may leave outside its words (specks, a leader's dots) before the reading
#: is doubted: more means letters were not read.
UNREAD_INK_ALLOWED = 0.08
#: Confidence factor for a reading holding characters Vietnamese does not use (Ÿ, ï, ¡, ...): a misreading.
FOREIGN_CHARACTER_FACTOR = 0.5

#: Confidence factor for a reading that is not a value of its field's format (a date that is no date,
#: "Mương" for an ethnic group): the layout says what the cell holds.
FORMAT_FACTOR = 0.6

#: Vietnamese writing: base letters, digits, common punctuation; tone marks and the hat, breve and horn.
_VIETNAMESE_BASE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZđĐ0123456789 .,;:/-()'\"")
_VIETNAMESE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}
#: Characters the engine outputs that look exactly like a Vietnamese letter: Icelandic eth (Ð, ð) for đ.
LOOKALIKES = str.maketrans({"\u00d0": "\u0110", "\u00f0": "\u0111"})
_SPACED_DIGITS = re.compile(r"^\d(\s+\d)+$|^[\d\s]+$")
_BOX_WALLS = re.compile(r"[|\[\]{}!Ì¦]")


def ocr_region(clean: np.ndarray, region: BBox, dpi: int, engine: OcrEngine, psm: int = 11) -> list[Word]:
    """One engine pass over a region of the line-free binary page; word boxes in page coordinates."""
    x, y, w, h = region
    words = engine.recognize_words(255 - clean[y:y + h, x:x + w], dpi, psm=psm)
    return [replace(word, bbox=(word.bbox[0] + x, word.bbox[1] + y, word.bbox[2], word.bbox[3]))
            for word in words]


def unread_ink(clean: np.ndarray, box: BBox, words: list[Word]) -> float:
    """Fraction of the ink in ``box`` that lies outside every word box: ink the engine did not read."""
    x, y, w, h = box
    ink = clean[y:y + h, x:x + w] > 0
    total = int(ink.sum())
    if total == 0:
        return 0.0
    covered = np.zeros_like(ink)
    for word in words:
        wx, wy, ww, wh = word.bbox
        covered[max(0, wy - y - 3):max(0, wy - y + wh + 3), max(0, wx - x - 3):max(0, wx - x + ww + 3)] = True
    return float((ink & ~covered).sum()) / total


def spill(words: list[Word], box: BBox) -> float:
    """How far words stick out of their cell (0 = inside), as a fraction of the word's width or height."""
    x, y, w, h = box
    worst = 0.0
    for word in words:
        wx, wy, ww, wh = word.bbox
        out_x = max(0, x - wx) + max(0, wx + ww - (x + w))
        out_y = max(0, y - wy) + max(0, wy + wh - (y + h))
        worst = max(worst, out_x / max(ww, 1), out_y / max(wh, 1))
    return worst


def is_vietnamese_text(text: str) -> bool:
    """True when every character is one a Vietnamese register entry can hold."""
    for char in unicodedata.normalize("NFD", text):
        if char not in _VIETNAMESE_BASE and char not in _VIETNAMESE_MARKS:
            return False
    return True


def field_reading(clean: np.ndarray, box: BBox, words: list[Word], layout_certainty: float = 1.0,
                  fmt: Format | None = None) -> FieldReading:
    """Text and honest confidence of one cell from the words assigned to it, shaped by the field's format:
    a compact value is written one digit per box (an ID number), so the gaps between the boxes are no
    spaces; a value without edge punctuation (a name) loses the dots of a leader read at its words' ends."""
    if ink_fraction(clean, box) < BLANK_CELL_INK:
        return FieldReading("", BLANK_CONFIDENCE * layout_certainty, box)
    words = strip_leaders(words)
    if not (fmt is not None and fmt.digits):
        words = with_seen_graves(clean, without_unseen_dots(clean, words))
        words = sized_case(clean, with_seen_apostrophes(clean, words))
        if fmt is None or fmt.edge_punctuation:
            words = with_seen_commas(clean, words)
    if fmt is not None and not fmt.edge_punctuation:
        words = [w if w.text == w.text.strip(".,:;_") else Word(w.text.strip(".,:;_"), w.conf, w.bbox, w.line)
                 for w in words if w.text.strip(".,:;_")]
    if not words:
        return FieldReading("", 0.0, box)  # ink that no word explains: something is written, unread
    text = unicodedata.normalize("NFC", join_lines(words)).translate(LOOKALIKES)
    if fmt is not None and fmt.compact:
        # The walls of the boxes the digits are written in, where they were not erased, read as bars.
        bare = _BOX_WALLS.sub(" ", text)
        if _SPACED_DIGITS.match(bare.strip()):
            text = "".join(bare.split())
    confidence = min(word.conf for word in words)
    missed = unread_ink(clean, box, words)
    if missed > UNREAD_INK_ALLOWED:
        confidence *= max(0.2, 1.0 - 2.5 * missed)
    if spill(words, box) > 0.25:
        confidence *= 0.6
    if not is_vietnamese_text(text):
        confidence *= FOREIGN_CHARACTER_FACTOR
    if fmt is not None and not fmt.holds(text):
        confidence *= FORMAT_FACTOR
    if fmt is not None and fmt.capitalized and any(word[:1].islower() for word in text.split()):
        confidence *= FORMAT_FACTOR
    return FieldReading(text, round(confidence * layout_certainty, 4), box, unread_ink=round(missed, 4),
                        spaces_blank=spaces_on_blank_paper(clean, words), choices=choices_of(words))


def choices_of(words: list[Word]) -> dict[str, tuple[str, ...]]:
    """The engine's other characters for each letter, by word text, for the words it gave any."""
    return {word.text: word.choices for word in words if word.choices and len(word.choices) == len(word.text)}


def _is_subsequence(short: str, long: str) -> bool:
    """Whether ``short`` is ``long`` with some characters left out."""
    rest = iter(long)
    return len(short) < len(long) and all(char in rest for char in short)


def crop_words_to_page(words: list[Word], box: BBox, dpi: int) -> list[Word]:
    """Word boxes of a cell crop (see cell_crops) back in page coordinates."""
    margin = max(8, int(dpi * 0.05))
    scale = cell_scale(dpi)
    x, y = box[0], box[1]
    return [replace(w, bbox=(int(w.bbox[0] / scale) - margin + x, int(w.bbox[1] / scale) - margin + y,
                             int(w.bbox[2] / scale), int(w.bbox[3] / scale))) for w in words]


def combine(first: FieldReading, second: FieldReading, fmt: Format | None = None) -> FieldReading:
    """Two independent readings of one cell (full-page pass and cell pass): agreement is evidence.

    Same text: the better confidence. One pass saw no words: the other, slightly discounted. One pass left
    ink unread and read only some of the other's letters ("Khơ-m" for "Khơ-me"): the complete reading, as
    sure as it was; so is a reading of the field's pattern (a date) beside one that lost some of its
    characters and with them the pattern ("22 2011" for "22.1.2011"). Of a listed value ("Ê-đê") and the
    same letters with other marks that are no value of the field ("É-đê"): the value, as sure as it was;
    the other pass misread a mark. Other different texts: the more confident one, with its confidence cut,
    because at least one pass misread the cell."""
    if first.text == second.text:
        chosen = first if first.confidence >= second.confidence else second
        return replace(chosen, spaces_blank=first.spaces_blank and second.spaces_blank)
    if not first.text or not second.text:
        chosen = first if first.text else second
        return FieldReading(chosen.text, round(chosen.confidence * 0.9, 4), chosen.bbox,
                            spaces_blank=chosen.spaces_blank, choices=chosen.choices)
    for partial, complete in ((first, second), (second, first)):
        if (partial.unread_ink > UNREAD_INK_ALLOWED >= complete.unread_ink
                and _is_subsequence(partial.text, complete.text)):
            return complete
        if (fmt is not None and fmt.pattern is not None and fmt.matches(complete.text)
                and not fmt.matches(partial.text) and _is_subsequence("".join(partial.text.split()), complete.text)):
            return complete  # "22 2011" beside "22.1.2011": the pass that lost the small ".1." is no witness
    if fmt is not None and fmt.values:
        for value, other in ((first, second), (second, first)):
            if fmt.holds(value.text) and not fmt.holds(other.text) and fold(value.text) == fold(other.text):
                return value
    chosen = first if first.confidence >= second.confidence else second
    return FieldReading(chosen.text, round(chosen.confidence * DISAGREEMENT_FACTOR, 4), chosen.bbox,
                        spaces_blank=chosen.spaces_blank, choices=chosen.choices)


#: Confidence factor for a reading made after moving loose tone marks: which vowel a mark belonged to was
#: inferred from where it landed.
RESEATED_FACTOR = 0.9


class MarksApart(NamedTuple):
    """What putting a typewritten cell's loose marks back did: whether its reading changed, and whether
    every open oa/oe/uy's mark was seen where it was struck (``ocr.marks.placements_seen``)."""

    changed: bool
    placements_seen: bool


def with_marks_apart(first: FieldReading, second: FieldReading, apart: MarksApart,
                     fmt: Format | None = None) -> FieldReading:
    """The reading of a cell typed with separately struck marks. When the cell pass moved or re-toned its
    marks, the page pass read them where they stood and can neither confirm nor contradict it."""
    if apart.changed:
        return FieldReading(second.text, round(second.confidence * RESEATED_FACTOR, 4), second.bbox, True,
                            apart.placements_seen)
    both = combine(first, second, fmt)
    return FieldReading(both.text, both.confidence, both.bbox, True,
                        apart.placements_seen and both.text == second.text)


def field_of(key: str) -> str:
    """Field name of a cell key: "<field>" or "<entry>/<field>"."""
    return key.rsplit("/", 1)[-1]


def read_cells(clean: np.ndarray, dpi: int, cells: dict[str, BBox], page_words: list[Word], engine: OcrEngine,
               certainty: dict[str, float], format_of: Callable[[str], Format | None],
               gray: np.ndarray | None = None) -> dict[str, FieldReading]:
    """Fields of many cells: page-pass words assigned by box, then one batched pass over the cells that
    reading leaves in doubt (and the digit and typewritten ones), combined; ``gray``: the page's grayscale,
    for cells not typewritten (see ``second_pass``)."""
    readings: dict[str, FieldReading] = {}
    inked: dict[str, list[Word]] = {}
    for key, box in cells.items():
        fmt = format_of(field_of(key))
        words = words_in_box(page_words, box)
        readings[key] = field_reading(clean, box, words, certainty.get(key, 1.0), fmt)
        if ink_fraction(clean, box) >= BLANK_CELL_INK:
            inked[key] = words
    # Typewritten cells are all read again: their marks are put back and told by shape only there.
    every_cell = looks_typewritten(clean, list(inked.values()))
    to_read = [key for key in inked if every_cell or not _settled(readings[key], format_of(field_of(key)))]
    apart: dict[str, MarksApart] = {}
    # In shades only where the marks are no typewriter's: its loose marks are found in the binarized crop.
    shades = None if every_cell else gray
    for key, words in second_pass(clean, dpi, {key: cells[key] for key in to_read}, engine, format_of,
                                  apart, shades).items():
        second = field_reading(clean, cells[key], words, certainty.get(key, 1.0), format_of(field_of(key)))
        # The page pass read the marks where they stood, so it cannot confirm or contradict the cell.
        fmt = format_of(field_of(key))
        readings[key] = (with_marks_apart(readings[key], second, apart[key], fmt) if key in apart
                         else combine(readings[key], second, fmt))
    return readings


def _settled(reading: FieldReading, fmt: Format | None) -> bool:
    """Whether a page-pass reading needs no second reading: a confident one that is letter for letter a
    value of a closed list (Nam, Kinh). A name, a place or a number has no such check, and the page pass
    reads some of them wrong with confidence (Ảnh for Ánh at 0.93; a 3 for a 5), so those are always read
    again, digits with the digits-only model."""
    return (reading.confidence >= REREAD_BELOW and fmt is not None and bool(fmt.values) and not fmt.open
            and fmt.holds(reading.text))


def second_pass(clean: np.ndarray, dpi: int, boxes: dict[str, BBox], engine: OcrEngine,
                format_of: Callable[[str], Format | None], apart: dict[str, MarksApart] | None = None,
                gray: np.ndarray | None = None) -> dict[str, list[Word]]:
    """Read each box on its own (psm 6), in two batched engine runs: digit fields, then text fields.
    Keys are field names or "<entry>/<field>"; returns words in page coordinates. With the page's ``gray``,
    text is read in the shades of its ink (``ocr.image.cell_crops``).

    Digits written one per box (compact formats) are read with the gaps between them narrowed: the engine
    invents digits in wide gaps. Their words then cover the whole box (their own boxes no longer map back)."""
    crop_dpi = int(round(dpi * cell_scale(dpi)))
    result: dict[str, list[Word]] = {}
    for digits in (True, False):
        keys = [key for key in boxes if bool((fmt := format_of(field_of(key))) and fmt.digits) == digits]
        if not keys:
            continue
        crops = cell_crops(clean, [boxes[key] for key in keys], dpi, None if digits else gray)
        compact = [bool((fmt := format_of(field_of(key))) and fmt.compact) for key in keys]
        # No letter or digit holds ink inside its loop: a dotted zero's dot, or a speck.
        crops = [without_enclosed_ink(crop) for crop in crops]
        if digits:
            # Only a number of digits alone is stood upright: a date's slashes would pass for a slant.
            crops = [deslanted(crop) if alone else crop for crop, alone in zip(crops, compact)]
        crops = [squeeze_gaps(crop, crop_dpi) if squeeze else crop for crop, squeeze in zip(crops, compact)]
        read = engine.recognize_many(crops, crop_dpi, psm=6, digits=digits)
        if not digits:
            read = reread_split_lines(crops, read, crop_dpi, engine)
            read = _with_marks_reseated(keys, crops, read, crop_dpi, engine, apart)
        for key, words, squeeze in zip(keys, read, compact):
            if squeeze:
                result[key] = [Word(w.text, w.conf, boxes[key], w.line) for w in words]
            else:
                result[key] = crop_words_to_page(words, boxes[key], dpi)
    return result


def _with_marks_reseated(keys: list[str], crops: list[np.ndarray], read: list[list[Word]], dpi: int,
                         engine: OcrEngine, apart: dict[str, MarksApart] | None) -> list[list[Word]]:
    """The cell readings, with each cell whose tone marks stand apart from their letters (a typewriter's,
    see ``ocr.marks``) read again with the loose marks put back, and its vowels given the tones their marks'
    shapes say. ``apart`` receives the key of each such cell: whether its reading changed, and whether its
    open vowel pairs' marks were all seen."""
    found = reseat(crops, read)
    moved = {index: cell.image for index, cell in enumerate(found) if cell is not None and cell.image is not None}
    result = list(read)
    changed: set[int] = set()
    for index, words in zip(moved, engine.recognize_many(list(moved.values()), dpi, psm=6) if moved else []):
        if words:
            result[index] = words
            changed.add(index)
    for index, cell in enumerate(found):
        if cell is not None and cell.words:
            result[index], retoned = retone(result[index], cell.words)
            if retoned:
                changed.add(index)
    if apart is not None:
        apart.update({keys[index]: MarksApart(index in changed, placements_seen(result[index], cell.words))
                      for index, cell in enumerate(found) if cell is not None})
    return result
