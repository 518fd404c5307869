"""Layout descriptions: data files checked at load time; wordings matched by whole title and person; the
shape of ocr/ (nothing of sohoa's other packages imported, no import cycles)."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from ocr.descriptions import LAYOUTS_DIR, load_description, load_layout, match_title
from ocr.table import map_columns

OCR_DIR = Path(__file__).resolve().parents[2] / "ocr"


@pytest.mark.parametrize("layout", ["table", "form"])
def test_descriptions_load_and_every_field_has_a_known_format(layout):
    description = load_layout("birth", layout)
    assert description.layout == layout
    assert {"full_name", "mother_name", "father_name", "personal_id", "notes"} <= set(description.fields)
    assert description.format_of("personal_id").matches("0012 1500 0101")
    assert description.format_of("mother_birth_year").matches("1988")
    assert description.format_of("ethnicity").matches("Ê-đê") and not description.format_of("ethnicity").matches("Việt Nam")
    assert description.format_of("date_of_birth").matches("9.2.2003")


def test_a_wrong_description_is_refused_naming_its_file(tmp_path):
    shutil.copy(LAYOUTS_DIR / "formats.toml", tmp_path / "formats.toml")
    text = (LAYOUTS_DIR / "birth-table.toml").read_text(encoding="utf-8")
    bad = tmp_path / "birth-table.toml"
    bad.write_text(text.replace('fields = { entry = "notes" }', 'fields = { entry = "remarks" }'), encoding="utf-8")
    with pytest.raises(ValueError, match="(?s)birth-table.toml.*remarks"):
        load_description(bad)


def test_a_new_wording_is_data_not_code(tmp_path):
    shutil.copy(LAYOUTS_DIR / "formats.toml", tmp_path / "formats.toml")
    text = (LAYOUTS_DIR / "birth-table.toml").read_text(encoding="utf-8")
    path = tmp_path / "birth-table.toml"
    path.write_text(text.replace('wordings = ["Quê quán", "Nguyên quán"]',
                                 'wordings = ["Quê quán", "Nguyên quán", "Quê gốc"]'), encoding="utf-8")
    description = load_description(path)
    match = match_title("Quê gốc", description)
    assert match is not None and match.score == 100 and match.wording.attribute.key == "hometown"


@pytest.mark.parametrize("title, field", [
    ("Họ, chữ đệm, tên người mẹ", "mother_name"),
    ("Họ và tên người được khai sinh", "full_name"),
    ("Họ tên người được khai sinh", "full_name"),
    ("Họ tên cha", "father_name"),
    ("Nơi cư trú của mẹ", "mother_residence"),
    ("Nơi thường trú của cha", "father_residence"),
    ("Ngày ĐK", "registration_date"),
    ("Số TT", "entry_no"),
    ("STT (1)", "entry_no"),
    ("Ngày, tháng, năm sinh", "date_of_birth"),
    ("Quê quán", "hometown"),
])
def test_a_column_is_named_by_its_whole_title_and_its_person(title, field):
    mapping, _, _ = map_columns(["Số", title])
    assert mapping.get(field) == 1


def test_a_title_that_names_a_person_even_smudged_is_never_the_childs_field():
    """A heavy scan read "Họ và tên mẹ" as "Họ và tên:zmeẹ": 78 % of the child's "Họ và tên", yet it names
    the mother. With the child's own title unreadable, the child's name must stay unnamed, not taken."""
    mapping, _, _ = map_columns(["Số", "tí šƒ 1 đip:và:tến", "Họ và tên:zmeẹ"])
    assert mapping.get("mother_name") == 2
    assert "full_name" not in mapping or mapping["full_name"] != 2
    mapping, _, _ = map_columns(["Số", "Họ và tên mẹ"])
    assert "full_name" not in mapping


def test_a_title_that_lost_its_last_word_still_names_its_person_and_no_other():
    """A heavy scan lost the last line of "Họ tên người được khai sinh": "Họ tên người được khai" is 86 % of
    the declarant's "Họ tên người đi khai", yet "được" is not "đi". It is the child's, by the words it has."""
    mapping, _, _ = map_columns(["Số TT", "Họ tên người được khai", "Nam/Nữ"])
    assert mapping.get("full_name") == 1 and "declarant_name" not in mapping
    mapping, _, _ = map_columns(["Số TT", "Họ tên người đi khai sinh", "Nam/Nữ"])
    assert mapping.get("declarant_name") == 1 and "full_name" not in mapping


def test_under_a_spanning_title_the_sub_title_is_that_persons():
    titles = ["Họ tên", "Năm sinh", "Họ tên", "Năm sinh"]
    contexts = [("mother", False), ("mother", False), ("father", False), ("father", False)]
    mapping, _, _ = map_columns(titles, contexts=contexts)
    assert mapping == {"mother_name": 0, "mother_birth_year": 1, "father_name": 2, "father_birth_year": 3}
    # Under a group title ("Cha, mẹ") an unqualified sub-title names nobody.
    mapping, _, _ = map_columns(["Họ tên mẹ", "Họ tên"], contexts=[(None, True), (None, True)])
    assert mapping == {"mother_name": 0}


def test_an_untitled_column_is_named_by_its_values_only_when_one_field_fits():
    titles = ["Họ và tên", "", "Ghi chú"]
    ids = [["", "", ""], ["001215000101", "004314000217", "034215000355"], ["", "", ""]]
    mapping, scores, placed = map_columns(titles, samples=ids)
    assert mapping["personal_id"] == 1 and placed == ["personal_id"] and scores["personal_id"] < 0.7
    years = [["", ""], ["1988", "1990"], ["", ""]]
    mapping, _, placed = map_columns(titles, samples=years)
    assert 1 not in mapping.values() and not placed, "a year could be the mother's or the father's"


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_ocr_imports_nothing_of_sohoas_other_packages_and_has_no_cycles():
    modules = {path.stem: _imports(path) for path in OCR_DIR.glob("*.py")}
    ours = ("validation", "storage", "flows", "synth", "sohoa")
    for name, imports in modules.items():
        assert not [i for i in imports if i.split(".")[0] in ours], name
    graph = {name: {i.split(".")[1] for i in imports if i.startswith("ocr.")} for name, imports in modules.items()}
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            assert state.get(nxt) != 1, f"import cycle: {' → '.join(path + [nxt])}"
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])
    assert all(len(path.read_text().splitlines()) <= 400 for path in OCR_DIR.glob("*.py"))


def test_a_remark_in_parentheses_does_not_hide_the_title_unless_it_names_the_field():
    mapping, scores, _ = map_columns(["Nơi sinh (ghi rõ địa chỉ)", "Ngày, tháng, năm sinh (ghi bằng chữ)"])
    assert mapping == {"place_of_birth": 0, "date_of_birth_words": 1}


def test_a_reading_that_is_no_value_of_its_format_is_not_trusted():
    """"Mương" (a grave mark lost, typewriter) folds like the ethnic group "Mường" but is none; "66-81-2014"
    is digits but no date."""
    import numpy as np

    from ocr.cells import field_reading
    from ocr.engine import Word

    description = load_layout("birth", "table")
    clean = np.zeros((60, 300), np.uint8)
    clean[20:40, 10:120] = 255

    def read(text, field):
        words = [Word(text, 0.96, (10, 20, 110, 20), (1, 1, 1))]
        return field_reading(clean, (0, 0, 300, 60), words, fmt=description.format_of(field)).confidence

    assert read("Mường", "ethnicity") >= 0.9 and read("Mương", "ethnicity") < 0.8
    assert read("9/2/2003", "date_of_birth") >= 0.9 and read("66-81-2014", "date_of_birth") < 0.8
    assert read("Lào", "nationality") >= 0.9, "the list of nationalities is open"
    assert read("Viêt Nam", "nationality") < 0.8, "but a listed value with a mark misread is no other country"


def test_a_column_whose_title_is_misread_is_named_by_its_values_and_its_neighbours():
    """ "Năm sinh mẹ" read "Năm sinh Tẹ" names nobody's year; its values are years, and of the two fields of
    years only the mother's belongs between her name and the father's. The row of column numbers is no
    value. With the father's columns first, the years after his name are his."""
    years = ["(8)", "1985", "1976", "1980", "1991"]
    titles = ["Số", "Ngày ĐK", "Họ, chữ đệm, tên", "Ngày, tháng, năm sinh", "Họ tên mẹ", "Năm sinh Tẹ",
              "Họ, chữ đệm, tên người cha", "Ghi chú"]
    mapping, _, placed = map_columns(titles, samples=[[]] * 5 + [years] + [[]] * 2)
    assert mapping["mother_birth_year"] == 5 and placed == ["mother_birth_year"]
    father_first = ["Số", "Ngày ĐK", "Họ, chữ đệm, tên", "Ngày, tháng, năm sinh", "Họ tên cha", "Năm sinh Tẹ",
                    "Họ tên mẹ", "Ghi chú"]
    mapping, _, placed = map_columns(father_first, samples=[[]] * 5 + [years] + [[]] * 2)
    assert mapping["father_birth_year"] == 5 and "mother_birth_year" not in mapping
    # Between the child's name and date there is no year of anybody's: left unnamed.
    child = ["Số", "Họ, chữ đệm, tên", "Năm sinh Tẹ", "Ngày, tháng, năm sinh", "Ghi chú"]
    mapping, _, placed = map_columns(child, samples=[[]] * 2 + [years] + [[]] * 2)
    assert 2 not in mapping.values()
