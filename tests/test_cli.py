"""The `sohoa` command as archive staff type it: arguments checked, files written, clear errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from sohoa.cli import app
from storage.registry import RegistryReader

runner = CliRunner()


def test_synth_then_registry_load(tmp_path):
    out = tmp_path / "book"
    done = runner.invoke(app, ["synth", str(out), "--layout", "form", "--pages", "1", "--degradation", "clean"])
    assert done.exit_code == 0, done.output
    book = json.loads((out / "book.json").read_text(encoding="utf-8"))
    db = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    loaded = runner.invoke(app, ["registry", "load", str(out / "registry.jsonl"), "--db", db])
    assert loaded.exit_code == 0, loaded.output
    rows = RegistryReader(db).rows_for_book(book["authority"], "birth", book["year"], book["volume"])
    assert len(rows) == sum(1 for _ in (out / "registry.jsonl").open(encoding="utf-8"))


def test_digitize_names_a_missing_path_and_fails(tmp_path):
    missing = tmp_path / "no-such-scans"
    done = runner.invoke(app, ["digitize", str(missing), "--authority", "UBND xã A", "--year", "2001", "--volume", "1"])
    assert done.exit_code == 2
    assert "does not exist" in done.output
