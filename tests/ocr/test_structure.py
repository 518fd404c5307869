"""Finding the structure of pages in the styles real books show, read with real Tesseract (cached).

The pages are drawn here (tests/ocr/render.py), not by synth/, so that the readers are not tuned to the
generator: column titles by whole wording and person, two-tier headers, rows that are not entries, columns
that cannot be named, form sections under headings, the date in words on the date line, dotted leaders,
IDs in 12 boxes, tick marks.
"""

from __future__ import annotations

import pytest

from ocr.image import find_rules, remove_rules, tick_boxes
from ocr.ingest import PageImage
from ocr.layout import detect_layout
from ocr.preprocess import prepare_page
from ocr.read import read_page

from .render import form_page, save, table_page

CHILDREN = [
    ("1", "05/01/2015", "Nguyễn Văn An", "02/01/2015", "Nam", "Kinh", "Nam Định", "Trần Thị Bình", "1988",
     "xã Hải Anh, huyện Hải Hậu", "Nguyễn Văn Cường", "1985", "001215000101"),
    ("2", "07/01/2015", "Lê Thị Hoa", "28/12/2014", "Nữ", "Tày", "Cao Bằng", "Hoàng Thị Lan", "1990",
     "xã Đức Long, huyện Hòa An", "Lê Văn Dũng", "1987", "004314000217"),
    ("3", "12/01/2015", "Phạm Minh Đức", "09/01/2015", "Nam", "Kinh", "Thái Bình", "Vũ Thị Mai", "1992",
     "phường Tiền Phong, thành phố Thái Bình", "Phạm Văn Hải", "1989", "034215000355"),
    ("4", "15/01/2015", "Đỗ Thu Trang", "11/01/2015", "Nữ", "Mường", "Hòa Bình", "Bùi Thị Nga", "1991",
     "xã Phong Phú, huyện Tân Lạc", "Đỗ Văn Long", "1990", "017315000478"),
]


def _page(tmp_path, image, name="page.png") -> PageImage:
    path = save(image, tmp_path / name)
    return PageImage(path, 1, path, 300)


def _by(reading, field):
    return [" ".join(entry.fields[field].text.split()) for entry in reading.entries]


def test_column_number_row_blank_and_voided_rows_are_no_entries_and_mothers_column_is_hers(engine, tmp_path):
    """A real 300-page book titled the child's column "Họ và tên người được khai sinh" and the mother's
    "Họ, chữ đệm, tên người mẹ": the mother's was taken for the child's name. Named by the whole title, each
    is its person's. The row "(1) (2) …" under the header, a blank ruled row and a struck-out row are no
    entries. The book has a hometown and a mother's residence column, and no ethnicity column."""
    titles = ["STT", "Ngày ĐK", "Họ và tên người được khai sinh", "Ngày, tháng, năm sinh", "Giới tính", "Quê quán",
              "Họ, chữ đệm, tên người mẹ", "Nơi thường trú của mẹ", "Họ, chữ đệm, tên người cha", "Ghi chú"]
    widths = [6, 11, 22, 13, 8, 14, 20, 26, 20, 14]
    rows = [[c[0], c[1], c[2], c[3], c[4], c[6], c[7], c[9], c[10], ""] for c in CHILDREN]
    rows.insert(2, None)  # a blank ruled row
    rows.insert(4, ["", "", "Hoàng Văn Khải", "", "", "", "", "", "", ""])  # voided: struck out
    image = table_page(titles, widths, rows, number_row=True, struck=(4,))
    reading = read_page(_page(tmp_path, image), engine)
    assert reading.layout == "table"
    assert len(reading.entries) == 4, reading.warnings
    assert _by(reading, "full_name") == [c[2] for c in CHILDREN]
    assert _by(reading, "mother_name") == [c[7] for c in CHILDREN]
    assert _by(reading, "father_name") == [c[10] for c in CHILDREN]
    assert _by(reading, "entry_no") == ["1", "2", "3", "4"]
    assert _by(reading, "hometown") == [c[6] for c in CHILDREN]
    assert _by(reading, "mother_residence") == [c[9] for c in CHILDREN]
    assert "ethnicity" not in reading.entries[0].fields  # the book has no such column: no key
    assert any("column-number" in w for w in reading.warnings)


def test_two_tier_header_gives_the_spanning_titles_person_to_its_sub_columns(engine, tmp_path):
    titles = ["Số", "Ngày đăng ký", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Họ tên", "Năm sinh",
              "Họ tên", "Năm sinh", "Ghi chú"]
    widths = [6, 12, 22, 12, 8, 8, 20, 8, 20, 8, 14]
    spans = [("Người được khai sinh", 2, 5), ("Mẹ", 6, 7), ("Cha", 8, 9)]
    rows = [[c[0], c[1], c[2], c[3], c[4], c[5], c[7], c[8], c[10], c[11], ""] for c in CHILDREN]
    image = table_page(titles, widths, rows, spans=spans)
    prepared = prepare_page(_page(tmp_path, image))
    layout = detect_layout(prepared, engine)
    by_x = sorted(layout.columns, key=lambda name: layout.columns[name][0])
    assert by_x == ["entry_no", "registration_date", "full_name", "date_of_birth", "sex", "ethnicity",
                    "mother_name", "mother_birth_year", "father_name", "father_birth_year", "notes"]
    assert len(layout.entries) == 4
    reading = read_page(_page(tmp_path, image), engine)
    assert _by(reading, "mother_birth_year") == [c[8] for c in CHILDREN]
    assert _by(reading, "father_name") == [c[10] for c in CHILDREN]


