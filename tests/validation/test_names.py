"""A doubtful Kinh name whose word no one is named takes the usual marks of its letters (validation.names)."""

from __future__ import annotations

from validation.names import name_words, usual_spelling
from validation.repair import repair_readings
from validation.schema import BookKeys

BOOK = BookKeys(authority="UBND xã Phù Linh, huyện Sóc Sơn, thành phố Hà Nội", year=2015, volume="01")


def test_a_word_no_name_uses_in_its_place_takes_the_one_common_spelling():
    assert usual_spelling("Trân Thị Thu Linh") == "Trần Thị Thu Linh", "no surname Trân; Trần is common"
    assert usual_spelling("Đỉnh Hoàng Duy") == "Đinh Hoàng Duy"
    assert usual_spelling("Huỳnh Phương Nhỉ") == "Huỳnh Phương Nhi"


def test_a_word_some_name_uses_is_left_as_read_however_rare():
    assert name_words().other.get("Trân", 0) > 0
    assert usual_spelling("Nguyễn Bảo Trân") == "Nguyễn Bảo Trân", "Trân is a given name"
    assert usual_spelling("Lê Thi") == "Lê Thi"


def test_d_and_đ_are_two_letters():
    assert usual_spelling("Dỉnh Văn An") == "Dỉnh Văn An"


def _repaired(full_name: str, conf: float, ethnicity: str):
    raw = {"full_name": (full_name, conf), "ethnicity": (ethnicity, 0.95)}
    repaired, repairs, _ = repair_readings(raw, BOOK)
    return repaired["full_name"], repairs.get("full_name")


def test_only_doubtful_readings_of_kinh_names_are_repaired():
    (text, conf), kind = _repaired("Trân Bảo Khang", 0.6, "Kinh")
    assert (text, kind) == ("Trần Bảo Khang", "usual_name") and conf < 0.6
    assert _repaired("Trân Bảo Khang", 0.95, "Kinh")[0][0] == "Trân Bảo Khang", "a confident reading stands"
    # The table is of Kinh names: a Hmông or Thái family's names are their own.
    assert _repaired("Tòng Văn Ún", 0.6, "Thái")[0][0] == "Tòng Văn Ún"
    assert _repaired("Trân Bảo Khang", 0.6, "")[0][0] == "Trân Bảo Khang", "no ethnic group read: left alone"


def test_a_book_without_an_ethnic_group_column_counts_as_kinh_by_a_common_surname():
    def repaired(full_name: str, father_name: str) -> str:
        raw = {"full_name": (full_name, 0.95), "father_name": (father_name, 0.8)}
        return repair_readings(raw, BOOK)[0]["father_name"][0]

    assert repaired("Đặng Thị Ngân", "Đăng Anh Thắng") == "Đặng Anh Thắng", "no surname Đăng; Đặng is common"
    assert repaired("Thạch Thị Sa Rươl", "Thạch Văn Chanh Đa") == "Thạch Văn Chanh Đa", "Thạch is no Kinh surname"
    assert repaired("Trân Bảo Khang", "Trân Văn Hùng") == "Trân Văn Hùng", "the child's surname as read is no sign"
    assert repaired("Lý A Vư", "Lý A Vư") == "Lý A Vư", "Lý is a Kinh surname too, but few Kinh are named A"
