"""`sohoa synth` options for the style matrix: --style (classic or forced axes as JSON), --quality, --dpi."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sohoa.cli import app

runner = CliRunner()


def test_synth_forces_axes_quality_and_dpi(tmp_path):
    out = tmp_path / "book"
    style = json.dumps({"preset": "classic", "column_numbers": True, "tone_placement": "new"})
    done = runner.invoke(app, ["synth", str(out), "--layout", "table", "--pages", "1", "--style", style,
                               "--quality", "heavy", "--dpi", "60", "--format", "png"])
    assert done.exit_code == 0, done.output
    book = json.loads((out / "book.json").read_text(encoding="utf-8"))
    assert book["quality"] == "heavy" and book["dpi"] == 60
    assert book["style"]["preset"] == "classic" and book["style"]["column_numbers"] is True
    assert book["style"]["tone_placement"] == "new"


def test_synth_classic_and_drawn_styles(tmp_path):
    for name, extra in (("classic", ["--style", "classic"]), ("drawn", [])):
        done = runner.invoke(app, ["synth", str(tmp_path / name), "--pages", "1", "--seed", "3", "--dpi", "60",
                                   "--degradation", "clean", "--format", "png", *extra])
        assert done.exit_code == 0, done.output
    classic = json.loads((tmp_path / "classic" / "book.json").read_text(encoding="utf-8"))["style"]
    drawn = json.loads((tmp_path / "drawn" / "book.json").read_text(encoding="utf-8"))["style"]
    assert classic["preset"] == "classic" and drawn["preset"] == "drawn"


def test_synth_rejects_a_bad_style_with_a_usage_error(tmp_path):
    for bad in ("{not json", "[1, 2]", json.dumps({"no_such_axis": 1})):
        done = runner.invoke(app, ["synth", str(tmp_path / "x"), "--pages", "1", "--style", bad])
        assert done.exit_code == 2, done.output
        assert "Traceback" not in done.output
    done = runner.invoke(app, ["synth", str(tmp_path / "y"), "--pages", "1", "--quality", "awful"])
    assert done.exit_code == 2 and "quality" in done.output