def test_unnamed_column_is_reported_and_an_untitled_id_column_is_named_by_its_values(engine, tmp_path):
    """A column of no known field ("Nghề nghiệp của mẹ" = mother's occupation) is reported, never silently
    dropped; a column whose title is missing but whose values are all 12-digit numbers is the personal ID
    (at low confidence, so it goes to review)."""
    titles = ["Số", "Ngày đăng ký", "Họ và tên", "Ngày sinh", "Giới tính", "", "Họ tên mẹ", "Nghề nghiệp của mẹ",
              "Họ tên cha", "Ghi chú"]
    widths = [6, 12, 22, 12, 8, 18, 20, 16, 20, 14]
    jobs = ["Nông dân", "Giáo viên", "Công nhân", "Buôn bán"]
    rows = [[c[0], c[1], c[2], c[3], c[4], c[12], c[7], job, c[10], ""] for c, job in zip(CHILDREN, jobs)]
    reading = read_page(_page(tmp_path, table_page(titles, widths, rows)), engine)
    assert any("column 8 of 10" in w for w in reading.warnings), reading.warnings
    assert _by(reading, "personal_id") == [c[12] for c in CHILDREN]
    assert all(entry.fields["personal_id"].confidence < 0.8 for entry in reading.entries)
    assert _by(reading, "mother_name") == [c[7] for c in CHILDREN]


def _form_blocks(child, sections: bool, date_line: bool):
    blocks = []
    for c in child:
        lines = [[("Số:", c[0]), ("Quyển:", "01"), ("Ngày, tháng, năm đăng ký:", c[1])],
                 [("Họ, chữ đệm, tên:", c[2])]]
        words = "Ngày hai, tháng một, năm hai nghìn không trăm mười lăm"
        if date_line:  # the words wrap onto the next line, as they do in books
            lines += [[("Ngày, tháng, năm sinh:", c[3]), ("ghi bằng chữ:", words[:20])], [("", words[21:])]]
        else:
            lines += [[("Ngày, tháng, năm sinh:", c[3])], [("ghi bằng chữ:", words)]]
        lines += [[("Giới tính:", c[4]), ("Dân tộc:", c[5]), ("Quốc tịch:", "Việt Nam")],
                  [("Số định danh cá nhân:", ""), ("#ID", c[12])]]
        for heading, name, year in (("Mẹ:", c[7], c[8]), ("Cha:", c[10], c[11])):
            lines += [[(heading, "")] if sections else [],
                      [("Họ, chữ đệm, tên:" if sections else f"Họ, chữ đệm, tên người {heading[:-1].lower()}:", name)],
                      [("Năm sinh:", year), ("Dân tộc:", "Kinh"), ("Quốc tịch:", "Việt Nam")],
                      [("Nơi cư trú:", c[9])]]
        lines.append([("Người đi khai sinh:", c[10])])
        blocks.append([line for line in lines if line])
    return blocks


def test_parents_under_section_headings_get_their_own_fields(engine, tmp_path):
    """"Mẹ:" and "Cha:" headings followed by the child's generic labels ("Họ, chữ đệm, tên:", "Năm sinh:",
    "Nơi cư trú:") give the mother's and the father's fields; dotted leaders after the labels are no part of
    the values; the date in words sits on the date of birth's line; the ID is written in 12 boxes."""
    children = CHILDREN[:2]
    image = form_page(_form_blocks(children, sections=True, date_line=True), ["Đúng hạn", "Quá hạn", "Đăng ký lại"],
                      ["Đúng hạn", "Quá hạn"], ["", ""], leaders=46)
    reading = read_page(_page(tmp_path, image), engine)
    assert reading.layout == "form" and len(reading.entries) == 2
    assert _by(reading, "full_name") == [c[2] for c in children]
    assert _by(reading, "mother_name") == [c[7] for c in children]
    assert _by(reading, "mother_birth_year") == [c[8] for c in children]
    assert _by(reading, "father_name") == [c[10] for c in children]
    assert _by(reading, "father_birth_year") == [c[11] for c in children]
    assert _by(reading, "father_residence") == [c[9] for c in children]
    assert _by(reading, "mother_ethnicity") == ["Kinh", "Kinh"]
    assert _by(reading, "declarant_name") == [c[10] for c in children]
    assert _by(reading, "date_of_birth") == [c[3] for c in children]
    assert _by(reading, "date_of_birth_words") == ["Ngày hai, tháng một, năm hai nghìn không trăm mười lăm"] * 2
    assert _by(reading, "personal_id") == [c[12] for c in children]
    assert _by(reading, "registration_kind") == ["Đúng hạn", "Quá hạn"]


