"""Fixtures that start real Svend processes on free ports."""

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from svend.launcher import LocalMesh, free_endpoints, free_port

MeshFactory = Callable[..., LocalMesh]


@pytest.fixture
def start_mesh(tmp_path: Path) -> Iterator[MeshFactory]:
    """Start chosen services (optionally the gateway) on free ports; stopped after the test.

    Usage: `mesh = start_mesh(["tools"])`, then `mesh.endpoints["tools"].address`.
    """
    meshes: list[LocalMesh] = []

    def start(
        services: list[str],
        *,
        gateway: bool = False,
        extra_env: Mapping[str, str] | None = None,
        timeout: float = 120.0,
    ) -> LocalMesh:
        mesh = LocalMesh(
            tmp_path / f"mesh{len(meshes)}",
            endpoints=free_endpoints(),
            services=services,
            gateway_port=free_port() if gateway else None,
            admin_port=free_port(),
            extra_env=extra_env,
        )
        meshes.append(mesh)
        mesh.start(timeout=timeout)
        return mesh

    yield start
    for mesh in meshes:
        mesh.stop()
