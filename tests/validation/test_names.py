"""A doubtful Kinh name whose word no one is named takes the usual marks of its letters, and one whose word few
are named takes the marks that far outnumber the others only as a guess the registry must confirm
(validation.names)."""

from __future__ import annotations

import pytest

from validation.names import likely_spelling, name_words, usual_spelling
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


def test_only_kinh_names_are_repaired_and_confident_readings_only_as_a_guess():
    (text, conf), kind = _repaired("Trân Bảo Khang", 0.6, "Kinh")
    assert (text, kind) == ("Trần Bảo Khang", "usual_name") and conf < 0.6
    # Read confidently, a word no one is named is still no name: the usual spelling, as a guess only the
    # registry confirms.
    (text, conf), kind = _repaired("Trân Bảo Khang", 0.95, "Kinh")
    assert (text, kind) == ("Trần Bảo Khang", "usual_name") and conf <= 0.5
    assert _repaired("Trần Bảo Khang", 0.95, "Kinh")[0] == ("Trần Bảo Khang", 0.95), "a name stands"
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


def test_where_common_words_share_the_letters_the_one_that_far_outnumbers_them_is_the_guess():
    assert usual_spelling("Nguyễn Đỉnh Hiêu") == "Nguyễn Đỉnh Hiếu", "Đình and Định share the letters"
    assert likely_spelling("Nguyễn Đỉnh Hiêu") == "Nguyễn Đình Hiếu", "194 names against 21"
    assert likely_spelling("Phạm Thuỳ Hàng") == "Phạm Thuỳ Hằng", "Hàng: one name; Hằng: 19"
    # A common word stays, and so does a rare one whose letters no word outnumbers five times (An 85, Ân 26).
    assert likely_spelling("Hoàng Tuấn An") == "Hoàng Tuấn An"
    assert likely_spelling("Trần Văn Ản") == "Trần Văn Ản"


def test_a_hand_that_closes_its_as_gives_a_guess_of_the_one_common_word_with_the_mark_read():
    assert likely_spelling("Phơn Văn Hỏi") == "Phan Văn Hải"
    assert likely_spelling("Nguyễn Bỏo Hạnh") == "Nguyễn Bảo Hạnh"
    assert likely_spelling("Trần Tốn Lộc") == "Trần Tấn Lộc"
    assert usual_spelling("Phơn Văn Hỏi") == "Phơn Văn Hỏi", "a guess only: the registry must confirm it"
    # Khôi has Khỏi's letters, Khải its hook: which one was written, nothing read tells.
    assert likely_spelling("Lê Đình Khỏi") == "Lê Đình Khỏi"
    assert usual_spelling("Lê Đình Khỏi") == "Lê Đình Khỏi"
    assert likely_spelling("Lê Minh Hoa") == "Lê Minh Hoa", "a common word stays"


def test_a_guess_from_the_counts_is_verified_only_where_the_registry_says_it():
    from validation.entry_check import check_page
    from validation.schema import EntryStatus, FlagCode

    from .pages import page_of

    def checked(registry_name: str):
        rows = [{"entry_no": 1, "full_name": registry_name, "date_of_birth": "2015-01-01", "ethnicity": "Kinh"}]
        reading = page_of([{"entry_no": "1", "full_name": "Lê Đỉnh Nam", "date_of_birth": "01/01/2015",
                            "ethnicity": "Kinh"}], confidence=0.85)
        return check_page(BOOK, reading, 1, "p1", "scan.pdf", rows, 0.8)[0]

    confirmed = checked("Lê Đình Nam")
    assert confirmed.fields["full_name"] == "Lê Đình Nam" and confirmed.status == EntryStatus.VERIFIED
    assert confirmed.raw["full_name"] == "Lê Đỉnh Nam"
    other = checked("Lê Định Nam")
    assert other.status == EntryStatus.FLAGGED
    assert {(f.code, f.field) for f in other.flags} >= {(FlagCode.FIELD_MISMATCH, "full_name"),
                                                        (FlagCode.LOW_CONFIDENCE, "full_name")}


