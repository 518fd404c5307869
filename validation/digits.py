"""Digits OCR confuses (1 and 7, 0 and 9, in handwriting and italic type), put right where only one fits.

A digit field has structure a reading can break: a date must be a calendar date no later than the book's
year, a parent's birth year lies between 1850 and the book's year, and a personal ID starts with a province
code and its century/sex and year digits follow from the date of birth and the sex. When a reading breaks
that structure and exactly one swap of confusable digits makes it whole, the swap is the repair; when
none or several do, the reading stays as read and goes to review. A reading that is already valid is never
changed: "7" and "1" are both entry numbers, and a wrong value is worse than a flag.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date

from validation.normalize import MAX_YEAR, MIN_YEAR, normalize_field
from validation.rules import check_personal_id

#: Digit pairs engines mistake for each other, both ways, each with the most digits one reading may have
#: swapped: 1 and 7 are confused throughout a hand ("77" for 11), a 0 read as 9 is one slip, a typed 0
#: whose ink broke reads 6 throughout a reading. A later pair is tried only when no swap of an earlier one fits.
CONFUSIONS: tuple[tuple[dict[str, str], int], ...] = (
    ({"1": "7", "7": "1"}, 2), ({"0": "9", "9": "0"}, 1), ({"0": "6", "6": "0"}, 2), ({"0": "8", "8": "0"}, 2),
)
_CONFUSED = {frozenset(pair) for swaps, _ in CONFUSIONS for pair in swaps.items()}
#: Digit read → digit meant, for the entry numbers: a typed zero whose ink broke reads 6, 8 or 9 (also the
#: padding zero of "048", often on a whole page), the reverse is rare; 1 and 7 both ways.
NUMBER_MISREADS = {"6": "0", "8": "0", "9": "0", "1": "7", "7": "1"}
#: Digits a hand's digit is read as, either way (an 8's loops read as a 6, 9, 5, 3 or 0): taken for a misreading
#: only where the page's sequence reads the numbers on both sides exactly.
HAND_MISREADS = [set(pair) for pair in ("86", "89", "85", "83", "80", "65", "60", "90", "94", "53", "17")]
#: Readings that must say the same sequence, as read, before it stands for a page's numbers.
MIN_SEQUENCE_ANCHORS = 2
#: Of a personal ID only the first six digits are checkable (province, century/sex, year): the rest is random.
ID_CHECKABLE = 6


def repair_digits(name: str, text: str, book_year: int, born: date | None = None,
                  sex: str | None = None, book_id_prefixes: frozenset[str] = frozenset()) -> tuple[str, bool]:
    """(text, settled): the reading with confusable digits swapped when exactly one swap makes it valid.
    Swaps of one digit and of two count alike: "77.04" could be 17.04 or 11.04, so it is not settled.

    ``settled`` is False when the reading is invalid and no single repair fits (none or several); the
    caller then lowers the confidence. (A personal ID's unchecked digits may hold the same confusion: the
    registry record's ID, compared digit for digit, is what catches that.) A valid reading, or a field
    without checkable structure, comes back unchanged and settled, but for one exception below.

    ``book_id_prefixes``: the codes of the province the book registers births in, which start the IDs it
    writes (NĐ 137/2015 Điều 13). A typed 0 read as 6 makes Long An's 080 Vĩnh Long's 086, a valid code:
    an ID whose code is one or two confused digits from the book's code takes it where the ID is then
    whole, valid as read or not. Where none does, the ID is repaired as any other (the code rule is a soft
    one), for the registry to confirm."""
    valid = _validator(name, book_year, born, sex)
    if valid is None:
        return text, True
    own: set[str] = set()
    if name == "personal_id" and text[:3] not in book_id_prefixes:
        own = {code + text[3:] for code in book_id_prefixes
               if _confused_digits(text[:3], code) and valid(code + text[3:])}
    if valid(text):
        return (own.pop(), True) if len(own) == 1 else (text, True)
    fits = own or _swapped_to_fit(text, ID_CHECKABLE if name == "personal_id" else len(text), valid)
    if len(fits) == 1:
        return fits.pop(), True
    return text, False


def _confused_digits(read: str, meant: str) -> bool:
    """Whether a few digits read are ``meant`` with one or two digits swapped for ones confused with them
    (``CONFUSIONS``, any pair)."""
    differing = [frozenset((a, b)) for a, b in zip(read, meant) if a != b]
    return len(read) == len(meant) and 0 < len(differing) <= 2 and all(pair in _CONFUSED for pair in differing)


def _swapped_to_fit(text: str, limit: int, fits: Callable[[str], bool]) -> set[str]:
    """The readings ``fits`` takes that confusable digits among the first ``limit`` swapped give: of the
    first pair in ``CONFUSIONS`` with any; failing all, of broken zeros."""
    found: set[str] = set()
    for swaps, max_swaps in CONFUSIONS:
        positions = [i for i, ch in enumerate(text[:limit]) if ch in swaps]
        for count in range(1, max_swaps + 1):
            for chosen in itertools.combinations(positions, count):
                candidate = list(text)
                for i in chosen:
                    candidate[i] = swaps[candidate[i]]
                if fits("".join(candidate)):
                    found.add("".join(candidate))
        if found:
            return found
    return _broken_zeros_to_fit(text, limit, fits)


#: Digits a typed 0 whose ink broke or filled in reads as (those ``NUMBER_MISREADS`` takes for a 0), mixed
#: in one reading ("98-61 2097" for 08-01-2007), and how many of them one reading may hold.
BROKEN_ZERO_READINGS = frozenset(read for read, meant in NUMBER_MISREADS.items() if meant == "0")
MAX_BROKEN_ZEROS = 4


def _broken_zeros_to_fit(text: str, limit: int, fits: Callable[[str], bool]) -> set[str]:
    """The readings ``fits`` takes with the fewest 6, 8 and 9 among the first ``limit`` taken for broken
    zeros, once no single confusion fits: a typewriter's worn 0 reads as any of them in one date."""
    positions = [i for i, ch in enumerate(text[:limit]) if ch in BROKEN_ZERO_READINGS]
    for count in range(1, min(MAX_BROKEN_ZEROS, len(positions)) + 1):
        found = {candidate for chosen in itertools.combinations(positions, count)
                 if fits(candidate := "".join("0" if i in chosen else ch for i, ch in enumerate(text)))}
        if found:
            return found
    return set()


def _validator(name: str, book_year: int, born: date | None, sex: str | None) -> Callable[[str], bool] | None:
    if name in ("registration_date", "date_of_birth"):
        def valid_date(text: str) -> bool:
            value = normalize_field(name, text, 1.0).value
            if value is None:
                return False
            # A book holds its own year's registrations (the rules flag any other year).
            year = date.fromisoformat(value).year
            return year == book_year if name == "registration_date" else year <= book_year
        return valid_date
    if name in ("mother_birth_year", "father_birth_year"):
        latest = born.year if born else book_year

        def valid_year(text: str) -> bool:
            value = normalize_field(name, text, 1.0).value
            return isinstance(value, int) and MIN_YEAR <= value <= min(latest, MAX_YEAR)
        return valid_year
    if name == "personal_id":
        def valid_id(text: str) -> bool:
            value = normalize_field(name, text, 1.0).value
            return value is not None and not check_personal_id(value, born.year if born else None, sex)
        return valid_id
    return None


def repair_entry_numbers(readings: list[str | None], previous: int | None = None) -> list[str | None]:
    """A page's entry numbers in row order → for each reading, the number it must be, or None to keep it.

    Entries are numbered on from one to the next (số đăng ký = registration number, continuous through the
    year), so the numbers read as ``start + row`` are the page's sequence. Of the starts the readings (and
    their confusable variants) suggest, the page's is the one that explains the most readings, as read or
    one confusion off, and of those the one with the most read exactly (at least ``MIN_SEQUENCE_ANCHORS``),
    when no other start is as good. Then the readings one or two confusable digits off ("61" for 01, "196"
    for 100) take their number, as do garbled ones whose digits are the number's ("0ù8"). A reading that fits no
    confusion stays as read (a gap, a carried-over row); a hand that confuses a digit throughout ("70 71
    72" for 10 11 12) is not seen, and there the registry record of each number, which must agree with the
    entry's name and date before it is verified, is what catches it.

    ``previous``: the last entry number of the book's page before, which counts as one more reading of
    the sequence, read exactly (a page of two entries, "17 12" for 11 12, has one anchor of its own); a
    page going on from it whose every number is one confusion off ("70 17 72" after 9) needs no other."""
    numbers = [int(text) if text and text.isdigit() else None for text in readings]
    # A start may be said by no reading exactly ("70 17 72" for 10 11 12): the confusable readings of each count.
    starts = {int(variant) - row for row, text in enumerate(readings) if numbers[row] is not None
              for variant in (text, *_variants(text))}
    # The start that explains the most readings (exact, or a confusion off), then with the fewest misread.
    scored = []
    for start in starts:
        exact = sum(n == start + row for row, n in enumerate(numbers)) + (previous == start - 1)
        if exact < MIN_SEQUENCE_ANCHORS and not (previous is not None and start == previous + 1):
            continue  # "84 85 86 67" is 84..87, not 04..07 with every 8 and 6 a broken 0
        near = sum(_confusable(readings[row], start + row) for row in range(len(readings)))
        scored.append((exact + near, exact, start))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[1][:2] == scored[0][:2]):
        return [None] * len(readings)
    fits, exact, start = scored[0]
    # Going on from the page before, a page whose every number fits needs no anchor of its own ("70 17 72").
    goes_on = previous is not None and start == previous + 1 and fits == 1 + sum(n is not None for n in numbers)
    if exact < MIN_SEQUENCE_ANCHORS and not goes_on:
        return [None] * len(readings)

    def read_exactly(row: int) -> bool:
        return numbers[row] == start + row if 0 <= row < len(numbers) else row == -1 and previous == start - 1

    def misread(row: int, text: str | None) -> bool:
        if numbers[row] == start + row:
            return False
        # Any one digit off, between two numbers read exactly ("57 56 59", "86 67 56 69 90": a hand's 8 read
        # as 6), as at the page's end after one: nothing but the sequence's number can stand there.
        between = any(read_exactly(before) for before in range(-1, row)) and any(
            read_exactly(after) for after in range(row + 1, len(numbers)))
        at_end = row == len(numbers) - 1 and read_exactly(row - 1)
        return (_confusable(text, start + row) or (between or at_end) and _one_digit_off(text, start + row)
                or _garbled_as(text, start + row))

    return [str(start + row).zfill(len(text)) if misread(row, text) else None for row, text in enumerate(readings)]


