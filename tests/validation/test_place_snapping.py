"""Place readings repaired from the closed lists a place is written with: unit words and province names."""

from __future__ import annotations

from validation.places import snap_unit_names, snap_unit_words, unit_names

KNOWN = unit_names("UBND xã Phù Linh, huyện Sóc Sơn, thành phố Hà Nội")


def test_a_misread_unit_word_at_the_start_of_a_part_is_put_right_in_its_case():
    assert snap_unit_words("xã Lương Hòa, huyên Bến Lức, tỉnh Long An") == "xã Lương Hòa, huyện Bến Lức, tỉnh Long An"
    assert snap_unit_words("Xã Lương Hòa, Huyên Bến Lức") == "Xã Lương Hòa, Huyện Bến Lức"


def test_a_unit_word_inside_a_name_is_not_touched():
    # "Huyên" here is a name after the unit word, not a unit word.
    assert snap_unit_words("xã Huyên Sơn, huyện Bến Lức") == "xã Huyên Sơn, huyện Bến Lức"


def test_a_known_unit_read_in_the_wrong_case_takes_the_known_spelling():
    assert snap_unit_names("huyện sóc Sơn, thành phố Hà Nội", KNOWN) == "huyện Sóc Sơn, thành phố Hà Nội"


def test_the_province_at_the_end_of_a_place_is_recognised_one_letter_off():
    assert snap_unit_names("xã Phù Linh, huyện Sóc Sơn, thành phố Hè Nội", KNOWN).endswith("thành phố Hà Nội")


def test_a_name_two_letters_from_any_province_stays_as_read():
    assert snap_unit_names("xã Tân Phú, tỉnh Hè Nam Xa", KNOWN).endswith("tỉnh Hè Nam Xa")


def test_the_books_tone_placement_is_never_rewritten():
    assert snap_unit_names("xã Quảng Phú, tỉnh Thanh Hoá", KNOWN) == "xã Quảng Phú, tỉnh Thanh Hoá"
