"""From what a reviewer pressed to what is stored: the decision (append-only), whether two readings agree,
and, once an item is resolved, its record in the records bucket with the decision chain in its provenance.

The book wins (Luật Hộ tịch 2014, Art. 60(2)): the reviewer says what the book says; where the registry
differs, the export proposes the correction.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Literal

from pydantic import BaseModel, Field

from review.view import ItemView
from storage import keys
from storage.errors import ObjectConflictError
from storage.objects import ObjectStore
from storage.state import ReviewItem, StateStore
from validation.normalize import normalize_field
from validation.orthography import canonical
from validation.records import record_body
from validation.schema import BIRTH_FIELDS, STRUCTURED_FIELDS, EntryStatus, ExportedEntry


class FieldDecision(BaseModel):
    action: Literal["accept", "correct", "unreadable"]
    value: str | None = Field(default=None, max_length=500)


class DecisionIn(BaseModel):
    """What the entry view sends: per field accept / correct (with what the book says) / unreadable, and for
    an item without an entry or without a record, the answer about the whole entry."""

    fields: dict[str, FieldDecision] = Field(default_factory=dict)
    #: registry_only: 'not_in_book' (the book lacks it) or 'in_book'; other items: 'as_read'.
    entry: Literal["as_read", "not_in_book", "in_book", "damaged"] = "as_read"
    add_to_registry: bool = True  # missing_in_registry: propose the record to the registry
    note: str = Field(default="", max_length=1000)


class BadDecision(ValueError):
    """A decision naming a field the register does not have, or a correction without a value."""


def _book_value(name: str, text: str) -> Any:
    """The value the book gives, as the registry would hold it (structured fields normalized)."""
    text = " ".join(unicodedata.normalize("NFC", text).split())
    if name in STRUCTURED_FIELDS:
        normalized = normalize_field(name, text, 1.0).value
        return normalized if normalized is not None else text
    return text


def resolution_of(view: ItemView, decision: DecisionIn) -> dict[str, Any]:
    """The stored decision: what the reviewer decided, and what the item showed them."""
    entry = view.entry
    book_values: dict[str, Any] = {}
    typed: dict[str, str] = {}  # corrections letter for letter, as the book's text
    unreadable: list[str] = []
    outcome: dict[str, Any] = {}
    for name, choice in decision.fields.items():
        if name not in BIRTH_FIELDS:
            raise BadDecision("a decision names a field the register does not have")
        if choice.action == "correct":
            if not (choice.value or "").strip():
                raise BadDecision(f"a correction of {name} needs what the book says")
            book_values[name] = _book_value(name, choice.value or "")
            typed[name] = " ".join(unicodedata.normalize("NFC", choice.value or "").split())
        elif choice.action == "accept":
            book_values[name] = entry.value(name)
        else:
            unreadable.append(name)
        outcome[name] = choice.action
    shown = {
        "fields": {f.name: f.book for f in view.fields},
        "confidence": {f.name: f.confidence for f in view.fields if f.confidence is not None},
        "registry": {f.name: f.registry for f in view.fields if f.registry is not None},
        "flags": [{"code": f.code.value, "field": f.field, "detail": f.detail} for f in entry.flags],
        "registry_id": (view.registry_record or {}).get("registry_id"),
    }
    return {"outcome": outcome, "book_values": book_values, "typed": typed, "unreadable": sorted(unreadable),
            "entry": decision.entry, "add_to_registry": decision.add_to_registry if view.kind == "missing_in_registry"
            else None, "note": decision.note, "shown": shown}


def agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two readings say the same of the book: same answer about the entry, same unreadable fields, and the
    same values where either gave one (compared canonically: tone placement, case, spacing aside)."""
    if a.get("entry") != b.get("entry") or sorted(a.get("unreadable", [])) != sorted(b.get("unreadable", [])):
        return False
    if a.get("add_to_registry") != b.get("add_to_registry"):
        return False
    left, right = a.get("book_values", {}), b.get("book_values", {})
    return all(canonical(left.get(k)) == canonical(right.get(k)) for k in set(left) | set(right))


def resolved_entry(entry: ExportedEntry, final: dict[str, Any]) -> ExportedEntry:
    """The entry as the book says it, after the decisions: corrections in, unreadable fields emptied."""
    fields, values = dict(entry.fields), dict(entry.values or entry.fields)
    for name, value in final.get("book_values", {}).items():
        if value != entry.value(name):
            values[name] = value
            fields[name] = final.get("typed", {}).get(name, str(value))
    for name in final.get("unreadable", []):
        fields[name], values[name] = None, None
    entry_no = values.get("entry_no") if isinstance(values.get("entry_no"), int) else entry.entry_no
    return entry.model_copy(update={"fields": fields, "values": values, "status": EntryStatus.RESOLVED,
                                    "entry_no": entry_no})


def chain_for_record(chain: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The decisions as the record's provenance keeps them: who, when, which kind, what per field."""
    return [{"reviewer": d["reviewer"], "decided_at": d["decided_at"], "kind": d.get("kind", "reading"),
             "outcome": d.get("outcome", {}), "entry": d.get("entry"), "unreadable": d.get("unreadable", []),
             "note": d.get("note", "")} for d in chain]


def finisher(state: StateStore, objects: ObjectStore, bucket: str, pipeline_version: str,
             entry: ExportedEntry | None = None):
    """``finish`` for ReviewWork.decide/settle: the final resolution (the last decision decides; with
    double reading the two agreed or the arbiter settled) and the record it stores. ``entry`` is the item's
    entry when the caller has it already (entries change only by review, and this item is held)."""
    known = entry

    def finish(item: ReviewItem, chain: list[dict[str, Any]]) -> dict[str, Any]:
        last = chain[-1]
        settled_by = ("arbiter" if last.get("kind") == "arbitration" else "agreement" if len(chain) > 1 else "single")
        final = {"book_values": last.get("book_values", {}), "typed": last.get("typed", {}), "unreadable": last.get("unreadable", []),
                 "entry": last.get("entry"), "add_to_registry": last.get("add_to_registry"),
                 "note": last.get("note", ""), "settled_by": settled_by, "decisions": len(chain),
                 "record_key": None}
        entry = known if known is not None else state.entry(item.batch_id, item.entry_key)
        if entry is None or last.get("entry") == "not_in_book" or entry.source.page is None:
            return final  # no entry in the book: nothing to keep as a record
        resolved = resolved_entry(entry, final)
        if resolved.entry_no is None:
            final["record_note"] = "no entry number: kept in the state database only"
            return final
        provenance = {"page_object_key": entry.source.object_key, "source_file": entry.source.source_file,
                      "page": entry.source.page, "batch_id": item.batch_id, "review_item": item.id,
                      "pipeline_version": pipeline_version, "field_boxes": {k: list(v) for k, v in
                                                                             sorted(entry.source.field_boxes.items())}}
        body = record_body(resolved, provenance, decisions=chain_for_record(chain))
        prefix = keys.book_prefix(entry.authority, entry.book_type, entry.year, entry.volume)
        key = keys.record_key(prefix, resolved.entry_no)
        try:
            objects.put_json(bucket, key, body)
        except ObjectConflictError:
            # A record is already stored for this number (verified, or another entry's): never overwritten;
            # this one goes beside it, named by its review item.
            key = key.removesuffix(".json") + f"-review-{item.id}.json"
            objects.put_json(bucket, key, body)
        final["record_key"] = key
        return final

    return finish
