"""CheckInput latency: the safety service with its classifier, and with the rules alone.

Starts the safety service twice on free ports (classifier on, then SVEND_SAFETY_CLASSIFIER_ENABLED
=false) and sends CheckInput with a 128-token prompt: one request at a time for p50/p99, then 32
concurrent clients for throughput (where micro-batching groups the forward passes). Also times
the model's forward pass alone, in-process, at batch 1, on every encoder runtime (ONNX Runtime,
the service's default; its int8 graph; torch), for the 128-token prompt and for a short question
like the quick path's.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import grpc
import numpy as np

from svend.common.settings import ENCODER_RUNTIMES
from svend.launcher import LocalMesh, free_endpoints, free_port
from svend.safety.model import SafetyModel
from svend.safety.settings import SafetySettings
from svend.safety.v1 import safety_pb2, safety_pb2_grpc

# An ordinary chemistry question of exactly 128 tokens with [CLS] and [SEP]: one model window.
PROMPT = (
    "I am revising for my chemistry exam and I am stuck on a stoichiometry problem. When 12.0 g "
    "of propane burns completely in excess oxygen, how many grams of carbon dioxide and water "
    "are produced? Please write the balanced equation first, then convert the mass of propane "
    "to moles using its molar mass, use the mole ratio from the equation, and convert back to "
    "grams. Also explain why oxygen is the excess reagent here, what the limiting reagent means "
    "in practice, and how the answer would change if only 30.0 g of oxygen were available. "
    "Thanks a lot."
)
SHORT_PROMPT = "convert 5 km to miles"
CONCURRENCY = 32


def percentiles(latencies_s: list[float]) -> str:
    ms = np.array(latencies_s) * 1e3
    return f"p50 {np.percentile(ms, 50):7.2f} ms   p99 {np.percentile(ms, 99):7.2f} ms"


async def one_at_a_time(stub: safety_pb2_grpc.SafetyServiceStub, requests: int) -> list[float]:
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        await stub.CheckInput(safety_pb2.CheckInputRequest(text=PROMPT), timeout=30)
        latencies.append(time.perf_counter() - started)
    return latencies


async def concurrent(stub: safety_pb2_grpc.SafetyServiceStub, requests: int) -> tuple[float, str]:
    latencies: list[float] = []
    per_client = max(1, requests // CONCURRENCY)

    async def client() -> None:
        for _ in range(per_client):
            started = time.perf_counter()
            await stub.CheckInput(safety_pb2.CheckInputRequest(text=PROMPT), timeout=60)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(CONCURRENCY)))
    return len(latencies) / (time.perf_counter() - started), percentiles(latencies)


async def measure_service(address: str, requests: int) -> None:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = safety_pb2_grpc.SafetyServiceStub(channel)
        await one_at_a_time(stub, 10)
        print(f"  concurrency 1    {percentiles(await one_at_a_time(stub, requests))}")
        rate, shown = await concurrent(stub, requests * 2)
        print(f"  concurrency {CONCURRENCY}   {shown}   {rate:7.1f} req/s")


def run_service(workdir: Path, extra_env: dict[str, str], requests: int) -> None:
    mesh = LocalMesh(
        workdir,
        endpoints=free_endpoints(),
        services=["safety"],
        admin_port=free_port(),
        extra_env=extra_env,
    )
    mesh.start(timeout=120)
    try:
        asyncio.run(measure_service(mesh.endpoints["safety"].address, requests))
    finally:
        mesh.stop()


def forward_pass(requests: int) -> None:
    settings = SafetySettings()
    print("classifier forward pass alone, batch 1 (in-process)")
    for runtime in ENCODER_RUNTIMES:
        model = SafetyModel.load(
            settings.model_dir,
            threads=settings.model_threads,
            runtime=runtime,
            cache_dir=settings.model_cache_dir,
        )
        for prompt in (PROMPT, SHORT_PROMPT):
            tokens = len(model.tokenizer(prompt)["input_ids"])
            for _ in range(5):
                model.predict([prompt], "input")
            latencies = []
            for _ in range(requests):
                started = time.perf_counter()
                model.predict([prompt], "input")
                latencies.append(time.perf_counter() - started)
            print(f"  {runtime:<16} {tokens:>3} tokens   {percentiles(latencies)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per row")
    args = parser.parse_args()
    print(f"host: {os.cpu_count()} CPUs, {sys.platform}")
    forward_pass(args.requests)
    with tempfile.TemporaryDirectory(prefix="svend-bench-safety-") as workdir:
        print("CheckInput, rules and classifier (gRPC, safety service)")
        run_service(Path(workdir) / "model", {}, args.requests)
        print("CheckInput, rules alone")
        run_service(
            Path(workdir) / "rules",
            {"SVEND_SAFETY_CLASSIFIER_ENABLED": "false"},
            args.requests,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
