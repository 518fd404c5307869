"""Synthetic books: reproducible, well-formed truth, a registry that differs only where discrepancies say,
and scans that real tools (poppler, tesseract) read at the intended resolution and orientation."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import unicodedata
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from synth import BookFiles, generate_book
from synth.page_header import page_mm
from synth.printing import TEXT_FIELDS, date_words_variants, ethnic_variants
from validation.orthography import canonical
from validation.schema import BIRTH_FIELDS

DATA = Path(__file__).resolve().parents[2] / "validation" / "data"
LAYOUTS = ("table", "form")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def province_prefix(authority: str) -> str:
    rows = list(csv.DictReader((DATA / "provinces_2025.csv").open(encoding="utf-8")))
    named = [r for r in rows if re.search(rf"(tỉnh|thành phố) {re.escape(r['old_name'])}$", authority)]
    assert len(named) == 1, "the authority names exactly one old province"
    return named[0]["id_prefix"]


@pytest.fixture(scope="module")
def ten_page_books(tmp_path_factory) -> dict[str, BookFiles]:
    """A 10-page book of each layout, clean and at low resolution so it renders fast."""
    return {layout: generate_book(tmp_path_factory.mktemp(layout), layout=layout, pages=10, seed=7,
                                  degradation="clean", dpi=150)
            for layout in LAYOUTS}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_same_seed_gives_same_files(layout, tmp_path):
    def make(folder: str, seed: int) -> BookFiles:
        return generate_book(tmp_path / folder, layout=layout, pages=2, seed=seed, degradation="light",
                             dpi=150, upside_down_pages=0)

    first, again, other = make("a", 3), make("b", 3), make("c", 4)
    for name in ("truth.jsonl", "registry.jsonl", "discrepancies.jsonl", "book.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert first.scans[0].read_bytes() == again.scans[0].read_bytes()
    assert first.truth.read_bytes() != other.truth.read_bytes()
    assert first.scans[0].read_bytes() != other.scans[0].read_bytes()


@pytest.mark.parametrize("layout", LAYOUTS)
def test_truth_fields_are_well_formed(layout, ten_page_books):
    book = ten_page_books[layout]
    truth = read_jsonl(book.truth)
    prefix = province_prefix(book.book["authority"])
    shown = book.book["style"]["columns"] if layout == "table" else BIRTH_FIELDS
    assert [t["entry_no"] for t in truth] == list(range(1, len(truth) + 1))
    registered = [date.fromisoformat(t["registration_date"]) for t in truth]
    assert registered == sorted(registered)
    assert {d.year for d in registered} == {book.book["year"]}
    for t in truth:
        assert {k: t[k] for k in ("authority", "book_type", "year", "volume")} == {
            k: book.book[k] for k in ("authority", "book_type", "year", "volume")}
        assert set(BIRTH_FIELDS) <= set(t)
        born = date.fromisoformat(t["date_of_birth"])
        assert born <= date.fromisoformat(t["registration_date"])
        assert t["sex"] in ("Nam", "Nữ", None) and t["nationality"] in ("Việt Nam", None)
        # Personal ID: province prefix, century/sex digit, 2-digit birth year, 6 digits.
        pid = t["personal_id"]
        if pid is not None:
            assert re.fullmatch(r"\d{12}", pid)
            assert pid[:3] == prefix
            if t["sex"]:
                assert int(pid[3]) == {19: 0, 20: 2}[born.year // 100] + (t["sex"] == "Nữ")
            assert pid[4:6] == f"{born.year % 100:02d}"
        # A field is filled exactly when the page shows it, and "printed" holds what the page shows.
        assert all(t[k] is None for k in BIRTH_FIELDS if k not in shown)
        assert all(t[k] is not None for k in shown if k != "notes")
        assert set(t["printed"]) <= set(shown)
        assert {k for k in shown if t[k] is not None} == set(t["printed"])
        if layout == "form":
            assert t["date_of_birth_words"] in date_words_variants(born)
            assert born.year - 45 <= t["mother_birth_year"] <= born.year - 18
            assert born.year - 45 <= t["father_birth_year"] <= born.year - 18
        assert t["notes"] is None or t["notes"].strip()
    ethnic_names = {row["name"] for row in csv.DictReader((DATA / "ethnic_groups.csv").open(encoding="utf-8"))}
    written = {other for others in ethnic_variants().values() for other in others}
    assert {t["ethnicity"] for t in truth} - {None} <= ethnic_names | written


def test_names_are_varied_across_books(tmp_path):
    """Across several small books there are many surnames, rarer ones and minority naming patterns."""
    surnames, ethnicities = Counter(), Counter()
    for seed in range(8):
        book = generate_book(tmp_path / str(seed), layout="table", pages=1, seed=seed, degradation="clean", dpi=100)
        for t in read_jsonl(book.truth):
            surnames[t["full_name"].split()[0]] += 1
            if t["ethnicity"]:  # some books have no Dân tộc column
                ethnicities[t["ethnicity"]] += 1
    assert len(surnames) >= 12
    assert ethnicities["Kinh"] > len(list(ethnicities.elements())) / 2
    assert len(ethnicities) >= 3


def all_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from all_strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from all_strings(v)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_string_is_nfc(layout, ten_page_books):
    book = ten_page_books[layout]
    rows = read_jsonl(book.truth) + read_jsonl(book.registry) + read_jsonl(book.discrepancies) + [book.book]
    strings = [s for row in rows for s in all_strings(row)]
    assert strings
    assert all(unicodedata.is_normalized("NFC", s) for s in strings)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_discrepancy_type_is_planted(layout, ten_page_books):
    planted = read_jsonl(ten_page_books[layout].discrepancies)
    assert {d["type"] for d in planted} == {"missing", "field_differs", "duplicate", "registry_only"}
    truth = read_jsonl(ten_page_books[layout].truth)
    if layout == "table":  # ~100 entries: every way a field can differ that the book has a column for occurs
        columns = ten_page_books[layout].book["style"]["columns"]
        assert {d["variant"] for d in planted if d["type"] == "field_differs"} == {
            "tone_mark", "different_name", "day_month_swap", "place"} | {v for v in ("sex", "ethnicity")
                                                                        if v in columns}
    book_nos = [d["entry_no"] for d in planted if d["type"] != "registry_only"]
    assert len(book_nos) == len(set(book_nos)), "one discrepancy per book entry"
    assert len(planted) <= max(4, 0.2 * len(truth))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_registry_equals_truth_once_discrepancies_are_undone(layout, ten_page_books):
    book = ten_page_books[layout]
    truth = {t["entry_no"]: t for t in read_jsonl(book.truth)}
    registry = read_jsonl(book.registry)
    assert all(r["date_of_birth_words"] is None and r["registry_id"] for r in registry)
    assert len({r["registry_id"] for r in registry}) == len(registry)
    by_id = {r["registry_id"]: r for r in registry}

    for d in read_jsonl(book.discrepancies):
        if d["type"] == "registry_only":
            record = by_id.pop(d["registry_id"])
            assert record["entry_no"] == d["entry_no"] and d["entry_no"] not in truth
            assert {k: record[k] for k in ("authority", "year", "volume")} == {
                k: book.book[k] for k in ("authority", "year", "volume")}
        elif d["type"] == "duplicate":
            twin = by_id.pop(d["registry_id"])
            assert twin["entry_no"] == d["entry_no"]
        elif d["type"] == "missing":
            assert d["entry_no"] in truth
            assert all(r["entry_no"] != d["entry_no"] for r in registry)
            del truth[d["entry_no"]]
        else:
            record = by_id[d["registry_id"]]
            assert record[d["field"]] == d["registry_value"] != d["book_value"] == truth[d["entry_no"]][d["field"]]
            if d["field"] in TEXT_FIELDS:  # a real difference, never one of tone placement only
                assert canonical(d["registry_value"]) != canonical(d["book_value"])
            if d["variant"] == "day_month_swap":
                book_day = date.fromisoformat(d["book_value"])
                assert date.fromisoformat(d["registry_value"]) == date(book_day.year, book_day.day, book_day.month)
            if d["variant"] in ("sex", "ethnicity"):
                assert d["field"] == d["variant"]
            record[d["field"]] = d["book_value"]

    official = {other: name for name, others in ethnic_variants().items() for other in others}
    undone = {r["entry_no"]: r for r in by_id.values()}
    assert len(undone) == len(by_id), "no entry left twice"
    expected = {no: {**t, "date_of_birth_words": None} for no, t in truth.items()}
    for no, t in expected.items():
        t.pop("page")
        t.pop("printed")
        record = {k: v for k, v in undone[no].items() if k != "registry_id"}
        # The registry keeps its own spelling: the same text up to tone placement and official ethnic names.
        fold = lambda row: {k: canonical(official.get(v, v)) if k in TEXT_FIELDS and v else v  # noqa: E731
                            for k, v in row.items()}
        assert fold(record) == fold(t)
        assert all(with_old(v) == v for k, v in record.items() if k in TEXT_FIELDS and v)


def with_old(text: str) -> str:
    from validation.orthography import with_tone_placement

    return with_tone_placement(text, "old")


def test_tone_mark_variant_changes_only_one_mark():
    import random

    from synth.people import tone_mark_variant

    rng = random.Random(0)
    for name in ("Nguyễn Thị Thanh Hằng", "Huỳnh Văn Ưng", "Giàng A Páo", "Lê Minh"):
        variant = tone_mark_variant(name, rng)
        assert variant is not None and variant != name
        assert unicodedata.is_normalized("NFC", variant)
        strip = lambda s: "".join(c for c in unicodedata.normalize("NFD", s) if not unicodedata.combining(c))
        assert strip(variant) == strip(name)
        assert sum(a != b for a, b in zip(variant.split(), name.split())) == 1


@pytest.mark.parametrize("layout", LAYOUTS)
def test_pdf_pages_are_jpeg_images_at_the_book_dpi(layout, ten_page_books):
    book = ten_page_books[layout]
    assert book.scans == [book.truth.parent / "scans" / "book.pdf"]
    listing = subprocess.run(["pdfimages", "-list", str(book.scans[0])], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    rows = [line.split() for line in listing]
    assert [int(r[0]) for r in rows] == list(range(1, 11)), "one image per page, 10 pages"
    for r in rows:
        assert r[8] == "jpeg"
        assert int(r[12]) == int(r[13]) == book.book["dpi"] == 150
    truth = read_jsonl(book.truth)
    per_page = Counter(t["page"] for t in truth)
    assert sorted(per_page) == list(range(1, 11))
    assert max(per_page.values()) == (10 if layout == "table" else 2)


def test_image_files_carry_their_dpi(tmp_path):
    book = generate_book(tmp_path, layout="form", pages=2, seed=1, degradation="degraded", image_format="png",
                         dpi=200, upside_down_pages=0)
    assert [p.name for p in book.scans] == ["page-001.png", "page-002.png"]
    with Image.open(book.scans[0]) as image:
        assert round(image.info["dpi"][0]) == 200
        width, height = page_mm(book.book["style"])
        assert image.size == (round(width / 25.4 * 200), round(height / 25.4 * 200))


def test_default_light_book_has_one_upside_down_page_that_tesseract_detects(tmp_path):
    book = generate_book(tmp_path, layout="table", pages=8, seed=5, degradation="light", image_format="png",
                         dpi=200)
    flipped = book.book["upside_down_pages"]
    assert len(flipped) == 1
    upright = 1 if flipped[0] != 1 else 2

    def rotation(page: int) -> int:
        out = subprocess.run(["tesseract", str(book.scans[page - 1]), "-", "--psm", "0"],
                             capture_output=True, text=True).stdout
        return int(re.search(r"Rotate: (\d+)", out).group(1))

    assert rotation(flipped[0]) == 180
    assert rotation(upright) == 0


@pytest.mark.parametrize(("layout", "style", "seed"), [("table", "classic", 2), ("form", "classic", 2),
                                                    ("table", {"values": "typed"}, 12),
                                                    # IDs in boxes and dotted leaders defeat plain
                                                    # tesseract by design: the readers' job, not this test's
                                                    ("form", {"values": "handwritten", "id_boxes": False,
                                                              "leaders": False}, 13)])
def test_clean_page_is_readable_by_tesseract(layout, style, seed, tmp_path):
    """Plain tesseract finds (nearly) every name, date and personal ID of a clean page, in the classic style
    and in a drawn one: nothing is clipped, overlapped or drawn with missing glyphs."""
    from rapidfuzz import fuzz

    book = generate_book(tmp_path, layout=layout, pages=2, seed=seed, degradation="clean", image_format="png",
                         style=style, dpi=None if style == "classic" else 200)
    text = subprocess.run(["tesseract", str(book.scans[0]), "-", "-l", "vie", "--psm", "11"],
                          capture_output=True, text=True, check=True).stdout
    tokens = set(text.split())
    joined = " ".join(text.split())
    on_page = [t for t in read_jsonl(book.truth) if t["page"] == 1]
    # Names are checked word by word (they wrap in table cells); IDs and dates whole, as printed, allowing one
    # misread digit.
    words = [w for t in on_page for name in (t["full_name"], t["mother_name"]) for w in name.split()]
    numbers = [t["printed"][n] for t in on_page for n in ("personal_id", "date_of_birth") if n in t["printed"]]
    found = sum(w in tokens for w in words) + sum(fuzz.partial_ratio(n, joined) >= 90 for n in numbers)
    total = len(words) + len(numbers)
    assert found >= 0.85 * total, f"tesseract found {found} of {total} values"
    assert "KHAI SINH" in text


def test_rejects_unknown_layout(tmp_path):
    with pytest.raises(ValueError, match="layout"):
        generate_book(tmp_path, layout="columns", pages=1)  # type: ignore[arg-type]
