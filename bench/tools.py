"""Tool latency: every tool through a real tools service, and the Python sandbox warm and cold.

Starts the tools service on a free port, then for each tool sends one representative call
repeatedly (one at a time) and prints p50/p99; runs symbolic_math and chemistry calls from
several concurrent clients for calls per second; and times a trivial execute_python program in
a jail taken from the warm pool, in a jail started for the call (cold), and a bare
`python -c pass` for reference. Everything is measured in one run.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from svend.common.clients import ToolsClient
from svend.launcher import LocalMesh, free_endpoints, free_port
from svend.tools.sandbox import SandboxLimits, SandboxPool

# One representative call per tool: what a reasoner typically asks of it.
CALLS: dict[str, dict[str, object]] = {
    "unit_convert": {"value": 5, "from_unit": "km", "to_unit": "mi"},
    "kinematics": {"mode": "projectile", "speed": "20 m/s", "angle": 30, "height": 1.5},
    "thermodynamics": {
        "operation": "ideal_gas",
        "amount": 1,
        "temperature": "0 degC",
        "pressure": "1 atm",
    },
    "circuits": {"operation": "solve", "netlist": "V1 1 0 12\nR1 1 2 4k\nR2 2 0 8k"},
    "symbolic_math": {"operation": "integrate", "expression": "x*sin(x)", "variable": "x"},
    "logic_solver": {
        "variables": [
            {"name": "chickens", "type": "int", "min": 0},
            {"name": "rabbits", "type": "int", "min": 0},
        ],
        "constraints": ["chickens + rabbits == 35", "2*chickens + 4*rabbits == 94"],
    },
    "molecular_structure": {"smiles": "CC(=O)Oc1ccccc1C(=O)O"},
    "molecular_weight": {"formula": "CuSO4*5H2O"},
    "functional_groups": {"smiles": "CC(=O)Nc1ccc(O)cc1"},
    "reaction_balance": {"equation": "C3H8 + O2 -> CO2 + H2O"},
    "stoichiometry": {"reaction": "H2 + O2 -> H2O", "amounts": {"H2": "4 g", "O2": "1 mol"}},
    "ph": {"kind": "weak_acid", "concentration": 0.1, "ka": 1.8e-5},
    "plot": {"functions": [{"expression": "sin(x)/x"}], "x_min": -10, "x_max": 10},
    "execute_python": {"code": "sum(i * i for i in range(1000))"},
}
THROUGHPUT_TOOLS = ("symbolic_math", "molecular_structure", "reaction_balance")
THROUGHPUT_CLIENTS = 8
TRIVIAL_PROGRAM = "1 + 1"


def percentiles(latencies_s: list[float]) -> str:
    ms = np.array(latencies_s) * 1e3
    return f"p50 {np.percentile(ms, 50):8.2f} ms   p99 {np.percentile(ms, 99):8.2f} ms"


async def sequential(client: ToolsClient, name: str, arguments: dict, calls: int) -> list[float]:
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        reply = await client.call_tool(name, arguments)
        latencies.append(time.perf_counter() - started)
        if not reply.ok:
            raise RuntimeError(f"{name} failed: {reply.error.message}")
        if name == "execute_python":
            # Lets the pool start the next warm jail, as between a reasoner's calls.
            await asyncio.sleep(0.2)
    return latencies


async def calls_per_second(
    client: ToolsClient, name: str, arguments: dict, seconds: float
) -> float:
    done = 0
    stop_at = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < stop_at:
            reply = await client.call_tool(name, arguments)
            if not reply.ok:
                raise RuntimeError(f"{name} failed: {reply.error.message}")
            done += 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(THROUGHPUT_CLIENTS)))
    return done / (time.perf_counter() - started)


async def sandbox_latency(warm: int, calls: int) -> list[float]:
    """A trivial program, in-process against a pool with `warm` jails waiting (0: cold)."""
    pool = SandboxPool(SandboxLimits(), warm=warm, max_concurrent=1, preload=["numpy", "sympy"])
    await pool.start()
    latencies = []
    try:
        for _ in range(calls):
            await asyncio.sleep(0.6)
            started = time.perf_counter()
            run = await pool.run(TRIVIAL_PROGRAM, pool.limits)
            latencies.append(time.perf_counter() - started)
            assert run.value == "2", run
    finally:
        await pool.close()
    return latencies


def bare_python_latency(calls: int) -> list[float]:
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        latencies.append(time.perf_counter() - started)
    return latencies


async def measure(address: str, calls: int, seconds: float) -> None:
    client = ToolsClient(address, timeout_seconds=60)
    try:
        listed = {tool.name for tool in (await client.list_tools()).tools}
        print(f"per-tool latency, {calls} sequential calls each (gRPC, tools service)")
        for name, arguments in CALLS.items():
            if name not in listed:
                print(f"  {name:20s} not offered by this service")
                continue
            await sequential(client, name, arguments, 3)
            print(f"  {name:20s} {percentiles(await sequential(client, name, arguments, calls))}")
        print(f"calls per second, {THROUGHPUT_CLIENTS} concurrent clients, {seconds:g} s")
        for name in THROUGHPUT_TOOLS:
            if name in listed:
                rate = await calls_per_second(client, name, CALLS[name], seconds)
                print(f"  {name:20s} {rate:8.1f} calls/s")
    finally:
        await client.close()
    print(f"sandbox, trivial program {TRIVIAL_PROGRAM!r}, {calls} calls (in-process pool)")
    print(f"  warm jail            {percentiles(await sandbox_latency(warm=1, calls=calls))}")
    print(f"  cold jail            {percentiles(await sandbox_latency(warm=0, calls=calls))}")
    print(f"  python -c pass       {percentiles(bare_python_latency(calls))}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=50, help="sequential calls per tool")
    parser.add_argument("--seconds", type=float, default=5.0, help="throughput run length")
    args = parser.parse_args()
    print(f"host: {os.cpu_count()} CPUs, {sys.platform}, python {sys.version.split()[0]}")
    with tempfile.TemporaryDirectory(prefix="svend-bench-tools-") as workdir:
        mesh = LocalMesh(
            Path(workdir),
            endpoints=free_endpoints(),
            services=["tools"],
            admin_port=free_port(),
        )
        mesh.start(timeout=120)
        try:
            asyncio.run(measure(mesh.endpoints["tools"].address, args.calls, args.seconds))
        finally:
            mesh.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
