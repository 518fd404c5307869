"""The `sohoa` command as archive staff type it: arguments checked, files written, clear errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sohoa.cli import app
from sohoa.errors import ExitCode
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


def test_volume_is_text_and_an_empty_one_is_a_usage_error(tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    done = runner.invoke(app, ["digitize", str(scans), "--authority", "UBND xã A", "--year", "2001", "--volume", " "])
    assert done.exit_code == ExitCode.bad_args and "volume must not be empty" in done.output


# --- the console script on bad input: one line on stderr, the exit code of the table, no traceback -------

SOHOA = Path(sys.executable).with_name("sohoa")


def _sohoa(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """Run the installed console script, as a user would, with its home under tmp_path."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    environment |= {"SOHOA_HOME": str(tmp_path / "home"), "COLUMNS": "80"} | env
    return subprocess.run([str(SOHOA), *args], capture_output=True, text=True, env=environment, cwd=tmp_path,
                          timeout=120)


def _fails_with(done: subprocess.CompletedProcess, code: ExitCode, *named: str) -> str:
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("error: ")
    for name in named:
        assert name in lines[0], lines[0]
    return lines[0]



def test_a_prefect_server_that_does_not_start_in_time_is_one_line_not_a_traceback(tmp_path):
    """Under load the one-off server can miss its start-up window; Prefect then raises a RuntimeError that
    carries the server's whole output. With no time at all to start, it always misses."""
    done = _sohoa(tmp_path, "fixity", PREFECT_HOME=str(tmp_path / "prefect"),
                  PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="0")
    assert done.returncode == ExitCode.service_unavailable, (done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert errors == ["error: the one-off Prefect server did not start within 0 s; the machine may be overloaded: "
                      "try again, raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, or start a server with "
                      "`sohoa up`"], done.stderr


def test_a_one_off_run_waits_longer_for_its_server_than_prefect_does():
    from prefect.settings.models.server.ephemeral import ServerEphemeralSettings

    from sohoa.settings import PREFECT_DEFAULTS

    waits = ServerEphemeralSettings.model_fields["startup_timeout_seconds"].default
    assert int(PREFECT_DEFAULTS["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"]) >= 3 * waits


def _snapshot(path: Path, *lines: dict | str) -> Path:
    path.write_text("".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n"
                            for line in lines), encoding="utf-8")
    return path


LINE = {"registry_id": "r-1", "authority": "UBND xã A", "book_type": "birth", "year": 2001, "volume": "01",
        "entry_no": 1, "full_name": "Lò Thị Xuân", "personal_id": "001301000001"}


def test_a_snapshot_line_without_a_book_key_names_file_line_and_field(tmp_path):
    snapshot = _snapshot(tmp_path / "registry.jsonl", LINE, {k: v for k, v in LINE.items() if k != "year"})
    line = _fails_with(_sohoa(tmp_path, "registry", "load", str(snapshot)), ExitCode.registry_snapshot,
                       "registry.jsonl:2", "year is missing")
    assert "Lò Thị Xuân" not in line and "001301000001" not in line


def test_a_corrupt_snapshot_line_is_one_error(tmp_path):
    snapshot = _snapshot(tmp_path / "registry.jsonl", LINE, '{"registry_id": "r-2", "authority": ')
    _fails_with(_sohoa(tmp_path, "registry", "load", str(snapshot)), ExitCode.registry_snapshot,
                "registry.jsonl:2", "not valid JSON")


def test_a_snapshot_without_registry_ids_loads_and_reloads(tmp_path):
    """Regression: a snapshot without registry_id stopped `sohoa registry load` with a traceback."""
    lines = [{k: v for k, v in LINE.items() if k != "registry_id"} | {"entry_no": n} for n in (1, 2)]
    snapshot = _snapshot(tmp_path / "registry.jsonl", *lines)
    db = f"sqlite:///{tmp_path / 'registry.sqlite'}"
    for _ in range(2):
        done = _sohoa(tmp_path, "registry", "load", str(snapshot), "--db", db)
        assert done.returncode == 0, done.stderr
        assert "loaded 2 registry records" in done.stdout
    assert len(RegistryReader(db).rows_for_book("UBND xã A", "birth", 2001, "01")) == 2  # upserted, not copied


def test_an_evaluation_file_that_is_not_json_is_named(tmp_path):
    truth = tmp_path / "truth.jsonl"
    truth.write_text('{"entry_no": 1, \n', encoding="utf-8")
    _fails_with(_sohoa(tmp_path, "eval", "--truth", str(truth), "--pred", str(truth)), ExitCode.input_file,
                "truth.jsonl", "not JSON")


