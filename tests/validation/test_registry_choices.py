"""Name words read as no name's word, settled by the entry's own registry record
(validation.registry_choices), checked through the page check the flow runs."""

from __future__ import annotations

from validation.entry_check import check_page
from validation.schema import BookKeys, EntryStatus, ExportedEntry, FlagCode

from .pages import page_of

BOOK = BookKeys(authority="UBND xã Phù Linh, huyện Sóc Sơn, thành phố Hà Nội", year=2015, volume="01")


def checked(field: str, read: str, registry: str, child: str = "Nông Văn An") -> ExportedEntry:
    """One entry read with ``field`` as ``read`` against a record that spells it ``registry``. The book has
    no ethnic-group column and Nông is no common Kinh surname: the usual-name guess leaves the names as read."""
    reading = {"entry_no": "1", "full_name": child, "date_of_birth": "01/01/2015", field: read}
    record = {"entry_no": 1, "full_name": child, "date_of_birth": "2015-01-01", field: registry}
    return check_page(BOOK, page_of([reading], confidence=0.9), 1, "p1", "scan.pdf", [record], 0.8)[0]


def mismatched(entry: ExportedEntry, field: str) -> bool:
    return (FlagCode.FIELD_MISMATCH, field) in {(f.code, f.field) for f in entry.flags}


def test_a_one_read_for_an_i_takes_the_tone_the_entrys_registry_record_gives_it():
    """"Th1" for Thị: the dot below joined the stem into a 1. The i may carry any tone; the record's "Thị",
    a common name word, is one of them and confirms it. A record that differs in another letter, or spells a
    word no name uses, confirms nothing."""
    confirmed = checked("mother_name", "Hoàng Th1 Dịu", "Hoàng Thị Dịu")
    assert confirmed.fields["mother_name"] == "Hoàng Thị Dịu" and confirmed.status == EntryStatus.VERIFIED
    assert confirmed.raw["mother_name"] == "Hoàng Th1 Dịu"
    for other in ("Hoàng Thị Diệu", "Hoàng Thỉ Dịu"):
        entry = checked("mother_name", "Hoàng Th1 Dịu", other)
        assert entry.fields["mother_name"] == "Hoàng Thi Dịu" and entry.status == EntryStatus.FLAGGED, other
        assert mismatched(entry, "mother_name")


def test_a_name_word_no_one_uses_takes_the_lookalike_letter_the_entrys_registry_record_gives_it():
    """"Tục" for Lục, a hand's L read as T: a surname no listed name has, one look-alike letter from the
    record's, which some name has. A reading some name uses, or a record's word no name uses, stays."""
    taken = checked("father_name", "Tục Đức Lịch", "Lục Đức Lịch")
    assert taken.fields["father_name"] == "Lục Đức Lịch" and taken.status == EntryStatus.VERIFIED
    assert taken.repairs["father_name"] == "lookalike_letter" and taken.raw["father_name"] == "Tục Đức Lịch"
    for read, registry_name in (("Lê Văn Tuân", "Lê Văn Luân"),  # Tuân is a name: the book's
                                ("Lê Văn Slao", "Lê Văn Stao")):  # no one is named Stao: the record's typo
        entry = checked("father_name", read, registry_name)
        assert entry.fields["father_name"] == read and entry.status == EntryStatus.FLAGGED, read
        assert mismatched(entry, "father_name")


def test_a_surname_no_one_has_takes_the_marks_of_the_common_surname_the_entrys_record_spells():
    """"Đỉnh" for Đinh, a hand's dotted i read with a hook, where the usual-name guess does not reach. The
    record's Đinh, a common surname of the same letters, is kept; the book's own tone placement elsewhere
    stays."""
    taken = checked("mother_name", "Đỉnh Thị Thuỳ", "Đinh Thị Thùy")
    assert taken.fields["mother_name"] == "Đinh Thị Thuỳ" and taken.status == EntryStatus.VERIFIED
    assert taken.repairs["mother_name"] == "usual_name"
    assert checked("mother_name", "Đỉnh Thị Thuỳ", "Đình Thị Thùy").status == EntryStatus.FLAGGED, (
        "Đình is rare as a surname")
    assert checked("mother_name", "Đinh Thị Thuỳ", "Định Thị Thùy").fields["mother_name"] == "Đinh Thị Thuỳ", (
        "the book's Đinh, read as such")


def test_two_misread_words_of_one_name_are_settled_by_the_record_each_by_its_own_misreading():
    """"Đam Th1 Hoa" for Đàm Thị Hoa: a surname no one has with a mark lost, and a 1 for the ị. Each word is
    a misreading the record settles; a word read as a name someone has leaves the name for review."""
    settled = checked("mother_name", "Đam Th1 Hoa", "Đàm Thị Hoa")
    assert settled.fields["mother_name"] == "Đàm Thị Hoa" and settled.status == EntryStatus.VERIFIED
    assert checked("mother_name", "Đam Th1 Hoà", "Đàm Thị Hòa").fields["mother_name"] == "Đàm Thị Hoà", (
        "the book's placement")
    assert checked("mother_name", "Đam Th1 Hoa", "Đàm Thị Hoà").status == EntryStatus.FLAGGED, (
        "Hoa, read as such, is a name")
    assert checked("mother_name", "Đam Thi Hoa", "Đàm Thị Hoa").status == EntryStatus.FLAGGED, (
        "Thi, read as such, is a name")


