"""The entry blocks of a form page (books since 2016): large frames, each split by its inner rules into a
header strip, the main area of labels and values, and a side column of tick boxes and notes."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.engine import BBox
from ocr.image import Rules
from ocr.model import EntryRegion, PageLayout


def form_boxes(binary: np.ndarray, dpi: int) -> list[BBox]:
    """The entry blocks of a form page: large rectangular frames (one above the other, or side by side on a
    landscape sheet), in reading order: rows of blocks top to bottom, each row left to right."""
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    height, width = binary.shape[:2]
    boxes = []
    for contour in contours:
        x, y, w, h = cv2.boundingRect(contour)
        if w * h >= 0.05 * height * width and w > 0.3 * width and h > 0.1 * height:
            # A frame is mostly outline: its ink fills the rectangle's border, so the hull is the rectangle.
            if cv2.contourArea(cv2.convexHull(contour)) >= 0.85 * w * h:
                boxes.append((x, y, w, h))
    rows: list[list[BBox]] = []
    for box in sorted(boxes, key=lambda b: b[1]):
        if rows and abs(box[1] - rows[-1][0][1]) < 0.5 * min(box[3], rows[-1][0][3]):
            rows[-1].append(box)
        else:
            rows.append([box])
    return [box for row in rows for box in sorted(row, key=lambda b: b[0])]


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


def form_layout(binary: np.ndarray, dpi: int, rules: Rules, book_type: str = "birth") -> PageLayout | None:
    boxes = form_boxes(binary, dpi)
    if not boxes:
        return None
    return PageLayout("form", [EntryRegion(box, parts=form_parts(box, rules)) for box in boxes],
                      book_type=book_type)
