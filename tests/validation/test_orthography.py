"""Tone-mark placement (hòa/hoà) and the canonical comparison form."""

from __future__ import annotations

import unicodedata
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from validation.date_words import date_to_words, date_verbalizations, words_to_date
from validation.orthography import canonical, with_tone, with_tone_placement

TONES = ["\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]
ONSETS = ["", "h", "kh", "th", "ng", "t", "l", "x", "ch", "tr", "s", "đ", "Th", "H", "KH"]
NUCLEI = ["oa", "oe", "uy"]
# Vietnamese letters and words for free text: every vowel with every tone, consonants, spaces, punctuation.
LETTERS = "abcdeghiklmnopqrstuvxyđăâêôơư" + "".join(
    with_tone(v, t) for v in "aăâeêioôơuưy" for t in TONES)
free_text = st.text(alphabet=LETTERS + LETTERS.upper() + " ,.-", max_size=40)


@st.composite
def open_syllables(draw):
    """An open oa/oe/uy syllable with its tone on either vowel: ("old" spelling, "new" spelling)."""
    onset, nucleus, tone = draw(st.sampled_from(ONSETS)), draw(st.sampled_from(NUCLEI)), draw(st.sampled_from(TONES))
    if nucleus == "uy" and onset.lower() in ("", "ng"):
        onset = "th"
    old = onset + with_tone(nucleus[0], tone) + nucleus[1]
    new = onset + nucleus[0] + with_tone(nucleus[1], tone)
    return old, new


@given(open_syllables())
def test_each_style_puts_the_mark_on_its_vowel_from_either_spelling(pair):
    old, new = pair
    for spelling in pair:
        assert with_tone_placement(spelling, "old") == old
        assert with_tone_placement(spelling, "new") == new


@given(free_text, st.sampled_from(["old", "new"]))
def test_placement_round_trips_and_keeps_everything_but_the_position(text, style):
    other = "new" if style == "old" else "old"
    placed = with_tone_placement(text, style)
    assert with_tone_placement(with_tone_placement(placed, other), style) == placed
    assert unicodedata.is_normalized("NFC", placed)
    assert len(placed) == len(unicodedata.normalize("NFC", text))
    assert canonical(placed) == canonical(text)


@given(open_syllables(), st.text(alphabet=" \t", min_size=1, max_size=3))
def test_canonical_is_the_same_for_either_placement_case_and_spacing(pair, space):
    old, new = pair
    assert canonical(f"tỉnh {old}") == canonical(f"TỈNH{space}{new.upper()} ")


@given(open_syllables(), st.sampled_from(TONES))
def test_canonical_differs_when_a_mark_really_differs(pair, other_tone):
    old, new = pair
    onset, marked, second = old[:-2], old[-2], old[-1]
    vowel, tone = unicodedata.normalize("NFD", marked)[0], unicodedata.normalize("NFD", marked)[1:]
    unmarked = onset + vowel + second
    assert canonical(unmarked) != canonical(old)
    if other_tone != tone:
        assert canonical(onset + with_tone(vowel, other_tone) + second) != canonical(new)


@given(free_text)
def test_nfd_input_compares_and_places_as_its_nfc(text):
    nfd = unicodedata.normalize("NFD", text)
    assert canonical(nfd) == canonical(text)
    assert with_tone_placement(nfd, "new") == with_tone_placement(text, "new")


def test_the_known_pairs():
    assert canonical("Thanh Hoá") == canonical("Thanh Hóa")
    assert canonical("Thanh Hoá") != canonical("Thanh Hòa")
    assert canonical("hòa") != canonical("hóa")
    assert with_tone_placement("Khánh Hoà, khoẻ, thuỵ", "old") == "Khánh Hòa, khỏe, thụy"
    assert with_tone_placement("Khánh Hòa, khỏe, thụy", "new") == "Khánh Hoà, khoẻ, thuỵ"


def test_closed_syllables_and_qu_gi_onsets_have_one_spelling():
    for word in ["quý", "Quỳnh", "quà", "già", "giữa", "giỏi", "hoàn", "khuyến", "hoạt", "toán", "thuyền",
                 "Gì", "quyết", "Quảng"]:
        assert with_tone_placement(word, "old") == word
        assert with_tone_placement(word, "new") == word


@given(st.sampled_from(["quý", "quỳ", "quỹ", "quỷ", "quỵ", "già", "giá", "giã", "giả", "giạ"]),
       st.sampled_from(["old", "new"]))
def test_qu_gi_syllables_are_never_moved(word, style):
    assert with_tone_placement(word, style) == word
    assert with_tone_placement(word.upper(), style) == word.upper()


dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(dates)
def test_every_verbalization_reads_back_to_its_date_and_the_default_is_first(day):
    variants = date_verbalizations(day)
    assert variants[0] == date_to_words(day)
    assert len(set(variants)) == len(variants)
    for text in variants:
        assert words_to_date(text) == day


def test_the_variants_named_in_the_grammar_are_there():
    variants = set(date_verbalizations(date(2004, 4, 5)))
    assert "Ngày mồng năm, tháng tư, năm hai nghìn không trăm linh tư" in variants
    assert "Ngày mùng năm, tháng bốn, năm hai ngàn không trăm lẻ bốn" in variants
    assert "Ngày năm, tháng tư, năm hai nghìn không trăm lẻ tư" in variants
    variants = set(date_verbalizations(date(1981, 11, 21)))
    assert "Ngày hai mươi mốt, tháng mười một, năm một nghìn chín trăm tám mươi một" in variants
    assert "Ngày hai mươi một, tháng mười một, năm một ngàn chín trăm tám mươi mốt" in variants
    assert not any("mười mốt" in v for v in variants)
    assert "Ngày mười lăm, tháng một, năm một nghìn chín trăm chín mươi năm" in set(
        date_verbalizations(date(1995, 1, 15)))


def test_a_page_shows_a_placement_only_when_its_readings_show_one_and_often_enough():
    from validation.orthography import placement_used

    assert placement_used(["xã Lương Hoà", "Thuỵ Khuê", "khoẻ"]) == "new"
    assert placement_used(["xã Lương Hòa", "Thụy", "khỏe", "quý", "hoàn"]) == "old"
    assert placement_used(["xã Lương Hoà", "Thuỵ", "khỏe", "Hoà"]) == "mixed", "a page with both"
    assert placement_used(["Hoà", "Thuỵ"]) is None, "too little to tell"
    assert placement_used(["quý già hoàn"]) is None, "one spelling only: no evidence"