def test_a_mark_lost_on_an_open_vowel_pair_does_not_take_the_records_placement():
    """"Thuy", its mark lost: the record's "Thùy" has the letters and a mark, but the book may print Thuỳ;
    where the mark stood only the page can say, so the name stays for review."""
    entry = checked("mother_name", "Trần Thuy Mai", "Trần Thùy Mai")
    assert entry.status == EntryStatus.FLAGGED and entry.fields["mother_name"] != "Trần Thùy Mai"


def test_the_listed_kinh_names_say_nothing_of_a_name_the_book_gives_another_group():
    """A Hmông child "Ly Thị Pà" against a record "Lý Thị Pà": no listed name has the surname Ly, but the
    listed names are Kinh names, and Ly is the book's own. The record's marks are not taken: the two differ,
    for review. "Đỉnh", which no listed name uses anywhere, takes the record's Đinh in a Kinh or a Mường
    name; a 1 for an i is a misreading in any name."""

    def entry(read: str, registry: str, group: str, field: str = "full_name") -> ExportedEntry:
        reading = {"entry_no": "1", "full_name": read if field == "full_name" else "Lý Văn An",
                   "date_of_birth": "01/01/2015", "ethnicity": group, field: read}
        record = {"entry_no": 1, "full_name": registry if field == "full_name" else "Lý Văn An",
                  "date_of_birth": "2015-01-01", "ethnicity": group, field: registry}
        return check_page(BOOK, page_of([reading], confidence=0.9), 1, "p1", "scan.pdf", [record], 0.8)[0]

    hmong = entry("Ly Thị Pà", "Lý Thị Pà", "Mông")
    assert hmong.fields["full_name"] == "Ly Thị Pà" and hmong.status == EntryStatus.FLAGGED
    assert mismatched(hmong, "full_name")
    assert entry("Đỉnh Văn An", "Đinh Văn An", "Kinh").fields["full_name"] == "Đinh Văn An"
    assert entry("Đỉnh Văn An", "Đinh Văn An", "Mường").fields["full_name"] == "Đinh Văn An", (
        "no listed name uses Đỉnh anywhere: a misreading in a Mường name too")
    assert entry("Ly Th1 Pà", "Ly Thị Pà", "Mông").fields["full_name"] == "Ly Thị Pà"


def test_a_letter_the_engine_weighed_is_taken_where_the_entrys_record_spells_it():
    """A hand's P read as Đ, the engine's second choice P ("Đâng" for a Thái child's Pâng), and its L read
    as a small t with l second ("tụa" for Lụa): the ink may say either, and the record says which. A change
    of tone mark alone (Ủ weighed against Ú) is the doubt a registry's typo would share, a letter the engine
    did not weigh is no reading of the ink, and a Kinh name someone is named is the book's own: all stay."""

    def entry(read: str, weighed: dict[str, tuple[str, ...]], registry: str, group: str = "Thái") -> ExportedEntry:
        reading = {"entry_no": "1", "full_name": read, "date_of_birth": "01/01/2015", "ethnicity": group}
        record = {"entry_no": 1, "full_name": registry, "date_of_birth": "2015-01-01", "ethnicity": group}
        page = page_of([reading], confidence=0.9)
        page.entries[0].fields["full_name"].choices = weighed
        return check_page(BOOK, page, 1, "p1", "scan.pdf", [record], 0.8)[0]

    taken = entry("Lò Văn Đâng", {"Đâng": ("P", "", "", "")}, "Lò Văn Pâng")
    assert taken.fields["full_name"] == "Lò Văn Pâng" and taken.status == EntryStatus.VERIFIED
    assert taken.repairs["full_name"] == "engine_choice" and taken.raw["full_name"] == "Lò Văn Đâng"
    assert entry("Bạch Thị tụa", {"tụa": ("l", "", "")}, "Bạch Thị Lụa", "Mường").fields["full_name"] == (
        "Bạch Thị Lụa")
    for read, weighed, registry_name, group in (
            ("Lò Văn Ủn", {"Ủn": ("Ú", "")}, "Lò Văn Ún", "Thái"),  # a tone mark only
            ("Lò Văn Đâng", {"Đâng": ("D", "", "", "")}, "Lò Văn Pâng", "Thái"),  # P not weighed
            ("Lò Văn Đâng", {}, "Lò Văn Pâng", "Thái"),  # nothing weighed
            ("Trần Văn Tùng", {"Tùng": ("H", "", "", "")}, "Trần Văn Hùng", "Kinh")):  # Tùng is a name
        kept = entry(read, weighed, registry_name, group)
        assert kept.fields["full_name"] == read and kept.status == EntryStatus.FLAGGED, read
        assert mismatched(kept, "full_name")


