"""The record keeps the book's text letter for letter; the cross-check compares canonically (tone placement,
NFC/NFD and case aside), so only a real letter or mark difference is a discrepancy."""

from __future__ import annotations

import unicodedata

import pytest

from validation.corrections import propose_corrections
from validation.entry_check import check_entry
from validation.schema import BookKeys, EntrySource, EntryStatus, FlagCode

SOURCE = EntrySource(page=1, object_key="k")


def _entry(place: str, **more: str) -> dict[str, tuple[str, float]]:
    readings = {"entry_no": "5", "registration_date": "20/04/2022", "full_name": "Lê Văn An",
                "date_of_birth": "16/04/2022", "sex": "Nam", "place_of_birth": place, **more}
    return {name: (text, 0.95) for name, text in readings.items()}


def _row(place: str, **more: str) -> dict:
    return {"registry_id": "r1", "entry_no": 5, "registration_date": "2022-04-20", "full_name": "Lê Văn An",
            "date_of_birth": "2022-04-16", "sex": "Nam", "place_of_birth": place, **more}


@pytest.mark.parametrize("authority", ["UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa",
                                       "UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hoá"])
def test_a_book_printing_thanh_hoa_new_style_keeps_it_and_agrees_with_a_registry_in_old_style(authority):
    book = BookKeys(authority=authority, year=2022, volume=1)
    printed = "xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hoá"
    entry = check_entry(book, _entry(printed), SOURCE, [_row("xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa")], 0.8)
    assert entry.fields["place_of_birth"] == printed
    assert entry.raw["place_of_birth"] == printed
    assert "place_of_birth" not in entry.repairs
    assert entry.flags == []
    assert entry.status == EntryStatus.VERIFIED


def test_a_registry_saying_thanh_hoa_with_a_grave_is_a_field_mismatch():
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume=1)
    printed = "xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hoá"
    entry = check_entry(book, _entry(printed), SOURCE, [_row("xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hòa")], 0.8)
    assert entry.fields["place_of_birth"] == printed
    assert [(f.code, f.field) for f in entry.flags] == [(FlagCode.FIELD_MISMATCH, "place_of_birth")]


def test_nfd_and_case_are_no_discrepancy_and_the_book_text_keeps_its_case():
    book = BookKeys(authority="UBND xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An", year=2022, volume=1)
    raw = _entry("Trạm y tế xã Nghi Phong", full_name=unicodedata.normalize("NFD", "LÊ VĂN HOÀ"))
    entry = check_entry(book, raw, SOURCE, [_row("Trạm y tế xã Nghi Phong", full_name="Lê Văn Hòa")], 0.8)
    assert entry.fields["full_name"] == "LÊ VĂN HOÀ"
    assert entry.values["full_name"] == "Lê Văn Hoà"
    assert entry.status == EntryStatus.VERIFIED, [(f.code, f.field) for f in entry.flags]


def test_a_misread_mark_on_a_unit_name_is_a_repair_with_the_raw_reading_kept():
    book = BookKeys(authority="UBND xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An", year=2022, volume=1)
    read = "xã Nghi Phong, huyện Nghỉ Lộc, tỉnh Nghệ An"
    entry = check_entry(book, _entry(read), SOURCE, [_row("xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An")], 0.8)
    assert entry.fields["place_of_birth"] == "xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An"
    assert entry.raw["place_of_birth"] == read
    assert entry.repairs == {"place_of_birth": "unit_name"}
    assert entry.status == EntryStatus.VERIFIED


def test_a_snapped_unit_name_takes_the_placement_the_reading_used():
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume=1)
    entry = check_entry(book, _entry("xã Quảng Tân, tỉnh Thanh Hoả"), SOURCE, [], 0.8)
    assert entry.fields["place_of_birth"] == "xã Quảng Tân, tỉnh Thanh Hoá"
    assert entry.repairs["place_of_birth"] == "unit_name"


