"""Fixtures for flow tests: a synthetic book and settings pointing at the real test services."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from sohoa.settings import Settings, get_settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def small_table_book(tmp_path_factory):
    from synth import generate_book

    return generate_book(tmp_path_factory.mktemp("book-table"), layout="table", pages=2, seed=11,
                         degradation="light", upside_down_pages=0)


@pytest.fixture()
def flow_settings(tmp_path, seaweedfs, monkeypatch) -> Settings:
    """Settings for a flow run in this process: the test SeaweedFS, SQLite state under tmp_path, and an
    ephemeral Prefect home of its own."""
    settings = Settings(
        home=tmp_path / "home",
        s3_endpoint=seaweedfs.endpoint,
        s3_access_key=seaweedfs.access_key,
        s3_secret_key=seaweedfs.secret_key,
        object_lock_days=1,  # records locked a day in tests, not a century
        prefect_api_url=f"http://127.0.0.1:{free_port()}/api",
        review_port=free_port(),  # `sohoa up` starts the review app too: never on a port someone else uses
    )
    settings.home.mkdir(parents=True)
    for name, value in settings.as_env().items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield settings
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def prefect_ephemeral():
    """A throwaway Prefect API and database for in-process flow runs (Prefect's own test harness)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture()
def run_batch(prefect_ephemeral):
    """Run digitize-batch in this process, as `sohoa digitize` does."""
    from flows.digitize import digitize_batch

    def run(source: Path, book: dict, registry_db_url: str | None = None) -> dict:
        return digitize_batch(source=str(source), authority=book["authority"], year=book["year"],
                          volume=str(book["volume"]), book_type=book.get("book_type", "birth"),
                          registry_db_url=registry_db_url)

    return run
