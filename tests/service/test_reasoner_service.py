"""The reasoner as a real process: its tool access, its startup guard, and its RPCs with SmolLM2."""

import urllib.request

import grpc
import pytest

from svend.common.clients import ToolsClient
from svend.common.v1 import reasoning_pb2
from svend.launcher import LaunchError, free_port
from svend.reasoner.chain import ToolCall, ToolErrorCode
from svend.reasoner.toolbox import ToolServiceTools
from svend.reasoner.v1 import reasoner_pb2, reasoner_pb2_grpc

# Two threads thrash on a two-core machine that also runs the tools service and pytest.
REASONER_ENV = {"SVEND_REASONER_TORCH_THREADS": "1"}


async def test_tools_are_listed_and_called_through_the_tools_service(start_mesh) -> None:
    mesh = start_mesh(["tools"])
    tools = ToolServiceTools(ToolsClient(mesh.endpoints["tools"].address), cache_seconds=60)
    try:
        specs = await tools.specs()
        assert specs is not None
        names = {spec["function"]["name"] for spec in specs}
        assert {"symbolic_math", "unit_convert"} <= names
        assert all("properties" in spec["function"]["parameters"] for spec in specs)

        converted = await tools.call(
            ToolCall("call_1", "unit_convert", {"value": 3, "from_unit": "km", "to_unit": "m"})
        )
        assert converted.ok and converted.call_id == "call_1"
        assert "3000" in str(converted.result)

        missing = await tools.call(ToolCall("call_2", "unit_convert", {"value": 3}))
        assert not missing.ok and missing.error is not None
        assert missing.error.code is ToolErrorCode.INVALID_ARGUMENTS
        assert "from_unit" in missing.error.message

        unknown = await tools.call(ToolCall("call_3", "abacus", {}))
        assert unknown.error is not None and unknown.error.code is ToolErrorCode.UNKNOWN_TOOL
    finally:
        await tools.client.close()


async def test_only_the_offered_tools_reach_the_model(start_mesh) -> None:
    mesh = start_mesh(["tools"], extra_env={"SVEND_TOOLS_SANDBOX_WARM": "0"})
    client = ToolsClient(mesh.endpoints["tools"].address)
    try:
        every = await ToolServiceTools(client, cache_seconds=60).specs()
        offered = await ToolServiceTools(client, 60, offered=["unit_convert", "ph"]).specs()
    finally:
        await client.close()
    assert every is not None and offered is not None
    assert {"execute_python", "logic_solver", "molecular_structure"} <= {
        spec["function"]["name"] for spec in every
    }
    assert [spec["function"]["name"] for spec in offered] == ["ph", "unit_convert"]


async def test_tools_service_down_becomes_an_unavailable_result() -> None:
    tools = ToolServiceTools(ToolsClient(f"127.0.0.1:{free_port()}"), cache_seconds=60)
    try:
        assert await tools.specs() is None
        result = await tools.call(ToolCall("call_1", "unit_convert", {"value": 1}))
    finally:
        await tools.client.close()
    assert not result.ok and result.error is not None
    assert result.error.code is ToolErrorCode.UNAVAILABLE
    assert "unavailable" in result.error.message


def test_refuses_to_start_with_weights_that_are_not_pinned(start_mesh) -> None:
    with pytest.raises(LaunchError, match="sha256"):
        start_mesh(["reasoner"], extra_env={"SVEND_REASONER_MODEL_SHA256": "0" * 64})


def assert_invalid(call, request, field: str) -> None:
    with pytest.raises(grpc.RpcError) as caught:
        call(request, timeout=10)
    assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.details().startswith(field)


def metric_value(port: int, name: str) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as reply:
        for line in reply.read().decode().splitlines():
            if line.startswith(f"{name} "):
                return float(line.split()[1])
    raise AssertionError(f"{name} not exported")


@pytest.mark.model
def test_reason_stream_and_sample_with_smollm2(start_mesh) -> None:
    mesh = start_mesh(["tools", "reasoner"], extra_env=REASONER_ENV, timeout=180)
    endpoint = mesh.endpoints["reasoner"]
    with grpc.insecure_channel(endpoint.address) as channel:
        stub = reasoner_pb2_grpc.ReasonerServiceStub(channel)

        reply = stub.Reason(
            reasoner_pb2.ReasonRequest(query="What is 12 * 7?", max_steps=2, max_new_tokens=40),
            timeout=120,
        )
        assert reply.steps
        assert [step.index for step in reply.steps] == list(range(len(reply.steps)))
        assert reply.stop_reason != 0
        assert 0 < reply.tokens_generated <= 40
        for step in reply.steps:
            if step.kind == reasoning_pb2.STEP_KIND_TOOL_CALL:
                assert step.tool_call.id
        if reply.answer:
            assert reply.steps[-1].kind == reasoning_pb2.STEP_KIND_ANSWER

        events = list(
            stub.ReasonStream(
                reasoner_pb2.ReasonStreamRequest(query="What is 2 + 3?", max_new_tokens=24),
                timeout=120,
            )
        )
        assert all(not event.HasField("chain") for event in events[:-1])
        chain = events[-1].chain
        assert events[-1].HasField("chain") and chain.stop_reason != 0
        assert 0 < chain.tokens_generated <= 24
        streamed = [event.step for event in events if event.HasField("step")]
        assert [step.index for step in streamed] == [step.index for step in chain.steps]

        sampled = stub.Sample(
            reasoner_pb2.SampleRequest(query="What is 9 - 4?", n=2, max_steps=1, max_new_tokens=16),
            timeout=120,
        )
        assert len(sampled.chains) == 2
        assert all(0 < c.tokens_generated <= 16 and c.stop_reason for c in sampled.chains)

        assert_invalid(stub.Reason, reasoner_pb2.ReasonRequest(query="  "), "query")
        assert_invalid(stub.Reason, reasoner_pb2.ReasonRequest(query="x" * 8001), "query")
        assert_invalid(
            stub.Reason, reasoner_pb2.ReasonRequest(query="q", max_steps=-1), "max_steps"
        )
        assert_invalid(
            stub.Reason,
            reasoner_pb2.ReasonRequest(query="q", max_new_tokens=100_000),
            "max_new_tokens",
        )
        assert_invalid(stub.Sample, reasoner_pb2.SampleRequest(query="q", n=9), "n")
        assert_invalid(
            stub.Sample, reasoner_pb2.SampleRequest(query="q", temperature=-1), "temperature"
        )
        with pytest.raises(grpc.RpcError) as caught:
            list(stub.ReasonStream(reasoner_pb2.ReasonStreamRequest(query=""), timeout=10))
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT

    spent = reply.tokens_generated + chain.tokens_generated
    spent += sum(c.tokens_generated for c in sampled.chains)
    assert metric_value(endpoint.metrics_port, "svend_reasoner_tokens_generated_total") == spent
