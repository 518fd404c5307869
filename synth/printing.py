"""What the page prints for each entry: the book's spelling and formats applied to the registry-form values.

Entries are made in the registry's own form (old tone placement, ISO dates, ints). The truth records what the
page prints: text fields become the printed text (tone placement of the book, "hoá" or "hóa"; the date in
words as the book words it), structured fields keep their values, and ``printed`` holds every shown field as
printed ("9/2/2003", "012"). The renderers draw ``printed`` only, so page and truth cannot disagree.
"""

from __future__ import annotations

import csv
import random
import re
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from validation.date_words import date_to_words, date_verbalizations
from validation.orthography import with_tone_placement
from validation.schema import BIRTH_FIELDS

TEXT_FIELDS = ("full_name", "date_of_birth_words", "sex", "ethnicity", "nationality", "place_of_birth",
               "hometown", "mother_name", "mother_ethnicity", "mother_nationality", "mother_residence",
               "father_name", "father_ethnicity", "father_nationality", "father_residence", "declarant_name",
               "notes")
DATE_FIELDS = ("registration_date", "date_of_birth")
ETHNICITY_FIELDS = ("ethnicity", "mother_ethnicity", "father_ethnicity")


@lru_cache
def ethnic_variants() -> dict[str, tuple[str, ...]]:
    """Official group name → the other ways books write it ("Hmông" → "Mông"), from validation's list."""
    text = resources.files("validation").joinpath("data/ethnic_groups.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {row["name"]: tuple(v.strip() for v in re.split(r"[;|]", row["variants"] or "") if v.strip())
            for row in rows}


def format_date(iso: str, fmt: str) -> str:
    """A date in one of the book date styles: dd/mm/yyyy, d/m/yyyy, dd/m/yyyy, dd.mm.yyyy, d-m-yyyy, ..."""
    d = date.fromisoformat(iso)
    sep = next(c for c in fmt if c in "/.-")
    day_fmt, month_fmt, _ = fmt.split(sep)
    day = f"{d.day:02d}" if day_fmt == "dd" else str(d.day)
    month = f"{d.month:02d}" if month_fmt == "mm" else str(d.month)
    return f"{day}{sep}{month}{sep}{d.year}"


def date_words_variants(d: date) -> list[str]:
    """Every valid way of writing the date in words (validation.date_words), the standard one first."""
    standard = date_to_words(d)
    return [standard] + sorted(v for v in date_verbalizations(d) if v != standard)


def placement_for(style: dict[str, Any], rng: random.Random) -> str:
    """old or new for one printed text; a "mixed" book uses both, chosen text by text."""
    if style["tone_placement"] == "mixed":
        return rng.choice(("old", "new"))
    return style["tone_placement"]


def printed_entry(entry: dict[str, Any], fields: tuple[str, ...] | list[str], style: dict[str, Any],
                  rng: random.Random) -> dict[str, Any]:
    """The truth row for `entry` on a page that shows `fields`: flat values + "printed"."""
    row = dict(entry)
    for name in BIRTH_FIELDS:
        if name not in fields:
            row[name] = None
    if "date_of_birth_words" in fields and row.get("date_of_birth"):
        variants = date_words_variants(date.fromisoformat(row["date_of_birth"]))
        row["date_of_birth_words"] = variants[0] if style["date_words"] == "standard" else rng.choice(variants)
    if style["ethnic_names"] == "variants":  # the book writes a group as people do; the registry officially
        for name in ETHNICITY_FIELDS:
            others = ethnic_variants().get(row.get(name) or "", ())
            if others and rng.random() < 0.7:
                row[name] = rng.choice(others)
    for name in TEXT_FIELDS:
        if isinstance(row.get(name), str):
            row[name] = with_tone_placement(row[name], placement_for(style, rng))
    printed: dict[str, str] = {}
    for name in BIRTH_FIELDS:
        value = row.get(name)
        if name not in fields or value is None:
            continue
        if name in DATE_FIELDS:
            printed[name] = format_date(value, style["date_format"])
        elif name == "entry_no":
            printed[name] = f"{value:0{style['entry_no_digits']}d}" if style["entry_no_digits"] else str(value)
        else:
            printed[name] = str(value)
    row["printed"] = printed
    return row


def volume_text(volume: int | str) -> str:
    """The volume (quyển) as books print it: "01"."""
    return f"{volume:02d}" if isinstance(volume, int) else str(volume)
