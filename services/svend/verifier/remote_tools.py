"""The tools service as the verifier's ToolRunner."""

import logging
from collections.abc import Mapping
from typing import Any

import grpc

from svend.common.clients import ToolsClient, from_struct
from svend.common.v1 import tool_pb2
from svend.verifier.chain import ToolOutcome

log = logging.getLogger("svend.verifier.tools")

ERROR_CODE_PREFIX = "TOOL_ERROR_CODE_"


def error_code_name(code: int) -> str:
    """'INVALID_ARGUMENTS' for TOOL_ERROR_CODE_INVALID_ARGUMENTS; '' when unset or unknown."""
    if code == tool_pb2.TOOL_ERROR_CODE_UNSPECIFIED:
        return ""
    try:
        return tool_pb2.ToolErrorCode.Name(code).removeprefix(ERROR_CODE_PREFIX)
    except ValueError:
        return str(code)


class RemoteToolRunner:
    """Re-runs tool calls on the tools service; None when the service could not answer."""

    def __init__(self, client: ToolsClient) -> None:
        self.client = client

    async def run(self, name: str, arguments: Mapping[str, Any]) -> ToolOutcome | None:
        try:
            reply = await self.client.call_tool(name, arguments)
        except grpc.aio.AioRpcError as error:
            # The tools service rejects unknown tools and bad arguments as INVALID_ARGUMENT:
            # that is the call's outcome, the same one the chain should report.
            if error.code() is grpc.StatusCode.INVALID_ARGUMENT:
                return ToolOutcome(False, {}, "INVALID_ARGUMENTS", error.details() or "")
            log.warning("tool re-run failed", extra={"tool": name, "code": error.code().name})
            return None
        return ToolOutcome(
            ok=reply.ok,
            result=from_struct(reply.result),
            error_code=error_code_name(reply.error.code),
            error_message=reply.error.message,
        )
