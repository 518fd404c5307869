"""Unit names and dates in words snapped to what the book's context says, and only when marks alone differ."""

from __future__ import annotations

from datetime import date

from hypothesis import given, strategies as st

from validation.date_words import date_to_words, snap_date_words
from validation.entry_check import check_entry
from validation.places import snap_unit_names, unit_names
from validation.schema import BookKeys, EntrySource, FlagCode

AUTHORITY = "UBND xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An"


def test_unit_names_come_from_the_authority():
    assert unit_names(AUTHORITY) == {"Nghi Phong", "Nghi Lộc", "Nghệ An"}


def test_a_misread_mark_on_a_known_unit_is_snapped():
    known = unit_names(AUTHORITY)
    assert snap_unit_names("Xóm 8, xã Nghĩ Phong, huyện Nghỉ Lộc, tỉnh Nghệ An", known) == \
        "Xóm 8, xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An"
    assert snap_unit_names("Trạm y tế xã Nghỉ Phong, huyện Nghi Lộc", known) == "Trạm y tế xã Nghi Phong, huyện Nghi Lộc"


def test_other_text_and_unknown_units_are_left_alone():
    known = unit_names(AUTHORITY)
    # A commune neither the authority nor the list of old units names: kept as read, marks and all.
    assert snap_unit_names("xã Nghĩ Hàm, huyện Nghi Lộc", known) == "xã Nghĩ Hàm, huyện Nghi Lộc"
    # A different name (not just marks) is not a misread mark.
    assert snap_unit_names("huyện Nghi Xuân", known) == "huyện Nghi Xuân"
    assert snap_unit_names("Xóm ổ, xã Nghi Phong", known) == "Xóm ổ, xã Nghi Phong"


def test_province_names_are_known_without_the_authority():
    assert snap_unit_names("xã Tân Phú, tỉnh Long Ăn", set()) == "xã Tân Phú, tỉnh Long An"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)))
def test_canonical_words_are_kept(d):
    assert snap_date_words(date_to_words(d), d) == date_to_words(d)


def test_date_words_with_a_misread_mark_are_snapped_but_other_words_are_not():
    d = date(2022, 4, 16)
    assert snap_date_words("Ngày mười sáu, tháng bốn, năm hai nghìn không trầm hai mươi hai", d) == date_to_words(d)
    # A different day in words stays as read: the rule check then flags the disagreement.
    assert snap_date_words("Ngày mười bảy, tháng bốn, năm hai nghìn không trăm hai mươi hai", d).startswith("Ngày mười bảy")


def _raw(**values):
    return {name: (text, conf) for name, (text, conf) in values.items()}


def test_a_hesitant_reading_confirmed_by_the_registry_is_verified_and_an_unconfirmed_one_is_not():
    book = BookKeys(authority=AUTHORITY, year=2022, volume=1)
    row = {"registry_id": "r1", "entry_no": 5, "full_name": "Lê Văn An", "date_of_birth": "2022-04-16",
           "registration_date": "2022-04-20", "sex": "Nam", "place_of_birth": "Trạm y tế xã Nghi Phong, huyện Nghi Lộc"}
    raw = _raw(entry_no=("5", 0.95), full_name=("Lê Văn An", 0.95), date_of_birth=("16/04/2022", 0.95),
               registration_date=("20/04/2022", 0.95), sex=("Nam", 0.95),
               place_of_birth=("Trạm y tế xã Nghi Phong, huyện Nghỉ Lộc", 0.45),
               date_of_birth_words=("Ngày mười sáu, tháng bốn, năm hai nghìn không trầm hai mươi hai", 0.5))
    source = EntrySource(page=1, object_key="k")
    entry = check_entry(book, raw, source, [row], min_confidence=0.8)
    assert entry.fields["place_of_birth"] == row["place_of_birth"]
    assert entry.status.value == "verified", [f.code for f in entry.flags]

    # The same hesitant place reading with no registry record to confirm it stays flagged.
    lonely = check_entry(book, raw, source, [], min_confidence=0.8)
    assert FlagCode.LOW_CONFIDENCE in {f.code for f in lonely.flags}


def test_the_date_in_words_is_checked_against_the_digits_as_repaired_where_none_can_be_read_as_they_stand():
    """"72.70.2017" is no date; with each 7 a 1 it is 12.10.2017, the date the words say. The words are then
    repaired as any: the capital K a hand's k was read as ("hai nghìn Không trăm") is a letter case the
    registry, which keeps no words, could never confirm."""
    book = BookKeys(authority=AUTHORITY, year=2017, volume=1)
    row = {"registry_id": "r1", "entry_no": 12, "full_name": "Lê Văn An", "date_of_birth": "2017-10-12"}
    raw = _raw(entry_no=("12", 0.95), full_name=("Lê Văn An", 0.95), date_of_birth=("72.70.2017", 0.6),
               date_of_birth_words=("Ngày mười hai, tháng mười, năm hai nghìn Không trăm mười bảy", 0.3))
    entry = check_entry(book, raw, EntrySource(page=1, object_key="k"), [row], min_confidence=0.8)
    assert entry.fields["date_of_birth"] == "12.10.2017"
    assert entry.fields["date_of_birth_words"] == "Ngày mười hai, tháng mười, năm hai nghìn không trăm mười bảy"
    assert entry.repairs["date_of_birth_words"] == "letter_case"


