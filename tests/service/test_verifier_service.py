"""The verifier as a real process over gRPC, re-running tool calls on a real tools service."""

import urllib.request

import grpc
import pytest
from google.protobuf import struct_pb2

from svend.common.v1 import reasoning_pb2, tool_pb2, verification_pb2
from svend.verifier.v1 import verifier_pb2, verifier_pb2_grpc
from svend.verifier.verifier import INLINE_CUT_STEPS

PASS, FAIL = verification_pb2.VERDICT_PASS, verification_pb2.VERDICT_FAIL
UNVERIFIED = verification_pb2.VERDICT_UNVERIFIED
# The exact checks alone: their scores and confidences are fixed rules, not a model's output.
EXACT_ONLY = {"SVEND_VERIFIER_SCORER_ENABLED": "false"}


def thought(text: str) -> reasoning_pb2.ReasoningStep:
    return reasoning_pb2.ReasoningStep(kind=reasoning_pb2.STEP_KIND_THOUGHT, text=text)


def struct(values: dict) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(values)
    return message


def tool_steps(result: dict, ok: bool = True) -> list[reasoning_pb2.ReasoningStep]:
    """A symbolic_math call for 48/2 and the result the chain reports for it."""
    arguments = {"operation": "simplify", "expression": "48/2"}
    call = tool_pb2.ToolCall(id="c1", name="symbolic_math", arguments=struct(arguments))
    given = tool_pb2.ToolResult(call_id="c1", name="symbolic_math", ok=ok, result=struct(result))
    return [
        reasoning_pb2.ReasoningStep(kind=reasoning_pb2.STEP_KIND_TOOL_CALL, tool_call=call),
        reasoning_pb2.ReasoningStep(kind=reasoning_pb2.STEP_KIND_TOOL_RESULT, tool_result=given),
    ]


QUESTION = "Her ducks lay 16 eggs; she eats 3, bakes with 4 and sells the rest at $2 each."
TOOL_RESULT = {"operation": "simplify", "result": "24", "latex": "24", "numeric": 24}


def verify(address: str, steps: list, answer: str = "") -> verifier_pb2.VerifyResponse:
    with grpc.insecure_channel(address) as channel:
        stub = verifier_pb2_grpc.VerifierServiceStub(channel)
        request = verifier_pb2.VerifyRequest(question=QUESTION, steps=steps, answer=answer)
        return stub.Verify(request, timeout=30)


def rejected(address: str, steps: list, answer: str = "") -> grpc.RpcError:
    with pytest.raises(grpc.RpcError) as caught:
        verify(address, steps, answer)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    return caught.value


def test_verify_with_tools(start_mesh) -> None:
    mesh = start_mesh(["tools", "verifier"], extra_env=EXACT_ONLY)
    address = mesh.endpoints["verifier"].address

    prose = [thought("She has 16 - 3 - 4 = 9 eggs."), thought("9 * 2 = 18 dollars.")]
    reply = verify(address, prose, "$18")
    assert (reply.verdict, reply.first_error_step) == (PASS, -1)
    assert list(reply.step_scores) == [1.0, 1.0]
    assert [c.step for c in reply.checks] == [0, 1, 2]
    assert all(c.passed for c in reply.checks)
    assert reply.confidence == 1.0

    corrupted = [prose[0], thought("9 * 2 = 16 dollars.")]
    reply = verify(address, corrupted, "16")
    assert (reply.verdict, reply.first_error_step) == (FAIL, 1)
    assert "step 1: 9 * 2 = 16 is wrong; 9 * 2 = 18" in reply.reasons

    reply = verify(address, prose, "20")
    assert (reply.verdict, reply.first_error_step) == (FAIL, 2)

    reply = verify(address, [thought("All cats are mammals.")], "yes")
    assert (reply.verdict, reply.first_error_step) == (UNVERIFIED, -1)
    assert list(reply.step_scores) == [0.5]

    reply = verify(address, [*tool_steps(TOOL_RESULT), thought("So 24 + 1 = 25.")], "25")
    assert (reply.verdict, reply.first_error_step) == (PASS, -1)
    assert list(reply.step_scores) == [1.0, 1.0, 1.0]
    assert reply.checks[0].claim == "tool symbolic_math"
    assert reply.checks[0].step == 1

    tampered = {**TOOL_RESULT, "result": "25", "numeric": 25}
    reply = verify(address, tool_steps(tampered), "25")
    assert (reply.verdict, reply.first_error_step) == (FAIL, 1)
    assert not reply.checks[0].passed

    reply = verify(address, tool_steps(TOOL_RESULT), "25")
    assert (reply.verdict, reply.first_error_step) == (FAIL, 2)

    assert "steps" in rejected(address, []).details()
    assert "steps[1].text" in rejected(address, [thought("1"), thought("x" * 10_001)]).details()
    assert "steps" in rejected(address, [thought("1 + 1 = 2")] * 201).details()
    no_name = reasoning_pb2.ReasoningStep(kind=reasoning_pb2.STEP_KIND_TOOL_CALL)
    assert "steps[0].tool_call.name" in rejected(address, [no_name]).details()

    metrics_port = mesh.endpoints["verifier"].metrics_port
    with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5) as page:
        text = page.read().decode()
    assert 'svend_verifier_verdicts_total{verdict="pass"} 2.0' in text
    assert 'svend_verifier_verdicts_total{verdict="fail"} 4.0' in text