def test_values_on_leaders_touching_their_letters_are_not_trusted_blindly(engine, tmp_path):
    """Dots of a leader touching the feet of the letters written on it look like dots below (Trần → Trận)
    and a real dot below like a leader's dot: such readings must not pass unflagged when wrong."""
    children = CHILDREN[:2]
    image = form_page(_form_blocks(children, sections=False, date_line=False), ["Đúng hạn", "Quá hạn"],
                      ["Đúng hạn", "Đúng hạn"], ["", ""], leaders=34)
    reading = read_page(_page(tmp_path, image), engine)
    assert len(reading.entries) == 2
    expected = {"full_name": 2, "mother_name": 7, "father_name": 10, "mother_birth_year": 8}
    wrong = [(name, entry.fields[name].text, entry.fields[name].confidence)
             for entry, c in zip(reading.entries, children) for name, index in expected.items()
             if " ".join(entry.fields[name].text.split()) != c[index]]
    assert all(confidence < 0.8 for _, _, confidence in wrong), wrong
    assert all("." not in entry.fields[name].text for entry in reading.entries for name in expected)


@pytest.mark.parametrize("mark", ["check", "cross", "fill"])
def test_tick_marks_of_every_kind_are_found(tmp_path, mark):
    image = form_page(_form_blocks(CHILDREN[:1], sections=False, date_line=False),
                      ["Đúng hạn", "Quá hạn", "Đăng ký lại"], ["Quá hạn"], [""], mark=mark)
    prepared = prepare_page(_page(tmp_path, image))
    rules = find_rules(prepared.binary, prepared.dpi)
    clean = remove_rules(prepared.binary, rules, prepared.dpi)
    height, width = clean.shape
    side = (int(width * 0.74), 0, int(width * 0.2), height // 2)
    boxes = sorted(tick_boxes(clean, side, prepared.dpi), key=lambda item: item[0][1])
    assert [ticked for _, ticked in boxes] == [False, True, False]


@pytest.mark.parametrize("degrees", [5.0, -4.5])
def test_heavy_scan_is_straightened_and_read(engine, tmp_path, degrees):
    """Dark scanner border, show-through of the back page, faded ink, JPEG quality 30 and ±5° skew; a row
    marked "Bỏ trống" and a blank ruled row are no entries."""
    from .render import heavy_scan

    titles = ["Số", "Ngày đăng ký", "Họ và tên", "Ngày sinh", "Giới tính", "Dân tộc", "Họ tên mẹ", "Họ tên cha",
              "Ghi chú"]
    widths = [6, 12, 22, 12, 8, 8, 20, 20, 14]
    rows = [[c[0], c[1], c[2], c[3], c[4], c[5], c[7], c[10], ""] for c in CHILDREN]
    rows.insert(2, ["", "", "", "", "Bỏ trống", "", "", "", ""])  # a row marked void
    rows.append(None)  # a blank ruled row, speckled by the scan
    page = _page(tmp_path, heavy_scan(table_page(titles, widths, rows), degrees), "heavy.jpg")
    prepared = prepare_page(page)
    assert abs(prepared.skew_degrees - degrees) <= 0.3
    assert not prepared.rotated_180
    reading = read_page(page, engine)
    assert len(reading.entries) == 4, reading.warnings
    names = [(got, c[2]) for got, c in zip(_by(reading, "full_name"), CHILDREN)]
    mothers = [(got, c[7]) for got, c in zip(_by(reading, "mother_name"), CHILDREN)]
    right = [pair for pair in names + mothers if pair[0] == pair[1]]
    assert len(right) >= 6, names + mothers
    # What is misread is flagged.
    for entry, c in zip(reading.entries, CHILDREN):
        for name, index in (("full_name", 2), ("mother_name", 7), ("date_of_birth", 3)):
            if " ".join(entry.fields[name].text.split()) != c[index]:
                assert entry.fields[name].confidence < 0.8, (name, entry.fields[name])


def test_sub_titles_under_an_unreadable_spanning_title_are_nobodys(engine, tmp_path):
    """Regression: a heavy scan's smudged "Cha" left "Họ, chữ đệm, tên" below it to the default person, and
    the father's names were read as the children's at full confidence."""
    titles = ["Số", "Ngày đăng ký", "Ngày sinh", "Giới tính", "Họ, chữ đệm, tên", "Năm sinh", "Họ, chữ đệm, tên",
              "Năm sinh", "Ghi chú"]
    widths = [6, 12, 12, 8, 20, 8, 20, 8, 14]
    spans = [("Mẹ", 4, 5), ("█▆█▇▆█", 6, 7)]
    rows = [[c[0], c[1], c[3], c[4], c[7], c[8], c[10], c[11], ""] for c in CHILDREN]
    reading = read_page(_page(tmp_path, table_page(titles, widths, rows, spans=spans)), engine)
    assert _by(reading, "mother_name") == [c[7] for c in CHILDREN]
    assert "full_name" not in reading.entries[0].fields
    assert any("column 7 of 9" in w for w in reading.warnings), reading.warnings
