"""`sohoa eval`: how good an export is against a synthetic book's ground truth.

Inputs are the files ``sohoa synth`` writes (truth.jsonl: one entry per line with the book keys and the
BIRTH_FIELDS; discrepancies.jsonl: the planted registry discrepancies, ``{"type", "entry_no", "field"?}``)
and an export.jsonl of ``validation.schema.ExportedEntry`` lines.

Pairing. A predicted entry is paired with the truth entry of the same book and entry number. Entry numbers
can be misread, so a second pass pairs what is left over by the same book + full name + date of birth
(the entry number then counts as a wrong field). Whatever is still unpaired is "missed" (truth) or "extra"
(prediction). Export lines that carry a ``registry_only`` flag are registry records without a book entry:
they are flags, not entries, and take no part in the pairing.

Measures (over paired entries; a field counts when it is non-null in the truth or in the prediction):
- field accuracy: structured fields (numbers, dates, the ID) compare the export's ``values`` with the truth
  value; text fields compare the export's ``fields`` (the book's text, literally) with the truth text.
  Exact match after NFC and whitespace normalization: case, marks and tone placement matter, per field and
  overall (exports without ``values`` are compared on ``fields``);
- character error rate: total Levenshtein distance / total truth characters;
- silent errors: wrong fields inside entries marked verified, / all counted fields of verified entries;
- flag recall and precision per planted discrepancy type (missing → missing_in_registry, field_differs →
  field_mismatch on that field, duplicate → duplicate_in_registry, registry_only → registry_only).
  A flag is attributed to the truth entry number of the entry it sits on (so a misread number does not
  move it). Precision for a code = flags of that code that correspond to a planted discrepancy / all flags
  of that code.
- calibration: for each confidence band, how many field readings of paired entries carry a confidence in it
  and the share of them that are right (``calibration``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein
from rich.console import Console
from rich.table import Table

from sohoa.calibration import CALIBRATION_BANDS, calibration, calibration_table
from sohoa.pairing import BookKey, book_key as _book, is_registry_only as _is_registry_only, pair_entries, predicted
from validation.schema import BIRTH_FIELDS, EntryStatus, ExportedEntry, FlagCode
from validation.text import exact_form

__all__ = ["CALIBRATION_BANDS", "EvalReport", "EvaluationInputError", "calibration", "calibration_table",
           "evaluate", "pair_entries", "predicted", "render_report", "report_tables"]

EXPECTED_CODE: dict[str, str] = {
    "missing": FlagCode.MISSING_IN_REGISTRY.value,
    "field_differs": FlagCode.FIELD_MISMATCH.value,
    "duplicate": FlagCode.DUPLICATE_IN_REGISTRY.value,
    "registry_only": FlagCode.REGISTRY_ONLY.value,
}


class EvaluationInputError(ValueError):
    """A truth, export or discrepancies file that cannot be read; the message names the file and line."""


@dataclass
class FieldScore:
    counted: int = 0
    correct: int = 0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.counted if self.counted else None


@dataclass
class FlagScore:
    expected_code: str
    planted: int = 0
    found: int = 0  # planted discrepancies that got the expected flag
    flags: int = 0  # flags of the expected code in the export
    flags_matching: int = 0  # of those, flags that correspond to a planted discrepancy of this type

    @property
    def recall(self) -> float | None:
        return self.found / self.planted if self.planted else None

    @property
    def precision(self) -> float | None:
        return self.flags_matching / self.flags if self.flags else None


@dataclass
class EvalReport:
    truth_entries: int
    pred_entries: int  # export lines that are book entries (registry_only lines excluded)
    paired: int
    paired_by_name_and_date: int  # of the paired, those found by the fallback pass
    missed: int
    extra: int
    per_field: dict[str, FieldScore]
    char_errors: int
    truth_chars: int
    verified_entries: int
    flagged_entries: int
    verified_fields: int
    silent_errors: int
    flags: dict[str, FlagScore]  # per discrepancy type
    flag_counts: dict[str, int] = field(default_factory=dict)  # every flag code in the export
    calibration: list[dict[str, Any]] = field(default_factory=list)  # see ``calibration``

    @property
    def fields_counted(self) -> int:
        return sum(s.counted for s in self.per_field.values())

    @property
    def fields_correct(self) -> int:
        return sum(s.correct for s in self.per_field.values())

    @property
    def field_accuracy(self) -> float | None:
        return self.fields_correct / self.fields_counted if self.fields_counted else None

    @property
    def cer(self) -> float | None:
        return self.char_errors / self.truth_chars if self.truth_chars else None

    @property
    def silent_error_rate(self) -> float | None:
        return self.silent_errors / self.verified_fields if self.verified_fields else None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["per_field"] = {
            name: {**asdict(score), "accuracy": score.accuracy} for name, score in self.per_field.items()
        }
        data["flags"] = {
            kind: {**asdict(score), "recall": score.recall, "precision": score.precision}
            for kind, score in self.flags.items()
        }
        data.update(fields_counted=self.fields_counted, fields_correct=self.fields_correct,
                    field_accuracy=self.field_accuracy, cer=self.cer, silent_error_rate=self.silent_error_rate)
        return data


# --- reading the files ------------------------------------------------------------------------------

def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    rows = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise EvaluationInputError(f"{path}: cannot be read ({type(error).__name__})") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise EvaluationInputError(f"{path}, line {number}: not JSON ({error.msg})") from None
    return rows


def _read_export(path: Path) -> list[ExportedEntry]:
    entries = []
    for number, row in enumerate(_read_jsonl(path), start=1):
        try:
            entries.append(ExportedEntry.model_validate(row))
        except ValueError as error:
            problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['type']}" for e in error.errors())
            raise EvaluationInputError(f"{path}, entry {number}: not an exported entry ({problems})") from None
    return entries


# --- evaluation -------------------------------------------------------------------------------------

def evaluate(truth: Path, pred: Path, discrepancies: Path | None = None) -> EvalReport:
    """Score an export against ground truth (and the planted discrepancies, when given)."""
    truth_rows = _read_jsonl(truth)
    exported = _read_export(pred)
    planted = _read_jsonl(discrepancies) if discrepancies is not None else []
    for number, d in enumerate(planted, start=1):
        if d.get("type") not in EXPECTED_CODE:
            raise EvaluationInputError(f"{discrepancies}, line {number}: unknown discrepancy type")

    entries = [e for e in exported if not _is_registry_only(e)]
    pairs, fallback, missed, extra = pair_entries(truth_rows, entries)

    per_field = {name: FieldScore() for name in BIRTH_FIELDS}
    char_errors = truth_chars = verified_fields = silent_errors = 0
    for t_index, p_index in pairs:
        t, p = truth_rows[t_index], entries[p_index]
        verified = p.status == EntryStatus.VERIFIED
        for name in BIRTH_FIELDS:
            want, got = exact_form(t.get(name)), exact_form(predicted(p, name))
            if want is None and got is None:
                continue
            score = per_field[name]
            score.counted += 1
            right = want == got
            score.correct += right
            char_errors += Levenshtein.distance(want or "", got or "")
            truth_chars += len(want or "")
            if verified:
                verified_fields += 1
                silent_errors += not right

    flags = _score_flags(truth_rows, entries, pairs, exported, planted)
    return EvalReport(
        truth_entries=len(truth_rows),
        pred_entries=len(entries),
        paired=len(pairs),
        paired_by_name_and_date=fallback,
        missed=len(missed),
        extra=len(extra),
        per_field=per_field,
        char_errors=char_errors,
        truth_chars=truth_chars,
        verified_entries=sum(e.status == EntryStatus.VERIFIED for e in entries),
        flagged_entries=sum(e.status != EntryStatus.VERIFIED for e in entries),
        verified_fields=verified_fields,
        silent_errors=silent_errors,
        flags=flags,
        flag_counts=dict(Counter(f.code.value for e in exported for f in e.flags)),
        calibration=calibration(truth_rows, entries),
    )


def _score_flags(
    truth_rows: list[dict[str, Any]],
    entries: list[ExportedEntry],
    pairs: list[tuple[int, int]],
    exported: list[ExportedEntry],
    planted: list[dict[str, Any]],
) -> dict[str, FlagScore]:
    """Recall and precision of the expected flag for each planted discrepancy type."""
    true_number = {id(entries[p]): truth_rows[t].get("entry_no") for t, p in pairs}

    def where(entry: ExportedEntry) -> tuple[BookKey | None, Any]:
        return _book(entry.model_dump()), true_number.get(id(entry), entry.entry_no)

    def planted_at(d: dict[str, Any]) -> tuple[BookKey | None, Any]:
        # discrepancies.jsonl of one synthetic book carries no book keys: then any book matches
        return (_book(d) if all(d.get(k) is not None for k in ("authority", "year", "volume")) else None,
                d.get("entry_no"))

    # (where, code, field or None) of every flag in the export
    raised: list[tuple[tuple[BookKey | None, Any], str, str | None]] = [
        (where(e), f.code.value, f.field) for e in exported for f in e.flags
    ]
    expected: set[tuple[tuple[BookKey | None, Any], str, str | None]] = set()
    scores = {kind: FlagScore(expected_code=code) for kind, code in EXPECTED_CODE.items()}
    for d in planted:
        kind, code = d["type"], EXPECTED_CODE[d["type"]]
        key = (planted_at(d), code, d.get("field") if kind == "field_differs" else None)
        expected.add(key)
        scores[kind].planted += 1
        scores[kind].found += any(_flag_matches(r, key) for r in raised)

    for kind, score in scores.items():
        mine = [r for r in raised if r[1] == score.expected_code]
        score.flags = len(mine)
        score.flags_matching = sum(any(_flag_matches(r, key) for key in expected) for r in mine)
    return scores


def _flag_matches(flag: tuple, planted_key: tuple) -> bool:
    (flag_where, flag_code, flag_field), (planted_where, planted_code, planted_field) = flag, planted_key
    (flag_book, flag_no), (planted_book, planted_no) = flag_where, planted_where
    if flag_code != planted_code or flag_no != planted_no or planted_book not in (None, flag_book):
        return False
    return planted_field is None or flag_field == planted_field


# --- rendering --------------------------------------------------------------------------------------

def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.1f}%"


def report_tables(report: EvalReport) -> list[Table]:
    """The report as rich Tables: summary, per-field accuracy, flags per planted discrepancy type."""
    summary = Table(title="evaluation", show_header=False)
    summary.add_column("measure")
    summary.add_column("value", justify="right")
    rows = [
        ("truth entries", str(report.truth_entries)),
        ("predicted entries", str(report.pred_entries)),
        ("paired (of which by name + date of birth)", f"{report.paired} ({report.paired_by_name_and_date})"),
        ("missed entries", str(report.missed)),
        ("extra entries", str(report.extra)),
        ("field accuracy", f"{_pct(report.field_accuracy)} ({report.fields_correct}/{report.fields_counted})"),
        ("character error rate", f"{_pct(report.cer)} ({report.char_errors}/{report.truth_chars})"),
        ("verified / flagged entries", f"{report.verified_entries} / {report.flagged_entries}"),
        ("silent errors (wrong fields in verified entries)",
         f"{report.silent_errors}/{report.verified_fields} = {_pct(report.silent_error_rate)}"),
    ]
    rows += [(f"flags: {code}", str(n)) for code, n in sorted(report.flag_counts.items())]
    for row in rows:
        summary.add_row(*row)

    fields = Table(title="field accuracy")
    for column in ("field", "counted", "correct", "accuracy"):
        fields.add_column(column, justify="left" if column == "field" else "right")
    for name, score in report.per_field.items():
        if score.counted:
            fields.add_row(name, str(score.counted), str(score.correct), _pct(score.accuracy))

    flags = Table(title="planted discrepancies: flag recall and precision")
    for column in ("type", "expected flag", "planted", "found", "recall", "raised", "precision"):
        text_column = column in {"type", "expected flag"}
        flags.add_column(column, justify="left" if text_column else "right", no_wrap=text_column)
    for kind, score in report.flags.items():
        flags.add_row(kind, score.expected_code, str(score.planted), str(score.found), _pct(score.recall),
                      str(score.flags), _pct(score.precision))
    tables = [summary, fields, flags]
    if any(row["readings"] for row in report.calibration):
        tables.append(calibration_table(report.calibration))
    return tables


def render_report(report: EvalReport, console: Console | None = None) -> None:
    console = console or Console()
    for table in report_tables(report):
        console.print(table)
