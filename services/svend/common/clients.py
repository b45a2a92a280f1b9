"""Typed async clients for the services, with deadlines and retries only where safe.

Every call's timeout is its own limit cut to what the current request's deadline leaves, so a
downstream call never outlives the request that made it. Retries (on UNAVAILABLE only) are
enabled for idempotent reads and checks; reasoning calls are never retried.
"""

import json
from collections.abc import AsyncIterator, Iterable, Mapping
from typing import Any

import grpc
from google.protobuf import json_format, struct_pb2
from opentelemetry.instrumentation.grpc import aio_client_interceptors

from svend.common.context import bounded_timeout
from svend.common.interceptors import RequestIdClientInterceptor
from svend.common.settings import MEBIBYTE
from svend.common.tracing import tracing_enabled
from svend.common.v1 import reasoning_pb2
from svend.reasoner.v1 import reasoner_pb2, reasoner_pb2_grpc
from svend.safety.v1 import safety_pb2, safety_pb2_grpc
from svend.tools.v1 import tools_pb2, tools_pb2_grpc
from svend.verifier.v1 import verifier_pb2, verifier_pb2_grpc

RETRY_POLICY = {
    "maxAttempts": 3,
    "initialBackoff": "0.05s",
    "maxBackoff": "0.5s",
    "backoffMultiplier": 2,
    "retryableStatusCodes": ["UNAVAILABLE"],
}


def open_channel(
    target: str,
    *,
    retried_methods: Iterable[tuple[str, str]] = (),
    max_message_bytes: int = 4 * MEBIBYTE,
) -> grpc.aio.Channel:
    """An insecure channel with tracing, request-id propagation and retries for named methods."""
    method_config = [
        {
            "name": [{"service": service, "method": method} for service, method in retried_methods],
            "retryPolicy": RETRY_POLICY,
        }
    ]
    options = [
        ("grpc.max_receive_message_length", max_message_bytes),
        ("grpc.max_send_message_length", max_message_bytes),
        ("grpc.enable_retries", 1),
        ("grpc.service_config", json.dumps({"methodConfig": method_config})),
        ("grpc.keepalive_time_ms", 30_000),
        # Reconnect quickly once a restarted service is back, instead of backing off for minutes.
        ("grpc.initial_reconnect_backoff_ms", 100),
        ("grpc.min_reconnect_backoff_ms", 100),
        ("grpc.max_reconnect_backoff_ms", 1000),
    ]
    interceptors: list[grpc.aio.ClientInterceptor] = [RequestIdClientInterceptor()]
    if tracing_enabled():
        interceptors[:0] = aio_client_interceptors()
    return grpc.aio.insecure_channel(target, options=options, interceptors=interceptors)


def to_struct(values: Mapping[str, Any]) -> struct_pb2.Struct:
    """A Python mapping as a protobuf Struct."""
    struct = struct_pb2.Struct()
    struct.update(dict(values))
    return struct