def test_unreachable_tools_are_not_failures(start_mesh) -> None:
    mesh = start_mesh(["verifier"], extra_env=EXACT_ONLY)
    address = mesh.endpoints["verifier"].address

    reply = verify(address, tool_steps(TOOL_RESULT))
    assert (reply.verdict, reply.first_error_step) == (UNVERIFIED, -1)
    assert "could not be reached" in reply.checks[0].detail

    reply = verify(address, [*tool_steps(TOOL_RESULT), thought("24 / 2 = 12")], "12")
    assert (reply.verdict, reply.first_error_step) == (PASS, -1)
    assert list(reply.step_scores) == [0.5, 0.5, 1.0]


JANET = (
    "Janet's ducks lay 16 eggs per day. She eats 3 for breakfast and bakes muffins with 4. She "
    "sells the rest at $2 per egg. How much does she make every day?"
)


def test_verify_with_the_step_scorer(start_mesh) -> None:
    mesh = start_mesh(["verifier"])
    address = mesh.endpoints["verifier"].address

    def ask(steps: list[str], answer: str) -> verifier_pb2.VerifyResponse:
        with grpc.insecure_channel(address) as channel:
            stub = verifier_pb2_grpc.VerifierServiceStub(channel)
            request = verifier_pb2.VerifyRequest(
                question=JANET, steps=[thought(t) for t in steps], answer=answer
            )
            return stub.Verify(request, timeout=30)

    right = ["Janet sells 16 - 3 - 4 = 9 eggs a day.", "She makes 9 * $2 = $18 every day."]
    reply = ask(right, "$18")
    assert (reply.verdict, reply.first_error_step) == (PASS, -1)
    # Scores and confidence are the model's, not the fixed values of the exact checks alone.
    assert all(0.0 < score < 1.0 for score in reply.step_scores)
    assert 0.5 < reply.confidence < 1.0

    reply = ask([right[0], "She makes 9 * $2 = $20 every day."], "$20")
    assert (reply.verdict, reply.first_error_step) == (FAIL, 1)
    assert reply.step_scores[1] == 0.0

    dropped = ["Janet sells 16 - 3 = 13 eggs a day.", "She makes 13 * $2 = $26 every day."]
    reply = ask(dropped, "$26")
    assert reply.verdict == FAIL
    assert any("the question gives 4, which no step uses" in r for r in reply.reasons)

    # A chain longer than INLINE_CUT_STEPS is cut into windows off the event loop: the same
    # per-step model scores come back.
    repeated = ["Again, Janet sells 16 - 3 - 4 = 9 eggs a day."] * (INLINE_CUT_STEPS + 8)
    reply = ask([*repeated, right[1]], "$18")
    assert len(reply.step_scores) == len(repeated) + 1
    assert all(0.0 < score < 1.0 for score in reply.step_scores)

    reply = ask(["All cats are mammals.", "Tom is a cat, so Tom is a mammal."], "yes")
    assert reply.verdict == UNVERIFIED
