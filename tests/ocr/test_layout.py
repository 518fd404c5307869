"""Layout detection on synthetic book pages: every entry found, table columns mapped by their titles."""

from __future__ import annotations

from ocr.ingest import split_into_pages
from ocr.layout import detect_layout, map_columns
from ocr.preprocess import prepare_page
from validation.schema import TABLE_FIELDS

from .conftest import shown_fields, truth_entries


def _layouts(book, engine, tmp_path):
    pages = [p for scan in book.scans for p in split_into_pages(scan, tmp_path)]
    return [detect_layout(prepare_page(page), engine) for page in pages]


def test_table_pages_give_every_entry_and_every_column(table_book, engine, tmp_path):
    layouts = _layouts(table_book, engine, tmp_path)
    assert all(layout.kind == "table" for layout in layouts)
    assert sum(len(layout.entries) for layout in layouts) == len(truth_entries(table_book))
    columns = shown_fields(table_book, TABLE_FIELDS)
    for layout in layouts:
        assert set(layout.columns) == set(columns)
        # Each column is found where the book prints it, from left to right.
        by_x = sorted(layout.columns, key=lambda name: layout.columns[name][0])
        assert by_x == list(columns)
        # Entries run top to bottom, each with one cell per field inside its row.
        tops = [entry.bbox[1] for entry in layout.entries]
        assert tops == sorted(tops)
        for entry in layout.entries:
            x, y, w, h = entry.bbox
            for cx, cy, cw, ch in entry.cells.values():
                assert x <= cx and cx + cw <= x + w and y <= cy and cy + ch <= y + h


def test_a_table_page_taken_for_upside_down_is_turned_back_where_its_titles_read(table_book, engine, tmp_path):
    """The orientation test can guess wrong on a page with few marks; turned the wrong way, the grid is
    there and its titles are not: the page is tried the other way up and read as the table it is."""
    from ocr.layout import upright_layout

    page = next(p for scan in table_book.scans for p in split_into_pages(scan, tmp_path))
    right = prepare_page(page)
    wrong = right.turned_over()
    assert detect_layout(wrong, engine).kind != "table"
    read, layout = upright_layout(wrong, engine)
    assert layout.kind == "table" and read.rotated_180 == right.rotated_180
    assert len(layout.entries) == len(detect_layout(right, engine).entries)
    # A page the right way up is read as it is.
    assert upright_layout(right, engine)[0] is right


def test_form_pages_give_one_block_per_entry_with_its_parts(form_book, engine, tmp_path):
    layouts = _layouts(form_book, engine, tmp_path)
    assert all(layout.kind == "form" for layout in layouts)
    assert sum(len(layout.entries) for layout in layouts) == len(truth_entries(form_book))
    for layout in layouts:
        for entry in layout.entries:
            assert {"header", "main", "side"} <= set(entry.parts)
            assert entry.parts["side"][0] > entry.parts["main"][0]


def test_columns_are_mapped_by_title_not_by_position():
    shuffled = ["Ghi chú", "Họ tên cha", "Số", "Ngày sinh", "Giới tinh", "Dân tôc", "Quoc tịch", "Nơi sinh",
                "Số định danh cá nhân", "Họ tên mẹ", "Họ và tên", "Ngày đăng ký"]
    mapping, scores, placed = map_columns(shuffled)
    assert mapping["notes"] == 0 and mapping["father_name"] == 1 and mapping["entry_no"] == 2
    assert mapping["full_name"] == 10 and mapping["registration_date"] == 11
    assert mapping["mother_name"] == 9 and mapping["personal_id"] == 8
    assert not placed and min(scores.values()) >= 0.7


def test_one_unreadable_title_is_placed_by_order_and_marked():
    titles = ["S▯", "Ngày đăng ký", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Quốc tịch", "Nơi sinh",
              "Số định danh cá nhân", "Họ tên mẹ", "Họ tên cha", "Ghi chú"]
    mapping, _, placed = map_columns(titles)
    assert mapping["entry_no"] == 0 and placed == ["entry_no"]
    garbled = ["xx", "yy", "zz", "Ngày sinh"] + ["??"] * 8
    mapping, _, placed = map_columns(garbled)
    assert mapping == {"date_of_birth": 3}, "with many titles unreadable nothing is guessed"


