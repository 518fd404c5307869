"""The differences the entry view marks: letters with their tone marks, whole words where nothing is alike."""

from review.diff import difference


def changed(pieces):
    return [p.text for p in pieces if p.changed]


def test_a_tone_mark_is_one_changed_letter():
    d = difference("Nguyễn Văn Hòa", "Nguyễn Văn Hóa")
    assert changed(d.book) == ["ò"] and changed(d.registry) == ["ó"]
    assert not d.same_text and not d.identical


def test_decomposed_input_compares_as_composed():
    import unicodedata

    d = difference(unicodedata.normalize("NFD", "Hương"), "Hương")
    assert d.identical and changed(d.book) == []


def test_tone_placement_only_is_flagged_as_the_same_text():
    d = difference("Thanh Hoá", "Thanh Hóa")
    assert changed(d.book) and d.same_text


def test_unlike_words_are_marked_whole():
    d = difference("huyện Tuy Phước, tỉnh Bình Định", "quận Ba Đình, thành phố Hà Nội")
    assert "".join(changed(d.book)) == "huyện Tuy Phước, tỉnh Bình Định"


def test_a_missing_value_marks_the_other_side_whole():
    d = difference(None, "Kinh")
    assert d.book == [] and changed(d.registry) == ["Kinh"]
