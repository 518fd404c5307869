"""The kinds of rows of a table page, from their texts and positions (no OCR needed)."""

from __future__ import annotations

from ocr.descriptions import load_layout
from ocr.grid import _without_strikes, is_column_number, is_non_entry_row, is_number_row, is_title_row


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
