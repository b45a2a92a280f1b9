"""Verify latency for a 6-step prose chain: the whole service, and the learned scorer's share.

Starts the verifier on free ports twice (step scorer on, then SVEND_VERIFIER_SCORER_ENABLED=
false) and sends Verify with a 6-step GSM8K-style chain, one request at a time, for p50/p99.
The chain has no tool steps, so no tool re-runs are timed. It times the service on its default
runtime (ONNX Runtime with int8 weights) and on the exact float graph. In-process it also times
the step scorer's forward pass on every runtime, and the exact checks alone, which shows what
each part costs.
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
from svend.common.v1 import reasoning_pb2
from svend.launcher import LocalMesh, free_endpoints, free_port
from svend.verifier.chain import Chain, Step, StepKind
from svend.verifier.scorer import StepScorer
from svend.verifier.settings import VerifierSettings
from svend.verifier.v1 import verifier_pb2, verifier_pb2_grpc
from svend.verifier.verifier import conclude, prose_findings

QUESTION = (
    "A bakery sells muffins for $3 each and cookies for $2 each. On Monday it sold 48 muffins and "
    "twice as many cookies. It spent $90 on ingredients. How much profit did it make on Monday?"
)
STEPS = (
    "The bakery sold 48 * 2 = 96 cookies on Monday.",
    "The muffins brought in 48 * $3 = $144.",
    "The cookies brought in 96 * $2 = $192.",
    "In total the bakery took in $144 + $192 = $336.",
    "The ingredients cost $90.",
    "So the profit was $336 - $90 = $246.",
)
ANSWER = "$246"


def percentiles(latencies_s: list[float]) -> tuple[float, float]:
    ms = np.array(latencies_s) * 1e3
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 99))


def shown(latencies_s: list[float]) -> str:
    p50, p99 = percentiles(latencies_s)
    return f"p50 {p50:7.2f} ms   p99 {p99:7.2f} ms"


def timed(call, requests: int) -> list[float]:
    for _ in range(5):
        call()
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - started)
    return latencies


async def verify_latencies(address: str, requests: int) -> list[float]:
    request = verifier_pb2.VerifyRequest(
        question=QUESTION,
        steps=[
            reasoning_pb2.ReasoningStep(kind=reasoning_pb2.STEP_KIND_THOUGHT, text=text)
            for text in STEPS
        ],
        answer=ANSWER,
    )
    async with grpc.aio.insecure_channel(address) as channel:
        stub = verifier_pb2_grpc.VerifierServiceStub(channel)
        for _ in range(5):
            await stub.Verify(request, timeout=30)
        latencies = []
        for _ in range(requests):
            started = time.perf_counter()
            await stub.Verify(request, timeout=30)
            latencies.append(time.perf_counter() - started)
        return latencies


def run_service(workdir: Path, extra_env: dict[str, str], requests: int) -> list[float]:
    mesh = LocalMesh(
        workdir,
        endpoints=free_endpoints(),
        services=["verifier"],
        admin_port=free_port(),
        extra_env=extra_env,
    )
    mesh.start(timeout=120)
    try:
        return asyncio.run(verify_latencies(mesh.endpoints["verifier"].address, requests))
    finally:
        mesh.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="requests per row")
    args = parser.parse_args()
    print(f"host: {os.cpu_count()} CPUs, {sys.platform}; a {len(STEPS)}-step prose chain")
    settings = VerifierSettings()
    scorer_alone: dict[str, list[float]] = {}
    for runtime in ENCODER_RUNTIMES:
        scorer = StepScorer.load(
            settings.model_dir,
            threads=settings.model_threads,
            runtime=runtime,
            cache_dir=settings.model_cache_dir,
        )
        scorer_alone[runtime] = timed(
            lambda scorer=scorer: scorer.wrong_probabilities([(QUESTION, STEPS, ANSWER)]),
            args.requests,
        )
    chain = Chain(QUESTION, tuple(Step(StepKind.THOUGHT, text) for text in STEPS), ANSWER)
    exact_alone = timed(
        lambda: conclude(chain, prose_findings(QUESTION, chain.steps)), args.requests
    )
    for runtime, latencies in scorer_alone.items():
        print(f"step scorer alone, {runtime:<16} (in-process)  {shown(latencies)}")
    print(f"exact checks alone (in-process)                     {shown(exact_alone)}")
    default = settings.model_runtime
    with tempfile.TemporaryDirectory(prefix="svend-bench-verifier-") as workdir:
        full = run_service(Path(workdir) / "scorer", {}, args.requests)
        exact_graph = run_service(
            Path(workdir) / "float", {"SVEND_VERIFIER_MODEL_RUNTIME": "onnxruntime"}, args.requests
        )
        exact = run_service(
            Path(workdir) / "exact", {"SVEND_VERIFIER_SCORER_ENABLED": "false"}, args.requests
        )
    print(f"Verify, exact checks + scorer on {default:<16} (gRPC)  {shown(full)}")
    print(f"Verify, exact checks + scorer on {'onnxruntime':<16} (gRPC)  {shown(exact_graph)}")
    print(f"Verify, exact checks alone (gRPC)                          {shown(exact)}")
    share = percentiles(scorer_alone[default])[0] / percentiles(full)[0]
    print(f"the scorer's share of Verify's p50 ({default}): {share:.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
