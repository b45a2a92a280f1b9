"""The openai backend against a real OpenAI-compatible server: llama.cpp's, serving the same
SmolLM2 GGUF on this CPU (llama-cpp-python, built from source by `make test`)."""

import os
import subprocess
import sys
import time
from collections.abc import Iterator

import grpc
import httpx
import openai
import pytest

from svend.launcher import free_port
from svend.reasoner.backends import checked_weights
from svend.reasoner.openai_backend import OpenAIBackend
from svend.reasoner.settings import ReasonerSettings
from svend.reasoner.v1 import reasoner_pb2, reasoner_pb2_grpc

# The module's async tests run in their own event loop, closed when the module ends, so the
# OpenAI clients and streams they leave behind never share a loop with later gRPC tests.
pytestmark = [pytest.mark.llamacpp, pytest.mark.asyncio(loop_scope="module")]
MODEL = "smollm2"
HELLO = [
    {"role": "system", "content": "You are a terse assistant."},
    {"role": "user", "content": "Name three colours."},
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """llama.cpp's OpenAI-compatible server on a free port; its base URL."""
    weights = checked_weights(ReasonerSettings())
    port = free_port()
    log = (tmp_path_factory.mktemp("llamacpp") / "server.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable, "-m", "llama_cpp.server", "--model", str(weights),
            "--model_alias", MODEL, "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", "4096", "--n_threads", "1", "--chat_format", "chatml",
            "--interrupt_requests", "False",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )  # fmt: skip
    base_url = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            assert process.poll() is None, "llama.cpp server exited; see its server.log"
            try:
                if httpx.get(f"{base_url}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("llama.cpp server did not come up in 120 s")
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def backend(base_url: str) -> OpenAIBackend:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="none", max_retries=0)
    return OpenAIBackend(client, MODEL)


async def test_generation_streams_from_the_server(server: str) -> None:
    (generation,) = await backend(server).generate(HELLO, max_new_tokens=24, temperature=0.0)
    assert generation.text.strip()
    assert 0 < generation.tokens <= 24
    assert generation.finish in ("stop", "length")


async def test_a_batch_of_conversations_gets_one_continuation_each(server: str) -> None:
    other = [{"role": "user", "content": "What is two plus two?"}]
    alone = await backend(server).generate(other, max_new_tokens=16, temperature=0.0)
    batch = await backend(server).generate_batch(
        [HELLO, other], max_new_tokens=[4, 16], temperature=0.0
    )
    assert len(batch) == 2
    assert 0 < batch[0].tokens <= 4
    assert batch[1].text == alone[0].text  # each conversation is its own request


async def test_n_samples_are_completed_when_the_server_gives_one(server: str) -> None:
    generations = await backend(server).generate(HELLO, max_new_tokens=12, temperature=0.8, n=3)
    assert len(generations) == 3
    assert all(g.text.strip() for g in generations)


async def test_a_time_limit_keeps_what_was_written_and_stops(server: str) -> None:
    started = time.monotonic()
    essay = [{"role": "user", "content": "Write a very long story about the sea."}]
    (generation,) = await backend(server).generate(
        essay, max_new_tokens=2000, temperature=0.0, max_time=1.0
    )
    assert time.monotonic() - started < 5
    assert generation.finish == "time"
    assert generation.tokens < 2000


async def test_reasoner_service_runs_on_the_server(server: str, start_mesh) -> None:
    env = {
        "SVEND_REASONER_BACKEND": "openai",
        "SVEND_REASONER_OPENAI_BASE_URL": server,
        "SVEND_REASONER_OPENAI_MODEL": MODEL,
    }
    mesh = start_mesh(["tools", "reasoner"], extra_env=env)
    async with grpc.aio.insecure_channel(mesh.endpoints["reasoner"].address) as channel:
        stub = reasoner_pb2_grpc.ReasonerServiceStub(channel)
        request = reasoner_pb2.ReasonRequest(query="What is 12 times 12?", max_new_tokens=96)
        reply = await stub.Reason(request, timeout=120)
    assert reply.steps
    assert reply.tokens_generated > 0


async def test_an_unreachable_server_is_unavailable(start_mesh) -> None:
    env = {
        "SVEND_REASONER_BACKEND": "openai",
        "SVEND_REASONER_OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1",
    }
    mesh = start_mesh(["tools", "reasoner"], extra_env=env)
    async with grpc.aio.insecure_channel(mesh.endpoints["reasoner"].address) as channel:
        stub = reasoner_pb2_grpc.ReasonerServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await stub.Reason(reasoner_pb2.ReasonRequest(query="What is 2+2?"), timeout=30)
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    assert "model server unreachable" in (caught.value.details() or "")