def from_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A protobuf Struct as plain Python values."""
    return json_format.MessageToDict(struct)


class ToolsClient:
    """Client of svend.tools.v1.ToolService."""

    SERVICE = "svend.tools.v1.ToolService"

    def __init__(self, target: str, timeout_seconds: float = 10.0) -> None:
        self.channel = open_channel(
            target, retried_methods=[(self.SERVICE, "ListTools"), (self.SERVICE, "CallTool")]
        )
        self.stub = tools_pb2_grpc.ToolServiceStub(self.channel)
        self.timeout_seconds = timeout_seconds

    async def list_tools(self) -> tools_pb2.ListToolsResponse:
        return await self.stub.ListTools(
            tools_pb2.ListToolsRequest(), timeout=bounded_timeout(self.timeout_seconds)
        )

    async def call_tool(
        self, name: str, arguments: Mapping[str, Any]
    ) -> tools_pb2.CallToolResponse:
        request = tools_pb2.CallToolRequest(name=name, arguments=to_struct(arguments))
        return await self.stub.CallTool(request, timeout=bounded_timeout(self.timeout_seconds))

    async def close(self) -> None:
        await self.channel.close()


class SafetyClient:
    """Client of svend.safety.v1.SafetyService."""

    SERVICE = "svend.safety.v1.SafetyService"

    def __init__(self, target: str, timeout_seconds: float = 2.0) -> None:
        self.channel = open_channel(
            target,
            retried_methods=[(self.SERVICE, "CheckInput"), (self.SERVICE, "CheckOutput")],
        )
        self.stub = safety_pb2_grpc.SafetyServiceStub(self.channel)
        self.timeout_seconds = timeout_seconds

    async def check_input(self, text: str) -> safety_pb2.CheckInputResponse:
        return await self.stub.CheckInput(
            safety_pb2.CheckInputRequest(text=text), timeout=bounded_timeout(self.timeout_seconds)
        )

    async def check_output(self, text: str, prompt: str) -> safety_pb2.CheckOutputResponse:
        return await self.stub.CheckOutput(
            safety_pb2.CheckOutputRequest(text=text, prompt=prompt),
            timeout=bounded_timeout(self.timeout_seconds),
        )

    async def close(self) -> None:
        await self.channel.close()


class VerifierClient:
    """Client of svend.verifier.v1.VerifierService."""

    SERVICE = "svend.verifier.v1.VerifierService"

    def __init__(self, target: str, timeout_seconds: float = 10.0) -> None:
        self.channel = open_channel(target, retried_methods=[(self.SERVICE, "Verify")])
        self.stub = verifier_pb2_grpc.VerifierServiceStub(self.channel)
        self.timeout_seconds = timeout_seconds

    async def verify(
        self, question: str, steps: Iterable[reasoning_pb2.ReasoningStep], answer: str
    ) -> verifier_pb2.VerifyResponse:
        request = verifier_pb2.VerifyRequest(question=question, steps=list(steps), answer=answer)
        return await self.stub.Verify(request, timeout=bounded_timeout(self.timeout_seconds))

    async def close(self) -> None:
        await self.channel.close()


class ReasonerClient:
    """Client of svend.reasoner.v1.ReasonerService; reasoning calls are never retried."""

    def __init__(self, target: str, timeout_seconds: float = 120.0) -> None:
        self.channel = open_channel(target)
        self.stub = reasoner_pb2_grpc.ReasonerServiceStub(self.channel)
        self.timeout_seconds = timeout_seconds

    async def reason(
        self, query: str, *, max_steps: int = 0, max_new_tokens: int = 0
    ) -> reasoner_pb2.ReasonResponse:
        request = reasoner_pb2.ReasonRequest(
            query=query, max_steps=max_steps, max_new_tokens=max_new_tokens
        )
        return await self.stub.Reason(request, timeout=bounded_timeout(self.timeout_seconds))

    def reason_stream(
        self, query: str, *, max_steps: int = 0, max_new_tokens: int = 0
    ) -> AsyncIterator[reasoner_pb2.ReasonStreamResponse]:
        request = reasoner_pb2.ReasonStreamRequest(
            query=query, max_steps=max_steps, max_new_tokens=max_new_tokens
        )
        return self.stub.ReasonStream(request, timeout=bounded_timeout(self.timeout_seconds))

    async def sample(
        self,
        query: str,
        *,
        n: int,
        temperature: float = 0.0,
        max_steps: int = 0,
        max_new_tokens: int = 0,
    ) -> reasoner_pb2.SampleResponse:
        request = reasoner_pb2.SampleRequest(
            query=query,
            n=n,
            temperature=temperature,
            max_steps=max_steps,
            max_new_tokens=max_new_tokens,
        )
        return await self.stub.Sample(request, timeout=bounded_timeout(self.timeout_seconds))

    async def close(self) -> None:
        await self.channel.close()
