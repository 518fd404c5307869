"""Form-layout axes: section headings or own labels for the parents, where "ghi bằng chữ" goes, label order,
dotted leaders, the ID in 12 boxes, tick marks and page shapes. No OCR: assertions on the printed lines,
book.json and pixels."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from synth import generate_book
from synth.form_page import ENTRIES_PER_PAGE, form_lines

DPI = 100


def make(tmp_path: Path, style: dict, *, name: str = "book", pages: int = 1, seed: int = 50):
    return generate_book(tmp_path / name, layout="form", pages=pages, seed=seed, quality="clean", dpi=DPI,
                         image_format="png", style={"preset": "classic", **style}, upside_down_pages=0)


def ink(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return 1.0 - np.asarray(image.convert("L"), dtype=np.float32) / 255.0


def mm(value: float) -> int:
    return round(value * DPI / 25.4)


def fields_after(lines, heading: str) -> list[tuple[str, str]]:
    at = next(i for i, (kind, items) in enumerate(lines) if kind == "heading" and items[0][0] == heading)
    return [pair for _, items in lines[at + 1:at + 4] for pair in items]


def test_parents_under_section_headings_carry_the_generic_labels(tmp_path):
    files = make(tmp_path, {"parents": "sections"})
    style = files.book["style"]
    assert style["parents"] == "sections" and style["child_heading"]
    lines = form_lines(style)
    headings = [items[0][0] for kind, items in lines if kind == "heading"]
    assert headings == [style["child_heading"], "Mẹ:", "Cha:", "Người đi khai sinh:"]
    mother = fields_after(lines, "Mẹ:")
    assert mother[0] == ("Họ, chữ đệm, tên:", "mother_name")  # the child's generic label, the mother's field
    assert ("Năm sinh:", "mother_birth_year") in mother and ("Dân tộc:", "mother_ethnicity") in mother
    assert fields_after(lines, "Người đi khai sinh:")[0] == ("Họ, chữ đệm, tên:", "declarant_name")


def test_parents_with_their_own_labels(tmp_path):
    lines = form_lines(make(tmp_path, {"parents": "own_labels", "labels": {"mother_name": "Họ và tên mẹ:"}})
                       .book["style"])
    assert not [items for kind, items in lines if kind == "heading"]
    assert ("single", (("Họ và tên mẹ:", "mother_name"),)) in lines


@pytest.mark.parametrize("where", ("own_line", "same_line"))
def test_date_in_words_on_the_date_line_or_its_own(where, tmp_path):
    lines = form_lines(make(tmp_path, {"date_words_line": where}).book["style"])
    date_line = next(items for _, items in lines if ("Ngày, tháng, năm sinh:", "date_of_birth") in items)
    assert (("ghi bằng chữ:", "date_of_birth_words") in date_line) == (where == "same_line")


@pytest.mark.parametrize("order", ("classic", "id_after_name", "one_per_line"))
def test_label_order_variants(order, tmp_path):
    lines = form_lines(make(tmp_path, {"form_order": order}).book["style"])
    fields = [field for _, items in lines for _, field in items]
    shared = [items for kind, items in lines if kind == "shared"]
    if order == "id_after_name":
        assert fields[fields.index("full_name") + 1] == "personal_id"
    else:
        assert fields.index("personal_id") > fields.index("hometown")
    assert (not shared) == (order == "one_per_line")
    assert sorted(fields) == sorted(set(fields))  # each field printed once


def test_dotted_leaders_and_id_boxes_add_printed_marks(tmp_path):
    """Leaders are many small dots; the boxed ID is 13 vertical edges in a row around its digits."""
    plain = ink(make(tmp_path, {}, name="plain").scans[0])
    leaders = ink(make(tmp_path, {"leaders": True}, name="leaders").scans[0])
    boxes = make(tmp_path, {"id_boxes": True}, name="boxes")
    assert (leaders > 0.5).sum() > (plain > 0.5).sum() * 1.05
    dark = ink(boxes.scans[0]) > 0.5
    # Column counts of dark pixels: box edges are vertical runs ~5 mm tall inside the first block's left part.
    block = dark[mm(30):mm(150), mm(16):mm(150)]
    tall = [x for x in range(block.shape[1]) if _longest_run(block[:, x]) >= mm(4.5)]
    edges = [x for i, x in enumerate(tall) if i == 0 or x - tall[i - 1] > 1]
    assert len(edges) >= 13 + 1  # 13 box edges (+ the block frame)


def _longest_run(column: np.ndarray) -> int:
    best = run = 0
    for value in column:
        run = run + 1 if value else 0
        best = max(best, run)
    return best


@pytest.mark.parametrize("tick", ("check", "x", "filled"))
def test_tick_marks(tick, tmp_path):
    files = make(tmp_path, {"tick": tick})
    assert files.book["style"]["tick"] == tick
    dark = ink(files.scans[0])
    # The first block's three boxes (classic A4 portrait: 4 mm boxes from x = 154 mm, y = 37, 46, 55 mm).
    insides = [dark[mm(top) + 2:mm(top + 4) - 1, mm(154) + 2:mm(158) - 1].mean() for top in (37, 46, 55)]
    ticked = max(insides)
    assert sorted(insides)[1] < 0.05, "one box is ticked"
    if tick == "filled":
        assert ticked > 0.5
    else:
        assert 0.08 < ticked < 0.5


@pytest.mark.parametrize(("size", "orientation", "per_page"), [("A4", "portrait", 2), ("A3", "portrait", 3),
                                                                ("A3", "landscape", 2)])
def test_form_page_shapes(size, orientation, per_page, tmp_path):
    files = make(tmp_path, {"page_size": size, "orientation": orientation}, pages=2)
    truth = [json.loads(line) for line in files.truth.read_text(encoding="utf-8").splitlines()]
    assert [t["page"] for t in truth].count(1) == per_page
    with Image.open(files.scans[0]) as image:
        assert (image.width > image.height) == (orientation == "landscape")
    assert ENTRIES_PER_PAGE == 2
