"""The table reader (older books; bảng = table): a ruled grid, a header of column titles, one entry per row.

The structure is found in the image: the grid from its rules, the header cells as the areas no rule
crosses (a title spanning several columns, "Người được khai sinh" or "Cha, mẹ", is one area above its
sub-titles), each column named by its whole title with the layout description's wordings (see
``ocr.descriptions``). The person a title names ("… người mẹ") or the spanning title above it ("Mẹ") decides
whose field a column is. A column whose title cannot be read is named by what its values look like (a
12-digit ID, a date, a year, an ethnic group) or by its neighbours, when exactly one field fits, at low
confidence; otherwise it is reported in the warnings, never dropped silently.

Rows that are not entries are skipped: header and sub-header rows, the row of column numbers "(1) (2) …",
blank ruled rows, voided rows (struck through, or marked "Bỏ trống"), page carry-over rows.
"""

from __future__ import annotations

import cv2
import numpy as np

from ocr.book_columns import ColumnHint, ColumnMap
from ocr.cells import ocr_region, read_cells
from ocr.descriptions import ENTRY, LayoutDescription, load_layout, match_title, title_key, title_keys, wording_score
from ocr.engine import BBox, OcrEngine
from ocr.errors import LayoutNotFoundError
from ocr.grid import is_column_number, is_non_entry_row, is_number_row, is_struck, is_title_row
from ocr.image import (Rules, cell_crops, cell_scale, ink_fraction, inset, remove_rules, spaces_between_rules,
                       union)
from ocr.model import EntryReading, EntryRegion, PageLayout
from ocr.preprocess import PreparedPage
from ocr.words import join_lines, words_in_box

#: A header title must score at least this (0..100) to name a column.
MIN_TITLE_SCORE = 70.0
#: A title naming a person ("… người mẹ") must match at least this well to give that person's field.
QUALIFIED_SCORE = 85.0
#: Score given to a column named by its values or its neighbours rather than by its title.
PLACED_SCORE = 0.6

Candidates = dict[str, float]  # field → score 0..100


# --- naming columns ---------------------------------------------------------------------------------

def title_candidates(text: str, description: LayoutDescription, context: str | None = None,
                     group: bool = False) -> Candidates:
    """Field → best score of a column title against every wording. An unqualified wording is the context
    person's (the spanning title's), else the default person's; under a group title ("Cha, mẹ") only a
    qualified wording names a person."""
    keys = [(key, penalty) for key, penalty in title_keys(text) if key]
    found: Candidates = {}
    qualified: Candidates = {}  # fields of wordings that name their person ("… mẹ")
    if not keys:
        return found
    for wording in description.wordings:
        if wording.attribute is None:
            continue
        person = wording.person or (None if group else context)
        if wording.person is None and group and "entry" not in wording.attribute.fields:
            continue
        name = description.field_for(wording.attribute, person)
        if name is None:
            continue
        score = max(wording_score(key, wording) - penalty for key, penalty in keys)
        if wording.person is not None and score < QUALIFIED_SCORE:
            continue  # "Họ tên" is 75 % of "Họ tên cha": a person is named only by a title that says so
        if group and wording.person is None and score < QUALIFIED_SCORE:
            # Under a title over persons, an entry's own field is unusual: "Ngày, tháng, năm sinh" under a
            # smudged "Người được khai sinh" is 78 % of "Ngày, tháng, năm đăng ký" and is not that.
            continue
        found[name] = max(found.get(name, 0.0), score)
        if wording.person is not None:
            qualified[name] = found[name]
    # A title that names a person is that person's: "Họ và tên mẹ" is never the child's "Họ và tên".
    return qualified or found


def heading_person(text: str, description: LayoutDescription) -> tuple[str | None, bool]:
    """(person, is_group) a spanning title names: "Mẹ" → mother, "Cha, mẹ" → a group (nobody)."""
    match = match_title(text, description, MIN_TITLE_SCORE)
    if match is None:
        return None, False
    if match.wording.heading:
        return match.wording.person, match.wording.person is None
    return match.wording.person, False


