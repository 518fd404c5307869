"""The local SeaweedFS wrapper: background start/stop with a pid file, data kept across restarts, and every
listening socket on 127.0.0.1 only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

from storage.errors import SeaweedError
from storage.objects import ObjectStore
from storage.seaweed import SeaweedServer, endpoint_answers, weed_version

pytestmark = pytest.mark.integration


def _listening_addresses(pid: int) -> set[str]:
    """Local addresses of the TCP sockets ``pid`` listens on (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    addresses = set()
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            parts = line.split()
            if parts[3] == "0A" and parts[9] in inodes:  # 0A = LISTEN
                addresses.add(parts[1].split(":")[0])
    return addresses


def test_weed_is_recent_enough():
    assert weed_version() >= (4, 0)


def test_every_listening_socket_is_loopback(seaweedfs):
    addresses = _listening_addresses(seaweedfs.server.pid)
    assert addresses, "weed listens on something"
    assert addresses == {"0100007F"}, f"non-loopback listeners: {addresses}"  # 127.0.0.1, little-endian hex


def test_detached_server_lifecycle_and_restart_keeps_data(tmp_path):
    access, secret = "ak-" + secrets.token_hex(4), secrets.token_urlsafe(20)
    server = SeaweedServer.on_free_ports(tmp_path / "weed", access, secret)
    pid_file = tmp_path / "run" / "seaweedfs.pid"
    assert SeaweedServer.stop_detached(pid_file) is False  # nothing to stop yet
    pid = server.start_detached(pid_file)
    try:
        assert int(pid_file.read_text()) == pid and endpoint_answers(server.endpoint)
        assert server.start_detached(pid_file) == pid  # already running: reused, not doubled
        store = ObjectStore(server.endpoint, access, secret)
        store.ensure_buckets(["kept"])
        stored = store.put_bytes("kept", "book/records/00001.json", b'{"entry_no":1}')
    finally:
        assert SeaweedServer.stop_detached(pid_file) is True
    assert not pid_file.exists() and not endpoint_answers(server.endpoint)
    assert not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    assert (tmp_path / "weed" / "seaweedfs.log").stat().st_size > 0

    with SeaweedServer(tmp_path / "weed", access, secret, **_same_ports(server)) as again:
        assert again.is_running()
        assert ObjectStore(again.endpoint, access, secret).get_bytes("kept", "book/records/00001.json") == \
            b'{"entry_no":1}'
        assert ObjectStore(again.endpoint, access, secret).stat("kept", "book/records/00001.json").sha256 == \
            stored.sha256
    assert not again.is_running()


def _same_ports(server: SeaweedServer) -> dict[str, int]:
    return {f"{name}_port": port for name, port in server.ports.items()}


def test_credentials_are_required(tmp_path):
    with pytest.raises(SeaweedError):
        SeaweedServer(tmp_path, access_key="", secret_key="")


def test_a_busy_port_is_reported_not_shared(seaweedfs, tmp_path):
    busy = SeaweedServer(tmp_path / "other", "ak", "sk", s3_port=seaweedfs.server.ports["s3"])
    with pytest.raises(SeaweedError, match="already answers"):
        busy.start()


def test_free_ports_lie_outside_the_ports_the_kernel_gives_to_client_connections(tmp_path):
    """A port the kernel may hand to any outgoing connection can be taken between the choice and weed's bind:
    the suite once failed so ("bind: address already in use")."""
    from storage.seaweed import GRPC_OFFSET, _client_ports, free_port

    client_ports = _client_ports()
    for _ in range(20):
        server = SeaweedServer.on_free_ports(tmp_path, "key", "secret")
        assert not {p + d for p in server.ports.values() for d in (0, GRPC_OFFSET)} & set(client_ports)
        assert free_port() not in client_ports
