"""`svend up --detach` / `svend down` (what `make up` and `make down` run) on the default ports."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from svend.launcher import read_state
from svend.mesh import GATEWAY_ADMIN_PORT, GATEWAY_PORT, SERVICES

pytestmark = pytest.mark.e2e

DEFAULT_PORTS = [GATEWAY_PORT, GATEWAY_ADMIN_PORT] + [
    port for spec in SERVICES for port in (spec.grpc_port, spec.metrics_port)
]


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def svend(run_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "svend.cli", "--run-dir", str(run_dir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def ask_until_answered(query: str, seconds: float) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            reply = httpx.post(f"http://127.0.0.1:{GATEWAY_PORT}/v1/ask", json={"query": query})
            if reply.status_code == 200 or time.monotonic() > deadline:
                return reply
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.3)


def test_detached_mesh_serves_restarts_a_crash_and_stops(tmp_path: Path) -> None:
    if any(port_in_use(port) for port in DEFAULT_PORTS):
        pytest.skip("a default port is in use (is `make run` running?)")
    up = svend(tmp_path, "up", "--detach")
    assert up.returncode == 0, up.stdout + up.stderr
    state = read_state(tmp_path)
    try:
        assert state is not None and alive(state.supervisor)
        assert ask_until_answered("convert 5 km to miles", 5).status_code == 200
        assert svend(tmp_path, "health").returncode == 0

        os.kill(state.pids["safety"], signal.SIGKILL)
        reply = ask_until_answered("convert 6 km to miles", 30)
        assert reply.status_code == 200, reply.text
        restarted = read_state(tmp_path)
        assert restarted is not None and restarted.pids["safety"] != state.pids["safety"]
    finally:
        down = svend(tmp_path, "down", timeout=60)
    assert down.returncode == 0
    assert "stopped" in down.stdout
    assert not alive(state.supervisor)
    assert not any(alive(pid) for pid in restarted.pids.values())
    assert svend(tmp_path, "health").returncode == 1