def shape_candidates(samples: list[str], description: LayoutDescription, context: str | None) -> set[str]:
    """Fields whose value format most of a column's readings match (at least two readings); a row of column
    numbers ("(8)") holds no value."""
    values = [s for s in samples if s.strip() and not is_column_number(s)]
    if len(values) < 2:
        return set()
    found = set()
    for name, format_name in description.fields.items():
        fmt = description.formats[format_name]
        if not fmt.recognizable:
            continue
        if sum(fmt.matches(v) for v in values) >= 0.8 * len(values):
            found.add(name)
    if context is not None:
        persons_fields = {f for a in description.attributes for p, f in a.fields.items() if p == context}
        entry_fields = {f for a in description.attributes for p, f in a.fields.items() if p == "entry"}
        found &= persons_fields | entry_fields
    return found


def map_columns(titles: list[str], description: LayoutDescription | None = None,
                contexts: list[tuple[str | None, bool]] | None = None,
                samples: list[list[str]] | None = None) -> tuple[dict[str, int], dict[str, float], list[str]]:
    """Column index per field, best title matches first, one column per field; then the columns left
    unnamed, by their values' format and their named neighbours, when exactly one field fits. Also returns
    the fields so placed (their readings get low confidence)."""
    description = description or load_layout("birth", "table")
    contexts = contexts or [(None, False)] * len(titles)
    candidates = []
    for column, text in enumerate(titles):
        person, group = contexts[column]
        for name, score in title_candidates(text, description, person, group).items():
            candidates.append((score, column, name))
    mapping: dict[str, int] = {}
    scores: dict[str, float] = {}
    used: set[int] = set()
    for score, column, name in sorted(candidates, reverse=True):
        if score < MIN_TITLE_SCORE or column in used or name in mapping:
            continue
        mapping[name] = column
        scores[name] = score / 100
        used.add(column)
    placed: list[str] = []
    order = list(description.fields)
    by_column = {column: name for name, column in mapping.items()}
    for column in range(len(titles)):
        if column in by_column:
            continue
        # Neighbours: the fields between the named columns on either side, in the book's usual order.
        left = by_column.get(column - 1) if column > 0 else "<start>"
        right = by_column.get(column + 1) if column + 1 < len(titles) else "<end>"
        between: set[str] = set()
        if left is not None and right is not None:
            lo = -1 if left == "<start>" else order.index(left)
            hi = len(order) if right == "<end>" else order.index(right)
            if lo < hi:
                between = {name for name in order[lo + 1:hi] if name not in mapping}
        if left == "<start>" and right == "<end>":
            between = set()
        shaped = shape_candidates(samples[column], description, contexts[column][0]) if samples else set()
        shaped -= set(mapping)
        # A person's columns stand together: years between the mother's name and the father's are hers.
        kin = {name for name in shaped if left not in (None, "<start>")
               and description.person_of(name) == description.person_of(left) not in (None, ENTRY)}
        if len(between) == 1 and (not shaped or between <= shaped):
            chosen = next(iter(between))
        elif len(fit := shaped & between if between else shaped) == 1:
            chosen = next(iter(fit))
        elif not between and len(kin) == 1:
            chosen = next(iter(kin))
        else:
            continue
        mapping[chosen] = column
        scores[chosen] = PLACED_SCORE
        by_column[column] = chosen
        placed.append(chosen)
    return mapping, scores, placed


# --- the page ---------------------------------------------------------------------------------------