def _checked_name(read: str, registry_name: str, ethnicity: str = "Kinh"):
    """The child's name as stored, and the entry's status, for a confident reading and its registry record."""
    from validation.entry_check import check_page

    from .pages import page_of

    rows = [{"entry_no": 1, "full_name": registry_name, "date_of_birth": "2015-01-01", "ethnicity": ethnicity}]
    reading = page_of([{"entry_no": "1", "full_name": read, "date_of_birth": "01/01/2015", "ethnicity": ethnicity}],
                      confidence=0.95)
    entry = check_page(BOOK, reading, 1, "p1", "scan.pdf", rows, 0.8)[0]
    return entry.fields["full_name"], entry.status


def test_a_word_no_syllable_can_be_guessed_as_a_usual_name_is_verified_only_where_the_registry_says_it():
    """"Ngụyễn" (two tone marks) and "Baồ" (a hook read as hat and grave) are no syllables; the usual name
    of their letters replaces them as a guess, which the entry's registry record confirms or not."""
    from validation.schema import EntryStatus

    assert _checked_name("Ngụyễn Văn An", "Nguyễn Văn An") == ("Nguyễn Văn An", EntryStatus.VERIFIED)
    assert _checked_name("Lý Baồ Lộc", "Lý Bảo Lộc") == ("Lý Bảo Lộc", EntryStatus.VERIFIED)
    assert _checked_name("Lý Baồ Lộc", "Lý Bào Lộc")[1] == EntryStatus.FLAGGED


def test_a_name_run_together_and_set_apart_is_verified_only_where_the_registry_says_it():
    """"SìnhA Pó": the space before the Hmông men's A was lost, so no syllable fits "SìnhA". Set apart, the
    reading is as doubtful as before, and the entry's registry record confirms it or not."""
    from validation.schema import EntryStatus

    assert _checked_name("SìnhA Pó", "Sình A Pó", "Hmông") == ("Sình A Pó", EntryStatus.VERIFIED)
    assert _checked_name("SìnhA Pó", "Sình A Pò", "Hmông")[1] == EntryStatus.FLAGGED


def test_a_rare_name_the_guess_replaced_stands_where_the_entrys_registry_record_spells_it():
    """"Phượng", a name few listed names use, read hesitantly, is guessed as the common "Phương": two
    candidates only the registry tells apart. Its record spelling the reading keeps the reading (and
    confirms it); spelling the guess confirms the guess; spelling neither sends the guess to review."""
    from validation.entry_check import check_entry
    from validation.schema import EntrySource, EntryStatus

    raw = {"entry_no": ("7", 0.99), "full_name": ("Trần Văn An", 0.97), "date_of_birth": ("02/03/2015", 0.97),
           "ethnicity": ("Kinh", 0.97), "mother_name": ("Nguyễn Tường Phượng", 0.6)}

    def checked(registry_mother: str):
        row = {"entry_no": 7, "full_name": "Trần Văn An", "date_of_birth": "2015-03-02", "ethnicity": "Kinh",
               "mother_name": registry_mother}
        return check_entry(BOOK, raw, EntrySource(page=1, object_key="k"), [row], 0.8)

    kept = checked("Nguyễn Tường Phượng")
    assert kept.fields["mother_name"] == "Nguyễn Tường Phượng" and "mother_name" not in kept.repairs
    assert kept.status == EntryStatus.VERIFIED
    guessed = checked("Nguyễn Tường Phương")
    assert guessed.fields["mother_name"] == "Nguyễn Tường Phương" and guessed.status == EntryStatus.VERIFIED
    neither = checked("Nguyễn Tường Hương")
    assert neither.fields["mother_name"] == "Nguyễn Tường Phương" and neither.status == EntryStatus.FLAGGED


def test_a_stop_closed_name_word_read_without_its_mark_is_guessed_as_the_one_of_its_two_spellings_named():
    """A syllable closed by p, t, c or ch carries the acute or the dot below: "Triêt" is Triết (a listed
    name word) or Triệt (none), a guess only the registry confirms."""
    assert likely_spelling("Nguyễn Đức Triêt") == "Nguyễn Đức Triết"
    assert usual_spelling("Nguyễn Đức Triêt") == "Nguyễn Đức Triêt", "a guess, not a usual spelling"
    (text, conf), kind = _repaired("Nguyễn Đức Triêt", 0.7, "Kinh")
    assert (text, kind) == ("Nguyễn Đức Triết", "usual_name") and conf <= 0.5
    assert likely_spelling("Y Kpăt Mlô") == "Y Kpăt Mlô", "no tone position the table names: left as read"


