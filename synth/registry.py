"""A registry snapshot for a synthetic book, with planted discrepancies the pipeline must flag.

The registry (cơ sở dữ liệu hộ tịch = civil-status database) holds one record per entry, as the truth but
without the date in words, plus a `registry_id`. About 10-15% of entries get one discrepancy, and every type
occurs at least once when the book has enough entries:

- ``missing``: the entry is absent from the registry (flag missing_in_registry);
- ``field_differs``: one field differs (flag field_mismatch), with a ``variant`` saying how;
- ``duplicate``: the registry holds two records for the entry (flag duplicate_in_registry);
- ``registry_only``: a registry record for this book whose entry_no the book does not contain (flag registry_only).
"""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any, Callable

from validation.orthography import canonical, with_tone_placement

from synth.entries import BookContext, make_entry
from synth.people import nfc, person_name, tone_mark_variant
from synth.places import COMMUNES, place_of_birth

DISCREPANCY_TYPES = ("missing", "field_differs", "duplicate", "registry_only")
VARIANTS = ("tone_mark", "different_name", "day_month_swap", "sex", "ethnicity", "place")
Change = tuple[str, Any]  # (field, registry value)


def registry_id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _tone_mark(entry: dict[str, Any], rng: random.Random) -> Change | None:
    """A real tone-mark difference, in the registry's own (old) placement: never one of placement only."""
    field = rng.choice(["full_name", "full_name", "mother_name", "father_name"])
    variant = tone_mark_variant(entry[field], rng) if entry.get(field) else None
    if not variant:
        return None
    variant = with_tone_placement(variant, "old")
    return (field, variant) if canonical(variant) != canonical(entry[field]) else None


def _different_name(entry: dict[str, Any], rng: random.Random) -> Change | None:
    words = entry["full_name"].split()
    for _ in range(10):
        # A book without a sex column still names a boy or a girl: any given name will do.
        other = person_name("Kinh", entry["sex"] or rng.choice(["Nam", "Nữ"]), rng).split()[-1]
        if other != words[-1]:
            return "full_name", " ".join(words[:-1] + [other])
    return None


def _day_month_swap(entry: dict[str, Any], rng: random.Random) -> Change | None:
    born = date.fromisoformat(entry["date_of_birth"])
    if born.day > 12 or born.day == born.month:
        return None
    return "date_of_birth", date(born.year, born.day, born.month).isoformat()


def _sex(entry: dict[str, Any], rng: random.Random) -> Change | None:
    if entry["sex"] is None:  # the book has no column for it
        return None
    return "sex", "Nữ" if entry["sex"] == "Nam" else "Nam"


def _ethnicity(entry: dict[str, Any], rng: random.Random) -> Change | None:
    if entry["ethnicity"] is None:
        return None
    choices = ["Kinh", "Tày", "Thái", "Mường", "Hoa", "Khơ-me", "Nùng", "Hmông", "Dao"]
    return "ethnicity", rng.choice([c for c in choices if c != entry["ethnicity"]])


def _place(entry: dict[str, Any], rng: random.Random) -> Change | None:
    for _ in range(10):
        other = place_of_birth(rng.choice(COMMUNES), rng)
        if other != entry["place_of_birth"]:
            return "place_of_birth", other
    return None


CHANGES: dict[str, Callable[[dict[str, Any], random.Random], Change | None]] = {
    "tone_mark": _tone_mark, "different_name": _different_name, "day_month_swap": _day_month_swap,
    "sex": _sex, "ethnicity": _ethnicity, "place": _place,
}


def _plan(entry_count: int, rng: random.Random) -> list[str]:
    """Which discrepancy types to plant: one of each first, then more by weight up to ~10-15% of entries."""
    target = max(len(DISCREPANCY_TYPES), round(entry_count * rng.uniform(0.10, 0.15)))
    plan = list(DISCREPANCY_TYPES)
    if entry_count >= 50:  # room for every field_differs variant (a 10-page table book has ~100 entries)
        plan += ["field_differs"] * (len(VARIANTS) - 1)
    plan += rng.choices(DISCREPANCY_TYPES, weights=[1, 4, 1, 1], k=max(0, target - len(plan)))
    # Types that use up a book entry cannot exceed the entries there are.
    kept, used = [], 0
    for kind in plan:
        if kind != "registry_only":
            if used >= entry_count:
                continue
            used += 1
        kept.append(kind)
    return kept


def build_registry(
    entries: list[dict[str, Any]], ctx: BookContext, rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The registry records for the book's entries and the list of planted discrepancies."""
    records: dict[int, list[dict[str, Any]]] = {}
    for entry in entries:
        record = {k: v for k, v in entry.items() if k != "page"}
        record["date_of_birth_words"] = None
        record["registry_id"] = registry_id(rng)
        records[entry["entry_no"]] = [record]

    plan = _plan(len(entries), rng)
    free = [e["entry_no"] for e in entries]
    rng.shuffle(free)
    variants = list(VARIANTS)
    rng.shuffle(variants)
    by_no = {e["entry_no"]: e for e in entries}
    discrepancies: list[dict[str, Any]] = []
    last_no = max(by_no, default=0)

    for kind in plan:
        if kind == "registry_only":
            last_no += rng.randint(1, 3)
            registered = date.fromisoformat(entries[-1]["registration_date"]) if entries else date(ctx.year, 6, 1)
            registered = min(registered + timedelta(days=rng.randint(0, 5)), date(ctx.year, 12, 31))
            extra = make_entry(ctx, last_no, registered, rng)
            extra["date_of_birth_words"] = None
            extra["registry_id"] = registry_id(rng)
            records[last_no] = [extra]
            discrepancies.append(_record("registry_only", last_no, registry_id=extra["registry_id"]))
            continue
        if kind == "field_differs":
            planted = _field_change(free, by_no, variants, rng)
            if planted is not None:
                entry_no, (field, value), variant = planted
                record = records[entry_no][0]
                discrepancies.append(
                    _record("field_differs", entry_no, field=field, book_value=record[field], registry_value=value,
                            registry_id=record["registry_id"], variant=variant)
                )
                record[field] = nfc(value)
                continue
            kind = "duplicate"  # no variant applies to any entry left (tiny books): plant a duplicate instead
        entry_no = free.pop()
        record = records[entry_no][0]
        if kind == "missing":
            del records[entry_no]
            discrepancies.append(_record("missing", entry_no))
        else:
            twin = {**record, "registry_id": registry_id(rng)}
            records[entry_no].append(twin)
            discrepancies.append(_record("duplicate", entry_no, registry_id=twin["registry_id"]))
    flat = [r for no in sorted(records) for r in records[no]]
    return flat, discrepancies


def _field_change(free: list[int], by_no: dict[int, dict[str, Any]], variants: list[str],
                  rng: random.Random) -> tuple[int, Change, str] | None:
    """Take the next variant in rotation (so a book covers them all) and the first free entry it applies to
    (day_month_swap needs a day <= 12); the entry is removed from `free`."""
    for _ in range(len(variants)):
        variant = variants.pop(0)
        variants.append(variant)
        for at in range(len(free) - 1, -1, -1):
            change = CHANGES[variant](by_no[free[at]], rng)
            if change is not None:
                return free.pop(at), change, variant
    return None


def _record(kind: str, entry_no: int | None, *, field: str | None = None, book_value: Any = None,
            registry_value: Any = None, registry_id: str | None = None, variant: str | None = None) -> dict[str, Any]:
    record = {"type": kind, "entry_no": entry_no, "field": field, "book_value": book_value,
              "registry_value": registry_value, "registry_id": registry_id}
    if variant:
        record["variant"] = variant
    return record