def table_layout(prepared: PreparedPage, rules: Rules, ys: list[float], xs: list[float], engine: OcrEngine,
                 description: LayoutDescription | None = None, column_hint: ColumnHint | None = None) -> PageLayout:
    """The table's entries and their cells. ``column_hint``: the names the book's earlier pages gave the
    same grid, taken where this page's own titles leave it unsure (``ocr.book_columns``)."""
    description = description or load_layout("birth", "table")
    dpi = prepared.dpi
    pad = max(3, int(dpi * 0.016))
    clean = prepared.without_rules()[0] if rules is prepared.rules else remove_rules(prepared.binary, rules, dpi)
    columns = list(zip(xs[:-1], xs[1:]))
    rows = list(zip(ys[:-1], ys[1:]))
    region = inset(xs[0], ys[0], xs[-1], ys[-1], 0)
    words = ocr_region(clean, region, dpi, engine)

    def row_texts(y0: float, y1: float) -> list[str]:
        return [join_lines(words_in_box(words, inset(a, y0, b, y1, pad))) for a, b in columns]

    texts = [row_texts(y0, y1) for y0, y1 in rows]
    solid = cv2.morphologyEx(clean, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # without scanner specks
    header_end = 0
    while header_end < min(3, len(rows)) and is_title_row(texts[header_end], description):
        header_end += 1
    if header_end == 0:
        header_end = 1  # titles too degraded for the row test: the grid's first row is still its header
    zone = inset(xs[0], ys[0], xs[-1], ys[header_end], 0)
    mapping, scores, placed, inked = _name_columns(clean, rules, zone, columns, words, rows[header_end:],
                                                   dpi, pad, engine, description)
    own = ColumnMap.of(columns, mapping, scores, placed, inked)
    book = column_hint.columns if column_hint is not None and column_hint.names_page(own) else None
    if book is not None:
        mapping = book.mapping()
        scores = {name: score for name, score in zip(book.names, book.scores) if name}
        placed = [name for name, titled in zip(book.names, book.by_title) if name and not titled]
    unnamed = [i for i in inked if i not in set(mapping.values())]
    if len(mapping) < min(3, len(columns)):
        raise LayoutNotFoundError(prepared.source_file or "page", "a ruled table without readable column titles",
                                  page=prepared.page_in_file)
    warnings: list[str] = []
    if book is not None:
        warnings.append("columns named as on the book's earlier pages (same grid, titles unsure)")
    if unnamed:
        warnings.append("columns not named (not read): " + ", ".join(f"column {c + 1} of {len(columns)}"
                                                                       for c in unnamed))
    if placed:
        warnings.append(f"column titles unreadable, named by values or position: {', '.join(placed)}")

    column_boxes = {name: inset(columns[i][0], ys[header_end], columns[i][1], ys[-1], pad)
                    for name, i in mapping.items()}
    entries = []
    skipped: dict[str, int] = {}
    for index in range(header_end, len(rows)):
        y0, y1 = rows[index]
        cells = {name: inset(columns[i][0], y0, columns[i][1], y1, pad) for name, i in mapping.items()}
        row_box = inset(xs[0], y0, xs[-1], y1, 0)
        kind = None
        ink = max(ink_fraction(solid, box) for box in cells.values())
        # An unused ruled row: (almost) no ink once specks are gone, or no word read and little ink (the
        # noise and stains of a heavy scan; unread writing leaves far more).
        if ink < 0.002 or (ink < 0.02 and not any(title_key(text) for text in texts[index])):
            kind = "blank"
        elif is_number_row(texts[index]):
            kind = "column-number"
        elif is_title_row(texts[index], description):
            kind = "sub-header"
        elif is_non_entry_row(join_lines(words_in_box(words, row_box)), description):
            kind = "marked"
        elif is_struck(clean, rules, row_box, list(cells.values())):
            kind = "voided"
        if kind is not None:
            if kind != "blank":
                skipped[kind] = skipped.get(kind, 0) + 1
            continue
        entries.append(EntryRegion(row_box, cells))
    if skipped:
        warnings.append("rows that are not entries: " + ", ".join(f"{n} {k}" for k, n in sorted(skipped.items())))
    return PageLayout("table", entries, column_boxes, scores, region, warnings, words, description.book_type,
                      unnamed_columns=len(unnamed), column_map=own, book_columns=book)


def _name_columns(clean, rules, zone, columns, words, body_rows, dpi, pad, engine, description):
    """Names of the columns from the header zone's ruled cells; the cells of columns left unnamed are read
    again on their own (enlarged, psm 6), as a sparse pass misreads bold, blurred or two-line titles."""
    cells = spaces_between_rules(rules, zone, dpi)
    centres = [(a + b) / 2 for a, b in columns]
    stacks: list[list[BBox]] = [sorted([c for c in cells if c[0] <= x < c[0] + c[2]], key=lambda c: c[1])
                                for x in centres]
    for index, stack in enumerate(stacks):
        if not stack:  # no ruled cell found (a broken rule): the column's own strip of the zone
            a, b = columns[index]
            stacks[index] = [inset(a, zone[1], b, zone[1] + zone[3], pad)]
    text_of = {cell: join_lines(words_in_box(words, cell)) for stack in stacks for cell in stack}
    samples = [[join_lines(words_in_box(words, inset(a, y0, b, y1, pad))) for y0, y1 in body_rows[:12]]
               for a, b in columns]

    def attempt() -> tuple:
        titles, contexts = [], []
        for stack in stacks:
            # A header's row of column numbers lies below the titles; its cells name nothing.
            with_text = [c for c in stack if title_key(text_of[c]) and not is_column_number(text_of[c])] or stack
            own = with_text[-1]
            titles.append(text_of[own])
            person, group = None, False
            for upper in stack:
                if upper[1] < own[1]:
                    # Only the words above this column's own title: a broken rule may join the spanning
                    # title's cell with sub-titles below it.
                    x, y, w, _ = upper
                    above = join_lines(words_in_box(words, (x, y, w, own[1] - y))) or text_of[upper]
                    found, is_group = heading_person(above, description)
                    if not (found or is_group) and ink_fraction(clean, upper) >= 0.002:
                        # A spanning title that cannot be read names somebody unknown: its sub-titles
                        # are nobody's by default (the father's "Họ, chữ đệm, tên" under a smudged "Cha"
                        # must not become the child's name).
                        found, is_group = None, True
                    person, group = (found, is_group) if (found or is_group) else (person, group)
            contexts.append((person, group))
        return map_columns(titles, description, contexts, samples)

    mapping, scores, placed = attempt()
    named = set(mapping.values()) - {mapping[name] for name in placed}
    missing = [i for i in range(len(columns)) if i not in named]
    if missing:
        again = sorted({cell for i in missing for cell in stacks[i]})
        boxes = [inset(c[0], c[1], c[0] + c[2], c[1] + c[3], pad // 2) for c in again]
        alone = engine.recognize_many(cell_crops(clean, boxes, dpi), int(round(dpi * cell_scale(dpi))), psm=6)
        before = dict(text_of)
        for cell, found in zip(again, alone):
            if found:
                text_of[cell] = join_lines(found)
        second = attempt()
        if len(second[0]) - len(second[2]) > len(mapping) - len(placed):
            mapping, scores, placed = second
        else:
            text_of = before
    inked = [i for i, (a, b) in enumerate(columns)
             if any(ink_fraction(clean, inset(a, y0, b, y1, pad)) >= 0.002 for y0, y1 in body_rows)]
    return mapping, scores, placed, inked


def read_table(clean: np.ndarray, dpi: int, layout: PageLayout, engine: OcrEngine,
               description: LayoutDescription | None = None, gray: np.ndarray | None = None) -> list[EntryReading]:
    """Every entry row of the table, read (page-pass words by cell, then each cell on its own, in the shades
    of the page's ``gray`` where given)."""
    description = description or load_layout(layout.book_type, "table")
    if not layout.entries:
        return []
    words = layout.words
    if words is None:
        words = ocr_region(clean, layout.region or _union_of(layout.entries), dpi, engine)
    title_certainty = {name: min(1.0, score / (MIN_TITLE_SCORE / 100)) ** 2
                       for name, score in layout.column_scores.items()}
    cells: dict[str, BBox] = {}
    certainty: dict[str, float] = {}
    for index, entry in enumerate(layout.entries):
        for name, box in entry.cells.items():
            cells[f"{index}/{name}"] = box
            certainty[f"{index}/{name}"] = title_certainty.get(name, 1.0)
    readings = read_cells(clean, dpi, cells, words, engine, certainty, description.format_or_none, gray)
    return [EntryReading(entry.bbox, {name: readings[f"{index}/{name}"] for name in entry.cells})
            for index, entry in enumerate(layout.entries)]


def _union_of(entries: list[EntryRegion]) -> BBox:
    return union([e.bbox for e in entries])
