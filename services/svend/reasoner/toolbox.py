"""The tools the model may call, reached through the tools service.

The tool list is fetched on first use and kept for a while, so the reasoner can start before
the tools service. Every failure (unknown tool, bad arguments, the service down or slow)
becomes a ToolResult with an error the model reads, never an exception.
"""

import asyncio
import time
from collections.abc import Collection, Mapping
from typing import Any, Protocol

import grpc

from svend.common.clients import ToolsClient, from_struct
from svend.common.v1 import tool_pb2
from svend.reasoner.chain import ToolCall, ToolError, ToolErrorCode, ToolResult
from svend.reasoner.prompting import function_spec

# In an offered-tools list: every tool the tools service lists.
ALL_TOOLS = "*"
# After ListTools failed, how long requests go on without tools before the next try.
RETRY_AFTER_FAILURE_SECONDS = 2.0
RPC_ERROR_CODES = {
    grpc.StatusCode.UNAVAILABLE: ToolErrorCode.UNAVAILABLE,
    grpc.StatusCode.DEADLINE_EXCEEDED: ToolErrorCode.TIMEOUT,
    grpc.StatusCode.CANCELLED: ToolErrorCode.UNAVAILABLE,
}


class Tools(Protocol):
    """What the loop needs from a tool provider."""

    async def specs(self) -> list[dict[str, Any]] | None:
        """The tools as OpenAI function specs; None when they cannot be listed right now."""
        ...

    async def call(self, call: ToolCall) -> ToolResult:
        """Run one call; failures come back as a result with an error."""
        ...


class ToolServiceTools:
    """Tools served by svend.tools.v1.ToolService."""

    def __init__(
        self, client: ToolsClient, cache_seconds: float, offered: Collection[str] = (ALL_TOOLS,)
    ) -> None:
        self.client = client
        self.cache_seconds = cache_seconds
        self.offered = frozenset(offered)
        self._specs: list[dict[str, Any]] | None = None
        self._fetched_at = 0.0
        self._failed_at = -RETRY_AFTER_FAILURE_SECONDS
        self._fetching = asyncio.Lock()

    async def specs(self) -> list[dict[str, Any]] | None:
        """The tool list, fetched once (single-flight) and cached; None while unreachable.

        After a failed fetch the next try waits RETRY_AFTER_FAILURE_SECONDS, so requests do
        not queue behind one ListTools timeout after another while the tools service is down.
        """
        async with self._fetching:
            now = time.monotonic()
            fresh = now - self._fetched_at < self.cache_seconds
            backing_off = now - self._failed_at < RETRY_AFTER_FAILURE_SECONDS
            if (self._specs is None or not fresh) and not backing_off:
                try:
                    reply = await self.client.list_tools()
                except grpc.aio.AioRpcError:
                    self._failed_at = time.monotonic()
                    return self._specs
                self._specs = [
                    function_spec(tool.name, tool.description, from_struct(tool.parameters_schema))
                    for tool in reply.tools
                    if ALL_TOOLS in self.offered or tool.name in self.offered
                ]
                self._fetched_at = time.monotonic()
            return self._specs

    def known(self, name: str) -> bool | None:
        """Whether the tool is listed; None when the list was never fetched."""
        if self._specs is None:
            return None
        return any(spec["function"]["name"] == name for spec in self._specs)

    async def call(self, call: ToolCall) -> ToolResult:
        if self.known(call.name) is False:
            return failed(call, ToolErrorCode.UNKNOWN_TOOL, f"no tool named {call.name!r}")
        started = time.perf_counter()
        try:
            reply = await self.client.call_tool(call.name, call.arguments)
        except (TypeError, ValueError) as error:
            return failed(call, ToolErrorCode.INVALID_ARGUMENTS, f"arguments: {error}")
        except grpc.aio.AioRpcError as error:
            return rpc_failure(call, error, elapsed_ms(started))
        if reply.ok:
            return ToolResult(
                call_id=call.id,
                name=call.name,
                ok=True,
                result=from_struct(reply.result),
                duration_ms=reply.duration_ms,
            )
        name = tool_pb2.ToolErrorCode.Name(reply.error.code).removeprefix("TOOL_ERROR_CODE_")
        code = ToolErrorCode.__members__.get(name, ToolErrorCode.EXECUTION_FAILED)
        return failed(call, code, reply.error.message or "the tool failed", reply.duration_ms)


def rpc_failure(call: ToolCall, error: grpc.aio.AioRpcError, duration_ms: float) -> ToolResult:
    """A failed CallTool RPC as the result the model reads."""
    status = error.code()
    if status == grpc.StatusCode.INVALID_ARGUMENT:
        return failed(call, ToolErrorCode.INVALID_ARGUMENTS, error.details() or "", duration_ms)
    code = RPC_ERROR_CODES.get(status, ToolErrorCode.EXECUTION_FAILED)
    message = {
        ToolErrorCode.UNAVAILABLE: "the tools service is unavailable; answer without this tool",
        ToolErrorCode.TIMEOUT: "the tool did not answer in time",
    }.get(code, f"the tool call failed: {error.details()}")
    return failed(call, code, message, duration_ms)


def failed(
    call: ToolCall, code: ToolErrorCode, message: str, duration_ms: float = 0.0
) -> ToolResult:
    return ToolResult(
        call_id=call.id,
        name=call.name,
        ok=False,
        error=ToolError(code, message),
        duration_ms=duration_ms,
    )


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1e3, 3)


def result_payload(result: ToolResult) -> Mapping[str, Any]:
    """What the model is shown of a result: the result object, or the error in words."""
    if result.ok or result.error is None:
        return result.result
    return {"error": {"code": result.error.code.value, "message": result.error.message}}
