"""ReasonerService: protobuf in, domain chain out; validation of the request's fields."""

import math
from collections.abc import AsyncIterator

import grpc

from svend.common import InvalidArgumentError
from svend.common.clients import to_struct
from svend.common.v1 import reasoning_pb2, tool_pb2
from svend.reasoner.chain import (
    Chain,
    ChainLimits,
    Step,
    StepKind,
    ToolCall,
    ToolInvocation,
    ToolResult,
)
from svend.reasoner.engine import Reasoner
from svend.reasoner.settings import ReasonerSettings
from svend.reasoner.v1 import reasoner_pb2, reasoner_pb2_grpc

MAX_TEMPERATURE = 2.0


class ReasonerServicer(reasoner_pb2_grpc.ReasonerServiceServicer):
    """Translates ReasonerService RPCs to the Reasoner."""

    def __init__(self, reasoner: Reasoner, settings: ReasonerSettings) -> None:
        self.reasoner = reasoner
        self.settings = settings

    async def Reason(
        self, request: reasoner_pb2.ReasonRequest, context: grpc.aio.ServicerContext
    ) -> reasoner_pb2.ReasonResponse:
        query, limits = self.chain_request(request)
        chain = await self.reasoner.reason(query, limits)
        return reasoner_pb2.ReasonResponse(**chain_fields(chain))

    async def ReasonStream(
        self, request: reasoner_pb2.ReasonStreamRequest, context: grpc.aio.ServicerContext
    ) -> AsyncIterator[reasoner_pb2.ReasonStreamResponse]:
        query, limits = self.chain_request(request)
        # The answer step is held back for a moment so that it travels with the whole chain.
        answer: Step | None = None
        async for event in self.reasoner.stream(query, limits):
            if isinstance(event, Chain):
                last = reasoner_pb2.ReasonStreamResponse(
                    chain=reasoner_pb2.ReasoningChain(**chain_fields(event))
                )
                if answer is not None:
                    last.step.CopyFrom(step_message(answer))
                yield last
            elif event.kind is StepKind.ANSWER:
                answer = event
            else:
                yield reasoner_pb2.ReasonStreamResponse(step=step_message(event))

    async def Sample(
        self, request: reasoner_pb2.SampleRequest, context: grpc.aio.ServicerContext
    ) -> reasoner_pb2.SampleResponse:
        query, limits = self.chain_request(request)
        settings = self.settings
        if not 0 <= request.n <= settings.sample_max_n:
            raise InvalidArgumentError("n", f"must be between 0 and {settings.sample_max_n}")
        n = request.n or settings.sample_default_n
        temperature = request.temperature
        if not math.isfinite(temperature) or not 0 <= temperature <= MAX_TEMPERATURE:
            raise InvalidArgumentError("temperature", f"must be between 0 and {MAX_TEMPERATURE}")
        if temperature == 0:
            temperature = settings.sample_temperature if n > 1 else settings.temperature
        limits = ChainLimits(limits.max_steps, limits.max_new_tokens, temperature)
        chains = await self.reasoner.sample(query, limits, n)
        return reasoner_pb2.SampleResponse(
            chains=[reasoner_pb2.ReasoningChain(**chain_fields(chain)) for chain in chains]
        )

    def chain_request(
        self,
        request: reasoner_pb2.ReasonRequest
        | reasoner_pb2.ReasonStreamRequest
        | reasoner_pb2.SampleRequest,
    ) -> tuple[str, ChainLimits]:
        """The query and the chain's limits, with 0 meaning the service default."""
        settings = self.settings
        query = request.query
        if not query.strip():
            raise InvalidArgumentError("query", "must not be empty")
        if len(query) > settings.max_query_chars:
            raise InvalidArgumentError(
                "query", f"must be at most {settings.max_query_chars} characters, got {len(query)}"
            )
        max_steps = bounded(
            "max_steps", request.max_steps, settings.max_steps, settings.max_steps_limit
        )
        max_new_tokens = bounded(
            "max_new_tokens",
            request.max_new_tokens,
            settings.max_new_tokens,
            settings.max_new_tokens_limit,
        )
        return query, ChainLimits(max_steps, max_new_tokens, settings.temperature)


def bounded(field: str, value: int, default: int, cap: int) -> int:
    """A limit from the request: 0 takes the default, anything outside [0, cap] is refused."""
    if not 0 <= value <= cap:
        raise InvalidArgumentError(field, f"must be between 0 and {cap}, got {value}")
    return value or default


def chain_fields(chain: Chain) -> dict[str, object]:
    """The fields ReasonResponse and ReasoningChain share."""
    return {
        "steps": [step_message(step) for step in chain.steps],
        "answer": chain.answer,
        "final_value": chain.final_value,
        "tool_calls": [invocation_message(item) for item in chain.tool_calls],
        "stop_reason": reasoning_pb2.StopReason.Value(f"STOP_REASON_{chain.stop_reason.value}"),
        "tokens_generated": chain.tokens_generated,
    }


def step_message(step: Step) -> reasoning_pb2.ReasoningStep:
    message = reasoning_pb2.ReasoningStep(
        index=step.index,
        kind=reasoning_pb2.StepKind.Value(f"STEP_KIND_{step.kind.value}"),
        text=step.text,
    )
    if step.tool_call is not None:
        message.tool_call.CopyFrom(call_message(step.tool_call))
    if step.tool_result is not None:
        message.tool_result.CopyFrom(result_message(step.tool_result))
    return message


def call_message(call: ToolCall) -> tool_pb2.ToolCall:
    return tool_pb2.ToolCall(id=call.id, name=call.name, arguments=to_struct(call.arguments))


def result_message(result: ToolResult) -> tool_pb2.ToolResult:
    message = tool_pb2.ToolResult(
        call_id=result.call_id,
        name=result.name,
        ok=result.ok,
        result=to_struct(result.result),
        duration_ms=result.duration_ms,
    )
    if result.error is not None:
        message.error.CopyFrom(
            tool_pb2.ToolError(
                code=tool_pb2.ToolErrorCode.Value(f"TOOL_ERROR_CODE_{result.error.code.value}"),
                message=result.error.message,
            )
        )
    return message


def invocation_message(invocation: ToolInvocation) -> tool_pb2.ToolInvocation:
    return tool_pb2.ToolInvocation(
        call=call_message(invocation.call), result=result_message(invocation.result)
    )
