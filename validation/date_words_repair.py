"""The date in words (ngày sinh ghi bằng chữ = date of birth in words) put right by its closed grammar: given
the date in digits, only a few verbalizations are valid (mồng/mùng, bốn/tư, năm/lăm, linh/lẻ, nghìn/ngàn),
and the reading becomes the one it is closest to, in its own variant, punctuation and case."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from validation.date_words import closest_verbalization, verbalization_by_letters, words_to_date
from validation.normalize import REPAIRED_FACTOR
from validation.repair_kinds import DATE_WORDS, GRAMMAR_CONFIDENCE, LETTER_CASE, UNSURE_CONFIDENCE
from validation.text import clean_reading, strip_diacritics


def repair_date_words(text: str, conf: float, born: date) -> tuple[tuple[str, float], str | None, bool]:
    """((text, confidence), kind of repair or None, settled): the date in words as the valid verbalization
    of the date in digits it is closest to, in the reading's own variant and punctuation. Words that say
    another date are left for the rules to flag (either side may be the misread one); words close to no
    verbalization stay as read, unsure; equally close variants give the first of them, unsure."""
    text = unicodedata.normalize("NFC", text)
    # A label or the date in digits read with the value ("(ghi bằng chữ):" = written in words) is not the
    # book's date in words, which begins with "Ngày"; nor is a speck read as a letter glued to it ("jNgày").
    label = re.match(r"^.*?(?=ngày\b)", text, flags=re.IGNORECASE)
    if label and label.group(0).strip():
        text = text[label.end():]
    said = words_to_date(text)
    if said is not None and said != born:
        return (text, conf), None, True
    chosen, edits, unique = closest_verbalization(text, born)
    if chosen is None or not unique:
        spelled, letter_edits = verbalization_by_letters(text, born)
        if spelled is not None:
            # The letters name one verbalization of the date the digits give: only marks were lost.
            trust = GRAMMAR_CONFIDENCE if letter_edits == 0 else min(conf, UNSURE_CONFIDENCE)
            return (_in_style_of(text, spelled), max(conf, trust)), DATE_WORDS, letter_edits == 0
    if chosen is None:
        return (text, min(conf, UNSURE_CONFIDENCE)), None, False
    if not unique:
        conf = min(conf, UNSURE_CONFIDENCE)
    if edits == 0:
        cased = _in_style_of(text, chosen) if _stray_capitals(text) else text
        kind = LETTER_CASE if cased != text else None
        if (unpunctuated := _LABEL_COMMA_RE.sub(r"\1", _STRAY_STOP_RE.sub("", cased))) != cased:
            if _COMMA_PLACE_RE.search(cased):
                # Before "tháng" or "năm" books print a comma or nothing: a stop there is either, unsure.
                unique, conf = False, min(conf, UNSURE_CONFIDENCE)
            cased, kind = unpunctuated, DATE_WORDS
        if _commas_disagree(cased) or _TRAILING_STOP_RE.search(cased):
            unique, conf = False, min(conf, UNSURE_CONFIDENCE)
        return (cased, conf), kind, unique
    if not _first_letter_read(text, chosen):
        # "lqaỳ" for "Ngày": the case of a letter misread is no reading of the book's case.
        unique, conf = False, min(conf, UNSURE_CONFIDENCE)
    return (_in_style_of(text, chosen), conf * REPAIRED_FACTOR ** edits), DATE_WORDS, unique


def _first_letter_read(reading: str, words: str) -> bool:
    """Whether the reading's first letter is the words' first letter, case aside: only then does its case
    say how the book writes the words."""
    read = (clean_reading(reading) or reading).lstrip()
    return bool(read) and strip_diacritics(read[:1]).casefold() == strip_diacritics(words.lstrip()[:1]).casefold()


#: A stop, colon or quote between two words of a date in words ("không. trăm") is a speck read as a mark:
#: no verbalization has one there. Commas stay; they are the book's.
_STRAY_STOP_RE = re.compile(r"(?<=[^\W\d_])[.:;'`]+(?=\s+[^\W\d_])")
_COMMA_PLACE_RE = re.compile(r"(?<=[^\W\d_])[.:;'`]+(?=\s+(?i:tháng|năm)\b)")
#: A stop after the last word ("hai mươi một."): the book's, or a speck; the registry keeps no words to tell.
_TRAILING_STOP_RE = re.compile(r"(?<=[^\W\d_])[.,:;'`]+\s*$")
#: The month's and the year's label, with what precedes each: a book prints a comma before both or neither.
_MONTH_LABEL_RE = re.compile(r"(,?)\s+(?i:tháng)\b")
_YEAR_LABEL_RE = re.compile(r"(,?)\s+(?i:năm)\s+(?i:một|hai)\s+(?i:nghìn|ngàn)\b")


def _commas_disagree(text: str) -> bool:
    """Whether a comma stands before one of "tháng" and "năm" (the year's) but not the other: one was lost
    in reading ("tháng bảy năm hai nghìn" where the book prints "tháng bảy, năm"), or a speck read as one."""
    month, year = _MONTH_LABEL_RE.search(text), _YEAR_LABEL_RE.search(text)
    return bool(month and year and bool(month.group(1)) != bool(year.group(1)))


#: Nor a comma between "ngày" or "tháng" and its number ("tháng, bốn"); "năm," may be the day five.
_LABEL_COMMA_RE = re.compile(r"\b((?i:ngày|tháng))\s*,(?=\s)")


def _stray_capitals(text: str) -> bool:
    """A date in words with capitals on some words after the first but not all ("năm hai nghìn Không
    trăm"): a k, c or s that a hand writes alike in both cases, misread."""
    words = [w for w in re.findall(r"[^\W\d_]+", text)][1:]
    capitals = sum(w[0].isupper() for w in words)
    return not text.isupper() and 0 < capitals < len(words)


def _in_style_of(reading: str, words: str) -> str:
    """``words`` with the reading's commas (or none) and its case."""
    reading = clean_reading(reading) or reading
    if "," not in reading:
        words = words.replace(",", "")
    if reading.isupper():
        return words.upper()
    if reading[:1].islower():
        return words[:1].lower() + words[1:]
    return words
