"""The local stack: SeaweedFS, a Prefect server with its UI, a process work pool and a worker, and the
reviewers' web app.

`sohoa up` starts them as background processes (pid files and logs under <home>/run), deploys
digitize-batch and the scheduled fixity-audit (SOHOA_FIXITY_CRON) from prefect.yaml, and prints the URLs;
`sohoa down` stops them.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from rich.console import Console

from sohoa.errors import ExitCode, ServiceUnavailableError, SohoaError
from sohoa.settings import Settings, child_environment, get_settings

PROJECT_DIR = Path(__file__).resolve().parents[1]


def local_seaweed(settings: Settings):
    """The embedded S3 server the settings describe (data under <home>/seaweedfs)."""
    from storage.seaweed import SeaweedServer

    return SeaweedServer(
        (settings.home / "seaweedfs").resolve(), access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key.get_secret_value(), s3_port=settings.seaweed_s3_port,
        master_port=settings.seaweed_master_port, volume_port=settings.seaweed_volume_port,
        filer_port=settings.seaweed_filer_port,
    )


def _prefect_env(settings: Settings) -> dict[str, str]:
    # The worker (and the flow runs it starts) read the same settings back; paths made absolute.
    return child_environment(settings, PREFECT_API_URL=settings.prefect_api_url,
                             PREFECT_HOME=str((settings.home / "prefect").resolve()), OMP_THREAD_LIMIT="1")


def _prefect(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("prefect")), *args]


def _run_dir(settings: Settings) -> Path:
    path = (settings.home / "run").resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _spawn(name: str, cmd: list[str], env: dict[str, str], settings: Settings) -> int:
    run = _run_dir(settings)
    log = (run / f"{name}.log").open("ab")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=PROJECT_DIR,
                            start_new_session=True)
    (run / f"{name}.pid").write_text(str(proc.pid))
    return proc.pid


def _alive(pid_file: Path) -> bool:
    try:
        os.kill(int(pid_file.read_text()), 0)
        return True
    except (OSError, ValueError):
        return False


def _wait_http(url: str, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.5)
    raise ServiceUnavailableError(f"{what} did not answer at {url} within {timeout:.0f} s")


class PrefectCommandError(SohoaError):
    """A `prefect` command that `sohoa up` runs failed; its output is in the log it names."""

    exit_code = ExitCode.external_program


def _prefect_command(settings: Settings, env: dict[str, str], *args: str) -> None:
    done = subprocess.run(_prefect(*args), env=env, cwd=PROJECT_DIR, capture_output=True, text=True)
    if done.returncode != 0:
        log = _run_dir(settings) / "prefect-commands.log"
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"$ prefect {' '.join(args)}\n{done.stdout}{done.stderr}\n")
        raise PrefectCommandError(f"'prefect {' '.join(args)}' failed with exit code {done.returncode} "
                                  f"(output in {log})")


def start_stack(console: Console, settings: Settings | None = None) -> dict[str, str]:
    from storage.seaweed import endpoint_answers

    settings = settings or get_settings()
    run = _run_dir(settings)
    env = _prefect_env(settings)

    seaweed = local_seaweed(settings)
    if endpoint_answers(settings.s3_endpoint):
        console.print(f"[dim]object storage already answers at {settings.s3_endpoint}[/]")
    else:
        seaweed.start_detached(run / "seaweedfs.pid")

    api = settings.prefect_api_url.rstrip("/")
    host_port = api.split("//", 1)[1].split("/", 1)[0]
    host, port = host_port.rsplit(":", 1)
    if not _alive(run / "prefect-server.pid"):
        console.print("starting Prefect server …")
        _spawn("prefect-server", _prefect("server", "start", "--host", host, "--port", port), env, settings)
    _wait_http(f"{api}/health", 120, "Prefect server")

    _prefect_command(settings, env, "work-pool", "create", settings.work_pool, "--type", "process", "--overwrite")
    _prefect_command(settings, env, "--no-prompt", "deploy", "--all")
    if not _alive(run / "prefect-worker.pid"):
        _spawn("prefect-worker", _prefect("worker", "start", "--pool", settings.work_pool), env, settings)

    review = f"http://{settings.review_host}:{settings.review_port}"
    if not _alive(run / "review.pid"):
        sohoa = str(Path(sys.executable).with_name("sohoa"))
        _spawn("review", [sohoa, "review", "serve"], child_environment(settings), settings)
    _wait_http(f"{review}/login", 60, "the review app")

    ui = api.removesuffix("/api")
    return {"Prefect UI": ui, "Prefect API": api, "Review app": review, "S3 endpoint": f"http://{settings.s3_endpoint}",
            "fixity audit": f"cron '{settings.fixity_cron}' (UTC)", "logs": str(run)}


def stop_stack(console: Console, settings: Settings | None = None) -> None:
    from storage.seaweed import SeaweedServer

    settings = settings or get_settings()
    run = _run_dir(settings)
    for name in ("review", "prefect-worker", "prefect-server"):
        pid_file = run / f"{name}.pid"
        if _alive(pid_file):
            pid = int(pid_file.read_text())
            os.killpg(pid, signal.SIGTERM)
            for _ in range(50):
                if not _alive(pid_file):
                    break
                time.sleep(0.2)
            else:
                os.killpg(pid, signal.SIGKILL)
            console.print(f"stopped {name}")
        pid_file.unlink(missing_ok=True)
    if SeaweedServer.stop_detached(run / "seaweedfs.pid"):
        console.print("stopped SeaweedFS")


def queue_batch(
    path: Path, *, authority: str, year: int, volume: str, book_type: str = "birth",
    registry_db_url: str | None = None, settings: Settings | None = None, dask_address: str | None = None,
    batch_id: str | None = None,
) -> dict[str, Any]:
    """Create a flow run of the digitize-batch deployment on the server; returns its id, name and UI url.
    ``dask_address``: the run reads its pages on that Dask scheduler (else the worker's setting, else local
    processes)."""
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    settings = settings or get_settings()
    api = settings.prefect_api_url.rstrip("/")
    try:
        _wait_http(f"{api}/health", 5, "the Prefect server")
    except ServiceUnavailableError as error:
        raise ServiceUnavailableError(f"{error}; start it with `sohoa up`") from None

    if dask_address and not dask_scheduler_answers(dask_address):
        raise ServiceUnavailableError(f"the Dask scheduler does not answer at {dask_address}")
    batch_id = batch_id or str(uuid.uuid4())  # an existing one: the run resumes that batch
    with temporary_settings({PREFECT_API_URL: settings.prefect_api_url}):
        flow_run = run_deployment(
            name=settings.deployment,
            parameters={"source": str(path), "authority": authority, "year": year, "volume": str(volume),
                        "book_type": book_type, "registry_db_url": registry_db_url, "batch_id": batch_id,
                        "dask_address": dask_address},
            timeout=0,
        )
    ui = settings.prefect_api_url.rstrip("/").removesuffix("/api")
    return {"id": str(flow_run.id), "name": flow_run.name, "batch_id": batch_id,
            "url": f"{ui}/runs/flow-run/{flow_run.id}"}


def dask_scheduler_answers(address: str, timeout: float = 5.0) -> bool:
    """Whether something listens at a scheduler address such as tcp://HOST:8786."""
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(address if "://" in address else f"tcp://{address}")
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 8786), timeout=timeout):
            return True
    except (OSError, ValueError):
        return False
