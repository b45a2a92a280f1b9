"""The whole mesh (five services, Envoy, Redis) as real processes, shared by the e2e tests."""

import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from svend.launcher import LocalMesh, free_endpoints, free_port


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A private redis-server on a free port, without persistence."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail(
            "redis-server is not installed (make test installs it: apt-get install redis-server)"
        )
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    yield url
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def mesh(tmp_path_factory: pytest.TempPathFactory, redis_url: str) -> Iterator[LocalMesh]:
    """All five services and the gateway on free ports, caching in Redis."""
    mesh = LocalMesh(
        tmp_path_factory.mktemp("mesh"),
        endpoints=free_endpoints(),
        gateway_port=free_port(),
        admin_port=free_port(),
        extra_env={"SVEND_REDIS_URL": redis_url},
    )
    mesh.start(timeout=240)
    yield mesh
    mesh.stop()


@pytest.fixture(scope="session")
def gateway(mesh: LocalMesh) -> Iterator[httpx.Client]:
    """An HTTP client for the gateway's REST surface."""
    with httpx.Client(base_url=f"http://127.0.0.1:{mesh.gateway_port}", timeout=180) as client:
        yield client


@pytest.fixture(scope="session")
def run_dir(mesh: LocalMesh) -> Path:
    return mesh.run_dir
