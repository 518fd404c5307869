"""Pairing an export's entries with a synthetic book's ground truth, for the evaluation and calibration.

A predicted entry is paired with the truth entry of the same book and entry number; what is left over is
paired by the same book + full name + date of birth (a misread number). Registry-only export lines are
flags, not entries, and take no part.
"""

from __future__ import annotations

from typing import Any

from validation.schema import BIRTH_FIELDS, BOOK_KEYS, STRUCTURED_FIELDS, ExportedEntry, FlagCode
from validation.text import comparable, exact_form

BookKey = tuple[Any, ...]


def book_key(values: dict[str, Any]) -> BookKey:
    """The book keys of a truth line or an exported entry; a digit volume by its number, so the truth's '01'
    and an export's '1' (or an older file's 1) name one book."""
    key = {k: values.get(k, "birth" if k == "book_type" else None) for k in BOOK_KEYS}
    volume = str(key["volume"]).strip() if key["volume"] is not None else None
    key["volume"] = str(int(volume)) if volume and volume.isascii() and volume.isdigit() else volume
    return tuple(key.values())


def is_registry_only(entry: ExportedEntry) -> bool:
    return any(f.code == FlagCode.REGISTRY_ONLY for f in entry.flags)


# --- pairing ----------------------------------------------------------------------------------------

def predicted(entry: ExportedEntry, name: str) -> Any:
    """What an export says a field is, in the form the truth holds it: the value for structured fields,
    the book's text for text fields."""
    return entry.value(name) if name in STRUCTURED_FIELDS else entry.fields.get(name)


def _matching_fields(truth: dict[str, Any], pred: ExportedEntry) -> int:
    return sum(exact_form(truth.get(n)) == exact_form(predicted(pred, n)) for n in BIRTH_FIELDS)


def pair_entries(
    truth: list[dict[str, Any]], preds: list[ExportedEntry]
) -> tuple[list[tuple[int, int]], int, set[int], set[int]]:
    """Pairs of (truth index, pred index), how many came from the fallback pass, unpaired truth and preds."""
    pairs: list[tuple[int, int]] = []
    free_preds = set(range(len(preds)))
    by_number: dict[tuple[BookKey, Any], list[int]] = {}
    for i, pred in enumerate(preds):
        by_number.setdefault((book_key(pred.model_dump()), pred.entry_no), []).append(i)
    unpaired_truth = set()
    for t_index, t in enumerate(truth):
        candidates = [i for i in by_number.get((book_key(t), t.get("entry_no")), []) if i in free_preds]
        if not candidates:
            unpaired_truth.add(t_index)
            continue
        best = max(candidates, key=lambda i: _matching_fields(t, preds[i]))
        pairs.append((t_index, best))
        free_preds.discard(best)

    fallback = 0
    for t_index in sorted(unpaired_truth):
        t = truth[t_index]
        person = (comparable(t.get("full_name")), comparable(t.get("date_of_birth")))
        if None in person:
            continue
        candidates = [
            i for i in sorted(free_preds)
            if book_key(preds[i].model_dump()) == book_key(t)
            and (comparable(predicted(preds[i], "full_name")), comparable(predicted(preds[i], "date_of_birth")))
            == person
        ]
        if candidates:
            pairs.append((t_index, candidates[0]))
            free_preds.discard(candidates[0])
            unpaired_truth.discard(t_index)
            fallback += 1
    return pairs, fallback, unpaired_truth, free_preds