def test_structured_fields_keep_the_printed_text_beside_the_value():
    book = BookKeys(authority="UBND xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An", year=2022, volume=1)
    entry = check_entry(book, _entry("xã Nghi Phong", date_of_birth="16/4/2022"), SOURCE, [], 0.8)
    assert (entry.fields["date_of_birth"], entry.values["date_of_birth"]) == ("16/4/2022", "2022-04-16")
    assert (entry.fields["entry_no"], entry.values["entry_no"], entry.entry_no) == ("5", 5, 5)


def test_a_misread_closed_vocabulary_word_is_repaired_and_a_variant_spelling_is_kept():
    book = BookKeys(authority="UBND xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An", year=2022, volume=1)
    entry = check_entry(book, _entry("xã Nghi Phong", sex="Nũ", ethnicity="Ê Đê"), SOURCE, [], 0.8)
    assert (entry.fields["sex"], entry.values["sex"], entry.raw["sex"]) == ("Nữ", "Nữ", "Nũ")
    assert entry.repairs["sex"] == "vocabulary"
    assert (entry.fields["ethnicity"], entry.values["ethnicity"]) == ("Ê Đê", "Ê-đê")
    assert "ethnicity" not in entry.repairs


def test_corrections_propose_the_value_and_never_a_placement_only_change():
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume=1)
    rows = [_row("xã Quảng Tân, tỉnh Thanh Hòa", date_of_birth="2022-04-15", full_name="Lê Văn Hòa")]
    entry = check_entry(book, _entry("xã Quảng Tân, tỉnh Thanh Hoá", full_name="Lê Văn Hoà"), SOURCE, rows, 0.8)
    proposals = propose_corrections(entry, {}, rows)
    assert {(p["field"], p["book_value"]) for p in proposals} == {
        ("place_of_birth", "xã Quảng Tân, tỉnh Thanh Hoá"), ("date_of_birth", "2022-04-16")}


@pytest.mark.parametrize(("read", "printed"), [("Ê Đế", "Ê Đê"), ("Ê-đế", "Ê-đê"), ("KINB", "KINH"), ("Kinb", "Kinh")])
def test_a_misread_ethnic_group_keeps_the_books_variant_and_case(read, printed):
    from validation.repair import book_text

    value = check_entry(BookKeys(authority="UBND xã Nghi Phong", year=2022, volume=1),
                        _entry("xã Nghi Phong", ethnicity=read), SOURCE, [], 0.8)
    assert value.fields["ethnicity"] == printed
    assert value.repairs["ethnicity"] == "vocabulary"
    assert book_text("ethnicity", read, value.values["ethnicity"]) == (printed, "vocabulary")


def test_a_text_the_registry_spells_but_for_one_letter_s_case_goes_to_review_not_to_the_record_unseen():
    book = BookKeys(authority="UBND xã Nghi Phong, huyện Nghi Lộc, tỉnh Nghệ An", year=2022, volume=1)
    place = "Trung tâm Y tế huyện Nghi Lộc, tỉnh Nghệ An"
    read = check_entry(book, _entry(place.replace("Y tế", "y tế")), SOURCE, [_row(place)], 0.8)
    assert read.fields["place_of_birth"] == "Trung tâm y tế huyện Nghi Lộc, tỉnh Nghệ An", "the reading is kept"
    assert read.status == EntryStatus.FLAGGED
    assert not any(f.code == "field_mismatch" for f in read.flags), "case is no discrepancy"
    same = check_entry(book, _entry(place), SOURCE, [_row(place)], 0.8)
    assert same.status == EntryStatus.VERIFIED


