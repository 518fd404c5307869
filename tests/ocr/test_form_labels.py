"""Form labels and sections from words as an engine reads them (no OCR needed)."""

from __future__ import annotations

from ocr.descriptions import load_layout
from ocr.engine import Word
from ocr.form import value_spans


def _line(y: int, *texts: str) -> list[Word]:
    words, x = [], 10
    for text in texts:
        width = 14 * len(text)
        words.append(Word(text, 0.95, (x, y, width, 30), (1, 1, y)))
        x += width + 12
    return words


def _spans(lines):
    description = load_layout("birth", "form")
    words = [w for line in lines for w in line]
    spans, _, _, _ = value_spans(words, 2000, 300, description)
    return {span.field: " ".join(w.text for w in span.words) for span in spans}


def test_declarant_section_heading_followed_by_generic_labels():
    values = _spans([
        _line(100, "Họ,", "chữ", "đệm,", "tên:", "Nguyễn", "Văn", "An"),
        _line(150, "Người", "đi", "khai", "sinh:"),
        _line(200, "Họ,", "chữ", "đệm,", "tên:", "Trần", "Thị", "Bình"),
        _line(250, "Giấy", "tờ", "tùy", "thân:", "CCCD", "số", "001188000123"),
    ])
    assert values["full_name"] == "Nguyễn Văn An"
    assert values["declarant_name"] == "Trần Thị Bình"
    assert "001188000123" not in " ".join(values.values()), "an identity paper is no field of ours"


def test_values_that_look_like_labels_are_values():
    """Without its colon a label must be read nearly exactly, with its marks, and span several words: the
    name "Quyên" is no "Quyển" (volume), and neither "Nguyễn Xuân" nor "Nguyễn Quang" (without marks nearly
    the letters of "Nguyên quan") is "Nguyên quán"."""
    values = _spans([
        _line(100, "Họ,", "chữ", "đệm,", "tên", "người", "mẹ:", "Trần", "Thị", "Quyên"),
        _line(150, "Họ", "tên", "người", "được", "khai", "sinh:", "Nguyễn", "Xuân", "Duy"),
        _line(200, "Họ,", "chữ", "đệm,", "tên", "người", "cha:", "Nguyễn", "Quang", "Tùng"),
    ])
    assert values["mother_name"] == "Trần Thị Quyên"
    assert values["full_name"] == "Nguyễn Xuân Duy"
    assert values["father_name"] == "Nguyễn Quang Tùng"
    assert "hometown" not in values


def test_a_colon_read_apart_stays_with_its_label_and_mothers_section_comes_from_its_heading():
    values = _spans([
        _line(100, "Mẹ:"),
        _line(150, "Họ", "và", "tên:", "Lê", "Thị", "Hoa"),
        _line(200, "Năm", "sinh:", "1990", "Dân", "tộc", ":", "Tày"),
    ])
    assert values == {"mother_name": "Lê Thị Hoa", "mother_birth_year": "1990", "mother_ethnicity": "Tày"}


def test_a_value_the_engine_boxed_under_its_label_is_kept():
    """Tesseract can box "Số:" over the single digit that follows it closely: the digit's own word then
    starts inside the label's box, and is still the value, with the label ending where the digit starts."""
    description = load_layout("birth", "form")
    words = [Word("Số:", 0.95, (294, 618, 109, 34), (1, 1, 1)), Word("3", 0.95, (382, 614, 24, 48), (1, 1, 1)),
             Word("Quyển", 0.95, (635, 617, 125, 43), (1, 1, 1)), Word("số:", 0.95, (778, 618, 53, 34), (1, 1, 1)),
             Word("01", 0.95, (862, 619, 47, 33), (1, 1, 1))]
    spans, _, labels, _ = value_spans(words, 2000, 300, description)
    by_field = {span.field: span for span in spans}
    assert [w.text for w in by_field["entry_no"].words] == ["3"]
    assert by_field["entry_no"].box[0] <= 382, "the value's box must hold the digit"
    number_label = next(label for label in labels if label.words[0].text == "Số:")
    assert number_label.right < 382, "erasing the label must not erase the digit"


def test_a_label_boxed_up_to_the_values_first_letter_is_erased_short_of_it():
    """"quán:" boxed to the very pixel where "xã" starts: erasing the label (a few pixels past its end) would
    cut the x's left edge, read "‹ã"; the label is cut back instead, and nothing of the value is erased."""
    import numpy as np

    from ocr.form import erase_labels

    description = load_layout("birth", "form")
    words = [Word("Quê", 0.95, (226, 2465, 64, 38), (1, 1, 1)), Word("quán:", 0.95, (311, 2459, 131, 44), (1, 1, 1)),
             Word("xã", 0.95, (442, 2454, 50, 54), (1, 1, 1)), Word("Phước", 0.95, (523, 2459, 113, 44), (1, 1, 1))]
    spans, _, labels, _ = value_spans(words, 2000, 300, description)
    assert [w.text for w in spans[0].words] == ["xã", "Phước"]
    page = np.full((2600, 2000), 255, dtype=np.uint8)
    erased = erase_labels(page, labels, 300)
    assert (erased[2454:2508, 442:492] == 255).all(), "the value's first letter keeps all its ink"
    assert (erased[2465:2500, 230:430] == 0).all(), "the label is gone"


