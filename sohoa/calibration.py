"""Confidence calibration: for each confidence band, the share of field readings that are right.

A well-calibrated reader's readings at confidence 0.95 are right about 95% of the time; the table shows
where confidence says more (or less) than the readings deserve. Counted over paired entries, as the
field accuracy counts a reading right (``sohoa.pairing.predicted``).
"""

from __future__ import annotations

from typing import Any

from rich.table import Table

from sohoa.pairing import is_registry_only, pair_entries, predicted
from validation.schema import BIRTH_FIELDS, ExportedEntry
from validation.text import exact_form

#: Confidence bands, lower bound included; the last band includes 1.0.
CALIBRATION_BANDS: tuple[tuple[float, float], ...] = (
    (0.0, 0.5), (0.5, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 0.99), (0.99, 1.0))


def _band_label(low: float, high: float, last: bool) -> str:
    return f"[{low:.2f}, {high:.2f}{']' if last else ')'}"


def calibration(truth_rows: list[dict[str, Any]], exported_entries: list[ExportedEntry],
                bands: tuple[tuple[float, float], ...] = CALIBRATION_BANDS) -> list[dict[str, Any]]:
    """For each confidence band: field readings of paired entries whose confidence lies in it, how many
    are right (as the field accuracy counts it) and the share right (None for an empty band).

    A reading is a field with a confidence in the export that is non-null in the truth or the prediction.
    Registry-only lines are not readings. Rows come in band order, empty bands included.
    """
    entries = [e for e in exported_entries if not is_registry_only(e)]
    pairs, _, _, _ = pair_entries(truth_rows, entries)
    counts = [[0, 0] for _ in bands]
    for t_index, p_index in pairs:
        truth, entry = truth_rows[t_index], entries[p_index]
        for name, confidence in entry.confidence.items():
            if name not in BIRTH_FIELDS:
                continue
            want, got = exact_form(truth.get(name)), exact_form(predicted(entry, name))
            if want is None and got is None:
                continue
            for index, (low, high) in enumerate(bands):
                last = index == len(bands) - 1
                if low <= confidence < high or (last and low <= confidence <= high):
                    counts[index][0] += 1
                    counts[index][1] += want == got
                    break
    return [
        {"band": _band_label(low, high, index == len(bands) - 1), "readings": readings, "right": right,
         "share": right / readings if readings else None}
        for index, ((low, high), (readings, right)) in enumerate(zip(bands, counts))
    ]


def calibration_table(rows: list[dict[str, Any]]) -> Table:
    """``calibration`` rows as a table: confidence band, readings, right, share right."""
    table = Table(title="confidence calibration: share of readings right per confidence band")
    for column in ("confidence band", "readings", "right", "share right"):
        table.add_column(column, justify="left" if column == "confidence band" else "right")
    for row in rows:
        table.add_row(row["band"], str(row["readings"]), str(row["right"]), _pct(row["share"]))
    return table


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"