def test_the_registry_confirms_a_hesitant_ethnic_group_but_not_which_of_its_spellings_the_book_has():
    """The registry holds the group; "Ê đê" read hesitantly may be the book's "Ê-đê" with its hyphen missed,
    so only a spelling that has no such twin (Kinh) is confirmed."""
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")

    def checked(read: str, registry: str):
        raw = {**_entry("Trạm y tế xã Quảng Tân"), "ethnicity": (read, 0.6)}
        row = {**_row("Trạm y tế xã Quảng Tân"), "ethnicity": registry}
        return check_entry(book, raw, SOURCE, [row], 0.8)

    twin = checked("Ê đê", "Ê-đê")
    assert twin.status == EntryStatus.FLAGGED and twin.fields["ethnicity"] == "Ê đê"
    assert (FlagCode.LOW_CONFIDENCE, "ethnicity") in {(f.code, f.field) for f in twin.flags}
    assert checked("Kinh", "Kinh").status == EntryStatus.VERIFIED


def test_a_hesitant_twin_spelling_is_confirmed_where_the_page_reads_that_spelling_surely_and_no_other():
    """One hand writes a group one way: on a page whose sure readings say "Hmông", a hesitant "Hmông" is that
    spelling, and the registry's group confirms it; a page that also reads "H'Mông" surely settles nothing."""
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")

    def checked(read: str, sure: frozenset[str]):
        raw = {**_entry("Trạm y tế xã Quảng Tân"), "ethnicity": (read, 0.6)}
        row = {**_row("Trạm y tế xã Quảng Tân"), "ethnicity": "Hmông"}
        return check_entry(book, raw, SOURCE, [row], 0.8, sure_spellings=sure)

    assert checked("Hmông", frozenset({"Hmông", "Kinh"})).status == EntryStatus.VERIFIED
    assert checked("Hmông", frozenset()).status == EntryStatus.FLAGGED
    assert checked("Hmông", frozenset({"Hmông", "H'Mông"})).status == EntryStatus.FLAGGED
    assert checked("Hmông", frozenset({"H'Mông"})).status == EntryStatus.FLAGGED


def test_a_hesitant_spaced_spelling_is_the_books_where_the_reader_saw_blank_paper_in_its_space():
    """A hesitant "Ê đê" may be "Ê-đê" with its hyphen lost, unless the reader saw the space blank: then it
    is the book's spelling, and the registry's group confirms it; a registry of another group still does
    not."""
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")

    def checked(read: str, group: str, blank: set[str]):
        raw = {**_entry("Trạm y tế xã Quảng Tân"), "ethnicity": (read, 0.6)}
        row = {**_row("Trạm y tế xã Quảng Tân"), "ethnicity": group}
        return check_entry(book, raw, SOURCE, [row], 0.8, spaces_blank=blank)

    assert checked("Ê đê", "Ê-đê", {"ethnicity"}).status == EntryStatus.VERIFIED
    assert checked("Ê đê", "Ê-đê", set()).status == EntryStatus.FLAGGED
    assert checked("Ê đê", "Ê-đê", {"mother_ethnicity"}).status == EntryStatus.FLAGGED
    assert checked("Ê đê", "Gia-rai", {"ethnicity"}).status == EntryStatus.FLAGGED


@pytest.mark.parametrize("read", ["Mông", "mông", "kinh"])
def test_a_hesitant_group_name_a_lost_letter_or_capital_may_have_made_is_not_confirmed_by_the_registry(read):
    """The registry's group says nothing of the book's letters: a hesitant "Mông" may be the book's "Hmông"
    with its H lost (both are listed spellings), and "mông" or "kinh" is no listed spelling in that case."""
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")
    group = "Kinh" if read == "kinh" else "Hmông"
    raw = {**_entry("Trạm y tế xã Quảng Tân"), "ethnicity": (read, 0.3)}
    row = {**_row("Trạm y tế xã Quảng Tân"), "ethnicity": group}
    checked = check_entry(book, raw, SOURCE, [row], 0.8, sure_spellings=frozenset({"Kinh"}))
    assert checked.status == EntryStatus.FLAGGED
    assert (FlagCode.LOW_CONFIDENCE, "ethnicity") in {(f.code, f.field) for f in checked.flags}


