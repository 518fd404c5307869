"""A table page whose titles cannot be read is named by the book's earlier pages of the same grid."""

from __future__ import annotations

from PIL import ImageDraw

from ocr.book_columns import BookColumns, ColumnHint, ColumnMap
from ocr.ingest import PageImage
from ocr.read import read_page

from .render import save, table_page
from .test_structure import CHILDREN

TITLES = ["Số", "Ngày đăng ký", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Họ tên mẹ", "Năm sinh của mẹ",
          "Họ tên cha", "Ghi chú"]
WIDTHS = [6, 12, 22, 12, 8, 8, 20, 8, 20, 14]
ROWS = [[c[0], c[1], c[2], c[3], c[4], c[5], c[7], c[8], c[10], ""] for c in CHILDREN]


def _page(tmp_path, image, name) -> PageImage:
    path = save(image, tmp_path / name)
    return PageImage(path, 1, path, 300)


def _stain_titles(image, widths, columns):
    """Ink over the titles of ``columns``: a spill on the header row, as old books have."""
    draw = ImageDraw.Draw(image)
    left, right = 120, 3388  # table_page's frame
    scale = (right - left) / sum(widths)
    for column in columns:
        x0 = left + sum(widths[:column]) * scale
        draw.rectangle([x0 + 15, 270, x0 + widths[column] * scale - 15, 420], fill=40)
    return image


def _by(reading, field):
    return [entry.fields[field].text if field in entry.fields else None for entry in reading.entries]


def test_stained_titles_are_named_as_on_the_books_earlier_page_of_the_same_grid(engine, tmp_path):
    book = BookColumns()
    first = read_page(_page(tmp_path, table_page(TITLES, WIDTHS, ROWS), "first.png"), engine, book.hint())
    book.add(first.column_map)
    stained = _page(tmp_path, _stain_titles(table_page(TITLES, WIDTHS, ROWS), WIDTHS, (6, 8)), "stained.png")

    alone = read_page(stained, engine)
    assert alone.unnamed_columns == 2 and "mother_name" not in alone.entries[0].fields

    named = read_page(stained, engine, book.hint())
    assert named.unnamed_columns == 0 and named.book_columns == first.column_map
    assert _by(named, "mother_name") == [c[7] for c in CHILDREN]
    assert _by(named, "father_name") == [c[10] for c in CHILDREN]
    assert any("book's earlier pages" in w for w in named.warnings)
    # A page with its own stained titles never teaches the book.
    book.add(named.column_map)
    assert book.hint() == ColumnHint(first.column_map, 1)


def test_a_page_of_another_grid_keeps_its_own_names(engine, tmp_path):
    book = BookColumns()
    book.add(read_page(_page(tmp_path, table_page(TITLES, WIDTHS, ROWS), "first.png"), engine).column_map)
    widths = [6, 12, 18, 12, 8, 8, 24, 8, 16, 18]  # another form: the names' columns are wider or narrower
    other = _page(tmp_path, _stain_titles(table_page(TITLES, widths, ROWS), widths, (6, 8)), "other.png")
    reading = read_page(other, engine, book.hint())
    assert reading.book_columns is None and reading.unnamed_columns == 2


def _columns(names, titled=None, widths=None):
    widths = widths or [0.1] * len(names)
    titled = titled if titled is not None else [n is not None for n in names]
    return ColumnMap(tuple(widths), tuple(names), tuple(1.0 if n else 0.0 for n in names), tuple(titled),
                     tuple(True for _ in names))


BOOK = ["entry_no", "full_name", "date_of_birth", "sex", "mother_name", "father_name", "notes"]


def test_a_sure_page_is_outvoted_only_by_two_sure_pages_and_a_page_mostly_agreeing():
    misread = _columns(["entry_no", "full_name", "date_of_birth", "sex", "mother_name", "full_name", "notes"])
    once, twice = ColumnHint(_columns(BOOK), 1), ColumnHint(_columns(BOOK), 2)
    assert misread.sure and not once.names_page(misread) and twice.names_page(misread)
    unsure = _columns(["entry_no", "full_name", "date_of_birth", "sex", None, None, "notes"])
    assert not unsure.sure and once.names_page(unsure)
    disagreeing = _columns(["notes", "sex", "date_of_birth", "full_name", None, None, "entry_no"])
    assert not twice.names_page(disagreeing)  # 1 of 5 titles agree: another form
    assert not twice.names_page(_columns([None] * 7, widths=[0.1] * 6 + [0.13]))  # another grid
    assert twice.names_page(_columns([None] * 7))  # no title read: the grid alone, on enough columns
    assert not ColumnHint(_columns(BOOK[:4]), 2).names_page(_columns([None] * 4))


def test_the_book_says_what_its_sure_pages_say_most_and_a_page_read_otherwise_is_read_again():
    book = BookColumns()
    other = _columns(BOOK[::-1])
    book.add(other)
    book.add(_columns(BOOK))
    book.add(_columns(BOOK))
    assert book.hint() == ColumnHint(_columns(BOOK), 2)
    unsure = _columns(["entry_no", "full_name", "date_of_birth", "sex", None, None, "notes"])
    assert not book.named_as_book_says(unsure, None)  # read before the book knew: read again
    assert not book.named_as_book_says(unsure, other)
    assert book.named_as_book_says(unsure, _columns(BOOK))
    assert book.named_as_book_says(_columns(BOOK), None)


def test_before_any_page_is_sure_the_book_says_what_its_complete_pages_say():
    book = BookColumns()
    # Heavy scans: the small title over the entry numbers unreadable on every page; the numbers name it.
    by_numbers = _columns(BOOK, titled=[False] + [True] * 6)
    book.add(_columns(["entry_no", "full_name", None, "sex", None, None, "notes"]))  # incomplete: teaches nothing
    assert book.hint() is None
    book.add(by_numbers)
    assert book.hint() == ColumnHint(by_numbers, 0)
    stained = _columns(["entry_no", "full_name", "date_of_birth", "sex", None, None, "notes"],
                       titled=[False] + [True] * 3 + [False, False, True])
    assert book.hint().names_page(stained)
    assert not book.hint().names_page(_columns(BOOK[:4] + ["father_name", "mother_name", "notes"]))  # sure
    sure = _columns(BOOK[:4] + ["father_name", "mother_name", "notes"])
    book.add(sure)
    assert book.hint() == ColumnHint(sure, 1)  # a sure page is the book's word from then on
