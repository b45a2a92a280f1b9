"""ToolService over gRPC: translates protobuf to the runner and back, nothing more."""

import grpc
from google.protobuf import json_format

from svend.common.clients import to_struct
from svend.common.v1 import tool_pb2
from svend.tools.registry import FailureKind
from svend.tools.runner import ToolRunner
from svend.tools.v1 import tools_pb2, tools_pb2_grpc

ERROR_CODES = {
    FailureKind.INVALID_ARGUMENTS: tool_pb2.TOOL_ERROR_CODE_INVALID_ARGUMENTS,
    FailureKind.EXECUTION_FAILED: tool_pb2.TOOL_ERROR_CODE_EXECUTION_FAILED,
    FailureKind.TIMEOUT: tool_pb2.TOOL_ERROR_CODE_TIMEOUT,
}


class ToolServicer(tools_pb2_grpc.ToolServiceServicer):
    """ListTools and CallTool over one ToolRunner."""

    def __init__(self, runner: ToolRunner) -> None:
        self.runner = runner
        self.listing = tools_pb2.ListToolsResponse(
            tools=[
                tools_pb2.Tool(
                    name=tool.name,
                    description=tool.description,
                    parameters_schema=to_struct(tool.parameters),
                )
                for tool in runner.registry.tools()
            ]
        )

    async def ListTools(
        self, request: tools_pb2.ListToolsRequest, context: grpc.aio.ServicerContext
    ) -> tools_pb2.ListToolsResponse:
        return self.listing

    async def CallTool(
        self, request: tools_pb2.CallToolRequest, context: grpc.aio.ServicerContext
    ) -> tools_pb2.CallToolResponse:
        arguments = json_format.MessageToDict(request.arguments)
        outcome = await self.runner.call(request.name, arguments)
        if outcome.failure is not None:
            return tools_pb2.CallToolResponse(
                ok=False,
                error=tool_pb2.ToolError(
                    code=ERROR_CODES[outcome.failure.kind], message=outcome.failure.message
                ),
                duration_ms=outcome.duration_ms,
            )
        return tools_pb2.CallToolResponse(
            ok=True, result=to_struct(outcome.result or {}), duration_ms=outcome.duration_ms
        )