def test_a_spelling_a_book_reads_again_and_again_and_never_otherwise_is_the_books():
    """A hyphen read on every line is ink: hesitant "Khơ-me" readings, three in the book and no "Khơ me",
    are the book's spelling, which the registry's group then confirms, on the page that reads them or on
    the book's pages before. One "Khơ me" among them settles nothing."""
    from validation.entry_check import EarlierPages, check_page, earlier_pages

    from .pages import page_of

    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")
    people = ((1, "An"), (2, "Ba"), (3, "Cư"), (4, "Dũng"))
    rows = [{**_row("Trạm y tế xã Quảng Tân"), "entry_no": n, "full_name": f"Lê Văn {name}",
             "date_of_birth": f"2022-04-1{n}", "ethnicity": "Khơ-me"} for n, name in people]

    def page(groups, people=people, page_no=1, earlier=None):
        return check_page(book, page_of([
            {"entry_no": str(n), "registration_date": "20/04/2022", "full_name": f"Lê Văn {name}",
             "date_of_birth": f"1{n}/04/2022", "sex": "Nam", "place_of_birth": "Trạm y tế xã Quảng Tân",
             "ethnicity": group} for (n, name), group in zip(people, groups)],
            confidence=0.7), page_no, f"p{page_no}", "scan.pdf", rows, 0.8, earlier)

    assert [e.status for e in page(["Khơ-me"] * 3)] == [EntryStatus.VERIFIED] * 3
    assert [e.status for e in page(["Khơ-me", "Khơ-me"])] == [EntryStatus.FLAGGED] * 2, "twice is not enough"
    assert all(e.status == EntryStatus.FLAGGED for e in page(["Khơ-me", "Khơ-me", "Khơ-me", "Khơ me"])[:3])
    # Two pages of two entries: the second page's readings are the book's third and fourth.
    first = page(["Khơ-me", "Khơ-me"], people[:2])
    second = page(["Khơ-me", "Khơ-me"], people[2:], 2, earlier_pages(first, 2))
    assert [e.status for e in second] == [EntryStatus.VERIFIED] * 2
    otherwise = page(["Khơ me", "Khơ-me"], people[:2])
    assert [e.status for e in page(["Khơ-me", "Khơ-me"], people[2:], 2, earlier_pages(otherwise, 2))] == [
        EntryStatus.FLAGGED] * 2, "a page before read it the other way"
    assert [e.status for e in page(["Khơ-me"] * 3, people[1:], 2, earlier_pages(otherwise[:1], 2))] == [
        EntryStatus.VERIFIED] * 3, "three on this page: its hand's way, whatever another page's hand did"
    typewritten = page(["Khơ -me"] * 3)  # a typewriter's hyphen fills a letter's slot: blank beside it
    assert [(e.status, e.fields["ethnicity"]) for e in typewritten] == [(EntryStatus.VERIFIED, "Khơ-me")] * 3
    otherwise_before = EarlierPages(ethnic_spellings=("Khơ me",))
    assert [e.status for e in page(["Khơ-me"] * 3, people[1:], 2, otherwise_before)] == [EntryStatus.VERIFIED] * 3


def test_a_vocabulary_word_snapped_from_a_misreading_in_capitals_is_not_confirmed_in_capitals():
    """"NỈ" is a misread "Nữ" or "NỮ": its capitals are the misreading's, so the registry's "Nữ" does not
    confirm "NỮ"; a sure "NỮ", read as the vocabulary spells it, is the book's style."""
    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")
    row = {**_row("Trạm y tế xã Quảng Tân"), "sex": "Nữ"}

    def checked(read: str, confidence: float):
        return check_entry(book, {**_entry("Trạm y tế xã Quảng Tân"), "sex": (read, confidence)}, SOURCE, [row], 0.8)

    snapped = checked("NỈ", 0.3)
    assert snapped.fields["sex"] == "NỮ" and snapped.status == EntryStatus.FLAGGED
    assert checked("Nỉ", 0.3).status == EntryStatus.VERIFIED
    assert checked("NỮ", 0.95).status == EntryStatus.VERIFIED


