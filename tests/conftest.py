"""Session fixtures for the real services every integration test uses.

``seaweedfs``     a real SeaweedFS (``weed mini``) on free ports in a temporary directory, random credentials
``postgres_url``  a fresh, empty PostgreSQL database per test, in a throwaway PostgreSQL 15 cluster
``sqlite_url``    a SQLite file URL in the test's temporary directory

The PostgreSQL cluster: PostgreSQL refuses to run as root, and pytest-postgresql's ``postgresql_proc`` runs
``pg_ctl`` as the current user with its data under pytest's root-only temporary directory. So the cluster is
started here, with the same binaries, as an unprivileged user when the tests run as root (the ``postgres``
system user that Debian's ``postgresql`` package creates; see POSTGRES_OS_USER), on a free port of 127.0.0.1
with a random password; databases are created and dropped with pytest-postgresql's DatabaseJanitor.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytest_postgresql.janitor import DatabaseJanitor

from storage.objects import ObjectStore
from storage.seaweed import SeaweedServer, free_port

PG_BIN = Path("/usr/lib/postgresql/15/bin")
#: The unprivileged OS user that runs the test cluster when the suite runs as root.
POSTGRES_OS_USER = "postgres"


# --- SeaweedFS -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SeaweedFixture:
    endpoint: str  # 'host:port', as ObjectStore and Settings.s3_endpoint take it
    access_key: str
    secret_key: str
    store: ObjectStore
    server: SeaweedServer


@pytest.fixture(scope="session")
def seaweedfs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedFixture]:
    access_key, secret_key = f"test-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    server = SeaweedServer.on_free_ports(tmp_path_factory.mktemp("seaweedfs"), access_key, secret_key)
    with server:
        store = ObjectStore(server.endpoint, access_key, secret_key)
        yield SeaweedFixture(server.endpoint, access_key, secret_key, store, server)


# --- PostgreSQL ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PostgresCluster:
    host: str
    port: int
    user: str
    password: str
    data: Path | None = None
    as_user: str | None = None
    options: str = ""  # the server options it was started with (a restart uses them again)

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{self.user}:{self.password}@{self.host}:{self.port}/{dbname}"

    def stop(self, mode: str = "fast") -> None:
        """Stop the server ('immediate': as if it crashed); the fault tests stop and start it."""
        self._pg_ctl("-m", mode, "-w", "stop")

    def start(self) -> None:
        self._pg_ctl("-o", self.options, "-l", str(self.data.parent / "postgresql.log"), "-w", "-t", "60", "start")

    def _pg_ctl(self, *args: str) -> None:
        assert self.data is not None
        subprocess.run([str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args], check=True, capture_output=True,
                       user=self.as_user, cwd=self.data.parent,
                       env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "TZ": "UTC"})


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL 15 cluster on 127.0.0.1 (password auth), removed at the end of the session."""
    with throwaway_postgres() as cluster:
        yield cluster


@contextmanager
def throwaway_postgres() -> Iterator[PostgresCluster]:
    """Start a PostgreSQL 15 cluster of its own (see the module's docstring), and remove it afterwards."""
    if not (PG_BIN / "pg_ctl").exists():
        pytest.fail(f"PostgreSQL 15 binaries not found in {PG_BIN} (Debian package postgresql-15)")
    as_user: str | None = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(POSTGRES_OS_USER)
        except KeyError:
            pytest.fail(f"running as root: the test cluster needs the OS user {POSTGRES_OS_USER!r} "
                        f"(useradd --system {POSTGRES_OS_USER})")
        as_user = POSTGRES_OS_USER
    # Not under pytest's basetemp: that is private to the user running pytest.
    base = Path(tempfile.mkdtemp(prefix="sohoa-pg-"))
    data, sockets = base / "data", base / "run"
    sockets.mkdir()
    password = secrets.token_urlsafe(18)
    (base / "pw").write_text(password)
    if as_user is not None:
        entry = pwd.getpwnam(as_user)
        for path in (base, sockets, base / "pw"):
            os.chown(path, entry.pw_uid, entry.pw_gid)
    port = free_port()
    user = "sohoa_test"

    def run(*args: str) -> None:
        subprocess.run([str(a) for a in args], check=True, capture_output=True, user=as_user, cwd=base,
                       env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8", "TZ": "UTC"})

    try:
        run(PG_BIN / "initdb", "-D", data, "-U", user, f"--pwfile={base / 'pw'}", "--auth=scram-sha-256",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        (base / "pw").unlink()
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        run(PG_BIN / "pg_ctl", "-D", data, "-o", options, "-l", base / "postgresql.log", "-w", "-t", "60", "start")
    except subprocess.CalledProcessError as error:
        shutil.rmtree(base, ignore_errors=True)
        pytest.fail(f"could not start the test PostgreSQL cluster: {error.stderr.decode(errors='replace')[-1000:]}")
    try:
        yield PostgresCluster("127.0.0.1", port, user, password, data, as_user, options)
    finally:
        subprocess.run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], user=as_user,
                       capture_output=True, cwd=base, check=False)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture()
def postgres_url(postgres_cluster: PostgresCluster) -> Iterator[str]:
    """A fresh empty database for one test: ``postgresql+psycopg://…``; dropped afterwards."""
    dbname = f"t_{uuid.uuid4().hex[:12]}"
    janitor = DatabaseJanitor(user=postgres_cluster.user, host=postgres_cluster.host, port=postgres_cluster.port,
                              dbname=dbname, password=postgres_cluster.password)
    with janitor:
        yield postgres_cluster.url(dbname)


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    """A SQLite database file (not created yet) in the test's temporary directory."""
    return f"sqlite:///{tmp_path / 'test.sqlite'}"