def test_an_unreachable_database_is_named_without_its_password(tmp_path):
    snapshot = _snapshot(tmp_path / "registry.jsonl", LINE)
    url = "postgresql+psycopg://sohoa:hunter2secret@127.0.0.1:1/registry"
    line = _fails_with(_sohoa(tmp_path, "registry", "load", str(snapshot), "--db", url),
                       ExitCode.service_unavailable, "registry database", "127.0.0.1:1")
    assert "hunter2secret" not in line


def test_an_unreachable_s3_endpoint_stops_digitize_before_the_batch(tmp_path):
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "page.png").write_bytes(b"not read: object storage is checked first")
    done = _sohoa(tmp_path, "digitize", str(scans), "--authority", "UBND xã A", "--year", "2001", "--volume", "01",
                  SOHOA_S3_ENDPOINT="localhost:1")
    _fails_with(done, ExitCode.service_unavailable, "object storage", "localhost:1")


def test_an_invalid_setting_is_named_and_its_value_not_shown(tmp_path):
    done = _sohoa(tmp_path, "review", "list", SOHOA_MIN_FIELD_CONFIDENCE="very-high")
    line = _fails_with(done, ExitCode.invalid_config, "SOHOA_MIN_FIELD_CONFIDENCE")
    assert "very-high" not in line


def test_an_unknown_batch_is_a_state_error(tmp_path):
    _fails_with(_sohoa(tmp_path, "export", "--batch", "no-such-batch", "--out", str(tmp_path / "x.jsonl")),
                ExitCode.state_error, "no-such-batch")


def test_every_typed_error_has_an_exit_code_and_a_bug_has_none():
    from ocr.errors import CorruptFileError, MissingDependencyError
    from sohoa.cli import exit_status
    from sohoa.evaluation import EvaluationInputError
    from storage.errors import ObjectConflictError, RegistrySnapshotError, StateError, StorageUnavailableError

    cases = {
        CorruptFileError("scan.pdf", page=2): ExitCode.input_file,
        MissingDependencyError("tesseract not found"): ExitCode.missing_dependency,
        ObjectConflictError("b", "k", None, "0" * 64): ExitCode.storage_error,
        RegistrySnapshotError("r.jsonl:3: year is missing"): ExitCode.registry_snapshot,
        StateError("no batch x"): ExitCode.state_error,
        StorageUnavailableError("s3 down"): ExitCode.service_unavailable,
        EvaluationInputError("pred.jsonl, line 1: not JSON"): ExitCode.input_file,
        PermissionError(13, "Permission denied", "/root/out.jsonl"): ExitCode.file_access,
    }
    for error, code in cases.items():
        assert exit_status(error)[0] == code, error
    assert exit_status(CorruptFileError("scan.pdf", page=2))[1] == "scan.pdf (page 2): " + CorruptFileError.reason
    assert exit_status(ZeroDivisionError()) is None  # a bug keeps its traceback


@pytest.mark.integration
def test_digitize_reports_each_bad_file_in_one_line_without_tracebacks(tmp_path, seaweedfs):
    """A batch of bad files through the real console script, ephemeral Prefect and SeaweedFS: each file is named
    once in the summary; the console shows no task traceback (those stay in the run's logs)."""
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "01-empty.pdf").write_bytes(b"")
    (scans / "02-notes.jpg").write_text("a text file, not a scan\n", encoding="utf-8")
    (scans / "03-truncated.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    db = f"sqlite:///{tmp_path / 'home' / 'registry.sqlite'}"
    assert _sohoa(tmp_path, "registry", "load", str(_snapshot(tmp_path / "registry.jsonl", LINE)),
                  "--db", db).returncode == 0
    done = _sohoa(tmp_path, "digitize", str(scans), "--authority", "UBND xã A", "--year", "2001", "--volume", "01",
                  SOHOA_S3_ENDPOINT=seaweedfs.endpoint, SOHOA_S3_ACCESS_KEY=seaweedfs.access_key,
                  SOHOA_S3_SECRET_KEY=seaweedfs.secret_key, PREFECT_HOME=str(tmp_path / "prefect"))
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    assert done.returncode == ExitCode.input_file, output[-3000:]  # a script that drives it can tell
    for name in ("01-empty.pdf", "02-notes.jpg", "03-truncated.png"):
        assert sum(f"input error {scans / name}" in line for line in output.splitlines()) == 1, (name, output[-3000:])


def test_the_exit_code_table_documents_every_code():
    import re

    import sohoa.errors

    documented = {int(code): name for code, name in re.findall(r"^\s+(\d+)\s+(\w+)\s", sohoa.errors.__doc__, re.M)}
    assert documented == {int(code): code.name for code in ExitCode}
