"""Read form-block entries (books since 2016): printed labels followed by values, one boxed block per entry.

The labels are found by reading them (fuzzy match, tone marks ignored), never by position: each value is the
text after its label, up to the next label on the line or the block's edge. Labels shared by the child, the
mother and the father ("Dân tộc:", "Năm sinh:", ...) are told apart by the section they follow ("... người
mẹ:", "... người cha:"). A line without a label continues the previous value ("ghi bằng chữ" wraps).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from rapidfuzz import fuzz

from ocr.engine import BBox, OcrEngine, Word
from ocr.layout import PageLayout, fold, ink_fraction, words_in_box
from validation.schema import BIRTH_FIELDS

# (printed label, field for the child / mother / father section; None = label only, no field of ours).
# "Quyển" (volume) is a book key, read so that its value does not run into the entry number.
LABELS: tuple[tuple[str, tuple[str | None, str | None, str | None]], ...] = (
    ("Số:", ("entry_no",) * 3),
    ("Quyển:", (None,) * 3),
    ("Ngày, tháng, năm đăng ký:", ("registration_date",) * 3),
    ("Họ, chữ đệm, tên người mẹ:", ("mother_name",) * 3),
    ("Họ, chữ đệm, tên người cha:", ("father_name",) * 3),
    ("Họ, chữ đệm, tên:", ("full_name", "mother_name", "father_name")),
    ("Ngày, tháng, năm sinh:", ("date_of_birth",) * 3),
    ("ghi bằng chữ:", ("date_of_birth_words",) * 3),
    ("Giới tính:", ("sex",) * 3),
    ("Dân tộc:", ("ethnicity", "mother_ethnicity", "father_ethnicity")),
    ("Quốc tịch:", ("nationality", "mother_nationality", "father_nationality")),
    ("Nơi sinh:", ("place_of_birth",) * 3),
    ("Quê quán:", ("hometown",) * 3),
    ("Số định danh cá nhân:", ("personal_id",) * 3),
    ("Năm sinh:", (None, "mother_birth_year", "father_birth_year")),
    ("Nơi cư trú:", (None, "mother_residence", "father_residence")),
    ("Người đi khai sinh:", ("declarant_name",) * 3),
    ("Ghi chú:", ("notes",) * 3),
)
SECTION_OF = {"mother_name": 1, "father_name": 2, "declarant_name": 0}
TICK_LABELS = ("Đúng hạn", "Quá hạn", "Đăng ký lại")
MIN_LABEL_SCORE = 80.0


@dataclass
class Label:
    text: str
    fields: tuple[str | None, str | None, str | None]
    words: list[Word]  # the label's words on the page
    score: float

    @property
    def right(self) -> int:
        return max(w.bbox[0] + w.bbox[2] for w in self.words)

    @property
    def left(self) -> int:
        return min(w.bbox[0] for w in self.words)


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


def find_labels(line: list[Word]) -> list[Label]:
    """Printed labels on one line: the longest good fuzzy match first, never overlapping."""
    found: list[tuple[float, int, int, str, tuple]] = []
    for text, fields in LABELS:
        target = fold(text).rstrip(":")
        size = len(text.split())
        for start in range(len(line) - size + 1):
            candidate = fold(" ".join(w.text for w in line[start:start + size]))
            core = candidate.rstrip(":.;,")
            if len(target) <= 3:
                score = 100.0 if core == target else 0.0  # "Số:" must be read exactly, it is too short to guess
            else:
                score = fuzz.ratio(core, target)
            # A label ends with its colon (often read as "." or ";"): without one it may be a value.
            if not candidate.endswith((":", ".", ";")):
                score -= 10
            if score >= MIN_LABEL_SCORE:
                found.append((score + len(target) / 10, start, size, text, fields))
    labels: list[Label] = []
    taken: set[int] = set()
    for score, start, size, text, fields in sorted(found, reverse=True):
        span = set(range(start, start + size))
        if span & taken:
            continue
        taken |= span
        labels.append(Label(text, fields, line[start:start + size], score))
    return sorted(labels, key=lambda label: label.left)


@dataclass
class ValueSpan:
    field: str
    label: Label
    words: list[Word]
    box: BBox  # where the value is written


def _box_of(words: list[Word]) -> BBox:
    x0 = min(w.bbox[0] for w in words)
    y0 = min(w.bbox[1] for w in words)
    x1 = max(w.bbox[0] + w.bbox[2] for w in words)
    y1 = max(w.bbox[1] + w.bbox[3] for w in words)
    return (x0, y0, x1 - x0, y1 - y0)


def value_spans(words: list[Word], right_edge: int, dpi: int) -> tuple[list[ValueSpan], list[str], list[Label]]:
    """Label → value spans of one block column, in reading order, with the section logic; also every label
    found (their ink is erased before values are read a second time)."""
    spans: list[ValueSpan] = []
    warnings: list[str] = []
    all_labels: list[Label] = []
    section = 0
    for line in text_lines(split_colons(words)):
        labels = find_labels(line)
        top = min(w.bbox[1] for w in line)
        bottom = max(w.bbox[1] + w.bbox[3] for w in line)
        pad = max(3, int(dpi * 0.02))
        if not labels:
            if spans and spans[-1].field in ("date_of_birth_words", "notes", "place_of_birth", "hometown",
                                             "mother_residence", "father_residence"):
                last = spans[-1]
                last.words.extend(line)
                x, y, w, h = last.box
                x0 = min(x, min(w_.bbox[0] for w_ in line) - pad)
                last.box = (x0, y, x + w - x0, bottom + pad - y)  # the value wraps onto this line
            continue
        for index, label in enumerate(labels):
            name = label.fields[section]
            if name in SECTION_OF and label.fields[0] == label.fields[2]:
                section = SECTION_OF[name]
            name = label.fields[section]
            all_labels.append(label)
            if name is None:
                continue
            end = labels[index + 1].left if index + 1 < len(labels) else right_edge
            value_words = [w for w in line if w.bbox[0] >= label.right - 2 and w.center[0] < end
                           and w not in label.words]
            # The end of a label misread as a value ("¡ng chữ: Ngày ..."): drop up to its colon.
            for cut, word in enumerate(value_words[:3]):
                if word.text.endswith(":"):
                    label = Label(label.text, label.fields, label.words + value_words[:cut + 1], label.score)
                    all_labels.append(label)
                    value_words = value_words[cut + 1:]
                    break
            box = (label.right + pad, top - pad, max(1, end - label.right - 2 * pad), bottom - top + 2 * pad)
            if any(span.field == name for span in spans):
                warnings.append(f"label for {name} found twice in one block")
                continue
            spans.append(ValueSpan(name, label, value_words, box))
    return spans, warnings, all_labels


def tick_boxes(clean: np.ndarray, region: BBox, dpi: int) -> list[tuple[BBox, bool]]:
    """Small squares (3-8 mm) in a region and whether each is ticked (ink inside its border)."""
    x, y, w, h = region
    crop = clean[y:y + h, x:x + w]
    contours, _ = cv2.findContours(crop, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    lo, hi = dpi * 0.12, dpi * 0.32
    found = []
    for contour in contours:
        bx, by, bw, bh = cv2.boundingRect(contour)
        if lo <= bw <= hi and lo <= bh <= hi * 1.5 and bw >= 0.6 * bh:
            inner = (x + bx + bw // 4, y + by + bh // 4, bw // 2, bh // 2)
            found.append(((x + bx, y + by, bw, bh), ink_fraction(clean, inner) > 0.08))
    return found


def read_side(clean: np.ndarray, words: list[Word], side: BBox, dpi: int) -> tuple[ValueSpan | None, str | None]:
    """The side column: the notes ("Ghi chú") written under their label, and which tick box is ticked."""
    notes = None
    lines = text_lines(words)
    for number, line in enumerate(lines):
        labels = [label for label in find_labels(line) if label.fields[0] == "notes"]
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
    for square, is_ticked in tick_boxes(clean, side, dpi):
        if not is_ticked:
            continue
        sx, sy, sw, sh = square
        beside = [w for w in words if w.bbox[0] > sx + sw and abs(w.center[1] - (sy + sh / 2)) < sh]
        text = " ".join(w.text for w in sorted(beside, key=lambda w: w.bbox[0]))
        best = max(TICK_LABELS, key=lambda label: fuzz.ratio(fold(text), fold(label)))
        if fuzz.ratio(fold(text), fold(best)) >= 70:
            ticked = best if ticked is None else "?"
    return notes, (None if ticked == "?" else ticked)


def erase_labels(clean: np.ndarray, labels: list[Label], dpi: int) -> np.ndarray:
    """A copy of the page without the ink of these printed labels, once found: each label's whole band (its
    words and the gaps between them, with a margin), so that no residue (the horn of "ư" sticking out of
    "cư", a colon) is read as part of a value that wraps under it."""
    result = clean.copy()
    pad = max(3, int(dpi * 0.02))
    for label in labels:
        x, y, w, h = _box_of(label.words)
        # Only 3 pixels past the colon: the value may start close after it.
        result[max(0, y - pad):y + h + pad, max(0, x - pad):x + w + 3] = 0
    return result


def read_form(clean: np.ndarray, dpi: int, layout: PageLayout, engine: OcrEngine) -> list:
    """Every form block of the page, read: one pass per block, labels found, values read twice, combined."""
    from ocr.read import EntryReading, FieldReading, combine, field_reading, ocr_region, second_pass

    entries = []
    for entry in layout.entries:
        words = ocr_region(clean, entry.bbox, dpi, engine)
        parts = entry.parts or {"main": entry.bbox}
        spans: list[ValueSpan] = []
        labels: list[Label] = []
        for part in ("header", "main"):
            if part in parts:
                px, _, pw, _ = parts[part]
                found, warnings, seen = value_spans(words_in_box(words, parts[part]), px + pw, dpi)
                spans += found
                labels += seen
                layout.warnings.extend(warnings)
        ticked = None
        if "side" in parts:
            notes, ticked = read_side(clean, words_in_box(words, parts["side"]), parts["side"], dpi)
            if notes is not None:
                spans = [span for span in spans if span.field != "notes"] + [notes]
        by_field = {span.field: span for span in spans}
        values_only = erase_labels(clean, labels, dpi)

        # Second, independent reading of every value box that has ink: one batched engine run (psm 6).
        inked = [span for span in spans if ink_fraction(values_only, span.box) >= 0.0025]
        second = second_pass(values_only, dpi, {span.field: span.box for span in inked}, engine)
        readings: dict[str, FieldReading] = {}
        for name in BIRTH_FIELDS:
            span = by_field.get(name)
            if span is None:
                readings[name] = FieldReading("", 0.0, None)  # label not found: nothing trustworthy
                continue
            reading = field_reading(values_only, span.box, span.words)
            if name in second:
                reading = combine(reading, field_reading(values_only, span.box, second[name]))
            readings[name] = reading
        if ticked is not None:
            readings["registration_kind"] = FieldReading(ticked, 0.9, None)
        entries.append(EntryReading(entry.bbox, readings))
    return entries