def test_a_vocabulary_value_in_capitals_on_a_page_that_writes_it_in_small_letters_is_looked_at():
    """"NỮ" among "Nữ" and "Nam": the engine may have read the ữ the size of a capital, and the registry's
    "Nữ", folding case, agrees either way. On a page that writes the field in capitals throughout, or in
    small letters throughout, nothing is said."""
    from validation.entry_check import check_page

    from .pages import page_of

    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")
    people = ((1, "Lê Thị An", "Nữ"), (2, "Lê Văn Ba", "Nam"), (3, "Lê Thị Cúc", "Nữ"), (4, "Lê Văn Dũng", "Nam"))
    rows = [{**_row("Trạm y tế xã Quảng Tân"), "registry_id": f"r{n}", "entry_no": n, "full_name": name,
             "date_of_birth": f"2022-04-1{n}", "sex": sex} for n, name, sex in people]

    def page(sexes):
        return check_page(book, page_of([
            {"entry_no": str(n), "registration_date": "20/04/2022", "full_name": name,
             "date_of_birth": f"1{n}/04/2022", "sex": sex, "place_of_birth": "Trạm y tế xã Quảng Tân"}
            for (n, name, _), sex in zip(people, sexes)], confidence=0.95), 1, "p1", "scan.pdf", rows, 0.8)

    odd_one = page(["Nữ", "Nam", "NỮ", "Nam"])
    assert [e.status for e in odd_one] == [EntryStatus.VERIFIED] * 2 + [EntryStatus.FLAGGED, EntryStatus.VERIFIED]
    assert [(f.code, f.field) for f in odd_one[2].flags] == [(FlagCode.LOW_CONFIDENCE, "sex")]
    assert all(e.status == EntryStatus.VERIFIED for e in page(["NỮ", "NAM", "NỮ", "NAM"]))
    assert all(e.status == EntryStatus.VERIFIED for e in page(["Nữ", "Nam", "Nữ", "Nam"]))


def test_a_page_that_reads_a_group_both_ways_settles_neither_spelling():
    """Pixels of a heavy bench page: "Khơ me" read surely on one line, "Khơ-me" hesitantly on another, and
    a hesitant "Khơ me" where the book has "Khơ-me", its hyphen lost. The sure reading said nothing of that
    line's hyphen; taken for the page's spelling, it let the registry's group verify "Khơ me"."""
    from ocr.model import EntryReading, FieldReading, PageReading
    from validation.entry_check import check_page

    book = BookKeys(authority="UBND xã Quảng Tân, huyện Quảng Xương, tỉnh Thanh Hóa", year=2022, volume="01")
    people = ((1, "An"), (2, "Ba"), (3, "Cư"))
    rows = [{**_row("Trạm y tế xã Quảng Tân"), "registry_id": f"r{n}", "entry_no": n, "full_name": f"Lê Văn {name}",
             "date_of_birth": f"2022-04-1{n}", "ethnicity": "Khơ-me"} for n, name in people]

    def page(readings):
        entries = [EntryReading((0, 0, 1, 1), {
            **{name: FieldReading(text, 0.95, None, False) for name, text in {
                "entry_no": str(n), "registration_date": "20/04/2022", "full_name": f"Lê Văn {name}",
                "date_of_birth": f"1{n}/04/2022", "sex": "Nam", "place_of_birth": "Trạm y tế xã Quảng Tân"}.items()},
            "ethnicity": FieldReading(text, conf, None, False)}) for (n, name), (text, conf) in zip(people, readings)]
        return check_page(book, PageReading("table", entries, 0.0, False, "test"), 1, "p1", "scan.pdf", rows, 0.8)

    both_ways = page([("Khơ me", 0.6), ("Khơ me", 0.95), ("Khơ-me", 0.7)])
    assert both_ways[0].status == EntryStatus.FLAGGED and both_ways[2].status == EntryStatus.FLAGGED
    one_way = page([("Khơ me", 0.6), ("Khơ me", 0.95), ("Kinh", 0.95)])
    assert one_way[0].status == EntryStatus.VERIFIED, "read surely one way only: the page's spelling"
