"""The reasoner on this CPU: tokens/s, time to first token, and what Sample(4) costs.

In-process, the transformers backend (SmolLM2-135M, the pinned GGUF) is timed for one token
(time to first token: the prompt's prefill plus one decode step) and for 128 tokens (decode
speed). Then the reasoner service runs on free ports beside a tools service, and Reason and
Sample(n=4) are sent the same question with the same token budget: the ratio of their wall
times is what the deep path pays for four chains generated as one batch.
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

from svend.launcher import LocalMesh, free_endpoints, free_port
from svend.reasoner.backends import TransformersBackend, checked_weights
from svend.reasoner.prompting import system_prompt
from svend.reasoner.settings import ReasonerSettings
from svend.reasoner.v1 import reasoner_pb2, reasoner_pb2_grpc

QUESTION = "A train travels 60 km/h for 2.5 hours. How far does it go?"
TOKENS = 128
SAMPLES = 4


def median_ms(values: list[float]) -> float:
    return float(np.median(values)) * 1e3


async def backend_rows(rounds: int) -> None:
    settings = ReasonerSettings()
    backend = await asyncio.to_thread(
        TransformersBackend.load, checked_weights(settings), settings.torch_threads
    )
    messages = [
        {"role": "system", "content": system_prompt(None)},
        {"role": "user", "content": QUESTION},
    ]
    first, decode, tokens = [], [], []
    for _ in range(rounds):
        started = time.perf_counter()
        await backend.generate(messages, max_new_tokens=1, temperature=0.0)
        first.append(time.perf_counter() - started)
        started = time.perf_counter()
        (generation,) = await backend.generate(
            messages, max_new_tokens=TOKENS, temperature=0.0, stop=["\n\n\n"]
        )
        decode.append(time.perf_counter() - started)
        tokens.append(generation.tokens)
    rate = float(np.sum(tokens) / np.sum(decode))
    print(f"transformers backend, {settings.torch_threads} thread(s), in-process")
    print(f"  time to first token   {median_ms(first):8.1f} ms (median of {rounds})")
    print(f"  generation            {rate:8.1f} tokens/s ({np.mean(tokens):.0f} tokens a run)")


async def service_rows(address: str, rounds: int) -> None:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = reasoner_pb2_grpc.ReasonerServiceStub(channel)
        reason_s, sample_s = [], []
        for _ in range(rounds):
            started = time.perf_counter()
            await stub.Reason(
                reasoner_pb2.ReasonRequest(query=QUESTION, max_new_tokens=TOKENS), timeout=300
            )
            reason_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            await stub.Sample(
                reasoner_pb2.SampleRequest(query=QUESTION, n=SAMPLES, max_new_tokens=TOKENS),
                timeout=300,
            )
            sample_s.append(time.perf_counter() - started)
    print("reasoner service over gRPC, with the tools service")
    print(f"  Reason                {median_ms(reason_s):8.0f} ms (median of {rounds})")
    print(f"  Sample(n={SAMPLES})           {median_ms(sample_s):8.0f} ms")
    print(f"  Sample({SAMPLES}) / Reason     {np.median(sample_s) / np.median(reason_s):8.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5, help="runs per row")
    args = parser.parse_args()
    print(f"host: {os.cpu_count()} CPUs, {sys.platform}; at most {TOKENS} new tokens")
    asyncio.run(backend_rows(args.rounds))
    with tempfile.TemporaryDirectory(prefix="svend-bench-reasoner-") as workdir:
        mesh = LocalMesh(
            Path(workdir),
            endpoints=free_endpoints(),
            services=["tools", "reasoner"],
            admin_port=free_port(),
        )
        mesh.start(timeout=240)
        try:
            asyncio.run(service_rows(mesh.endpoints["reasoner"].address, args.rounds))
        finally:
            mesh.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
