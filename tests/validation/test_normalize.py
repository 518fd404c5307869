"""Normalizers: each field's OCR text → value, confidence and problems; and whole entries → flags."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from validation.date_words import date_to_words, words_to_date
from validation.normalize import normalize_entry, normalize_field, title_case_name
from validation.schema import BIRTH_FIELDS, FlagCode

dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(dates, st.sampled_from(["{d:02d}/{m:02d}/{y}", "{d}/{m}/{y}", "{d:02d}-{m:02d}-{y}",
                               "ngày {d:02d} tháng {m} năm {y}", "Ngày {d}, tháng {m}, năm {y}"]))
def test_dates_in_every_written_form_round_trip_to_iso(day, pattern):
    raw = pattern.format(d=day.day, m=day.month, y=day.year)
    result = normalize_field("date_of_birth", raw, 0.9)
    assert result.value == day.isoformat()
    assert result.confidence == pytest.approx(0.9)
    assert result.problems == []


@given(dates)
def test_date_in_words_keeps_the_words_and_still_reads_back(day):
    # OCR of the words: NFD, doubled spaces, lost commas, a stray table rule.
    words = date_to_words(day)
    messy = "| " + unicodedata.normalize("NFD", words.replace(", ", "  ").lower())
    result = normalize_field("date_of_birth_words", messy, 0.9)
    assert result.value == words
    assert words_to_date(result.value) == day


@pytest.mark.parametrize("raw", ["31/02/2000", "00/01/2000", "12/13/1999", "1998", "ngày tháng năm"])
def test_an_impossible_or_unknown_date_is_no_value_with_a_problem(raw):
    result = normalize_field("registration_date", raw, 0.95)
    assert result.value is None
    assert result.confidence == 0.0
    assert result.problems


def test_digit_lookalikes_are_repaired_in_digit_fields_only_and_cost_confidence():
    repaired = normalize_field("entry_no", "Số: l2O", 0.9)
    assert repaired.value == 120
    assert repaired.confidence < 0.9
    assert normalize_field("entry_no", "12", 0.9).confidence == pytest.approx(0.9)
    # The same letters inside a name are letters.
    assert normalize_field("full_name", "lò văn oanh", 0.9).value == "Lò Văn Oanh"
    assert normalize_field("mother_birth_year", "l97O", 0.9).value == 1970
    assert normalize_field("entry_no", "abc", 0.9).value is None


def test_names_get_vietnamese_title_case_and_keep_every_tone_mark():
    assert title_case_name("NGUYỄN thị thanh hương") == "Nguyễn Thị Thanh Hương"
    assert title_case_name("đặng ĐỨC") == "Đặng Đức"
    assert title_case_name("H'BIA NIÊ") == "H'Bia Niê"
    assert title_case_name("Tran B0o Ánh") == "Tran B0o Ánh"  # a misread letter is no word break
    nfd = unicodedata.normalize("NFD", "Trần Thị Hường")
    result = normalize_field("full_name", f"  {nfd}  ", 0.8)
    assert result.value == "Trần Thị Hường"
    assert result.value != "Trần Thị Hương"  # no "correction" of a tone mark
    assert unicodedata.is_normalized("NFC", result.value)


@pytest.mark.parametrize(("raw", "value", "guess"), [
    ("Nam", "Nam", False), ("NỮ", "Nữ", False), ("Nũ", "Nữ", True), ("nu", "Nữ", True), ("Narn", "Nam", True),
    ("Nñ", "Nữ", True),
])
def test_sex_snaps_to_nam_or_nu(raw, value, guess):
    result = normalize_field("sex", raw, 0.9)
    assert result.value == value
    assert (result.confidence < 0.9) == guess


@pytest.mark.parametrize("raw", ["X", "Khác", "12"])
def test_sex_other_than_nam_or_nu_is_a_problem(raw):
    result = normalize_field("sex", raw, 0.9)
    assert result.value is None and result.problems


@pytest.mark.parametrize(("raw", "official", "exact"), [
    ("Kinh", "Kinh", True), ("khơ me", "Khơ-me", True), ("Ê đê", "Ê-đê", True), ("Mông", "Hmông", True),
    ("Muong", "Mường", False), ("Kinb", "Kinh", False), ("Bru Vân Kiểu", "Bru-Vân Kiều", False),
])
def test_ethnicity_snaps_to_an_official_name_and_a_guess_costs_confidence(raw, official, exact):
    result = normalize_field("ethnicity", raw, 0.9)
    assert result.value == official
    if exact:
        assert result.confidence == pytest.approx(0.9)
    else:
        assert 0.75 < result.confidence < 0.9


@pytest.mark.parametrize("raw", ["Người sao Hỏa", "zzz", "Pháp"])
def test_a_distant_ethnicity_reading_is_a_problem_that_does_not_repeat_the_value(raw):
    result = normalize_field("mother_ethnicity", raw, 0.9)
    assert result.value is None
    assert result.problems and all(raw not in p for p in result.problems)


def test_nationality_snaps_to_viet_nam_and_keeps_others():
    assert normalize_field("nationality", "VIỆT NAM", 0.9).value == "Việt Nam"
    assert normalize_field("nationality", "Viet Nam", 0.9).value == "Việt Nam"
    assert normalize_field("father_nationality", "Việt Namm", 0.9).value == "Việt Nam"
    assert normalize_field("nationality", "Vin Nam", 0.9).value == "Việt Nam"  # seen from tesseract
    assert normalize_field("nationality", "Thái Lan", 0.9).value == "Thái Lan"
    assert normalize_field("mother_nationality", "Lào", 0.9).value == "Lào"


def test_personal_id_is_twelve_digits_kept_as_text():
    assert normalize_field("personal_id", "001 215.000 001", 0.9).value == "001215000001"
    short = normalize_field("personal_id", "00121500000", 0.9)
    assert short.value is None and short.problems and "00121500000" not in short.problems[0]


def test_free_text_only_loses_noise():
    result = normalize_field("place_of_birth", " : Trạm  y tế xã   Tân Phú |", 0.9)
    assert result.value == "Trạm y tế xã Tân Phú"
    assert normalize_field("notes", "___", 0.9).value is None
    assert normalize_field("notes", None, 0.9).value is None


def test_normalize_entry_gives_every_field_and_flags_what_needs_a_reviewer():
    raw = {
        "entry_no": ("12", 0.97),
        "full_name": ("nguyễn văn an", 0.95),
        "sex": ("Nam", 0.55),  # read, but not confidently
        "ethnicity": ("qwerty", 0.9),  # unreadable
        "date_of_birth": ("", 0.2),  # required and empty
        "notes": ("", 0.98),  # optional and surely blank: fine
        "hometown": ("", 0.1),  # empty, but the reader is unsure the place is blank: a value may be lost
        "not_a_field": ("x", 0.9),
    }
    fields, confidence, flags = normalize_entry(raw, min_confidence=0.8)
    assert tuple(fields) == BIRTH_FIELDS
    assert fields["entry_no"] == 12 and fields["full_name"] == "Nguyễn Văn An" and fields["sex"] == "Nam"
    assert fields["ethnicity"] is None and fields["personal_id"] is None
    assert "not_a_field" not in confidence and confidence["entry_no"] == pytest.approx(0.97)
    got = {(f.code, f.field) for f in flags}
    assert got == {(FlagCode.LOW_CONFIDENCE, "sex"), (FlagCode.UNREADABLE, "ethnicity"),
                   (FlagCode.UNREADABLE, "date_of_birth"), (FlagCode.UNREADABLE, "hometown")}
    for flag in flags:
        assert "qwerty" not in flag.detail and "Nguyễn" not in flag.detail


def test_min_confidence_is_a_parameter():
    raw = {"full_name": ("Lê Văn Tám", 0.85)}
    assert normalize_entry(raw, min_confidence=0.8)[2] == []
    assert [f.code for f in normalize_entry(raw, min_confidence=0.9)[2]] == [FlagCode.LOW_CONFIDENCE]


@settings(max_examples=50)
@given(st.text(alphabet="0123456789 .Oo", min_size=1, max_size=20), st.floats(0, 1))
def test_confidence_stays_within_0_and_1(raw, confidence):
    for name in ("entry_no", "personal_id", "date_of_birth", "mother_birth_year"):
        result = normalize_field(name, raw, confidence)
        assert 0.0 <= result.confidence <= 1.0
        assert result.confidence <= confidence + 1e-9


def test_a_date_whose_separators_were_not_read_is_a_date_with_less_confidence():
    from validation.normalize import normalize_field

    spaced = normalize_field("date_of_birth", "01 12 2009", 0.9)
    assert spaced.value == "2009-12-01" and spaced.confidence < 0.9
    assert normalize_field("date_of_birth", "0112 2009", 0.9).value is None, "where one part ends is unknown"
    assert normalize_field("date_of_birth", "20.11,2007", 0.9).value == "2007-11-20", "a stop read as a comma"
    assert normalize_field("date_of_birth", "15 2.2008", 0.9).value == "2008-02-15", "one stop lost"
    # Heavy scans: a speck on the hyphen reads as a colon, a speck after the year as a stop.
    colon = normalize_field("date_of_birth", "21:7-2014", 0.9)
    assert colon.value == "2014-07-21" and colon.confidence < 0.9
    assert normalize_field("date_of_birth", "9-3-2014.", 0.9).value == "2014-03-09"


def test_a_sex_read_with_its_mark_struck_apart_as_a_quote_or_caret_is_still_one_of_the_two():
    from validation.normalize import normalize_field

    assert normalize_field("sex", "Nư”", 0.9).value == "Nữ"
    assert normalize_field("sex", "Nưˆ", 0.9).value == "Nữ"
    assert normalize_field("sex", "N”", 0.9).value is None, "one letter tells nothing"