def test_a_label_whose_words_the_engine_ran_together_is_still_the_whole_label():
    """ "cá nhân" run together and its colon missed: the shorter wording "Số định danh" matched, and the
    rest of the label became the start of the ID."""
    values = _spans([
        _line(100, "Số", "định", "danh", "cánhân", "046223703155"),
        _line(150, "Nơi", "thường", "trú:", "xã", "An", "Phú"),
    ])
    assert values["personal_id"] == "046223703155", values


def test_a_label_whose_words_the_engine_ran_together_is_still_a_label():
    """A typewritten "Số định danh" read "Số địnhdanh", its colon lost: the ID after it is no part of the
    hometown on the line above; a run-together "Dântộc:" is the ethnicity's label."""
    values = _spans([
        _line(100, "Quê", "quán:", "xã", "Diễn", "Kim,", "tỉnh", "Nghệ", "An"),
        _line(150, "Số", "địnhdanh", "0", "4", "0", "3", "1", "9", "0", "3", "4", "8", "2", "0"),
        _line(200, "Dântộc:", "Kinh"),
    ])
    assert values["hometown"] == "xã Diễn Kim, tỉnh Nghệ An"
    assert values["personal_id"].replace(" ", "") == "040319034820"
    assert values["ethnicity"] == "Kinh"


def test_a_section_heading_alone_on_its_line_needs_no_colon():
    """The engine often loses the colon of a short bold heading ("Mẹ" for "Mẹ:"); alone on its line it is still
    the heading, or the mother's labels would be taken for the child's and her values lost."""
    values = _spans([
        _line(100, "Họ", "và", "tên:", "Lò", "Văn", "Ún"),
        _line(150, "Quê", "quán:", "xã", "Thanh", "Xương"),
        _line(200, "Mẹ"),
        _line(250, "Họ,", "chữ", "đệm,", "tên:", "Quàng", "Thị", "Pâng"),
        _line(300, "Năm", "sinh:", "1978"),
        _line(350, "Cha"),
        _line(400, "Họ,", "chữ", "đệm,", "tên:", "Tòng", "Văn", "Piệng"),
    ])
    assert values["hometown"] == "xã Thanh Xương"
    assert values["mother_name"] == "Quàng Thị Pâng"
    assert values["mother_birth_year"] == "1978"
    assert values["father_name"] == "Tòng Văn Piệng"


def test_a_short_heading_inside_a_line_still_needs_its_colon():
    values = _spans([
        _line(100, "Họ", "và", "tên:", "Lò", "Văn", "Ún"),
        _line(150, "Quê", "quán:", "xã", "Thanh", "Xương"),
        _line(200, "Mẹ", "Cha"),
    ])
    assert "mother_name" not in values
    assert values["hometown"] == "xã Thanh Xương Mẹ Cha"


def test_a_letter_the_engine_boxed_into_the_label_keeps_its_ink():
    """"sinh:" boxed over the left stroke of the x of "xã" (the value's own box starts past it): erasing the
    label's box cut the x, read "‹ẫ". A piece of ink lying mostly past the label's end is the value's."""
    import numpy as np

    from ocr.form import erase_labels

    description = load_layout("birth", "form")
    words = [Word("Nơi", 0.95, (226, 2465, 64, 38), (1, 1, 1)), Word("sinh:", 0.95, (311, 2459, 131, 44), (1, 1, 1)),
             Word("xã", 0.95, (452, 2454, 40, 54), (1, 1, 1)), Word("Lũng", 0.95, (523, 2459, 113, 44), (1, 1, 1))]
    spans, _, labels, _ = value_spans(words, 2000, 300, description)
    page = np.zeros((2600, 2000), dtype=np.uint8)
    page[2465:2500, 230:300] = 255  # "Nơi"
    page[2465:2500, 315:425] = 255  # "sinh" and its colon
    page[2470:2500, 436:480] = 255  # the x, its left stroke under the label's box
    erased = erase_labels(page, labels, 300)
    assert (erased[2470:2500, 436:480] == 255).all(), "the value's first letter keeps all its ink"
    assert not erased[2460:2505, 225:430].any(), "the label is gone"
