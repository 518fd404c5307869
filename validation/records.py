"""The stored record of an entry: what goes into the records bucket, for a verified entry (the flow) and for
one a reviewer resolved (the review app). One body, so both kinds read alike."""

from __future__ import annotations

from typing import Any

from validation.places import PLACE_FIELDS, province_layers
from validation.schema import ExportedEntry

#: Why a verified entry needed no reviewer: the decisions in its provenance.
VERIFIED_DECISIONS = (
    "every field read at or above the confidence threshold",
    "record rules hold",
    "registry record matches field by field",
)


def record_body(entry: ExportedEntry, provenance: dict[str, Any],
                decisions: list[Any] | tuple[Any, ...] = VERIFIED_DECISIONS) -> dict[str, Any]:
    """A record as stored: the book's text per field (``fields``, letter for letter), the normalized
    values and the raw OCR readings beside it, the repairs made, confidences and where they came from, and
    the decisions that let it in. A verified record holds no run-specific data (batch id, timestamps), so
    the same book gives byte-identical records on every run; a resolved one holds its reviewers' decisions."""
    return {
        "book": {"authority": entry.authority, "book_type": entry.book_type, "year": entry.year, "volume": entry.volume},
        "entry_no": entry.entry_no,
        "fields": entry.fields,
        "values": entry.values,
        "raw": entry.raw,
        "repairs": dict(sorted(entry.repairs.items())),
        "confidence": {k: round(v, 3) for k, v in sorted(entry.confidence.items())},
        "status": entry.status.value,
        # Old books name old units: each place as written, with its province then and since 1 July 2025.
        "places": {name: province_layers(entry.fields.get(name)) for name in PLACE_FIELDS if entry.fields.get(name)},
        "provenance": provenance | {
            "bbox": list(entry.source.bbox) if entry.source.bbox else None,
            "decisions": list(decisions),
        },
    }
