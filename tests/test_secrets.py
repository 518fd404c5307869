"""No secret is a constant: the embedded default makes random S3 credentials once and keeps them (mode 0600);
a production configuration must bring its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from pydantic import ValidationError

from sohoa.credentials import FILE_NAME, CredentialsFileError
from sohoa.errors import ExitCode
from sohoa.settings import Settings

SOHOA = Path(sys.executable).with_name("sohoa")


@pytest.fixture(autouse=True)
def no_sohoa_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("SOHOA_"):
            monkeypatch.delenv(name)


def test_first_start_makes_random_credentials_kept_with_mode_0600(tmp_path):
    first = Settings(home=tmp_path / "home")
    path = tmp_path / "home" / FILE_NAME
    assert path.stat().st_mode & 0o777 == 0o600
    assert first.s3_access_key and len(first.s3_secret_key.get_secret_value()) >= 32
    again = Settings(home=tmp_path / "home")
    assert (again.s3_access_key, again.s3_secret_key) == (first.s3_access_key, first.s3_secret_key)
    elsewhere = Settings(home=tmp_path / "other")
    assert elsewhere.s3_secret_key != first.s3_secret_key


def test_a_child_process_reads_the_same_credentials_back(tmp_path, monkeypatch):
    """The Prefect worker gets the settings as SOHOA_* variables (Settings.as_env), generated keys included."""
    settings = Settings(home=tmp_path / "home")
    for name, value in settings.as_env().items():
        monkeypatch.setenv(name, value)
    child = Settings()
    assert (child.s3_access_key, child.s3_secret_key) == (settings.s3_access_key, settings.s3_secret_key)


def test_a_credentials_file_open_to_others_is_refused(tmp_path):
    Settings(home=tmp_path)
    (tmp_path / FILE_NAME).chmod(0o644)
    with pytest.raises(ValidationError) as refused:
        Settings(home=tmp_path)
    assert "0600" in str(refused.value)
    assert issubclass(CredentialsFileError, ValueError)


@pytest.mark.parametrize("setting", [{"profile": "production"}, {"s3_endpoint": "s3.archive.example.vn:443"}])
def test_production_without_credentials_is_refused(tmp_path, setting):
    with pytest.raises(ValidationError) as refused:
        Settings(home=tmp_path, **setting)
    assert "production configuration" in str(refused.value)
    assert not (tmp_path / FILE_NAME).exists()  # nothing is made up for production


def test_production_with_its_own_credentials_runs(tmp_path):
    settings = Settings(home=tmp_path, profile="production", s3_access_key="archive", s3_secret_key="from-the-vault")
    assert settings.is_production and settings.s3_secret_key.get_secret_value() == "from-the-vault"
    assert not (tmp_path / FILE_NAME).exists()


def test_half_a_pair_is_refused(tmp_path):
    with pytest.raises(ValidationError, match="both"):
        Settings(home=tmp_path, s3_access_key="only-the-key")


def test_the_console_refuses_production_without_credentials_in_one_line(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    environment |= {"SOHOA_HOME": str(tmp_path / "home"), "SOHOA_PROFILE": "production", "COLUMNS": "200"}
    done = subprocess.run([str(SOHOA), "fixity"], capture_output=True, text=True, env=environment, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == ExitCode.invalid_config, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "SOHOA_S3_SECRET_KEY" in lines[0] and "production" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
