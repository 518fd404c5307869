"""Confusable digits (1/7) put right only where the structure of the field leaves one possibility."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, strategies as st

from validation.digits import repair_digits
from validation.entry_check import read_entry
from validation.schema import BookKeys


def test_an_impossible_year_with_one_confusable_digit_is_repaired():
    assert repair_digits("mother_birth_year", "7999", 2022) == ("1999", True)


def test_a_valid_reading_is_never_changed():
    assert repair_digits("father_birth_year", "1977", 2022) == ("1977", True)
    assert repair_digits("date_of_birth", "17/04/2022", 2022) == ("17/04/2022", True)


def test_two_possible_repairs_leave_the_reading_unsettled():
    # 77 could be 17 or 11: neither is taken.
    assert repair_digits("registration_date", "77.04.2022", 2022) == ("77.04.2022", False)


def test_a_personal_id_is_repaired_only_in_its_checkable_digits():
    born = date(2022, 1, 12)
    assert repair_digits("personal_id", "007222535326", 2022, born, "Nam") == ("001222535326", True)
    # A 7 in the random part cannot be judged: the reading stays as it is.
    assert repair_digits("personal_id", "001222535377", 2022, born, "Nam") == ("001222535377", True)


def test_a_province_code_read_with_a_nine_for_its_zero_is_repaired_once_no_1_7_swap_fits():
    born = date(2020, 3, 2)
    # No province code starts with 9: only 0 fits (a handwritten 0 with a tail).
    assert repair_digits("personal_id", "901320854668", 2020, born, "Nữ") == ("001320854668", True)
    # One 0/9 slip at most: two would be guessing.
    assert repair_digits("mother_birth_year", "9099", 2020) == ("9099", False)


def test_typed_zeros_read_as_sixes_are_repaired_where_the_structure_shows_them():
    born = date(2009, 12, 1)
    assert repair_digits("date_of_birth", "61 12 2009", 2010) == ("01 12 2009", True)
    # Province 011, a girl born in 2009: the first digit must be 0, and the year's 0 too.
    assert repair_digits("personal_id", "611309985255", 2010, born, "Nữ") == ("011309985255", True)
    assert repair_digits("personal_id", "611369985255", 2010, born, "Nữ") == ("011309985255", True)
    # A 6 in the random part may be another misread 0: nothing here can tell; the registry's ID can.
    assert repair_digits("personal_id", "611309963980", 2010, born, "Nữ") == ("011309963980", True)


def test_a_typewriters_broken_zeros_read_as_6_8_and_9_in_one_date_are_repaired_with_the_fewest():
    # Three zeros, read 9, 6 and 9: no one pair of CONFUSIONS makes the date whole.
    assert repair_digits("registration_date", "98-61 2097", 2007) == ("08-01 2007", True)
    # 18-01-2007 takes two zeros, 10-01-2007 three: the fewer is the reading.
    assert repair_digits("date_of_birth", "18-91-2807", 2007) == ("18-01-2007", True)
    # A 4 is no broken zero: "42" stays no month.
    assert repair_digits("registration_date", "23-42-2007", 2007) == ("23-42-2007", False)


def test_an_id_code_a_confusion_or_two_from_the_books_province_is_that_code_misread():
    born, long_an = date(2011, 5, 1), frozenset({"080"})
    # Typed zeros read as 6 and 8: 086 is Vĩnh Long's code, a valid one, but a Long An book registers
    # Long An births; 886 is no code, and no swap of one pair makes it one.
    assert repair_digits("personal_id", "086311205139", 2011, born, "Nữ", long_an) == ("080311205139", True)
    assert repair_digits("personal_id", "886311270631", 2011, born, "Nữ", long_an) == ("080311270631", True)
    assert repair_digits("personal_id", "086311205139", 2011, born, "Nữ") == ("086311205139", True)
    # A code no confusion away (4 is confused with nothing) stays as read, as does one the book's code
    # would leave wrong elsewhere (the year's digits say 2012).
    assert repair_digits("personal_id", "486311039506", 2011, born, "Nữ", long_an) == ("486311039506", False)
    assert repair_digits("personal_id", "086312205139", 2011, born, "Nữ", long_an) == ("086312205139", False)
    # A merged province's books may write either old code.
    tuyen_quang = frozenset({"008", "002"})
    assert repair_digits("personal_id", "062311205139", 2011, born, "Nữ", tuyen_quang) == ("002311205139", True)


def test_a_registration_date_lies_in_the_book_s_year_so_a_misread_year_is_repaired_to_it():
    # 2088 could be 2008 or 2000 (or 2080 for a birth); a registration in a 2008 book is in 2008.
    assert repair_digits("registration_date", "16.1.2088", 2008) == ("16.1.2008", True)
    assert repair_digits("date_of_birth", "16.1.2088", 2008) == ("16.1.2088", False)


def test_fields_without_checkable_structure_are_left_alone():
    assert repair_digits("entry_no", "7", 2022) == ("7", True)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2022, 12, 31)),
       st.sampled_from(["%d/%m/%Y", "%d.%m.%Y", "%d-%m-%Y"]), st.data())
def test_a_misread_date_comes_back_right_or_stays_unsettled(born, style, data):
    text = born.strftime(style)
    ones = [i for i, ch in enumerate(text) if ch == "1"]
    if not ones:
        return
    at = data.draw(st.sampled_from(ones))
    misread = text[:at] + "7" + text[at + 1:]
    fixed, settled = repair_digits("date_of_birth", misread, 2022)
    # Never a wrong value: the original date, or the misreading kept and marked unsettled, or a misreading
    # that happens to be a valid date itself (then nothing can tell, and it is kept).
    assert fixed in (text, misread)
    if fixed == misread and settled:
        value = misread
        assert repair_digits("date_of_birth", value, 2022)[0] == value


def test_the_entry_keeps_the_raw_reading_and_names_the_repair():
    book = BookKeys(authority="UBND xã Phù Linh, huyện Sóc Sơn, thành phố Hà Nội", year=2022, volume="01")
    born = date(2022, 1, 12)
    raw = {"date_of_birth": (born.strftime("%d/%m/%Y"), 0.97), "sex": ("Nam", 0.97),
           "mother_birth_year": ("7990", 0.9), "registration_date": ((born + timedelta(days=3)).strftime("%d/%m/%Y"), 0.97)}
    entry = read_entry(book, raw, min_confidence=0.8)
    assert entry.values["mother_birth_year"] == 1990
    assert entry.raw["mother_birth_year"] == "7990"
    assert entry.repairs["mother_birth_year"] == "confusable_digits"


def test_letter_case_an_engine_cannot_see_is_repaired_from_how_words_are_written():
    book = BookKeys(authority="UBND xã An Hòa, quận Ninh Kiều, thành phố Cần Thơ", year=2010, volume="01")
    raw = {"mother_name": ("Lê Thùy loan", 0.9), "father_name": ("VÕ Văn Tâm", 0.9),
           "place_of_birth": ("Trạm y tẾ phường An Hòa, huyện CỦ Chi", 0.9), "notes": ("theo QĐ số 5/QĐ-UBND", 0.9)}
    entry = read_entry(book, raw, min_confidence=0.8)
    assert entry.fields["mother_name"] == "Lê Thùy Loan" and entry.fields["father_name"] == "Võ Văn Tâm"
    assert entry.fields["place_of_birth"] == "Trạm y tế phường An Hòa, huyện Củ Chi"
    assert entry.fields["notes"] == "theo QĐ số 5/QĐ-UBND"
    assert entry.repairs["mother_name"] == "letter_case" and entry.raw["mother_name"] == "Lê Thùy loan"
    # A name written in capitals throughout stays so.
    assert read_entry(book, {"full_name": ("NGUYỄN VĂN AN", 0.9)}, 0.8).fields["full_name"] == "NGUYỄN VĂN AN"


def test_an_empty_reading_the_reader_is_unsure_of_is_flagged_and_a_page_with_an_unnamed_column_verifies_nothing():
    from validation.entry_check import check_page
    from validation.schema import FlagCode

    class Field:
        def __init__(self, text, confidence):
            self.text, self.confidence = text, confidence

    class Entry:
        bbox = (0, 0, 10, 10)
        fields = {"entry_no": Field("1", 0.99), "registration_date": Field("02/01/2010", 0.99),
                  "full_name": Field("Lê Văn An", 0.99), "date_of_birth": Field("01/01/2010", 0.99),
                  "sex": Field("Nam", 0.99), "father_name": Field("", 0.0)}

    class Reading:
        entries = [Entry()]
        unnamed_columns = 0

    book = BookKeys(authority="UBND xã An Hòa", year=2010, volume="01")
    row = {"entry_no": 1, "registration_date": "2010-01-02", "full_name": "Lê Văn An", "date_of_birth": "2010-01-01",
           "sex": "Nam", "father_name": "Lê Văn Ba", "registry_id": "r1"}
    [entry] = check_page(book, Reading(), 1, "k", "f.pdf", [row], 0.8)
    assert (FlagCode.UNREADABLE, "father_name") in {(f.code, f.field) for f in entry.flags}
    Entry.fields["father_name"] = Field("Lê Văn Ba", 0.99)
    assert check_page(book, Reading(), 1, "k", "f.pdf", [row], 0.8)[0].status.value == "verified"
    Reading.unnamed_columns = 1
    [entry] = check_page(book, Reading(), 1, "k", "f.pdf", [row], 0.8)
    assert entry.status.value == "flagged" and any(f.code == FlagCode.UNREADABLE and f.field is None for f in entry.flags)


def test_a_page_s_entry_numbers_are_put_right_where_the_sequence_and_a_confusion_agree():
    from validation.digits import repair_entry_numbers

    read = ["61", "02", "03", "94", "95", "96", "97", "98", "99", "19", "11", "12"]
    assert repair_entry_numbers(read) == ["01", None, None, "04", "05", "06", "07", "08", "09", "10", None, None]
    # 17 is no confusion of 13: a reading no swap explains stays as read (a gap, a row carried over).
    assert repair_entry_numbers(["10", "11", "12", "17", "14"]) == [None] * 5
    # The fewest misreadings: 01 02 04 exact, so 63 is 03, not 01 02 04 misread for 61 62 64.
    assert repair_entry_numbers(["01", "02", "63", "04"]) == [None, None, "03", None]
    # A page whose padding zeros mostly read 9 is still 41..48: a 0 read for a 9 is not a misread it makes.
    assert repair_entry_numbers(["041", "942", "943", "944", "945", "046", "947", "048"]) == [
        None, "042", "043", "044", "045", None, "047", None]
    # Two starts alike ("71 12 73 14": 71..74 or 11..14): nothing is changed.
    assert repair_entry_numbers(["71", "12", "73", "14"]) == [None] * 4
    # A hand's 8 read as a 6, 9 or 5 where the numbers on both sides were read exactly (or before the last).
    assert repair_entry_numbers(["55", "56", "57", "56", "59", "60"]) == [None, None, None, "58", None, None]
    assert repair_entry_numbers(["81", "82", "83", "54"]) == [None, None, None, "84"]
    # So is a run of them between two numbers read exactly: the run can only be the sequence's numbers
    # (a hand writing 87 88 89); a reading two digits off ("56" for 88) stays as read.
    assert repair_entry_numbers(["84", "85", "86", "67", "56", "69", "90"]) == [
        None, None, None, "87", None, "89", None]
    assert repair_entry_numbers(["55", "56", "57", "56", "69", "60"]) == [None, None, None, "58", "59", None]
    assert repair_entry_numbers(["81", "94", "83", "84", "85"]) == [None] * 5
    # Garbled in a scan's shadow, its digits where the sequence's number has them; not where a digit differs.
    assert repair_entry_numbers(["006", "007", "0ù8", "qũ9"]) == [None, None, "008", "009"]
    assert repair_entry_numbers(["006", "007", "0ù7", "qũ"]) == [None] * 4


def test_a_page_of_two_entries_goes_on_from_the_number_the_book_s_page_before_ends_with():
    from validation.digits import repair_entry_numbers

    # A hand's 1 read as 7: one reading of its own is too few to settle the page's sequence...
    assert repair_entry_numbers(["17", "12"]) == [None, None]
    # ...the page before ending with 10 is a second.
    assert repair_entry_numbers(["17", "12"], previous=10) == ["11", None]
    # A page before that ends elsewhere settles nothing: 17 stays as read.
    assert repair_entry_numbers(["17", "12"], previous=4) == [None, None]
    # Every number of the page a confusion off the numbers going on from the page before: no anchor needed.
    assert repair_entry_numbers(["70", "17", "72"], previous=9) == ["10", "11", "12"]
    assert repair_entry_numbers(["70", "17", "35"], previous=9) == [None, None, None], "35 fits no sequence"


def test_a_renumbered_entry_keeps_its_reading_and_is_checked_against_the_registry_record_of_its_number():
    from validation.entry_check import EarlierPages, check_page, earlier_pages

    from .pages import page_of

    book = BookKeys(authority="UBND xã Phù Linh, huyện Sóc Sơn, thành phố Hà Nội", year=2015, volume="01")
    names = ["Lê Văn An", "Lê Văn Bình", "Lê Thị Cúc", "Lê Văn Dũng"]
    rows = [{"entry_no": n + 1, "full_name": name, "date_of_birth": f"2015-01-0{n + 1}"} for n, name in enumerate(names)]
    entries = [{"entry_no": number, "full_name": name, "date_of_birth": f"0{n + 1}/01/2015"}
               for n, (number, name) in enumerate(zip(["01", "02", "63", "04"], names))]
    page = check_page(book, page_of(entries), 1, "p1", "scan.pdf", rows, 0.8)
    assert earlier_pages(page, 2).last_entry_no == 4
    assert page[2].entry_no == 3 and page[2].raw["entry_no"] == "63" and page[2].repairs["entry_no"] == "confusable_digits"
    assert page[2].status.value == "verified", "the registry record of number 3 agrees with the entry"
    # A form page of two entries, the first's 11 read "17": the page before, ending with 10, settles it.
    rows = [{"entry_no": n, "full_name": name, "date_of_birth": f"2015-02-{n}"} for n, name in [(11, "Lê Văn Em"), (12, "Lê Thị Gấm")]]
    entries = [{"entry_no": "17", "full_name": "Lê Văn Em", "date_of_birth": "11/02/2015"},
               {"entry_no": "12", "full_name": "Lê Thị Gấm", "date_of_birth": "12/02/2015"}]
    alone = check_page(book, page_of(entries), 2, "p2", "scan.pdf", rows, 0.8)
    assert alone[0].entry_no == 17 and alone[0].status.value == "flagged"
    after_page = check_page(book, page_of(entries), 2, "p2", "scan.pdf", rows, 0.8, EarlierPages(last_entry_no=10))
    assert after_page[0].entry_no == 11 and after_page[0].raw["entry_no"] == "17"
    assert after_page[0].status.value == "verified"
    assert earlier_pages(after_page, 3).last_entry_no == 12
    assert earlier_pages(after_page, 4).last_entry_no is None, "a page between them went unread"
    # A page whose last number was read wrong and left so ("72" for 12, no record of it) is no page to go on
    # from: the next page's "13 14" would be taken for 73 74.
    misread = check_page(book, page_of([entries[0], {**entries[1], "entry_no": "72"}]), 2, "p2", "scan.pdf", rows, 0.8)
    assert misread[-1].entry_no == 72 and misread[-1].status.value == "flagged"
    assert earlier_pages(misread, 3).last_entry_no is None
