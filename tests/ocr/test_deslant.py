"""Slanted digits (italic type, a slanting hand) are stood upright before they are read."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ocr.image import deslanted

ITALIC = "/usr/share/fonts/truetype/noto/NotoSans-Italic.ttf"
UPRIGHT = "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf"


def _digits(text: str, face: str) -> np.ndarray:
    image = Image.new("L", (560, 100), 255)
    ImageDraw.Draw(image).text((20, 72), text, font=ImageFont.truetype(face, 48), fill=0, anchor="ls")
    return np.asarray(image)


def _column_sharpness(crop: np.ndarray) -> float:
    return float((((crop < 128).sum(axis=0)).astype(float) ** 2).sum())


def test_italic_digits_are_sheared_upright_and_upright_ones_are_left_alone():
    italic = _digits("001305898099", ITALIC)
    straightened = deslanted(italic)
    assert not np.array_equal(straightened, italic)
    assert _column_sharpness(straightened) > 1.1 * _column_sharpness(italic)
    upright = _digits("001305898099", UPRIGHT)
    assert np.array_equal(deslanted(upright), upright)


def test_a_lone_digit_is_not_sheared_by_its_own_diagonal():
    seven = _digits("7", UPRIGHT)
    assert np.array_equal(deslanted(seven), seven)


def test_a_book_written_in_a_slanting_hand_has_its_id_numbers_read(engine, tmp_path):
    """Italic 8s read as 6 and 1s as 7 broke the ID numbers of a tuning book written in this hand."""
    from ocr.ingest import split_into_pages
    from ocr.read import read_page
    from synth import generate_book

    from .conftest import truth_entries

    book = generate_book(tmp_path / "book", layout="table", pages=3, seed=5747, quality="clean",
                         style={"values": "handwritten", "value_font": "Noto Sans", "printed_font": "DejaVu Sans"})
    read = [entry.fields["personal_id"].text for page in split_into_pages(book.scans[0], tmp_path)
            for entry in read_page(page, engine).entries]
    truth = [entry.get("personal_id") for entry in truth_entries(book)]
    assert len(read) == len(truth) >= 20
    wrong = [(got, want) for got, want in zip(read, truth) if got != want]
    assert len(wrong) <= 1, wrong  # 2 without straightening


def test_a_date_is_read_as_written_its_slashes_taken_for_no_slant(engine):
    """Sheared until its slashes stand upright, "17/2/2022" read "2222": a date's cell is not straightened."""
    from ocr.cells import field_reading, second_pass
    from ocr.descriptions import load_layout

    description = load_layout("birth", "table")
    image = Image.new("L", (700, 100), 0)
    ImageDraw.Draw(image).text((20, 70), "17/2/2022", font=ImageFont.truetype(UPRIGHT, 36), fill=255, anchor="ls")
    clean = np.asarray(image)
    box = (0, 0, 700, 100)
    words = second_pass(clean, 300, {"date_of_birth": box}, engine, description.format_or_none)["date_of_birth"]
    fmt = description.format_or_none("date_of_birth")
    assert field_reading(clean, box, words, fmt=fmt).text == "17/2/2022"