def test_a_place_word_read_with_a_letter_the_engine_weighed_takes_the_records_letter():
    """A hand's 1 with a flag read as T ("Xóm T1," for Xóm 11), the engine's second choice a 1: the record
    of the entry says 11. A letter the engine did not weigh there is no reading of the ink."""

    def entry(read: str, weighed: dict[str, tuple[str, ...]]) -> ExportedEntry:
        place = "Xóm 11, xã Diễn Kim, huyện Diễn Châu, tỉnh Nghệ An"
        reading = {"entry_no": "1", "full_name": "Lê Văn An", "date_of_birth": "01/01/2015",
                   "mother_residence": read}
        record = {"entry_no": 1, "full_name": "Lê Văn An", "date_of_birth": "2015-01-01", "mother_residence": place}
        page = page_of([reading], confidence=0.9)
        page.entries[0].fields["mother_residence"].choices = weighed
        return check_page(BOOK, page, 1, "p1", "scan.pdf", [record], 0.8)[0]

    read = "Xóm T1, xã Diễn Kim, huyện Diễn Châu, tỉnh Nghệ An"
    taken = entry(read, {"T1,": ("1†", "", "")})
    assert taken.fields["mother_residence"].startswith("Xóm 11, xã") and taken.status == EntryStatus.VERIFIED
    assert taken.repairs["mother_residence"] == "engine_choice" and taken.raw["mother_residence"] == read
    kept = entry(read, {"T1,": ("†", "", "")})
    assert kept.fields["mother_residence"] == read and mismatched(kept, "mother_residence")


def test_a_year_or_id_read_with_a_digit_the_engine_weighed_takes_the_records_digit():
    """A hand's 1 read as 7, the engine's second choice a 1: "1997" and 1991 are both years, and only the
    record tells them apart. A digit the engine did not weigh there is no reading of the ink."""

    def entry(field: str, read: str, weighed: dict[str, tuple[str, ...]], registry: object) -> ExportedEntry:
        reading = {"entry_no": "1", "full_name": "Lê Văn An", "date_of_birth": "01/01/2015", "sex": "Nam",
                   field: read}
        record = {"entry_no": 1, "full_name": "Lê Văn An", "date_of_birth": "2015-01-01", "sex": "Nam",
                  field: registry}
        page = page_of([reading], confidence=0.9)
        page.entries[0].fields[field].choices = weighed
        return check_page(BOOK, page, 1, "p1", "scan.pdf", [record], 0.8)[0]

    taken = entry("mother_birth_year", "1997", {"1997": ("", "", "", "1")}, 1991)
    assert taken.fields["mother_birth_year"] == "1991" and taken.status == EntryStatus.VERIFIED
    assert taken.repairs["mother_birth_year"] == "engine_choice" and taken.raw["mother_birth_year"] == "1997"
    taken = entry("personal_id", "001215000007", {"001215000007": ("",) * 11 + ("1",)}, "001215000001")
    assert taken.fields["personal_id"] == "001215000001" and taken.status == EntryStatus.VERIFIED
    kept = entry("mother_birth_year", "1997", {"1997": ("", "", "", "4")}, 1991)
    assert kept.fields["mother_birth_year"] == "1997" and mismatched(kept, "mother_birth_year")


def test_a_date_takes_the_records_one_weighed_digit_in_the_books_own_shape_but_never_its_swapped_day_and_month():
    def entry(read: str, weighed: dict[str, tuple[str, ...]], registry: str) -> ExportedEntry:
        reading = {"entry_no": "1", "full_name": "Lê Văn An", "date_of_birth": read}
        record = {"entry_no": 1, "full_name": "Lê Văn An", "date_of_birth": registry}
        page = page_of([reading], confidence=0.9)
        page.entries[0].fields["date_of_birth"].choices = weighed
        return check_page(BOOK, page, 1, "p1", "scan.pdf", [record], 0.8)[0]

    # "71.06.2014": 11 or 17 (a 7 for a 1, or a 1 for a 7 with it) are both days; the engine weighed 1 first.
    taken = entry("71.06.2014", {"71.06.2014": ("1",) + ("",) * 9}, "2014-06-11")
    assert taken.fields["date_of_birth"] == "11.06.2014" and taken.status == EntryStatus.VERIFIED
    assert entry("5/7/2014", {"5/7/2014": ("", "", "1", "", "", "", "", "")}, "2014-01-05").fields[
        "date_of_birth"] == "5/1/2014"
    # The record's day and month swapped: two digits apart, whatever the engine weighed.
    kept = entry("05.06.2014", {"05.06.2014": ("", "6", "", "", "5", "", "", "", "", "")}, "2014-05-06")
    assert kept.fields["date_of_birth"] == "05.06.2014" and mismatched(kept, "date_of_birth")
    kept = entry("05 06 2014", {"05": ("", "6"), "06": ("", "5")}, "2014-05-06")  # one digit in each of two words
    assert kept.fields["date_of_birth"] == "05 06 2014" and mismatched(kept, "date_of_birth")
