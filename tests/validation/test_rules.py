"""Record rules: dates in order and in agreement, personal-ID structure, parents' ages, closed vocabularies."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from validation.date_words import date_to_words
from validation.rules import check_personal_id, check_rules, id_century_digit
from validation.schema import FlagCode
from validation.vocab import id_prefixes

PREFIXES = sorted(id_prefixes())


def valid_entry(**changes) -> dict:
    fields = {
        "entry_no": 7,
        "registration_date": "2018-03-20",
        "full_name": "Nguyễn Thị Lan",
        "date_of_birth": "2018-03-15",
        "date_of_birth_words": date_to_words(date(2018, 3, 15)),
        "sex": "Nữ",
        "ethnicity": "Kinh",
        "personal_id": "001318004567",
        "mother_birth_year": 1990,
        "mother_ethnicity": "Tày",
        "father_birth_year": 1985,
        "father_ethnicity": "Kinh",
    }
    return fields | changes


def violations(fields: dict, **kwargs) -> set[str | None]:
    flags = check_rules(fields, **kwargs)
    assert all(f.code == FlagCode.RULE_VIOLATION for f in flags)
    return {f.field for f in flags}


def test_a_consistent_entry_breaks_no_rule():
    assert check_rules(valid_entry(), book_year=2018) == []


def test_birth_after_registration_is_flagged():
    assert violations(valid_entry(registration_date="2018-03-10")) == {"date_of_birth"}


def test_registration_year_must_be_the_books_year_when_known():
    assert violations(valid_entry(), book_year=2019) == {"registration_date"}
    assert violations(valid_entry()) == set()


def test_words_must_agree_with_the_digits():
    assert violations(valid_entry(date_of_birth_words=date_to_words(date(2018, 3, 16)))) == {"date_of_birth_words"}
    assert violations(valid_entry(date_of_birth_words="Ngày ba mươi, tháng hai, năm hai nghìn")) == {
        "date_of_birth_words"}


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_words_written_from_the_date_always_agree(day):
    fields = valid_entry(date_of_birth=day.isoformat(), registration_date=day.isoformat(),
                         date_of_birth_words=date_to_words(day), personal_id=None,
                         mother_birth_year=day.year - 25, father_birth_year=day.year - 30)
    assert check_rules(fields) == []


def personal_ids():
    """(id, birth year, sex) for structurally valid personal IDs."""
    return st.tuples(
        st.sampled_from(PREFIXES), st.integers(1900, 2099), st.sampled_from(["Nam", "Nữ"]),
        st.integers(0, 999_999),
    ).map(lambda t: (f"{t[0]}{id_century_digit(t[1], t[2])}{t[1] % 100:02d}{t[3]:06d}", t[1], t[2]))


@given(personal_ids())
def test_generated_valid_ids_pass(case):
    personal_id, year, sex = case
    assert check_personal_id(personal_id, year, sex) == []


@given(personal_ids(), st.integers(0, 9))
def test_any_other_century_digit_fails(case, digit):
    personal_id, year, sex = case
    if int(personal_id[3]) == digit:
        return
    mutated = personal_id[:3] + str(digit) + personal_id[4:]
    assert check_personal_id(mutated, year, sex) != []


@given(personal_ids(), st.integers(4, 5), st.integers(0, 9))
def test_a_changed_year_digit_fails(case, position, digit):
    personal_id, year, sex = case
    if int(personal_id[position]) == digit:
        return
    mutated = personal_id[:position] + str(digit) + personal_id[position + 1:]
    assert check_personal_id(mutated, year, sex) != []


def test_id_examples_from_the_domain_facts():
    assert check_personal_id("020093001656", 1993, "Nam") == []  # Lạng Sơn, male, 1993
    assert check_personal_id("001215000001", 2015, "Nam") == []  # Hà Nội, male, 2015
    assert check_personal_id("003215000001", 2015, "Nam") == ["personal ID does not start with a known province code"]
    assert check_personal_id("00121500001", 2015, "Nam") == ["personal ID is not 12 digits"]


def test_id_problems_become_flags_without_the_number():
    flags = check_rules(valid_entry(sex="Nam"))  # 001 3 18…: the digit says female
    assert [f.field for f in flags] == ["personal_id"]
    assert "001318004567" not in flags[0].detail


def test_parents_must_be_twelve_to_seventy_years_older():
    assert violations(valid_entry(mother_birth_year=2010)) == {"mother_birth_year"}
    assert violations(valid_entry(father_birth_year=1940)) == {"father_birth_year"}
    assert violations(valid_entry(mother_birth_year=2006, father_birth_year=1948)) == set()


def test_sex_and_ethnicity_come_from_closed_lists():
    assert violations(valid_entry(sex="Khác", personal_id=None)) == {"sex"}
    assert violations(valid_entry(ethnicity="Kinh ", father_ethnicity="Khơ me")) == {"ethnicity", "father_ethnicity"}


def test_null_fields_are_not_rule_violations():
    assert check_rules({"entry_no": None, "sex": None, "date_of_birth": None}) == []
