"""Failure rules: safety down fails closed, verifier down marks answers unverified, recovery,
services killed under load, and overload refused at once.

These stop services of the shared mesh, so they run after test_api.py and restart what they stop.
"""

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from svend.launcher import LocalMesh

pytestmark = pytest.mark.e2e

LOAD_CLIENT_TIMEOUT_SECONDS = 180.0
# A quick request takes well under a second; one that meets a dead service must fail about as
# fast, not wait for the router's deadline (120 s).
FAILED_FAST_SECONDS = 10.0
REFUSED_AT_ONCE_SECONDS = 2.0


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


@dataclass(frozen=True)
class Outcome:
    """One request of a load run: its HTTP status, how long it took, and its body."""

    status: int
    seconds: float
    body: dict[str, Any]


class QuickLoad:
    """Distinct quick-path questions from a few threads until stopped, every outcome kept."""

    def __init__(self, base_url: str, workers: int = 4) -> None:
        self.base_url = base_url
        self.outcomes: list[Outcome] = []
        self.numbers = itertools.count(1000)
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.work) for _ in range(workers)]

    def __enter__(self) -> "QuickLoad":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stopping.set()
        for thread in self.threads:
            thread.join()

    def work(self) -> None:
        with httpx.Client(base_url=self.base_url, timeout=LOAD_CLIENT_TIMEOUT_SECONDS) as client:
            while not self.stopping.is_set():
                query = f"convert {next(self.numbers)} m to km"
                began = time.monotonic()
                try:
                    reply = client.post("/v1/ask", json={"query": query})
                    status, body = reply.status_code, reply.json()
                except httpx.TransportError as error:
                    status, body = 0, {"error": repr(error)}
                self.outcomes.append(Outcome(status, time.monotonic() - began, body))

    def wait_for_answers(self, count: int, seconds: float) -> None:
        """Block until `count` more requests have been answered."""
        target = sum(o.status == 200 for o in self.outcomes) + count
        deadline = time.monotonic() + seconds
        while sum(o.status == 200 for o in self.outcomes) < target:
            assert time.monotonic() < deadline, f"no {count} answers within {seconds} s"
            time.sleep(0.1)


@pytest.mark.parametrize("name", ["tools", "safety", "router"])
def test_a_service_killed_under_load_fails_fast_and_never_unchecked(
    mesh: LocalMesh, name: str
) -> None:
    """SIGKILL one service while quick requests flow, then start it again (as `svend up`'s
    supervisor does; test_cli_up_down covers that part): every request ends well within the
    deadline, each answer passed both safety checks, the others are 503s, and answers resume."""
    with QuickLoad(f"http://127.0.0.1:{mesh.gateway_port}") as load:
        load.wait_for_answers(5, seconds=60)
        mesh.processes[name].kill()
        time.sleep(1.0)
        restart(mesh, name)
        load.wait_for_answers(5, seconds=60)
    outcomes = load.outcomes
    slowest = max(outcomes, key=lambda outcome: outcome.seconds)
    assert slowest.seconds < FAILED_FAST_SECONDS, slowest
    failed = [o for o in outcomes if o.status != 200]
    assert failed, "requests sent while the service was down should have failed"
    assert {o.status for o in failed} == {503}, failed
    for answered in (o.body for o in outcomes if o.status == 200):
        assert answered["safety"]["input"]["decision"] == "INPUT_DECISION_SAFE"
        assert answered["safety"]["output"]["decision"] == "OUTPUT_DECISION_SAFE"
        assert answered["final_value"]


def test_overload_is_refused_at_once_with_429(mesh: LocalMesh) -> None:
    """A router allowed two RPCs at a time refuses the rest of a burst of slow requests with
    429 (RESOURCE_EXHAUSTED) at once instead of queueing them."""
    stop(mesh, "router")
    mesh.extra_env["SVEND_ROUTER_MAX_CONCURRENT_RPCS"] = "2"
    try:
        restart(mesh, "router")
        url = f"http://127.0.0.1:{mesh.gateway_port}/v1/ask"

        def ask(index: int) -> Outcome:
            body = {"query": f"What is {index} times 37?", "path": "PATH_STANDARD"}
            began = time.monotonic()
            reply = httpx.post(url, json=body, timeout=LOAD_CLIENT_TIMEOUT_SECONDS)
            return Outcome(reply.status_code, time.monotonic() - began, reply.json())

        with ThreadPoolExecutor(max_workers=8) as pool:
            outcomes = list(pool.map(ask, range(11, 19)))
    finally:
        stop(mesh, "router")
        del mesh.extra_env["SVEND_ROUTER_MAX_CONCURRENT_RPCS"]
        restart(mesh, "router")
    refused = [o for o in outcomes if o.status == 429]
    assert refused, outcomes
    assert all(o.body["code"] == 8 for o in refused)
    assert max(o.seconds for o in refused) < REFUSED_AT_ONCE_SECONDS
    assert {o.status for o in outcomes} <= {200, 429}
    assert any(o.status == 200 for o in outcomes)