def test_degraded_bold_header_titles_all_found(tmp_path_factory, engine, tmp_path):
    """Regression: on a degraded 200-dpi page the one sparse pass over the header strip misread five bold,
    two-line titles (Số, Giới tính, Quốc tịch...), so whole columns were never read. Each title cell read on
    its own names them."""
    from synth import generate_book

    book = generate_book(tmp_path_factory.mktemp("degraded-table"), layout="table", pages=2, seed=5,
                         degradation="degraded", upside_down_pages=0)
    pages = [p for scan in book.scans for p in split_into_pages(scan, tmp_path)]
    truth = truth_entries(book)
    for page in pages:
        layout = detect_layout(prepare_page(page), engine)
        assert not [w for w in layout.warnings if "not named" in w or "unreadable" in w], layout.warnings
        by_x = sorted(layout.columns, key=lambda name: layout.columns[name][0])
        assert by_x == list(shown_fields(book, TABLE_FIELDS))
        assert min(layout.column_scores.values()) >= 0.7
        assert len(layout.entries) == sum(1 for t in truth if t["page"] == page.page_in_file)


def test_cramped_cell_lines_keep_the_engines_reading_order():
    """A four-line notes cell as tesseract read it (boxes from a degraded 200-dpi page): "ngày" with its
    descender and tone mark has a lower centre than part of the next line, yet belongs before the date."""
    from ocr.engine import Word
    from ocr.layout import join_lines

    words = [
        Word("Cải", 0.9, (2050, 470, 30, 28), (1, 1, 1)), Word("chính", 0.9, (2085, 470, 50, 21), (1, 1, 1)),
        Word("từ", 0.9, (2050, 496, 20, 19), (1, 1, 2)), Word("Khoà", 0.9, (2075, 494, 45, 22), (1, 1, 2)),
        Word("Khoa", 0.9, (2050, 516, 45, 32), (1, 1, 3)), Word("ngày", 0.9, (2100, 524, 45, 40), (1, 1, 3)),
        Word("26/11/2023", 0.9, (2050, 544, 100, 21), (1, 1, 4)),
    ]
    assert join_lines(words) == "Cải chính từ Khoà Khoa ngày 26/11/2023"
    # A sparse pass may report one printed line as two engine lines: still one line, left to right.
    split = [Word("Họ", 0.9, (10, 100, 30, 24), (2, 1, 1)), Word("tên", 0.9, (45, 101, 35, 20), (3, 1, 1)),
             Word("mẹ", 0.9, (85, 104, 30, 20), (3, 1, 1)), Word("Lan", 0.9, (10, 130, 30, 20), (4, 1, 1))]
    assert join_lines(split) == "Họ tên mẹ Lan"


def test_a_wrapped_value_the_engine_read_as_one_line_is_two_lines():
    """A residence wrapping under its first line, its last word further left: the engine returned both lines
    as one, the wrapped word's box reaching up into the line above (a form at 150 dpi). Sorted left to right
    the wrapped word came first ("Biên Bản Củ, … tỉnh Điện")."""
    from ocr.engine import Word
    from ocr.layout import join_lines

    first = [("Bản", 417, 785, 51, 23), ("Củ,", 481, 783, 39, 26), ("xã", 531, 781, 33, 23),
             ("tỉnh", 1011, 783, 51, 27), ("Điện", 1075, 783, 59, 25)]
    words = [Word(text, 0.9, (x, y, w, h), (1, 1, 1)) for text, x, y, w, h in first]
    words.insert(0, Word("Biên", 0.9, (284, 785, 60, 66), (1, 1, 1)))
    assert join_lines(words) == "Bản Củ, xã tỉnh Điện Biên"


def test_the_same_ink_read_in_two_engine_lines_is_read_once():
    """The engine returned a residence's first line, then a second line holding its wrapped words and again
    some of the first line's ("huyện", "Điện"), boxed over the same ink: merged as one line, they doubled
    ("huyên huyện Điên Điện"). Each word stays once, the surer of the two readings."""
    from ocr.engine import Word
    from ocr.layout import join_lines

    words = [Word("xã", 0.9, (572, 792, 33, 23), (1, 1, 1)), Word("huyên", 0.6, (816, 792, 81, 31), (1, 1, 1)),
             Word("Điện", 0.9, (908, 794, 60, 24), (1, 1, 1)), Word("tỉnh", 0.9, (1056, 788, 50, 26), (1, 1, 1)),
             Word("Biên", 0.9, (370, 830, 57, 24), (1, 1, 2)), Word("huyện", 0.9, (840, 800, 57, 24), (1, 1, 2)),
             Word("Điên", 0.5, (908, 796, 60, 27), (1, 1, 2))]
    assert join_lines(words) == "xã huyện Điện tỉnh Biên"
