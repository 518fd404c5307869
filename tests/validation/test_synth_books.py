"""Validation over the synthetic books' own entries and registry (synth/, no images): when every field is
read as printed — give or take the noise OCR adds and the normalizers undo — the book's text is what was
printed, every structured value equals the truth, every planted discrepancy gets its flag, and every other
entry is verified."""

from __future__ import annotations

import random
import unicodedata
from typing import Any

import pytest

from synth.entries import BookContext, make_entries
from synth.form_page import value_text
from synth.places import COMMUNES, authority_of
from synth.registry import build_registry
from synth.table_page import cell_text
from validation.entry_check import check_entry, registry_only_entries
from validation.schema import FORM_FIELDS, STRUCTURED_FIELDS, TABLE_FIELDS, BookKeys, EntrySource, EntryStatus
from validation.text import exact_form

EXPECTED_CODE = {"missing": "missing_in_registry", "field_differs": "field_mismatch",
                 "duplicate": "duplicate_in_registry", "registry_only": "registry_only"}


def ocr_noise(name: str, text: str, rng: random.Random) -> str:
    """What OCR does to a correct reading without getting a character wrong."""
    if not text:
        return text
    if rng.random() < 0.3:
        text = unicodedata.normalize("NFD", text)
    if rng.random() < 0.2:
        text = text.replace(" ", "  ")
    if rng.random() < 0.2:
        text = ": " + text
    if rng.random() < 0.2:
        text = text + " |"
    if name == "entry_no" and rng.random() < 0.3:
        text = text.replace("0", "O").replace("1", "l")
    return text


def book(layout: str, seed: int, entries: int = 80) -> tuple[BookKeys, list[dict[str, Any]], list, list]:
    rng = random.Random(seed)
    commune = rng.choice(COMMUNES)
    ctx = BookContext(authority=authority_of(commune), year=2019, volume=1, commune=commune, layout=layout)
    truth = make_entries(ctx, entries, rng)
    registry, planted = build_registry(truth, ctx, rng)
    return BookKeys(**ctx.keys), truth, registry, planted


@pytest.mark.parametrize(("layout", "seed"), [("table", 1), ("table", 2), ("form", 3), ("form", 4)])
def test_read_as_printed_every_planted_discrepancy_is_flagged_and_nothing_else(layout, seed):
    keys, truth, registry, planted = book(layout, seed)
    printed, names = (cell_text, TABLE_FIELDS) if layout == "table" else (value_text, FORM_FIELDS)
    noise = random.Random(seed)
    checked = []
    for entry in truth:
        raw = {n: (ocr_noise(n, printed(n, entry[n]), noise), 0.95) for n in names}
        result = check_entry(keys, raw, EntrySource(page=1, object_key=None), registry, 0.8)
        for n in names:
            if n in STRUCTURED_FIELDS:
                assert result.values[n] == entry[n], f"entry {entry['entry_no']}: {n}"
            else:
                assert result.fields[n] == exact_form(printed(n, entry[n])), f"entry {entry['entry_no']}: {n}"
        checked.append(result)
    orphans = registry_only_entries(keys, checked, registry)

    by_no = {e.entry_no: e for e in checked + orphans}
    planted_nos = {d["entry_no"] for d in planted}
    for d in planted:
        flags = {(f.code.value, f.field) for f in by_no[d["entry_no"]].flags}
        want = (EXPECTED_CODE[d["type"]], d["field"] if d["type"] == "field_differs" else None)
        assert want in flags, f"{d['type']} at entry {d['entry_no']}"
        assert all(code == want[0] for code, _ in flags), "a planted discrepancy gets only its own flag"
    for e in checked:
        if e.entry_no not in planted_nos:
            assert e.status == EntryStatus.VERIFIED, f"entry {e.entry_no}: {[f.code.value for f in e.flags]}"
    assert len(orphans) == sum(d["type"] == "registry_only" for d in planted)
