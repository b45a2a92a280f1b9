"""Quick-path latency side by side: through Envoy (REST, gRPC), straight to the router, in-process.

Starts the whole mesh on free ports, then measures each way of asking the same kind of question
("convert <n> km to miles", a fresh n per request so every request misses the cache and runs the
full quick path: input safety, the unit_convert tool, output safety) at concurrency 1 and 32,
plus one repeated question (cache hits: input safety, then the cached answer).
REST load comes from wrk (Debian's `wrk`, installed by `make bench` when missing); gRPC load from
grpc.aio clients in a separate process. Prints p50/p99 and throughput per row.
"""

import argparse
import asyncio
import itertools
import json
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

import grpc
import numpy as np

from bench.wrk import distinct_questions, same_question, wrk_load
from svend.launcher import LocalMesh
from svend.router.v1 import router_pb2, router_pb2_grpc

CONCURRENCIES = (1, 32)
QUESTION = '{"query":"convert {n} km to miles"}'
REPEATED_QUESTION = '{"query":"convert 5 km to miles"}'


def summarise(latencies_s: list[float], elapsed_s: float, errors: int) -> dict[str, float]:
    ms = np.array(latencies_s) * 1e3
    return {
        "requests": len(latencies_s),
        "errors": errors,
        "p50_ms": float(np.percentile(ms, 50)),
        "p99_ms": float(np.percentile(ms, 99)),
        "throughput_rps": len(latencies_s) / elapsed_s,
    }


async def grpc_load(
    address: str, concurrency: int, requests: int, seed: int, repeat: bool = False
) -> dict[str, float]:
    """Each of `concurrency` workers asks in a loop until `requests` were sent in all.

    With repeat, every request asks the same question, so all but the first hit the cache.
    """
    counter = itertools.count(seed * 1_000_000)
    latencies: list[float] = []
    errors = 0
    async with grpc.aio.insecure_channel(address) as channel:
        stub = router_pb2_grpc.RouterServiceStub(channel)

        async def worker() -> None:
            nonlocal errors
            while len(latencies) + errors < requests:
                query = (
                    "convert 5 km to miles" if repeat else f"convert {next(counter)} km to miles"
                )
                began = time.perf_counter()
                try:
                    await stub.Ask(router_pb2.AskRequest(query=query), timeout=30)
                except grpc.aio.AioRpcError:
                    errors += 1
                    continue
                latencies.append(time.perf_counter() - began)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return summarise(latencies, elapsed, errors)


def grpc_load_in_subprocess(
    address: str, concurrency: int, requests: int, seed: int, repeat: bool = False
) -> dict:
    """Run the gRPC client in its own process so it does not share a GIL with anything."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_grpc_load_entry, (address, concurrency, requests, seed, repeat))


def _grpc_load_entry(
    address: str, concurrency: int, requests: int, seed: int, repeat: bool
) -> dict:
    return asyncio.run(grpc_load(address, concurrency, requests, seed, repeat))


def rest_load(
    port: int, concurrency: int, seconds: int, seed: int, repeat: bool = False
) -> dict[str, float] | None:
    """REST load with wrk; None when wrk is not installed. repeat: one question (cache hits)."""
    script = same_question(REPEATED_QUESTION) if repeat else distinct_questions(QUESTION, seed)
    return wrk_load(port, concurrency, seconds, script)


def in_process(requests: int) -> dict[str, float]:
    """The quick path's own work with no network: safety, parsing, Pint, rendering."""
    from bench.inprocess import QuickPathInProcess

    pipeline = QuickPathInProcess()

    async def run() -> dict[str, float]:
        latencies = []
        started = time.perf_counter()
        for n in range(requests):
            began = time.perf_counter()
            await pipeline.ask(f"convert {n} km to miles")
            latencies.append(time.perf_counter() - began)
        return summarise(latencies, time.perf_counter() - started, 0)

    return asyncio.run(run())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000, help="gRPC requests per row")
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per row")
    args = parser.parse_args()

    rows: list[tuple[str, int, dict | None]] = [
        ("in-process (no network)", 1, in_process(args.requests))
    ]
    with tempfile.TemporaryDirectory() as run_dir:
        mesh = LocalMesh.on_free_ports(
            Path(run_dir),
            services=["safety", "tools", "verifier", "router"],
            extra_env={
                "SVEND_ROUTER_LOG_LEVEL": "WARNING",
                "SVEND_SAFETY_LOG_LEVEL": "WARNING",
                "SVEND_TOOLS_LOG_LEVEL": "WARNING",
                "SVEND_VERIFIER_LOG_LEVEL": "WARNING",
            },
        )
        print("starting the mesh …", file=sys.stderr)
        mesh.start(timeout=120)
        try:
            router = mesh.endpoints["router"].address
            envoy = f"127.0.0.1:{mesh.gateway_port}"
            grpc_load_in_subprocess(router, 8, 200, seed=99)  # warm-up
            seed = itertools.count(1)
            for concurrency in CONCURRENCIES:
                rows.append(
                    (
                        "gRPC straight to the router",
                        concurrency,
                        grpc_load_in_subprocess(router, concurrency, args.requests, next(seed)),
                    )
                )
                rows.append(
                    (
                        "gRPC through Envoy",
                        concurrency,
                        grpc_load_in_subprocess(envoy, concurrency, args.requests, next(seed)),
                    )
                )
                rows.append(
                    (
                        "REST through Envoy (wrk)",
                        concurrency,
                        rest_load(mesh.gateway_port, concurrency, args.seconds, next(seed)),
                    )
                )
                rows.append(
                    (
                        "REST through Envoy (wrk), cache hits",
                        concurrency,
                        rest_load(mesh.gateway_port, concurrency, args.seconds, 0, repeat=True),
                    )
                )
                rows.append(
                    (
                        "gRPC through Envoy, cache hits",
                        concurrency,
                        grpc_load_in_subprocess(envoy, concurrency, args.requests, 0, repeat=True),
                    )
                )
        finally:
            mesh.stop()

    print(
        f"{'quick path: convert <n> km to miles':<38} {'conc':>4} {'requests':>8} {'errors':>6} "
        f"{'p50 ms':>8} {'p99 ms':>8} {'req/s':>8}"
    )
    for name, concurrency, result in rows:
        if result is None:
            print(f"{name:<38} {concurrency:>4}  (wrk not installed)")
            continue
        print(
            f"{name:<38} {concurrency:>4} {result['requests']:>8} {result['errors']:>6} "
            f"{result['p50_ms']:>8.2f} {result['p99_ms']:>8.2f} {result['throughput_rps']:>8.1f}"
        )
    by_row = {(name, c): r for name, c, r in rows if r}
    for concurrency in CONCURRENCIES:
        direct = by_row[("gRPC straight to the router", concurrency)]["p50_ms"]
        through = by_row[("gRPC through Envoy", concurrency)]["p50_ms"]
        print(f"Envoy adds {through - direct:+.2f} ms to the gRPC p50 at concurrency {concurrency}")
    inproc = by_row[("in-process (no network)", 1)]["p50_ms"]
    mesh_p50 = by_row[("gRPC through Envoy", 1)]["p50_ms"]
    print(f"mesh overhead at concurrency 1: {mesh_p50 / inproc:.1f}x the in-process p50")
    print(
        json.dumps([{"row": n, "concurrency": c, **(r or {})} for n, c, r in rows]), file=sys.stderr
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
