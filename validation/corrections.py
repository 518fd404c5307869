"""Registry corrections proposed once a reviewer has confirmed what the book says.

The book wins (Luật Hộ tịch 2014, Art. 60(2)): where the registry and the paper book differ, the registry is
corrected to match the book. The pipeline never writes to the registry; it proposes, per field, the change
that makes the registry record say what the reviewer confirmed the book says.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from validation.schema import ExportedEntry, FlagCode
from validation.text import comparable


def propose_corrections(
    entry: ExportedEntry, confirmed: dict[str, Any], registry_rows: list[dict[str, Any]],
    unreadable: Collection[str] = (),
) -> list[dict[str, Any]]:
    """Proposals for one reviewed entry.

    ``confirmed`` holds the values the reviewer read in the book (field → value); for a mismatched field the
    reviewer did not retype, the pipeline's reading stands as confirmed. Proposed values are the normalized
    ones the registry holds (ISO dates, ints); text fields carry the book's own spelling. A difference only
    in tone placement or case is the same text and is never proposed. Returns one ``update`` per field
    where the registry record says otherwise, or one ``create`` when the registry has no record at all.
    A field the reviewer marked ``unreadable`` in the book proposes nothing: the book does not say.
    """
    codes = {flag.code for flag in entry.flags}
    book = {"authority": entry.authority, "book_type": entry.book_type, "year": entry.year, "volume": entry.volume}
    read = entry.values if entry.values else entry.fields  # exports from before values existed
    book_fields = {k: v for k, v in {**read, **confirmed}.items() if k not in unreadable}
    if FlagCode.MISSING_IN_REGISTRY in codes:
        return [{"action": "create", **book, "entry_no": entry.entry_no,
                 "fields": {k: v for k, v in book_fields.items() if v is not None}}]

    rows = [r for r in registry_rows if r.get("entry_no") == entry.entry_no]
    proposals = []
    for flag in entry.flags:
        if flag.code != FlagCode.FIELD_MISMATCH or flag.field in (None, "entry_no") or flag.field in unreadable:
            continue
        value = book_fields.get(flag.field)
        for row in rows:
            if comparable(row.get(flag.field)) != comparable(value):
                proposals.append({"action": "update", **book, "entry_no": entry.entry_no,
                                  "registry_id": row.get("registry_id"), "field": flag.field,
                                  "registry_value": row.get(flag.field), "book_value": value})
    return proposals
