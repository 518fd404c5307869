"""Cross-check of book entries against the registry rows of their book."""

from __future__ import annotations

import unicodedata

from validation.crosscheck import crosscheck_entry, decide_status, registry_only
from validation.schema import EntryStatus, Flag

BOOK = {"authority": "UBND xã Tân Phú", "book_type": "birth", "year": 2018, "volume": 1}


def person(no: int, name: str, born: str, **more) -> dict:
    return {"entry_no": no, "full_name": name, "date_of_birth": born, "sex": "Nam", "ethnicity": "Kinh",
            "nationality": "Việt Nam", "mother_name": "Trần Thị Mai", "mother_birth_year": 1990, **more}


def row(no: int, name: str, born: str, registry_id: str | None = None, **more) -> dict:
    return {**BOOK, **person(no, name, born, **more), "registry_id": registry_id or f"R{no}",
            "date_of_birth_words": None}


REGISTRY = [row(1, "Nguyễn Văn An", "2018-01-02"), row(2, "Lê Thị Hương", "2018-01-05"),
            row(3, "Phạm Minh Đức", "2018-02-01")]


def codes(flags: list[Flag]) -> set[tuple[str, str | None]]:
    return {(f.code.value, f.field) for f in flags}


def test_an_entry_equal_to_its_registry_row_has_no_flags_whatever_the_case_spacing_or_unicode_form():
    book = person(2, unicodedata.normalize("NFD", "LÊ  THỊ hương"), "2018-01-05", notes=None)
    assert crosscheck_entry(book, REGISTRY) == []
    assert decide_status([]) == EntryStatus.VERIFIED


def test_a_tone_mark_difference_is_a_field_mismatch_with_both_values():
    flags = crosscheck_entry(person(2, "Lê Thị Hường", "2018-01-05"), REGISTRY)
    assert codes(flags) == {("field_mismatch", "full_name")}
    assert flags[0].book_value == "Lê Thị Hường" and flags[0].registry_value == "Lê Thị Hương"
    assert "Hư" not in flags[0].detail
    assert decide_status(flags) == EntryStatus.FLAGGED


def test_only_fields_present_on_both_sides_are_compared():
    book = person(1, "Nguyễn Văn An", "2018-01-02", mother_birth_year=None, hometown="Hà Nam",
                  date_of_birth_words="Ngày hai, tháng một, năm hai nghìn không trăm mười tám")
    assert crosscheck_entry(book, REGISTRY) == []
    book = person(1, "Nguyễn Văn An", "2018-01-02", mother_birth_year=1991)
    assert codes(crosscheck_entry(book, REGISTRY)) == {("field_mismatch", "mother_birth_year")}


def test_no_row_is_missing_in_registry():
    flags = crosscheck_entry(person(9, "Hoàng Văn Nam", "2018-03-03"), REGISTRY)
    assert codes(flags) == {("missing_in_registry", None)}


def test_two_rows_with_the_number_is_a_duplicate_and_the_best_row_is_compared():
    registry = REGISTRY + [row(2, "Lê Thị Hương", "2018-01-05", registry_id="R2b", sex="Nữ")]
    flags = crosscheck_entry(person(2, "Lê Thị Hương", "2018-01-05"), registry)
    assert codes(flags) == {("duplicate_in_registry", None)}  # compared with R2, which agrees


def test_the_same_person_twice_under_two_numbers_is_a_duplicate():
    registry = REGISTRY + [row(40, "Nguyễn Văn An", "2018-01-02")]
    flags = crosscheck_entry(person(1, "Nguyễn Văn An", "2018-01-02"), registry)
    assert codes(flags) == {("duplicate_in_registry", None)}


def test_a_misread_number_is_an_entry_no_mismatch_not_a_missing_record():
    # Book entry 3 read as 8: no row 8, but row 3 is this person.
    flags = crosscheck_entry(person(8, "Phạm Minh Đức", "2018-02-01"), REGISTRY)
    assert codes(flags) == {("field_mismatch", "entry_no")}
    assert (flags[0].book_value, flags[0].registry_value) == ("8", "3")
    # Read as 1 (another person's number): still the person's own record is compared.
    flags = crosscheck_entry(person(1, "Phạm Minh Đức", "2018-02-01"), REGISTRY)
    assert codes(flags) == {("field_mismatch", "entry_no")}


def test_when_the_other_number_is_claimed_by_another_entry_the_entry_is_missing_and_says_why():
    flags = crosscheck_entry(person(8, "Phạm Minh Đức", "2018-02-01"), REGISTRY, claimed_entry_nos={3})
    assert codes(flags) == {("missing_in_registry", None)}
    assert "another entry number" in flags[0].detail and "Đức" not in flags[0].detail


def test_registry_only_rows_are_those_no_book_entry_has():
    assert registry_only({1, 3}, REGISTRY) == [REGISTRY[1]]
    assert registry_only({1, 2, 3}, REGISTRY) == []
    # A second record of a person the book has is reported as a duplicate on that entry, not here.
    registry = REGISTRY + [row(40, "Nguyễn Văn An", "2018-01-02"), row(41, "Đỗ Văn Bình", "2018-04-01")]
    assert [r["registry_id"] for r in registry_only({1, 2, 3}, registry)] == ["R41"]


def test_a_record_matched_through_a_misread_number_is_not_registry_only():
    from validation.crosscheck import book_entry_numbers
    from validation.schema import EntrySource, ExportedEntry

    def exported(fields: dict) -> ExportedEntry:
        flags = crosscheck_entry(fields, REGISTRY)
        return ExportedEntry(**BOOK, entry_no=fields["entry_no"], fields=fields, status=decide_status(flags),
                             flags=flags, source=EntrySource(page=1, object_key=None))

    entries = [exported(person(1, "Nguyễn Văn An", "2018-01-02")),
               exported(person(8, "Phạm Minh Đức", "2018-02-01"))]  # entry 3 read as 8
    assert book_entry_numbers(entries) == {1, 8, 3}
    assert registry_only(book_entry_numbers(entries), REGISTRY) == [REGISTRY[1]]
    assert registry_only({e.entry_no for e in entries}, REGISTRY) == REGISTRY[1:]  # what the read numbers alone give


def test_number_and_name_both_misread_is_matched_by_date_of_birth_and_a_close_name():
    flags = crosscheck_entry(person(8, "Phạm Minh Đúc", "2018-02-01"), REGISTRY)
    assert codes(flags) == {("field_mismatch", "entry_no"), ("field_mismatch", "full_name")}
    # A different name with the same date of birth is another person: missing.
    assert codes(crosscheck_entry(person(8, "Hoàng Thu Trang", "2018-02-01"), REGISTRY)) == {
        ("missing_in_registry", None)}


def test_an_unreadable_number_with_extra_words_in_the_name_still_finds_the_record():
    flags = crosscheck_entry(person(None, "Phạm Minh Đức Đúng hạn", "2018-02-01"), REGISTRY)
    assert codes(flags) == {("field_mismatch", "entry_no"), ("field_mismatch", "full_name")}
