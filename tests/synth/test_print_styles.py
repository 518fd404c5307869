"""What the page prints: typewriter values with offset tone marks, old/new/mixed tone placement (the registry
keeping its own), date styles, dates in words, entry numbers and the volume as text."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from synth import generate_book
from synth.draw import BookStyle, Pen
from synth.printing import DATE_FIELDS, TEXT_FIELDS, format_date
from synth.style import DATE_FORMATS
from synth.typewriter import mark_pixels, split_tone
from validation.date_words import date_to_words, date_verbalizations, words_to_date
from validation.orthography import canonical, with_tone_placement


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def make(tmp_path: Path, layout: str, style: dict, *, pages: int = 1, seed: int = 60, name: str = "book"):
    return generate_book(tmp_path / name, layout=layout, pages=pages, seed=seed, quality="clean", dpi=100,
                         image_format="png", style={"preset": "classic", **style}, upside_down_pages=0)


# --- fonts ------------------------------------------------------------------------------------------------

def _typed(text: str, typewriter: bool) -> np.ndarray:
    pen = Pen(60, 20, 300, BookStyle("DejaVu Sans", "DejaVu Sans", False, 1.0, typewriter=typewriter),
              random.Random(0))
    pen.value(5, 12, text, pen.font(12, "value"))
    return 255 - np.asarray(pen.image.convert("L"), dtype=np.int16)


def test_typewriter_strikes_the_tone_mark_apart_from_its_letter():
    """The mark of "ễ" lands right of the "ê" it belongs to, where the next letter goes: OCR reads "êñ"."""
    pen = Pen(60, 20, 300, BookStyle("DejaVu Sans", "DejaVu Sans", False, 1.0, typewriter=True), random.Random(0))
    font = pen.font(12, "value")
    mark = mark_pixels(font, "ễ")
    assert mark is not None and mark.any() and mark_pixels(font, "ê") is None
    assert split_tone("ễ") == ("ê", "\u0303")
    advance = font.getlength("M")
    struck, base = _typed("ễ", True), _typed("ê", True)
    extra = np.clip(struck - base, 0, 255)
    columns = np.nonzero(extra.sum(axis=0) > 0)[0]
    letter = np.nonzero(base.sum(axis=0) > 0)[0]
    assert columns.mean() > letter.mean() + advance * 0.3, "the mark is offset to the right"
    rows = np.nonzero(extra.sum(axis=1) > 0)[0]
    assert rows.max() < np.nonzero(base.sum(axis=1) > 0)[0].mean(), "the mark stays above the letter's body"


def test_typewriter_book_types_its_values_in_a_monospace_face(tmp_path):
    files = make(tmp_path, "table", {"values": "typewriter"})
    assert files.book["style"]["values"] == "typewriter"
    assert files.book["style"]["value_font"] == "DejaVu Sans Mono" and files.book["fonts"]["values_typewriter"]
    classic = make(tmp_path, "table", {}, name="classic")
    assert classic.book["style"]["values"] in ("typed", "handwritten")
    assert classic.scans[0].read_bytes() != files.scans[0].read_bytes()


# --- tone placement ---------------------------------------------------------------------------------------

def placements(texts) -> set[str]:
    """Which placements the texts use, counting only those whose two spellings differ."""
    found = set()
    for text in texts:
        old, new = with_tone_placement(text, "old"), with_tone_placement(text, "new")
        if old != new:
            found.add("old" if text == old else "new" if text == new else "other")
    return found


def texts(rows) -> list[str]:
    return [row[f] for row in rows for f in TEXT_FIELDS if isinstance(row.get(f), str)]


@pytest.mark.parametrize("placement", ("old", "new", "mixed"))
def test_tone_placement_of_the_book_and_of_the_registry(placement, tmp_path):
    files = make(tmp_path, "form", {"tone_placement": placement}, pages=8, seed=61)
    truth, registry = read_jsonl(files.truth), read_jsonl(files.registry)
    expected = {"old": {"old"}, "new": {"new"}, "mixed": {"old", "new"}}[placement]
    assert placements(texts(truth)) == expected
    assert placements(texts(registry)) <= {"old"}, "the registry keeps its own spelling"
    # The printed text is the truth's text.
    assert all(t["printed"][f] == t[f] for t in truth for f in TEXT_FIELDS if t.get(f))
    # Book and registry differ only in placement where no discrepancy was planted.
    by_no = {r["entry_no"]: r for r in registry}
    planted = {d["entry_no"] for d in read_jsonl(files.discrepancies)}
    literal_differences = 0
    for t in truth:
        if t["entry_no"] in planted:
            continue
        record = by_no[t["entry_no"]]
        for f in TEXT_FIELDS:
            if f != "date_of_birth_words" and t[f]:
                assert canonical(t[f]) == canonical(record[f])
                literal_differences += t[f] != record[f]
    assert (literal_differences > 0) == (placement != "old")


def test_planted_tone_mark_differences_are_real_marks(tmp_path):
    seen = 0
    for seed in range(62, 66):
        files = make(tmp_path, "table", {"tone_placement": "new"}, pages=6, seed=seed, name=str(seed))
        for d in read_jsonl(files.discrepancies):
            if d.get("variant") == "tone_mark":
                seen += 1
                assert canonical(d["registry_value"]) != canonical(d["book_value"])
                assert with_tone_placement(d["registry_value"], "old") == d["registry_value"]
    assert seen


# --- dates, numbers, volume -------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", DATE_FORMATS)
def test_date_formats(fmt):
    sep = next(c for c in fmt if c in "/.-")
    parts = {"dd": r"\d\d", "mm": r"\d\d", "d": r"[1-9]\d?", "m": r"[1-9]\d?", "yyyy": r"\d{4}"}
    pattern = re.escape(sep).join(parts[p] for p in fmt.split(sep))
    for d in (date(2003, 2, 9), date(2011, 12, 25)):
        text = format_date(d.isoformat(), fmt)
        assert re.fullmatch(pattern, text)
        day, month, year = map(int, re.split(r"[./-]", text))
        assert date(year, month, day) == d
    assert format_date("2003-02-09", "d/m/yyyy") == "9/2/2003"
    assert format_date("2003-02-09", "dd/m/yyyy") == "09/2/2003"


@pytest.mark.parametrize("layout", ("table", "form"))
def test_book_prints_its_date_style_and_the_truth_keeps_iso_values(layout, tmp_path):
    files = make(tmp_path, layout, {"date_format": "d.m.yyyy", "entry_no_digits": 3})
    for t in read_jsonl(files.truth):
        for f in DATE_FIELDS:
            assert t["printed"][f] == format_date(t[f], "d.m.yyyy")
            assert date.fromisoformat(t[f])
        assert t["printed"]["entry_no"] == f"{t['entry_no']:03d}" and isinstance(t["entry_no"], int)
        assert t["volume"] == "01"
    assert files.book["volume"] == "01"
    assert all(r["volume"] == "01" for r in read_jsonl(files.registry))


def test_dates_in_words_take_every_valid_verbalization(tmp_path):
    files = make(tmp_path, "form", {"date_words": "varied"}, pages=10)
    truth = read_jsonl(files.truth)
    for t in truth:
        born = date.fromisoformat(t["date_of_birth"])
        assert t["date_of_birth_words"] in date_verbalizations(born)
        assert words_to_date(t["date_of_birth_words"]) == born
    assert any(t["date_of_birth_words"] != date_to_words(date.fromisoformat(t["date_of_birth"])) for t in truth)
    standard = make(tmp_path, "form", {"date_words": "standard"}, name="standard")
    assert all(t["date_of_birth_words"] == date_to_words(date.fromisoformat(t["date_of_birth"]))
               for t in read_jsonl(standard.truth))


def test_every_printed_string_is_nfc(tmp_path):
    files = make(tmp_path, "form", {"tone_placement": "mixed", "date_words": "varied"}, pages=3)
    for t in read_jsonl(files.truth):
        assert all(unicodedata.is_normalized("NFC", v) for v in t["printed"].values())


def test_ethnic_names_as_books_write_them_and_officially_in_the_registry(tmp_path):
    """A book may write "Mông" or "Ê đê"; the registry holds the official "Hmông", "Ê-đê"."""
    from synth.printing import ETHNICITY_FIELDS, ethnic_variants

    official = set(ethnic_variants())
    files = generate_book(tmp_path, layout="form", pages=4, seed=67, quality="clean", dpi=80, image_format="png",
                          style={"preset": "classic", "ethnic_names": "variants"}, upside_down_pages=0,
                          authority="UBND xã Lũng Cú, huyện Đồng Văn, tỉnh Hà Giang")  # mostly Hmông
    truth, registry = read_jsonl(files.truth), read_jsonl(files.registry)
    printed = [t[f] for t in truth for f in ETHNICITY_FIELDS]
    assert "Mông" in printed
    assert all(p in official or any(p in others for others in ethnic_variants().values()) for p in printed)
    assert all(r[f] in official for r in registry for f in ETHNICITY_FIELDS)
    by_no = {r["entry_no"]: r for r in registry}
    assert any(by_no[t["entry_no"]]["mother_ethnicity"] == "Hmông" and t["mother_ethnicity"] == "Mông"
               for t in truth if t["entry_no"] in by_no)


def test_fonts_can_be_forced(tmp_path):
    files = make(tmp_path, "form", {"printed_font": "DejaVu Serif", "value_font": "Noto Sans", "values": "typed"})
    style = files.book["style"]
    assert (style["printed_font"], style["value_font"], style["values"]) == ("DejaVu Serif", "Noto Sans", "typed")
    assert files.book["fonts"]["values_handwritten"] is False
    with pytest.raises(ValueError, match="printed_font"):
        make(tmp_path, "form", {"printed_font": "Comic Sans"}, name="bad")


def test_tesseract_misreads_typewritten_marks_as_in_real_typed_books(tmp_path):
    """One typed line, read by plain tesseract: set normally it reads back exactly; typewritten, the offset
    marks come back wrong (as on real books: "Nguyêñ", "Lôc"), while the letters themselves are kept."""
    import subprocess

    text = "Nguyễn Văn Trần Thị Hằng Lộc"

    def read(typewriter: bool) -> str:
        pen = Pen(150, 15, 300, BookStyle("DejaVu Sans", "DejaVu Sans", False, 1.0, typewriter=typewriter),
                  random.Random(0))
        pen.value(5, 10, text, pen.font(12, "value"))
        path = tmp_path / f"line-{typewriter}.png"
        pen.image.save(path)
        return subprocess.run(["tesseract", str(path), "-", "-l", "vie", "--psm", "7"], capture_output=True,
                              text=True, check=True).stdout.strip()

    def letters(s: str) -> str:
        return "".join(c for c in unicodedata.normalize("NFD", s) if c.isalpha() and not unicodedata.combining(c))

    assert read(False) == text
    typed = read(True)
    assert typed != text
    assert letters(typed).startswith(letters("Nguyen Van Tran"))
