"""Failure rules: safety down fails closed, verifier down marks answers unverified, recovery.

These stop services of the shared mesh, so they run after test_api.py and restart what they stop.
"""

import time

import httpx
import pytest

from svend.launcher import LocalMesh

pytestmark = pytest.mark.e2e


def stop(mesh: LocalMesh, name: str) -> int | None:
    process = mesh.processes[name]
    process.terminate()
    return process.wait(30)


def restart(mesh: LocalMesh, name: str) -> None:
    mesh.start_service(name)
    mesh.wait_healthy(timeout=120)


def test_verifier_down_gives_unverified_answers(mesh: LocalMesh, gateway: httpx.Client) -> None:
    assert stop(mesh, "verifier") == 0
    try:
        reply = gateway.post(
            "/v1/ask", json={"query": "What is 6 times 7?", "path": "PATH_STANDARD"}
        )
        assert reply.status_code == 200, reply.text
        body = reply.json()
        assert body["verification"]["verdict"] == "VERDICT_UNVERIFIED"
        assert any("verifier unavailable" in r for r in body["verification"]["reasons"])
        assert body["cached"] is False
    finally:
        restart(mesh, "verifier")


def test_safety_down_never_answers_unchecked(mesh: LocalMesh, gateway: httpx.Client) -> None:
    assert stop(mesh, "safety") == 0
    try:
        for query in ("convert 9 km to miles", "convert 5 km to miles"):
            reply = gateway.post("/v1/ask", json={"query": query})
            assert reply.status_code == 503, reply.text
            assert reply.json()["code"] == 14
            assert "answer" not in reply.json()
    finally:
        restart(mesh, "safety")
    assert_recovers(gateway, "convert 9 km to miles", "5.59")


def assert_recovers(gateway: httpx.Client, query: str, value_prefix: str) -> None:
    """The router reconnects by itself within a few seconds of a dependency's restart."""
    deadline = time.monotonic() + 10
    while True:
        reply = gateway.post("/v1/ask", json={"query": query})
        if reply.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert reply.status_code == 200, reply.text
    assert reply.json()["final_value"].startswith(value_prefix)
