"""VerifierService over gRPC: validates requests and translates protobuf to and from the domain."""

from svend.common import InvalidArgumentError
from svend.common.clients import from_struct
from svend.common.v1 import reasoning_pb2, verification_pb2
from svend.verifier import metrics
from svend.verifier.chain import Chain, Step, StepKind, ToolCall, ToolOutcome, ToolResult
from svend.verifier.findings import Outcome, Report, Verdict
from svend.verifier.remote_tools import error_code_name
from svend.verifier.settings import VerifierSettings
from svend.verifier.v1 import verifier_pb2, verifier_pb2_grpc
from svend.verifier.verifier import Verifier

VERDICTS = {
    Verdict.PASS: verification_pb2.VERDICT_PASS,
    Verdict.FAIL: verification_pb2.VERDICT_FAIL,
    Verdict.UNVERIFIED: verification_pb2.VERDICT_UNVERIFIED,
}
PROSE_STEP_KINDS = {
    reasoning_pb2.STEP_KIND_THOUGHT: StepKind.THOUGHT,
    reasoning_pb2.STEP_KIND_ANSWER: StepKind.ANSWER,
}


class VerifierServicer(verifier_pb2_grpc.VerifierServiceServicer):
    """Verify: the request becomes a Chain, the Report becomes a VerifyResponse."""

    def __init__(self, verifier: Verifier, settings: VerifierSettings) -> None:
        self.verifier = verifier
        self.max_steps = settings.max_steps
        self.max_text_chars = settings.max_text_chars

    async def Verify(
        self, request: verifier_pb2.VerifyRequest, context: object
    ) -> verifier_pb2.VerifyResponse:
        report = await self.verifier.verify(self.chain(request))
        metrics.record(report)
        return response(report)

    def chain(self, request: verifier_pb2.VerifyRequest) -> Chain:
        """The request as a Chain; InvalidArgumentError naming the first bad field."""
        if not request.steps and not request.answer.strip():
            raise InvalidArgumentError("steps", "give at least one step, or an answer")
        if len(request.steps) > self.max_steps:
            raise InvalidArgumentError(
                "steps", f"at most {self.max_steps} steps are accepted, got {len(request.steps)}"
            )
        self.check_length("question", request.question)
        self.check_length("answer", request.answer)
        steps = tuple(self.step(index, step) for index, step in enumerate(request.steps))
        return Chain(question=request.question, steps=steps, answer=request.answer)

    def check_length(self, field: str, text: str) -> None:
        if len(text) > self.max_text_chars:
            raise InvalidArgumentError(
                field, f"at most {self.max_text_chars} characters, got {len(text)}"
            )

    def step(self, index: int, step: reasoning_pb2.ReasoningStep) -> Step:
        """One step; its kind is inferred from a set tool_call or tool_result when unset."""
        field = f"steps[{index}]"
        self.check_length(f"{field}.text", step.text)
        kind = step.kind
        if kind == reasoning_pb2.STEP_KIND_UNSPECIFIED:
            if step.HasField("tool_call"):
                kind = reasoning_pb2.STEP_KIND_TOOL_CALL
            elif step.HasField("tool_result"):
                kind = reasoning_pb2.STEP_KIND_TOOL_RESULT
            else:
                kind = reasoning_pb2.STEP_KIND_THOUGHT
        if kind in PROSE_STEP_KINDS:
            return Step(PROSE_STEP_KINDS[kind], step.text)
        if kind == reasoning_pb2.STEP_KIND_TOOL_CALL:
            if not step.tool_call.name:
                raise InvalidArgumentError(
                    f"{field}.tool_call.name", "required when kind is STEP_KIND_TOOL_CALL"
                )
            call = ToolCall(
                step.tool_call.id, step.tool_call.name, from_struct(step.tool_call.arguments)
            )
            return Step(StepKind.TOOL_CALL, step.text, tool_call=call)
        if kind == reasoning_pb2.STEP_KIND_TOOL_RESULT:
            if not step.HasField("tool_result"):
                raise InvalidArgumentError(
                    f"{field}.tool_result", "required when kind is STEP_KIND_TOOL_RESULT"
                )
            given = step.tool_result
            outcome = ToolOutcome(
                ok=given.ok,
                result=from_struct(given.result),
                error_code=error_code_name(given.error.code),
                error_message=given.error.message,
            )
            result = ToolResult(given.call_id, given.name, outcome)
            return Step(StepKind.TOOL_RESULT, step.text, tool_result=result)
        raise InvalidArgumentError(f"{field}.kind", f"unknown step kind {kind}")


def response(report: Report) -> verifier_pb2.VerifyResponse:
    """A Report as the wire message."""
    return verifier_pb2.VerifyResponse(
        verdict=VERDICTS[report.verdict],
        confidence=report.confidence,
        first_error_step=report.first_error_step,
        step_scores=report.step_scores,
        reasons=report.reasons,
        checks=[
            verifier_pb2.Check(
                step=finding.step,
                claim=finding.claim,
                passed=finding.outcome is Outcome.PASSED,
                detail=finding.detail,
            )
            for finding in report.findings
        ],
    )
