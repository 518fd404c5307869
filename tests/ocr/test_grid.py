"""The grid of a table page and the kinds of its rows, from its rules, texts and positions (no OCR needed)."""

from __future__ import annotations

import numpy as np

from ocr.descriptions import load_layout
from ocr.grid import _without_strikes, is_column_number, is_non_entry_row, is_number_row, is_title_row, table_grid
from ocr.image import find_rules


def test_column_numbers_are_recognized_even_misread():
    assert is_number_row(["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"])
    assert is_number_row(["ạũ)", "2)", "@)", "(4)", "(@)", "(10)", "(19)", "(12)"])  # as read on a real scan
    assert not is_number_row(["01", "08-01-2013", "Đỗ Văn Ước", "30-11-2012", "Nam", "Việt Nam"])


def test_a_column_number_cell_is_no_title_even_read_as_letters():
    # "(11)" and "(10)" as read under handwritten-book titles: they have letters, so they looked like titles
    assert is_column_number("q1)") and is_column_number("q0)") and is_column_number("(7)")
    assert not any(is_column_number(t) for t in ("Số", "Ghi chú", "Nơi sinh", "Năm sinh", ""))


def test_marked_rows_are_no_entries_whatever_cells_the_mark_spans():
    description = load_layout("birth", "table")
    assert is_non_entry_row("Bỏ trống", description)
    assert is_non_entry_row("Bo” troág", description)  # typewriter, misread
    assert not is_non_entry_row("Bỏ Thị Trang 12/05/2019 Nữ Kinh", description)


def test_title_rows_are_told_from_entries():
    description = load_layout("birth", "table")
    assert is_title_row(["Số", "Ngày đăng ký", "Họ và tên", "Ngày sinh", "Giới tính"], description)
    assert is_title_row(["", "", "Người được khai sinh Họ và tên", "Ngày sinh", "Dân tộc"], description)
    assert not is_title_row(["1", "05/01/2015", "Nguyễn Văn An", "02/01/2015", "Nam", "Kinh",
                             "Cải chính họ tên từ Nguyễn Văn Ân"], description)


def test_a_line_struck_through_a_row_is_no_row_rule():
    rows = [0.0, 100.0, 240.0, 380.0, 450.0, 520.0, 660.0, 800.0]  # 380-520 is one row struck at 450
    assert _without_strikes(rows) == [0.0, 100.0, 240.0, 380.0, 520.0, 660.0, 800.0]
    header_and_numbers = [0.0, 200.0, 250.0, 390.0, 530.0, 670.0]  # a thin number row is kept
    assert _without_strikes(header_and_numbers) == header_and_numbers


def _ruled_page(height=2016, width=2829, dpi=240):
    """A binary page (ink 255) with a 13-column, 12-row grid at 240 dpi, and the grid's rule positions."""
    page = np.zeros((height, width), np.uint8)
    xs = [240, 315, 480, 720, 945, 1110, 1210, 1335, 1460, 1765, 1975, 2180, 2280, 2500]
    ys = [470 + 100 * i for i in range(13)]
    for x in xs:
        page[ys[0]:ys[-1] + 4, x:x + 6] = 255
    for y in ys:
        page[y:y + 5, xs[0]:xs[-1] + 6] = 255
    return page, dpi, [x + 3 for x in xs], [y + 2 for y in ys]


def _grid_of(page, dpi):
    grid = table_grid(find_rules(page, dpi), page.shape)
    assert grid is not None
    return grid


def test_a_scanners_dark_border_down_the_page_edge_is_no_column_rule():
    page, dpi, xs, ys = _ruled_page()
    # Left dark after whitening: a band along the edge from the page's top to just below the grid.
    page[36:ys[-1] + 33, 28:52] = 255
    rows, columns = _grid_of(page, dpi)
    assert np.allclose(columns, xs, atol=3) and np.allclose(rows, ys, atol=3)


def test_short_strokes_beside_a_column_rule_do_not_move_it():
    page, dpi, xs, ys = _ruled_page()
    # The back page's rules showing through, 25 px right of a rule: three pieces an eighth of its height.
    for top in (600, 900, 1250):
        page[top:top + 150, xs[4] + 24:xs[4] + 27] = 255
    rows, columns = _grid_of(page, dpi)
    assert np.allclose(columns, xs, atol=3)
