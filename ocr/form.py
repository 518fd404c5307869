"""The form reader (books since 2016): one boxed block per entry, printed labels followed by values.

The blocks and their parts are found by ``ocr.form_blocks``. Labels are found by reading them, with the layout description's wordings
(fuzzy match, tone marks ignored), never by position: each value is the text after its label, up to the next
label on the line or the block's edge; a line without a label continues a value that wraps.

Whose a label is: its own qualifier ("Họ, chữ đệm, tên người mẹ:") or the section heading it comes under
("Mẹ:", "Cha:", "Người đi khai sinh:"), so the same generic labels ("Năm sinh:", "Dân tộc:") give the
mother's and the father's fields in their sections.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np
from rapidfuzz import fuzz

from ocr.cells import (BLANK_CELL_INK, MarksApart, combine, field_reading, ocr_region, second_pass,
                       with_marks_apart)
from ocr.descriptions import Attribute, LayoutDescription, Wording, load_layout, title_key, wording_score
from ocr.engine import BBox, OcrEngine, Word
from ocr.image import ink_fraction, tick_boxes
from ocr.model import EntryReading, FieldReading, PageLayout
from ocr.words import box_of, fit_to_ink, fold, split_colons, strip_leaders, text_lines, words_in_box

MIN_LABEL_SCORE = 80.0
#: Two words of a label read as one must match the wording's letters this well (0..100).
RUN_TOGETHER_SCORE = 90.0
#: A label read without its colon must match the wording this well with its marks kept (one mark misread
#: in a short label still passes: "Ho và tên" scores 89).
COLONLESS_MARKED_SCORE = 85.0


@dataclass
class Label:
    wording: Wording
    words: list[Word]  # the label's words on the page
    score: float

    @property
    def right(self) -> int:
        return max(w.bbox[0] + w.bbox[2] for w in self.words)

    @property
    def left(self) -> int:
        return min(w.bbox[0] for w in self.words)

    @property
    def attribute(self) -> Attribute | None:
        return self.wording.attribute


# --- labels -----------------------------------------------------------------------------------------

def find_labels(line: list[Word], description: LayoutDescription) -> list[Label]:
    """Printed labels and section headings on one line: the longest good fuzzy match first, never
    overlapping. Short wordings ("Số:", "Mẹ:") must be read exactly; a label ends with its colon (often read
    as "." or ";"), without one it may be a value."""
    found: list[tuple[float, int, int, Wording]] = []
    texts = [w.text for w in line]
    for wording in description.wordings:
        words = len(wording.text.split())
        # The engine runs two words of a label together ("Số địnhdanh"): one word fewer, the same letters.
        for size in (words, words - 1) if words >= 2 else (words,):
            for start in range(len(line) - size + 1):
                score = _label_score(texts[start:start + size], wording, at_line_start=start == 0,
                                     whole_line=size == len(line))
                if score >= MIN_LABEL_SCORE:
                    found.append((score + len(wording.folded) / 10, start, size, wording))
    labels: list[Label] = []
    taken: set[int] = set()
    for score, start, size, wording in sorted(found, key=lambda item: item[0], reverse=True):
        span = set(range(start, start + size))
        if span & taken:
            continue
        taken |= span
        size += _longer_wording_words(wording, texts[start + size:start + size + 2], description, taken,
                                      start + size)
        taken |= set(range(start, start + size))
        labels.append(Label(wording, line[start:start + size], score))
    return sorted(labels, key=lambda label: label.left)


def _label_score(texts: list[str], wording: Wording, at_line_start: bool, whole_line: bool) -> float:
    raw = fold(" ".join(texts))
    candidate = title_key(raw)
    if len(texts) == len(wording.text.split()):
        score = wording_score(candidate, wording)
    else:  # words run together: the same letters without the space
        score = fuzz.ratio(candidate.replace(" ", ""), wording.folded.replace(" ", ""))
        score = score if score >= RUN_TOGETHER_SCORE else 0.0
    if len(wording.folded) <= 3 and wording.heading and not at_line_start:
        return 0.0  # "Mẹ:" heads a section at the start of its line, it is no word inside a value
    if not raw.rstrip(" )").endswith((":", ".", ";")):
        # Without its colon only a near-exact reading of several words is a label: values look like
        # labels too ("Nguyễn Xuân" like "Nguyên quán", the name "Quyên" like "Quyển").
        # A section heading alone on its line ("Mẹ" whose colon the engine lost) is no value either.
        several_words = len(wording.text.split()) >= 2 or (wording.heading and whole_line)
        # A printed label is read with its own marks; a value folds to nearly one only without them
        # ("Nguyễn Quang" beside "Nguyên quán": 96 folded, 78 with its marks).
        marked = fuzz.ratio(unicodedata.normalize("NFC", " ".join(texts)).casefold(),
                            unicodedata.normalize("NFC", wording.text).casefold())
        return score - 10 if several_words and score >= 95 and marked >= COLONLESS_MARKED_SCORE else 0.0
    return score


def _longer_wording_words(wording: Wording, following: list[str], description: LayoutDescription,
                          taken: set[int], at: int) -> int:
    """How many of the words after a label finish a longer wording of the same attribute that begins with
    it ("Số định danh" + "cánhân": the engine ran "cá nhân" together and missed the colon): those are
    label, not value."""
    best = 0
    for longer in description.wordings:
        if longer.attribute is not wording.attribute or longer.person != wording.person \
                or not longer.folded.startswith(wording.folded + " "):
            continue
        rest = longer.folded[len(wording.folded):].replace(" ", "")
        for count in range(1, len(following) + 1):
            if set(range(at, at + count)) & taken:
                break
            read = title_key(fold("".join(following[:count]))).replace(" ", "")
            if read and fuzz.ratio(read, rest) >= 85:
                best = max(best, count)
    return best


def attach_colons(line: list[Word]) -> list[Word]:
    """A colon read as a word of its own ("Dân tộc :") belongs to the label before it."""
    result: list[Word] = []
    for word in line:
        if result and word.text in (":", ";"):
            last = result[-1]
            x0, y0 = min(last.bbox[0], word.bbox[0]), min(last.bbox[1], word.bbox[1])
            x1 = max(last.bbox[0] + last.bbox[2], word.bbox[0] + word.bbox[2])
            y1 = max(last.bbox[1] + last.bbox[3], word.bbox[1] + word.bbox[3])
            result[-1] = Word(last.text + word.text, min(last.conf, word.conf), (x0, y0, x1 - x0, y1 - y0), last.line)
        else:
            result.append(word)
    return result


@dataclass
class ValueSpan:
    field: str
    label: Label
    words: list[Word]
    box: BBox  # where the value is written


def value_spans(words: list[Word], right_edge: int, dpi: int, description: LayoutDescription,
                person: str | None = None) -> tuple[list[ValueSpan], list[str], list[Label], str | None]:
    """Label → value spans of one block part, in reading order, with the sections; also every label found
    (their ink is erased before values are read a second time) and the section the part ends in."""
    spans: list[ValueSpan] = []
    warnings: list[str] = []
    all_labels: list[Label] = []
    person = person or description.default_person
    pad = max(3, int(dpi * 0.02))
    for line in text_lines(split_colons(strip_leaders(words))):
        line = attach_colons(line)
        labels = find_labels(line, description)
        top = min(w.bbox[1] for w in line)
        bottom = max(w.bbox[1] + w.bbox[3] for w in line)
        if not labels:
            if spans and spans[-1].field in description.wrapping.fields:
                last = spans[-1]
                last.words.extend(line)
                x, y, w, h = last.box
                x0 = min(x, min(w_.bbox[0] for w_ in line) - pad)
                last.box = (x0, y, x + w - x0, bottom + pad - y)  # the value wraps onto this line
            continue
        for index, label in enumerate(labels):
            wording = label.wording
            if wording.heading:
                if wording.person is not None:
                    person = wording.person
                value_attribute = description.persons[person].heading_value if wording.person else None
                attribute = next((a for a in description.attributes if a.key == value_attribute), None)
                name = description.field_for(attribute, person) if attribute else None
            else:
                if wording.person is not None and "entry" not in label.attribute.fields:
                    person = wording.person  # a qualified label opens its person's section
                name = description.field_for(label.attribute, person)
            end = labels[index + 1].left if index + 1 < len(labels) else right_edge
            # Any other word after the label's last word is value, even where the engine's box of that
            # word reaches over it ("Số:" boxed over the digit beside it): the label then ends where it starts.
            value_words = [w for w in line if w.bbox[0] > label.words[-1].bbox[0] and w.center[0] < end
                           and w not in label.words]
            if value_words and value_words[0].bbox[0] <= label.right + PAST_LABEL_END:
                label = _ending_at(label, value_words[0].bbox[0] - PAST_LABEL_END - 1)
            all_labels.append(label)
            # The end of a label misread as a value ("¡ng chữ: Ngày ..."): drop up to its colon.
            for cut, word in enumerate(value_words[:3]):
                if word.text.endswith(":"):
                    label = Label(label.wording, label.words + value_words[:cut + 1], label.score)
                    all_labels.append(label)
                    value_words = value_words[cut + 1:]
                    break
            if name is None or (wording.heading and not value_words):
                continue
            left = min([label.right + pad] + [w.bbox[0] - 2 for w in value_words[:1]])
            box = (left, top - pad, max(1, end - left - pad), bottom - top + 2 * pad)
            if any(span.field == name for span in spans):
                warnings.append(f"label for {name} found twice in one block")
                continue
            spans.append(ValueSpan(name, label, value_words, box))
    return spans, warnings, all_labels, person


def _ending_at(label: Label, right: int) -> Label:
    """The label with its last word's box cut back to end at ``right``."""
    last = label.words[-1]
    x, y, _, h = last.bbox
    return Label(label.wording, label.words[:-1] + [Word(last.text, last.conf, (x, y, max(1, right - x), h),
                                                         last.line)], label.score)


