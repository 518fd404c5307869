"""A note's fixed wording read right; what the note quotes stays as read."""

from __future__ import annotations

from validation.notes import snap_note_words


def test_words_of_the_wording_a_note_follows_are_spelled_as_the_wording_spells_them():
    assert snap_note_words("Đăng ký tại") == "Đăng ký lại"
    assert snap_note_words("Cải chính họ từ Nguyện thành Nguyễn ngầy 12/4/2007") == \
        "Cải chính họ từ Nguyện thành Nguyễn ngày 12/4/2007"
    assert snap_note_words("Thy đổi tên từ Cu thành Quỳnh theo QĐ số 59/QĐ-UBND ngày 14/8/2016") == \
        "Thay đổi tên từ Cu thành Quỳnh theo QĐ số 59/QĐ-UBND ngày 14/8/2016"
    assert snap_note_words("Bổ sung quê quấn ngày 6/3/2010") == "Bổ sung quê quán ngày 6/3/2010"
    # A short word with a letter read twice: the stroke printed once.
    assert snap_note_words("Thay đổi tên từ Tèo thành Mỹ theo QĐĐ số 27/QĐ-UBND ngày 13/11/2013") == \
        "Thay đổi tên từ Tèo thành Mỹ theo QĐ số 27/QĐ-UBND ngày 13/11/2013"
    assert snap_note_words("Cải chính họ, chữ đệm, tên từ Lê Văn A thành Lê Văn B ngày 1/2/2020") == \
        "Cải chính họ, chữ đệm, tên từ Lê Văn A thành Lê Văn B ngày 1/2/2020"


def test_what_a_note_quotes_and_a_note_of_no_known_wording_stay_as_read():
    # The wrong spelling a correction quotes is the book's text, however it is spelled.
    assert snap_note_words("Cải chính họ từ Cào thành Cao ngày 21/9/2013") == \
        "Cải chính họ từ Cào thành Cao ngày 21/9/2013"
    # "Đăng ký tại" followed by a place is another note: nothing is taken for a misreading.
    assert snap_note_words("Đăng ký tại UBND xã An Hòa") == "Đăng ký tại UBND xã An Hòa"
    # Most of the wording must be read as spelled: two of three words off is no reading of it.
    assert snap_note_words("Đăng kỳ tại") == "Đăng kỳ tại"
    # A two-letter word is taken with other marks only ("ho" for họ), never a letter off ("he").
    assert snap_note_words("Cải chính ho từ Lê thành Lý ngày 1/2/2020") == "Cải chính họ từ Lê thành Lý ngày 1/2/2020"
    assert snap_note_words("Cải chính he từ Lê thành Lý ngày 1/2/2020") == "Cải chính he từ Lê thành Lý ngày 1/2/2020"


def test_a_note_s_repaired_wording_is_marked_and_keeps_the_raw_reading():
    from validation.repair import repair_readings
    from validation.schema import BookKeys

    book = BookKeys(authority="UBND xã An Hòa, huyện Mai Sơn, tỉnh Sơn La", year=2012, volume="01")
    repaired, repairs, _ = repair_readings({"notes": ("Đăng ký tại", 0.9)}, book)
    assert repaired["notes"][0] == "Đăng ký lại" and repairs["notes"] == "note_words"
    assert repaired["notes"][1] < 0.9
