"""Registry corrections proposed from a batch's resolved items (the registry is to follow the book), as
JSON lines or CSV. Used by ``sohoa review corrections`` and by the arbiter's download."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from storage.registry import RegistryReader
from storage.state import StateStore
from validation.corrections import propose_corrections

CSV_COLUMNS = ("action", "review_item", "reviewer", "authority", "book_type", "year", "volume", "entry_no",
               "registry_id", "field", "registry_value", "book_value", "fields")


def batch_corrections(state: StateStore, reader: RegistryReader, batch_id: str) -> list[dict[str, Any]]:
    proposals: list[dict[str, Any]] = []
    rows_by_book: dict[tuple, list[dict[str, Any]]] = {}
    for item in state.list_review_items(state="resolved", batch_id=batch_id):
        entry = state.entry(batch_id, item.entry_key)
        resolution = item.resolution or {}
        if entry is None or resolution.get("entry") == "not_in_book":
            continue
        book = (entry.authority, entry.book_type, entry.year, entry.volume)
        if book not in rows_by_book:
            rows_by_book[book] = reader.rows_for_book(*book)
        for proposal in propose_corrections(entry, resolution.get("book_values", {}), rows_by_book[book],
                                            unreadable=resolution.get("unreadable", [])):
            if proposal["action"] == "create" and resolution.get("add_to_registry") is False:
                continue  # the reviewer found the entry is not one the registry lacks
            proposals.append(proposal | {"review_item": item.id, "reviewer": item.reviewer})
    return proposals


def as_jsonl(proposals: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(p, ensure_ascii=False, default=str) + "\n" for p in proposals)


def as_csv(proposals: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for proposal in proposals:
        line = dict(proposal)
        if "fields" in line:
            line["fields"] = json.dumps(line["fields"], ensure_ascii=False, default=str)
        writer.writerow(line)
    return out.getvalue()