def read_side(clean: np.ndarray, words: list[Word], side: BBox, dpi: int,
              description: LayoutDescription) -> tuple[ValueSpan | None, str | None]:
    """The side column: the notes ("Ghi chú") written under their label, and which tick box is ticked."""
    notes = None
    lines = text_lines(strip_leaders(words))
    for number, line in enumerate(lines):
        labels = [label for label in find_labels(line, description)
                  if label.attribute is not None and label.attribute.fields.get("entry") == "notes"]
        if labels:
            label = labels[0]
            below = [w for later in lines[number + 1:] for w in later]
            after = [w for w in line if w.bbox[0] > label.right - 2 and w not in label.words]
            x, y, w, h = side
            pad = max(3, int(dpi * 0.03))
            top = max(w_.bbox[1] + w_.bbox[3] for w_ in label.words) + pad
            box = (x + pad, top, w - 2 * pad, y + h - top - pad)
            notes = ValueSpan("notes", label, after + below, box)
            break
    ticked = None
    captions = description.ticks.captions
    for square, is_ticked in tick_boxes(clean, side, dpi):
        if not is_ticked or not captions:
            continue
        sx, sy, sw, sh = square
        beside = [w for w in words if w.bbox[0] > sx + sw and abs(w.center[1] - (sy + sh / 2)) < sh]
        text = " ".join(w.text for w in sorted(beside, key=lambda w: w.bbox[0]))
        best = max(captions, key=lambda caption: fuzz.ratio(fold(text), fold(caption)))
        if fuzz.ratio(fold(text), fold(best)) >= 70:
            ticked = best if ticked is None else "?"
    return notes, (None if ticked == "?" else ticked)


