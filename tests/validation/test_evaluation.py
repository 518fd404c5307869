"""`sohoa eval` on a small handmade book whose figures are worked out by hand in the comments."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from rich.console import Console

from sohoa.evaluation import EvaluationInputError, evaluate, render_report
from validation.schema import EntrySource, EntryStatus, ExportedEntry, Flag, empty_fields

BOOK = {"authority": "UBND xã Tân Phú", "book_type": "birth", "year": 2018, "volume": 1}


def truth_line(no: int, name: str, sex: str, born: str) -> dict:
    return {**BOOK, "page": 1, **empty_fields(), "entry_no": no, "full_name": name, "sex": sex, "date_of_birth": born}


def pred_line(no: int | None, name: str | None, sex: str | None, born: str | None, flags: list[Flag] = (),
              page: int | None = 1) -> str:
    fields = empty_fields() | {"entry_no": no, "full_name": name, "sex": sex, "date_of_birth": born}
    entry = ExportedEntry(**BOOK, entry_no=no, fields=fields,
                          status=EntryStatus.FLAGGED if flags else EntryStatus.VERIFIED, flags=list(flags),
                          source=EntrySource(page=page, object_key=None))
    return entry.model_dump_json()


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture()
def files(tmp_path: Path) -> tuple[Path, Path, Path]:
    truth = write(tmp_path / "truth.jsonl", [json.dumps(t, ensure_ascii=False) for t in [
        truth_line(1, "Lê Văn An", "Nam", "2018-01-02"),       # 1+9+3+10 = 23 characters
        truth_line(2, "Trần Thị Hương", "Nữ", "2018-02-03"),   # 1+14+2+10 = 27
        truth_line(3, "Đỗ Minh", "Nam", "2018-03-04"),         # 1+7+3+10 = 21
        truth_line(4, "Vũ Lan", "Nữ", "2018-04-05"),           # 1+6+2+10 = 19
        truth_line(5, "Hà Anh", "Nữ", "2018-05-06"),           # never predicted: missed
    ]])
    pred = write(tmp_path / "export.jsonl", [
        # all four fields right, verified
        pred_line(1, "Lê Văn An", "Nam", "2018-01-02"),
        # "Hưong" for "Hương": 1 edit, and verified: a silent error. "Nữ" in NFD still counts right.
        pred_line(2, "Trần Thị Hưong", unicodedata.normalize("NFD", "Nữ"), "2018-02-03"),
        # number misread 3 → 8 (1 edit): paired by name + date of birth; flagged on entry_no and on sex
        pred_line(8, "Đỗ Minh", "Nam", "2018-03-04", [Flag(code="field_mismatch", field="entry_no"),
                                                      Flag(code="field_mismatch", field="sex")]),
        # sex not read (2 edits); registry has no record: the planted "missing"
        pred_line(4, "Vũ Lan", None, "2018-04-05", [Flag(code="unreadable", field="sex"),
                                                    Flag(code="missing_in_registry")]),
        # an entry the book does not have, wrongly flagged missing
        pred_line(6, "Ngô Bảo", "Nam", "2018-06-01", [Flag(code="missing_in_registry")]),
        # a registry record without a book entry: a flag line, not an entry
        pred_line(9, None, None, None, [Flag(code="registry_only")], page=None),
    ])
    planted = write(tmp_path / "discrepancies.jsonl", [json.dumps(d) for d in [
        {"type": "missing", "entry_no": 4, "field": None},
        {"type": "field_differs", "entry_no": 3, "field": "sex"},
        {"type": "field_differs", "entry_no": 5, "field": "full_name"},
        {"type": "duplicate", "entry_no": 1, "field": None},
        {"type": "registry_only", "entry_no": 9, "field": None},
    ]])
    return truth, pred, planted


def test_figures_match_the_hand_count(files):
    report = evaluate(*files)
    assert (report.truth_entries, report.pred_entries) == (5, 5)
    assert (report.paired, report.paired_by_name_and_date, report.missed, report.extra) == (4, 1, 1, 1)

    # entry_no: 8≠3; full_name: Hưong≠Hương; sex: None≠Nữ; date_of_birth: all right. Null-on-both fields skipped.
    per_field = {name: (s.counted, s.correct) for name, s in report.per_field.items() if s.counted}
    assert per_field == {"entry_no": (4, 3), "full_name": (4, 3), "sex": (4, 3), "date_of_birth": (4, 4)}
    assert report.field_accuracy == pytest.approx(13 / 16)

    assert (report.char_errors, report.truth_chars) == (1 + 1 + 2, 23 + 27 + 21 + 19)
    assert report.cer == pytest.approx(4 / 90)

    # verified: entries 1 and 2, 4 fields each; one of them wrong
    assert (report.verified_entries, report.flagged_entries) == (2, 3)
    assert (report.silent_errors, report.verified_fields) == (1, 8)
    assert report.silent_error_rate == pytest.approx(1 / 8)

    flags = {kind: (s.planted, s.found, s.flags, s.flags_matching) for kind, s in report.flags.items()}
    assert flags == {
        "missing": (1, 1, 2, 1),         # entry 6's flag is not planted
        "field_differs": (2, 1, 2, 1),   # entry 5 was never read; the entry_no flag is not planted
        "duplicate": (1, 0, 0, 0),
        "registry_only": (1, 1, 1, 1),
    }
    assert report.flags["missing"].precision == pytest.approx(0.5)
    assert report.flags["field_differs"].recall == pytest.approx(0.5)
    assert report.flags["duplicate"].precision is None


def test_to_dict_is_json_and_the_tables_render(files):
    report = evaluate(*files)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["field_accuracy"] == pytest.approx(0.8125)
    assert data["flags"]["registry_only"]["recall"] == 1.0
    console = Console(record=True, width=140)
    render_report(report, console)
    text = console.export_text()
    assert "81.2%" in text and "12.5%" in text and "duplicate_in_registry" in text


def test_without_discrepancies_the_flag_scores_are_empty(files):
    truth, pred, _ = files
    report = evaluate(truth, pred, None)
    assert all(s.planted == 0 and s.recall is None for s in report.flags.values())
    assert report.flags["missing"].flags == 2


def test_a_bad_line_names_the_file_and_line(files, tmp_path):
    truth, pred, _ = files
    broken = write(tmp_path / "broken.jsonl", [pred.read_text().splitlines()[0], "{not json"])
    with pytest.raises(EvaluationInputError, match=r"broken\.jsonl, line 2"):
        evaluate(truth, broken)
    with pytest.raises(EvaluationInputError, match="nowhere.jsonl"):
        evaluate(tmp_path / "nowhere.jsonl", pred)


def test_the_sohoa_eval_command_prints_the_report_as_json(files):
    from typer.testing import CliRunner

    from sohoa.cli import app

    truth, pred, planted = files
    result = CliRunner().invoke(app, ["eval", "--truth", str(truth), "--pred", str(pred),
                                      "--discrepancies", str(planted), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["fields_correct"], data["fields_counted"], data["silent_errors"]) == (13, 16, 1)


def _export(tmp_path: Path, entries: list[ExportedEntry]) -> Path:
    return write(tmp_path / "export.jsonl", [e.model_dump_json() for e in entries])


def test_text_fields_are_compared_literally_and_structured_fields_by_value(tmp_path):
    truth = {**BOOK, "page": 1, **empty_fields(), "entry_no": 1, "full_name": "Lê Văn An",
             "date_of_birth": "2018-01-02", "place_of_birth": "xã Tân Phú, tỉnh Thanh Hoá"}
    truth_path = write(tmp_path / "truth.jsonl", [json.dumps(truth, ensure_ascii=False)])
    values = empty_fields() | {"entry_no": 1, "full_name": "Lê Văn An", "date_of_birth": "2018-01-02",
                               "place_of_birth": "xã Tân Phú, tỉnh Thanh Hóa"}
    # The book's text is printed in new placement; a record that rewrote it to old placement is wrong.
    rewritten = ExportedEntry(**BOOK, entry_no=1, status=EntryStatus.VERIFIED, source=EntrySource(page=1, object_key=None),
                              fields=values | {"entry_no": "1", "date_of_birth": "2/1/2018"}, values=values)
    report = evaluate(truth_path, _export(tmp_path, [rewritten]))
    scores = {n: (s.counted, s.correct) for n, s in report.per_field.items() if s.counted}
    assert scores == {"entry_no": (1, 1), "full_name": (1, 1), "date_of_birth": (1, 1), "place_of_birth": (1, 0)}
    literal = rewritten.model_copy(update={"fields": rewritten.fields | {"place_of_birth": truth["place_of_birth"]}})
    assert evaluate(truth_path, _export(tmp_path, [literal])).field_accuracy == 1.0


def test_calibration_counts_readings_per_band_and_the_share_right(tmp_path):
    from sohoa.evaluation import calibration

    truth = [truth_line(1, "Lê Văn An", "Nam", "2018-01-02"), truth_line(2, "Trần Thị Hương", "Nữ", "2018-02-03")]
    fields = empty_fields() | {"entry_no": 1, "full_name": "Lê Văn An", "sex": "Nữ", "date_of_birth": "2018-01-02"}
    first = ExportedEntry(**BOOK, entry_no=1, fields=fields, status=EntryStatus.FLAGGED,
                          source=EntrySource(page=1, object_key=None),
                          confidence={"entry_no": 1.0, "full_name": 0.97, "sex": 0.3, "date_of_birth": 0.91,
                                      "notes": 0.99})  # notes: null on both sides, not a reading
    second = first.model_copy(update={"entry_no": 2, "fields": fields | {
        "entry_no": 2, "full_name": "Trần Thị Hưong", "sex": "Nữ", "date_of_birth": "2018-02-03"},
        "confidence": {"entry_no": 0.995, "full_name": 0.96, "sex": 0.4}})
    rows = calibration(truth, [first, second])
    assert [r["band"] for r in rows] == ["[0.00, 0.50)", "[0.50, 0.80)", "[0.80, 0.90)", "[0.90, 0.95)",
                                         "[0.95, 0.99)", "[0.99, 1.00]"]
    got = {r["band"]: (r["readings"], r["right"]) for r in rows if r["readings"]}
    # sex 0.3 wrong, 0.4 right; date 0.91 right; names 0.97 right, 0.96 wrong; entry numbers 1.0 and 0.995 right
    assert got == {"[0.00, 0.50)": (2, 1), "[0.90, 0.95)": (1, 1), "[0.95, 0.99)": (2, 1), "[0.99, 1.00]": (2, 2)}
    assert rows[0]["share"] == 0.5 and rows[1]["share"] is None