def test_province_layers_keep_the_text_and_add_the_2025_province():
    from validation.places import province_layers

    layers = province_layers("xã Tân Phú, huyện Đức Hòa, tỉnh Long An")
    assert layers == {"as_written": "xã Tân Phú, huyện Đức Hòa, tỉnh Long An", "province": "Long An",
                      "current_province": "Tây Ninh"}
    assert province_layers("thôn 2, xã Lũng Cú, huyện Đồng Văn, tỉnh Hà Giang")["current_province"] == "Tuyên Quang"
    assert province_layers("Xóm 8")["current_province"] is None
    assert province_layers(None) is None


def test_corrections_follow_what_the_reviewer_confirmed():
    from validation.corrections import propose_corrections
    from validation.schema import ExportedEntry, Flag

    row = {"registry_id": "r9", "entry_no": 7, "full_name": "Nguyễn Văn Hằng", "sex": "Nam"}
    entry = ExportedEntry(
        authority=AUTHORITY, book_type="birth", year=2020, volume=1, entry_no=7,
        fields={"entry_no": 7, "full_name": "Nguyễn Văn Hàng", "sex": "Nam"}, status="resolved",
        flags=[Flag(code=FlagCode.FIELD_MISMATCH, field="full_name", book_value="Nguyễn Văn Hàng",
                    registry_value="Nguyễn Văn Hằng")],
        source=EntrySource(page=1, object_key="k"),
    )
    # The reviewer confirms the book's reading: the registry is to follow the book.
    [update] = propose_corrections(entry, {}, [row])
    assert (update["registry_id"], update["field"], update["book_value"]) == ("r9", "full_name", "Nguyễn Văn Hàng")
    # The reviewer finds the reading was wrong and the book agrees with the registry: nothing to correct.
    assert propose_corrections(entry, {"full_name": "Nguyễn Văn Hằng"}, [row]) == []
    # No registry record at all: the proposal is to create one from the book.
    missing = entry.model_copy(update={"flags": [Flag(code=FlagCode.MISSING_IN_REGISTRY)]})
    [create] = propose_corrections(missing, {}, [])
    assert create["action"] == "create" and create["fields"]["full_name"] == "Nguyễn Văn Hàng"


def test_a_long_unit_name_of_the_authority_misread_in_one_letter_is_snapped_but_other_places_are_not():
    known = unit_names("UBND xã Ea Phê, huyện Krông Pắc, tỉnh Đắk Lắk")
    assert snap_unit_names("Trạm y tế xã Ea Phê, huyện Krông Đắc, tỉnh Đắk Lắk", known) == \
        "Trạm y tế xã Ea Phê, huyện Krông Pắc, tỉnh Đắk Lắk"
    near = unit_names("UBND xã Tân Phú, huyện Đức Hòa, tỉnh Long An")
    # A letter more or less is another commune.
    assert snap_unit_names("xã An Phú, huyện Đức Hòa", near) == "xã An Phú, huyện Đức Hòa"
    assert snap_unit_names("xã Tân Phủ, huyện Đức Hòa", near) == "xã Tân Phú, huyện Đức Hòa"  # marks only
    assert snap_unit_names("xã Tân Phong, huyện Đức Hòa", near) == "xã Tân Phong, huyện Đức Hòa"


def test_the_h_prefix_of_ede_names_gets_back_its_apostrophe_and_nothing_else_does():
    from validation.repair import APOSTROPHE, repair_readings

    book = BookKeys(authority="UBND xã Ea Phê, huyện Krông Pắc, tỉnh Đắk Lắk", year=2020, volume="01")
    raw = {"mother_name": ("HNhi Adrơng", 0.9), "full_name": ("H.Luôn Êban", 0.9), "father_name": ("Y Thu Byă", 0.9),
           "declarant_name": ("H Điêu Byă", 0.9)}
    repaired, repairs, _ = repair_readings(raw, book)
    assert repaired["mother_name"][0] == "H'Nhi Adrơng" and repairs["mother_name"] == APOSTROPHE
    assert repaired["full_name"][0] == "H'Luôn Êban"
    assert repaired["father_name"][0] == "Y Thu Byă" and "father_name" not in repairs
    assert repaired["declarant_name"][0] == "H Điêu Byă", "with a space it may be the book's own writing"


