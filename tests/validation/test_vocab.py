"""The closed vocabularies: 54 ethnic groups and the 63 → 34 province crosswalk."""

from __future__ import annotations

import unicodedata

import pytest

from validation.vocab import (
    current_province,
    ethnic_group,
    ethnic_groups,
    id_prefixes,
    id_prefixes_of,
    old_provinces,
    province_by_id_prefix,
)


def test_the_tables_are_complete():
    assert len(ethnic_groups()) == 54
    assert len({g.code for g in ethnic_groups()}) == 54
    assert len(old_provinces()) == 63 and len(id_prefixes()) == 63
    assert len({p.new_name for p in old_provinces()}) == 34


@pytest.mark.parametrize("group", [g.name for g in ethnic_groups()])
def test_every_official_name_in_any_case_or_unicode_form_finds_itself(group):
    for spelling in (group, group.upper(), unicodedata.normalize("NFD", group)):
        found = ethnic_group(spelling)
        assert found is not None and found[1] == group and found[2] == 100


@pytest.mark.parametrize(("reading", "code", "name"), [
    ("Khơ me", "05", "Khơ-me"), ("Mông", "08", "Hmông"), ("Bru Vân Kiều", "23", "Bru-Vân Kiều"),
    ("Ede", "12", "Ê-đê"), ("Muong", "06", "Mường"),
])
def test_variants_and_readings_without_diacritics(reading, code, name):
    found = ethnic_group(reading)
    assert found is not None and found[:2] == (code, name)


def test_an_m_read_for_in_or_n_finds_the_one_group_its_letters_spell():
    assert ethnic_group("Kmh")[:2] == ("01", "Kinh")
    assert ethnic_group("Kímh")[:2] == ("01", "Kinh")
    assert ethnic_group("Nùmg")[:2] == ("07", "Nùng")
    assert ethnic_group("Mường")[:2] == ("06", "Mường"), "a real m stays an m"


@pytest.mark.parametrize("reading", ["Tha1", "Thaỉ1", "ThaỉI"])
def test_a_digit_or_a_stroke_read_for_a_letter_of_a_typed_group_finds_the_one_group_it_spells(reading):
    """A typewriter's acute struck over the i of "Thái" reads as a 1 or an I beside it."""
    code, name, score = ethnic_group(reading)
    assert (code, name) == ("03", "Thái") and score < 90
    assert ethnic_group("Khơ íne")[1] == "Khơ-me"  # its m read as two narrow letters


def test_a_reading_between_groups_or_far_from_all_is_not_guessed():
    assert ethnic_group("Xyzabc") is None
    assert ethnic_group("") is None
    assert ethnic_group("La") is None  # La Chí? La Ha? La Hủ?


def test_personal_id_prefixes_name_the_old_province():
    assert province_by_id_prefix("020").old_name == "Lạng Sơn"
    assert province_by_id_prefix("079").old_name == "Hồ Chí Minh"
    assert province_by_id_prefix("003") is None


def test_a_province_named_as_before_or_since_2025_gives_the_codes_its_ids_start_with():
    assert id_prefixes_of("Long An") == {"080"}
    assert id_prefixes_of("tỉnh Hà Giang") == {"002"}
    assert id_prefixes_of("Tuyên Quang") == {"008", "002"}  # Hà Giang's IDs are Tuyên Quang's people now
    assert id_prefixes_of("Atlantis") == frozenset() and id_prefixes_of(None) == frozenset()


@pytest.mark.parametrize(("old", "new"), [
    ("Hà Giang", "Tuyên Quang"), ("Tỉnh Yên Bái", "Lào Cai"), ("Bình Dương", "Hồ Chí Minh"),
    ("TP. Hồ Chí Minh", "Hồ Chí Minh"), ("Thành phố Hồ Chí Minh", "Hồ Chí Minh"), ("TP.HCM", "Hồ Chí Minh"),
    ("Thừa Thiên Huế", "Huế"), ("Tỉnh Thừa Thiên - Huế", "Huế"), ("Bà Rịa-Vũng Tàu", "Hồ Chí Minh"),
    ("Hà Nội", "Hà Nội"), ("Quảng Trị", "Quảng Trị"), ("Quảng Bình", "Quảng Trị"), ("Đắk Nông", "Lâm Đồng"),
])
def test_old_province_names_map_to_the_2025_provinces(old, new):
    assert current_province(old) == new


def test_unknown_province_names_are_none():
    assert current_province("Paris") is None
    assert current_province("") is None


@pytest.mark.parametrize("reading", ["lày", "Tờy"])
def test_one_letter_of_a_hand_read_as_its_lookalike_finds_the_one_group_it_spells(reading):
    """A t whose bar was lost reads as l, an a closed at the top as ơ."""
    code, name, score = ethnic_group(reading)
    assert (code, name) == ("02", "Tày") and score < 90
    assert ethnic_group("Hca")[1] == "Hoa"