#: Pixels erased past a label's last word (its colon's tail): few, as a value may start close after it; a
#: label whose box ends closer than this to the value's first word is cut back, or the value's first letter
#: loses its left edge ("xã" read "‹ã").
PAST_LABEL_END = 3


def erase_labels(clean: np.ndarray, labels: list[Label], dpi: int) -> np.ndarray:
    """A copy of the page without the ink of these printed labels, once found: each label's whole band (its
    words and the gaps between them, with a margin), so that no residue (the horn of "ư" sticking out of
    "cư", a colon) is read as part of a value that wraps under it."""
    result = clean.copy()
    pad = max(3, int(dpi * 0.02))
    for label in labels:
        x, y, w, h = box_of(label.words)
        top, left, right = max(0, y - pad), max(0, x - pad), x + w + PAST_LABEL_END
        band = result[top:y + h + pad, left:right]
        band[_label_ink(result[top:y + h + pad, left:right + h] > 0, right - left)] = 0
    return result


def _label_ink(ink: np.ndarray, end: int) -> np.ndarray:
    """Which pixels of ``ink[:, :end]`` (a label's band, with the ink up to a word height past its end) to
    erase: all but the pieces that lie mostly past the end. The engine may box a label's last word into the
    value's first letter ("sinh:" over the x of "xã"); that letter, mostly past the label, keeps its ink."""
    count, pieces, stats, _ = cv2.connectedComponentsWithStats(ink.astype(np.uint8), connectivity=8)
    erase = np.ones((ink.shape[0], end), dtype=bool)
    for index in range(1, count):
        left, width = stats[index, 0], stats[index, 2]
        if left < end < left + width:
            inside = int((pieces[:, :end] == index).sum())
            if inside < 0.5 * stats[index, 4]:
                erase &= pieces[:, :end] != index
    return erase


#: Confidence factor for a value written over a dotted leader whose dots touch its letters when reading it
#: with and without those dots differs: a leader's dot under a letter reads as a dot below (Trần → Trận).
LEADER_DOUBT_FACTOR = 0.75