def test_a_name_word_read_with_a_horn_it_lacks_is_guessed_as_the_one_spelling_with_the_tone_read():
    """"Thưỳ", "Thừy": no name is spelled so; of the common names of those letters (Thùy, Thúy, Thủy) the
    tone read leaves Thùy, in the placement nearer the reading, as a guess for the registry."""
    assert likely_spelling("Trương Thưỳ Linh") == "Trương Thuỳ Linh"
    assert likely_spelling("Nguyễn Thừy Lan") == "Nguyễn Thùy Lan"
    assert usual_spelling("Trương Thưỳ Linh") == "Trương Thưỳ Linh", "a guess only"
    assert likely_spelling("Nguyễn Thi Gâm") == "Nguyễn Thi Gâm", "no tone read: the tone is not guessed"


@pytest.mark.parametrize(("read", "name"), [("Sơn Thị] Mỹ Hoa", "Sơn Thị Mỹ Hoa"), ("Tạ.Đức Thắng", "Tạ Đức Thắng")])
def test_punctuation_no_name_holds_is_a_speck_and_goes(read, name):
    """A typewriter's dot below or grave struck apart, read as a bracket after the word or a stop joining two:
    no name holds either. The H' prefix read "H.Nhi" is the prefix's (one letter before the stop)."""
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")
    repaired, repairs, _ = repair_readings({"full_name": (read, 0.4)}, book)
    assert repaired["full_name"][0] == name and repairs["full_name"] == "speck"
    assert repair_readings({"full_name": ("H.Nhi Hwing", 0.4)}, book)[0]["full_name"][0] == "H'Nhi Hwing"


def test_a_quote_at_either_end_of_a_reading_is_no_part_of_it():
    """Curly quotes too: a speck before a name's first letter read as "“"."""
    from validation.text import clean_reading

    assert clean_reading("“Nguyễn Gia Vỹ") == "Nguyễn Gia Vỹ"
    assert clean_reading("Lê Văn An”") == "Lê Văn An"
    assert clean_reading("\"Lê Văn An'") == "Lê Văn An"


@pytest.mark.parametrize(("read", "name"), [("Nguyễn Anh Đa†", "Nguyễn Anh Đạt"), ("Lê Thị Nguyê†", "Lê Thị Nguyệt"),
                                           ("Nguyễn Thanh Triê£", "Nguyễn Thanh Triết")])
def test_a_t_read_as_a_dagger_with_its_mark_is_a_t_whose_mark_the_usual_name_guesses(read, name):
    """A t with a mark struck over or under it read as "†" (or with its acute as "£"): the glyph does not say
    which mark, so the syllable alone stays unsure and only the usual name, for the registry to confirm,
    decides."""
    from validation.syllables import repair_syllables

    assert repair_syllables(read).unsure == 1 and "†" not in repair_syllables(read).text
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")
    repaired, repairs, unsure = repair_readings({"full_name": (read, 0.4)}, book)
    assert repaired["full_name"][0] == name and repairs["full_name"] == "usual_name" and not unsure
    assert repaired["full_name"][1] < 0.8


def test_a_stop_read_as_a_pound_sign_in_a_unit_name_is_the_authoritys_unit():
    """"huyện So£ Sơn": the c of Sóc with its acute struck over it, read as one glyph; the name is one letter
    and a mark from the book's own Sóc Sơn, so the glyph being taken for a t first does not lose it."""
    book = BookKeys(authority="UBND xã Phù Linh, huyện Sóc Sơn, thành phố Hà Nội", year=2022, volume="01")
    repaired, repairs, unsure = repair_readings(
        {"place_of_birth": ("Trung tâm Y tế huyện So£ Sơn, thành phố Hà Nội", 0.4)}, book)
    assert repaired["place_of_birth"][0] == "Trung tâm Y tế huyện Sóc Sơn, thành phố Hà Nội" and not unsure

