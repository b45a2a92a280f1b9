"""SafetyService over gRPC: validates requests and translates them to and from the checker."""

from svend.common import InvalidArgumentError
from svend.common.v1 import safety_pb2 as common_safety_pb2
from svend.safety.checker import SafetyChecker
from svend.safety.metrics import record_decision
from svend.safety.policy import InputDecision, OutputDecision
from svend.safety.v1 import safety_pb2, safety_pb2_grpc

INPUT_DECISIONS = {
    InputDecision.SAFE: common_safety_pb2.INPUT_DECISION_SAFE,
    InputDecision.REVIEW: common_safety_pb2.INPUT_DECISION_REVIEW,
    InputDecision.REFUSE: common_safety_pb2.INPUT_DECISION_REFUSE,
}
OUTPUT_DECISIONS = {
    OutputDecision.SAFE: common_safety_pb2.OUTPUT_DECISION_SAFE,
    OutputDecision.EDIT: common_safety_pb2.OUTPUT_DECISION_EDIT,
    OutputDecision.BLOCK: common_safety_pb2.OUTPUT_DECISION_BLOCK,
}


def check_text(field: str, text: str, max_chars: int, *, required: bool = True) -> None:
    """Reject an empty (when required) or over-long text, naming the field."""
    if required and not text.strip():
        raise InvalidArgumentError(field, "must not be empty")
    if len(text) > max_chars:
        raise InvalidArgumentError(
            field, f"is {len(text)} characters long; the limit is {max_chars}"
        )


class SafetyServicer(safety_pb2_grpc.SafetyServiceServicer):
    """Thin protobuf adapter around SafetyChecker."""

    def __init__(self, checker: SafetyChecker, max_text_chars: int) -> None:
        self.checker = checker
        self.max_text_chars = max_text_chars

    async def CheckInput(
        self, request: safety_pb2.CheckInputRequest, context: object
    ) -> safety_pb2.CheckInputResponse:
        check_text("text", request.text, self.max_text_chars)
        verdict = await self.checker.check_input(request.text)
        record_decision("input", verdict.decision, verdict.categories)
        return safety_pb2.CheckInputResponse(
            decision=INPUT_DECISIONS[verdict.decision],
            unsafe_score=verdict.unsafe_score,
            scores=verdict.scores,
            categories=verdict.categories,
            reasons=verdict.reasons,
        )

    async def CheckOutput(
        self, request: safety_pb2.CheckOutputRequest, context: object
    ) -> safety_pb2.CheckOutputResponse:
        check_text("text", request.text, self.max_text_chars)
        check_text("prompt", request.prompt, self.max_text_chars, required=False)
        verdict = await self.checker.check_output(request.text, request.prompt)
        record_decision("output", verdict.decision, verdict.categories)
        return safety_pb2.CheckOutputResponse(
            decision=OUTPUT_DECISIONS[verdict.decision],
            unsafe_score=verdict.unsafe_score,
            scores=verdict.scores,
            categories=verdict.categories,
            reasons=verdict.reasons,
            edited_text=verdict.edited_text,
        )