def _garbled_as(text: str | None, number: int) -> bool:
    """Whether a reading with letters or marks among its digits ("0ù8": a shadowed 008) has the width of
    ``number`` zero-padded and its digits where the number has them."""
    if not text or text.isdigit() or number <= 0 or len(str(number)) > len(text):
        return False
    expected = str(number).zfill(len(text))
    digits = [(read, meant) for read, meant in zip(text, expected) if read.isdigit()]
    return bool(digits) and all(read == meant for read, meant in digits)


def _one_digit_off(text: str | None, number: int) -> bool:
    """Whether a digit reading differs from ``number`` (zero-padded to its width) in exactly one digit, one
    that a hand's digit is read as (``HAND_MISREADS``)."""
    if not text or not text.isdigit() or number <= 0 or len(str(number)) > len(text):
        return False
    differing = [{read, meant} for read, meant in zip(text, str(number).zfill(len(text))) if read != meant]
    return len(differing) == 1 and differing[0] in HAND_MISREADS


def _confusable(text: str | None, number: int) -> bool:
    """Whether a digit reading is ``number`` (zero-padded to its width) with one or two confusable digits."""
    if not text or not text.isdigit() or number <= 0 or len(str(number)) > len(text):
        return False
    expected = str(number).zfill(len(text))
    differing = [(read, meant) for read, meant in zip(text, expected) if read != meant]
    return 0 < len(differing) <= 2 and all(NUMBER_MISREADS.get(read) == meant for read, meant in differing)


def _variants(text: str) -> set[str]:
    """The numbers a digit reading may have meant, one or two misread digits away."""
    out: set[str] = set()
    for count in (1, 2):
        for positions in itertools.combinations(range(len(text)), count):
            options = [[NUMBER_MISREADS[text[i]]] if text[i] in NUMBER_MISREADS else [] for i in positions]
            for choice in itertools.product(*options):
                chars = list(text)
                for i, ch in zip(positions, choice):
                    chars[i] = ch
                out.add("".join(chars))
    return out