def test_the_registry_confirms_a_hesitant_reading_only_in_the_same_case():
    book = BookKeys(authority=AUTHORITY, year=2022, volume="01")
    row = {"registry_id": "r1", "entry_no": 5, "full_name": "Lê Văn An", "date_of_birth": "2022-04-16",
           "registration_date": "2022-04-20", "sex": "Nam", "place_of_birth": "Bệnh viện Đa khoa tỉnh Nghệ An"}
    raw = _raw(entry_no=("5", 0.95), full_name=("Lê Văn An", 0.95), date_of_birth=("16/04/2022", 0.95),
               registration_date=("20/04/2022", 0.95), sex=("Nam", 0.95),
               place_of_birth=("Bệnh viện Đa Khoa tỉnh Nghệ An", 0.5))
    entry = check_entry(book, raw, EntrySource(page=1, object_key="k"), [row], min_confidence=0.8)
    assert entry.status.value != "verified"
    assert FlagCode.LOW_CONFIDENCE in {f.code for f in entry.flags}
    raw["place_of_birth"] = ("Bệnh viện Đa khoa tỉnh Nghệ An", 0.5)
    entry = check_entry(book, raw, EntrySource(page=1, object_key="k"), [row], min_confidence=0.8)
    assert entry.status.value == "verified", [f.code for f in entry.flags]


def test_a_snapped_unit_name_keeps_the_placement_closest_to_what_was_read():
    known = unit_names("UBND thị trấn Hậu Nghĩa, huyện Đức Hòa, tỉnh Long An")
    # A stray dot and the grave on the a: the book placed the mark the new way.
    assert snap_unit_names("huyện Đức Họà, tỉnh Long An", known) == "huyện Đức Hoà, tỉnh Long An"
    assert snap_unit_names("huyện Đức Hỏa, tỉnh Long An", known) == "huyện Đức Hòa, tỉnh Long An"


def test_a_blank_the_registry_fills_and_an_entry_without_a_name_are_never_verified():
    book = BookKeys(authority=AUTHORITY, year=2022, volume="01")
    row = {"registry_id": "r1", "entry_no": 5, "full_name": "Lê Văn An", "date_of_birth": "2022-04-16",
           "registration_date": "2022-04-20", "sex": "Nam", "father_name": "Lê Văn Bình"}
    raw = _raw(entry_no=("5", 0.95), full_name=("Lê Văn An", 0.95), date_of_birth=("16/04/2022", 0.95),
               registration_date=("20/04/2022", 0.95), sex=("Nam", 0.95), father_name=("", 0.98))
    source = EntrySource(page=1, object_key="k")
    entry = check_entry(book, raw, source, [row], min_confidence=0.8)
    assert (FlagCode.FIELD_MISMATCH, "father_name") in {(f.code, f.field) for f in entry.flags}
    # A field the page has no column for is no difference.
    del raw["father_name"]
    assert check_entry(book, raw, source, [row], min_confidence=0.8).status.value == "verified"
    del raw["full_name"]
    entry = check_entry(book, raw, source, [row], min_confidence=0.8)
    assert entry.status.value != "verified" and (FlagCode.UNREADABLE, "full_name") in {(f.code, f.field) for f in entry.flags}


def test_date_words_with_a_capital_mid_phrase_are_not_confirmed_by_the_record_of_their_date():
    """"77-9-2022": 11 or 17 as a day; the engine weighed 1 at the first 7 and the record says 17, so the
    digits settle after the words were read against them. The words' capital K ("hai nghìn Không"), a hand's
    k, or the book's own: the registry keeps no words, so nothing confirms that letter case."""
    from tests.validation.pages import page_of
    from validation.entry_check import check_page

    book = BookKeys(authority=AUTHORITY, year=2022, volume=1)
    row = {"registry_id": "r1", "entry_no": 16, "full_name": "Lê Văn An", "date_of_birth": "2022-09-17"}
    words = "Ngày mười bảy, tháng chín, năm hai nghìn Không trăm hai mươi hai"
    page = page_of([{"entry_no": "16", "full_name": "Lê Văn An", "date_of_birth": "77-9-2022",
                     "date_of_birth_words": words}], confidence=0.9)
    page.entries[0].fields["date_of_birth"].confidence = 0.3
    page.entries[0].fields["date_of_birth_words"].confidence = 0.1
    page.entries[0].fields["date_of_birth"].choices = {"77-9-2022": ("1", "", "", "", "", "", "", "", "")}
    [entry] = check_page(book, page, 1, "p1", "scan.pdf", [row], 0.8)
    assert entry.fields["date_of_birth"] == "17-9-2022"
    assert entry.status.value == "flagged" and ("low_confidence", "date_of_birth_words") in {
        (f.code.value, f.field) for f in entry.flags}