def read_form(clean: np.ndarray, dpi: int, layout: PageLayout, engine: OcrEngine,
              description: LayoutDescription | None = None, doubts: list[BBox] = ()) -> list[EntryReading]:
    """Every form block of the page, read: one pass per block, labels found, values read twice, combined.
    ``doubts``: leader dots left under letters (see ``ocr.image.erase_leaders``)."""
    description = description or load_layout(layout.book_type, "form")

    entries = []
    for entry in layout.entries:
        words = fit_to_ink(clean, ocr_region(clean, entry.bbox, dpi, engine), entry.bbox)
        parts = entry.parts or {"main": entry.bbox}
        spans: list[ValueSpan] = []
        labels: list[Label] = []
        person = None
        for part in ("header", "main"):
            if part in parts:
                px, _, pw, _ = parts[part]
                found, warnings, seen, person = value_spans(words_in_box(words, parts[part]), px + pw, dpi,
                                                            description, person)
                spans += found
                labels += seen
                layout.warnings.extend(warnings)
        ticked = None
        if "side" in parts:
            notes, ticked = read_side(clean, words_in_box(words, parts["side"]), parts["side"], dpi, description)
            if notes is not None:
                spans = [span for span in spans if span.field != "notes"] + [notes]
        by_field = {span.field: span for span in spans}
        values_only = erase_labels(clean, labels, dpi)

        # A value wrapping under its line has a box reaching back under what precedes it on its first line
        # (the date of birth before "ghi bằng chữ:"): it is read on a copy without the other values' ink.
        images = {span.field: _alone(values_only, span, spans, dpi) for span in spans}

        # Second, independent reading of every value box that has ink: batched engine runs (psm 6).
        inked = [span for span in spans if ink_fraction(images[span.field], span.box) >= BLANK_CELL_INK]
        second: dict[str, list[Word]] = {}
        apart: dict[str, MarksApart] = {}  # typed with separately struck marks (ocr.marks)
        for image in {id(images[span.field]): images[span.field] for span in inked}.values():
            boxes = {span.field: span.box for span in inked if images[span.field] is image}
            second.update(second_pass(image, dpi, boxes, engine, description.format_or_none, apart))
        readings: dict[str, FieldReading] = {}
        for name in description.fields:
            span = by_field.get(name)
            if span is None:
                readings[name] = FieldReading("", 0.0, None)  # label not found: nothing trustworthy
                continue
            image = images[name]
            fmt = description.format_or_none(name)
            reading = field_reading(image, span.box, span.words, fmt=fmt)
            if name in second:
                again = field_reading(image, span.box, second[name], fmt=fmt)
                reading = (with_marks_apart(reading, again, apart[name], fmt) if name in apart
                           else combine(reading, again, fmt))
            readings[name] = reading
        # Values over leader dots that touch their letters: read again without those dots. Same text: the
        # dots did not matter. Another text: the one without them (a leader's dot under a letter is far
        # more common than a dot below exactly on the leader's pitch), not trusted.
        doubtful = [span for span in spans if readings[span.field].text and _has_doubt(span.box, doubts)
                    and not description.is_digits(span.field)]
        for image in {id(images[span.field]): images[span.field] for span in doubtful}.values():
            undotted = image.copy()
            for dx, dy, dw, dh in doubts:
                undotted[dy:dy + dh, dx:dx + dw] = 0
            group = [span for span in doubtful if images[span.field] is image]
            again = second_pass(undotted, dpi, {span.field: span.box for span in group}, engine,
                                description.format_or_none)
            for span in group:
                fmt = description.format_or_none(span.field)
                other = field_reading(undotted, span.box, again.get(span.field, []), fmt=fmt)
                first = readings[span.field]
                if " ".join(other.text.split()) != " ".join(first.text.split()) and other.text:
                    readings[span.field] = FieldReading(other.text, round(other.confidence * LEADER_DOUBT_FACTOR, 4),
                                                        other.bbox, first.marks_apart, choices=other.choices)
        if ticked is not None:
            readings[description.ticks.field] = FieldReading(ticked, 0.9, None)
        entries.append(EntryReading(entry.bbox, readings))
    return entries


def _alone(values_only: np.ndarray, span: ValueSpan, spans: list[ValueSpan], dpi: int) -> np.ndarray:
    """The page to read ``span`` on: ``values_only`` itself, or, when other values lie inside its box, a copy
    without their ink."""
    x, y, w, h = span.box
    inside = [word for other in spans if other is not span for word in other.words
              if x <= word.center[0] < x + w and y <= word.center[1] < y + h]
    if not inside:
        return values_only
    image = values_only.copy()
    pad = max(2, int(dpi * 0.01))
    for word in inside:
        wx, wy, ww, wh = word.bbox
        image[max(0, wy - pad):wy + wh + pad, max(0, wx - pad):wx + ww + pad] = 0
    return image


def _has_doubt(box: BBox, doubts) -> bool:
    x, y, w, h = box
    return any(x <= dx + dw / 2 < x + w and y <= dy + dh / 2 < y + h for dx, dy, dw, dh in doubts)
