"""The request flow of DESIGN.md: input safety, cache, path, work, verification, output safety.

Failure rules: safety unreachable fails closed (UNAVAILABLE, never an unchecked answer); the
verifier unreachable marks the answer UNVERIFIED; the router's deadline bounds the whole request.
"""

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import grpc

from svend.common.clients import (
    ReasonerClient,
    SafetyClient,
    ToolsClient,
    VerifierClient,
    from_struct,
    to_struct,
)
from svend.common.context import deadline_var, remaining_seconds, request_id_var
from svend.common.errors import (
    DeadlineExceededError,
    InvalidArgumentError,
    ServiceError,
    UnavailableError,
)
from svend.common.v1 import reasoning_pb2, safety_pb2, tool_pb2, verification_pb2
from svend.reasoner.v1 import reasoner_pb2
from svend.router.answers import (
    chains_agree,
    describe_call,
    render_tool_answer,
    unanswered,
    vote_weight,
    weighted_vote,
)
from svend.router.cache import AnswerCache
from svend.router.paths import route
from svend.router.quick import DirectRequest
from svend.router.settings import RouterSettings
from svend.router.v1 import router_pb2

log = logging.getLogger("svend.router")

Path = router_pb2.Path
StepKind = reasoning_pb2.StepKind
Verdict = verification_pb2.Verdict
InputDecision = safety_pb2.InputDecision
OutputDecision = safety_pb2.OutputDecision

REFUSAL = (
    "I can't help with that request. Svend's safety check refused it{categories}; "
    "no instructions are given."
)
BLOCKED = "The answer was withheld by Svend's safety check{categories}."
# A streamed step whose window safety edits, when the step alone has nothing to redact.
WITHHELD_STEP = "[part of this step was withheld by Svend's safety check]"


Emit = Callable[[router_pb2.AskStreamResponse], Awaitable[None]]
# A chain with the verifier's report on it.
VerifiedChain = tuple[Any, verification_pb2.Verification]
# Time kept back from a deep fallback, so that the standard answer can still be returned.
FALLBACK_MARGIN_SECONDS = 1.0


class Timer:
    """Milliseconds per stage of one request, summed over a stage's repeats."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.stages: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            elapsed = (time.perf_counter() - began) * 1e3
            self.stages[name] = round(self.stages.get(name, 0.0) + elapsed, 3)

    def total(self) -> dict[str, float]:
        return {**self.stages, "total": round((time.perf_counter() - self.started) * 1e3, 3)}


def downstream_failure(what: str, error: grpc.aio.AioRpcError) -> ServiceError:
    """A failed downstream call as the caller should see it: out of time, or unavailable."""
    log.warning("%s failed: %s %s", what, error.code().name, error.details())
    if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
        return DeadlineExceededError(f"{what} did not answer in time")
    return UnavailableError(f"{what} unavailable: {error.details()}")


def categories_suffix(categories: list[str]) -> str:
    return f" (categories: {', '.join(categories)})" if categories else ""


class StreamCutOff(Exception):
    """Output safety blocked part of a stream; verdict says why."""

    def __init__(self, verdict: Any) -> None:
        super().__init__("output safety blocked the stream")
        self.verdict = verdict


class StreamGuard:
    """Output safety over a stream of steps, in overlapping windows of two steps."""

    def __init__(self, check: Callable[[str], Awaitable[Any]]) -> None:
        self.check = check
        self.previous = ""

    async def admit(self, step: reasoning_pb2.ReasoningStep) -> reasoning_pb2.ReasoningStep:
        """The step as the caller may see it: unchanged, or redacted; StreamCutOff when its
        window would be blocked."""
        window = f"{self.previous}\n{step.text}".strip()
        verdict = await self.check(window)
        if verdict.decision == OutputDecision.OUTPUT_DECISION_BLOCK:
            raise StreamCutOff(verdict)
        shown = reasoning_pb2.ReasoningStep()
        shown.CopyFrom(step)
        if verdict.decision == OutputDecision.OUTPUT_DECISION_EDIT:
            alone = verdict if window == step.text.strip() else await self.check(step.text)
            shown.text = (
                alone.edited_text
                if alone.decision == OutputDecision.OUTPUT_DECISION_EDIT
                else WITHHELD_STEP
            )
            shown.ClearField("tool_call")
            shown.ClearField("tool_result")
        self.previous = shown.text
        return shown


def withhold(response: router_pb2.AskResponse, verdict: Any) -> None:
    """Replace everything the caller would see by the blocked notice."""
    response.refused = True
    response.answer = BLOCKED.format(categories=categories_suffix(list(verdict.categories)))
    response.final_value = ""
    del response.steps[:]
    del response.tool_calls[:]
    response.safety.output.decision = OutputDecision.OUTPUT_DECISION_BLOCK
    del response.safety.output.categories[:]
    response.safety.output.categories.extend(verdict.categories)


class Router:
    """Answers questions by orchestrating the other services."""

    def __init__(
        self,
        settings: RouterSettings,
        cache: AnswerCache,
        safety: SafetyClient,
        tools: ToolsClient,
        reasoner: ReasonerClient,
        verifier: VerifierClient,
    ) -> None:
        self.settings = settings
        self.cache = cache
        self.safety = safety
        self.tools = tools
        self.reasoner = reasoner
        self.verifier = verifier

    def validate(self, query: str, path: int) -> str:
        """The query without surrounding blanks; INVALID_ARGUMENT names what is wrong."""
        if not query.strip():
            raise InvalidArgumentError("query", "must not be empty")
        if len(query) > self.settings.max_query_chars:
            raise InvalidArgumentError(
                "query",
                f"is {len(query)} characters; the limit is {self.settings.max_query_chars}",
            )
        if path not in Path.values():
            raise InvalidArgumentError("path", f"unknown path {path}")
        return query.strip()

    async def ask(self, query: str, path: int, emit: Emit | None = None) -> router_pb2.AskResponse:
        """Answer one question within the router's deadline.

        With emit, reasoning steps are passed to it as they happen, each after output safety.
        """
        query = self.validate(query, path)
        limit = self.settings.deadline_seconds
        remaining = remaining_seconds()
        budget = limit if remaining is None else min(limit, remaining)
        deadline_var.set(time.monotonic() + budget)
        try:
            async with asyncio.timeout(budget):
                return await self._ask(query, path, emit)
        except TimeoutError:
            raise DeadlineExceededError(f"no answer within {budget:.1f} s") from None

    async def ask_events(
        self, query: str, path: int
    ) -> AsyncIterator[router_pb2.AskStreamResponse]:
        """The answer as a stream of events: steps as they happen, tool calls, the verdict, and
        last the whole answer. Paths that do not reason step by step send their steps at the end.
        """
        events: asyncio.Queue[router_pb2.AskStreamResponse] = asyncio.Queue()
        answering = asyncio.create_task(self.ask(query, path, emit=events.put))
        next_event: asyncio.Future[router_pb2.AskStreamResponse] | None = None
        streamed = 0
        try:
            while not answering.done() or not events.empty():
                next_event = asyncio.ensure_future(events.get())
                await asyncio.wait({next_event, answering}, return_when=asyncio.FIRST_COMPLETED)
                if next_event.done():
                    streamed += 1
                    yield next_event.result()
                else:
                    next_event.cancel()
            response = answering.result()
        finally:
            answering.cancel()
            if next_event is not None:
                next_event.cancel()
        for step in response.steps:
            if not streamed or step.kind == StepKind.STEP_KIND_ANSWER:
                yield router_pb2.AskStreamResponse(step=step)
        for invocation in response.tool_calls:
            yield router_pb2.AskStreamResponse(tool_call=invocation)
        if response.HasField("verification"):
            yield router_pb2.AskStreamResponse(verification=response.verification)
        yield router_pb2.AskStreamResponse(answer=response)

    async def _ask(self, query: str, forced_path: int, emit: Emit | None) -> router_pb2.AskResponse:
        timer = Timer()
        response = router_pb2.AskResponse(request_id=request_id_var.get())

        with timer.stage("safety_input"):
            verdict = await self._check_input(query)
        response.safety.input.decision = verdict.decision
        response.safety.input.categories.extend(verdict.categories)
        response.safety.input.unsafe_score = verdict.unsafe_score
        if verdict.decision == InputDecision.INPUT_DECISION_REFUSE:
            response.refused = True
            response.answer = REFUSAL.format(categories=categories_suffix(list(verdict.categories)))
            response.timings_ms.update(timer.total())
            return response

        chosen = route(query, forced_path, self.settings.deep_complexity_threshold)
        with timer.stage("cache"):
            cached = await self.cache.get(chosen.cache_key)
        if cached is not None:
            hit = router_pb2.AskResponse.FromString(cached)
            hit.cached = True
            hit.request_id = response.request_id
            hit.safety.input.CopyFrom(response.safety.input)
            hit.timings_ms.clear()
            hit.timings_ms.update(timer.total())
            return hit

        response.path = chosen.path
        response.path_reason = chosen.reason
        if chosen.direct is not None:
            with timer.stage("quick"):
                await self._quick(query, chosen.direct, response, timer, emit)
        elif chosen.path == Path.PATH_DEEP:
            await self._deep(query, response, timer)
        else:
            await self._standard(query, response, timer, emit)
            if (
                forced_path == Path.PATH_UNSPECIFIED
                and self.settings.standard_falls_back_to_deep
                and response.verification.verdict == Verdict.VERDICT_FAIL
            ):
                await self._fall_back_to_deep(query, response, timer)

        if response.safety.output.decision != OutputDecision.OUTPUT_DECISION_BLOCK:
            with timer.stage("safety_output"):
                await self._check_output(query, response)
        response.timings_ms.update(timer.total())
        if not response.refused and response.verification.verdict == Verdict.VERDICT_PASS:
            stored = router_pb2.AskResponse()
            stored.CopyFrom(response)
            stored.timings_ms.clear()
            await self.cache.set(chosen.cache_key, stored.SerializeToString())
        return response

    async def _check_input(self, query: str) -> Any:
        try:
            return await self.safety.check_input(query)
        except grpc.aio.AioRpcError as error:
            raise downstream_failure(
                "the input safety check (no request is answered unchecked)", error
            ) from None

    async def _check_output(self, query: str, response: router_pb2.AskResponse) -> None:
        """Check everything the caller would see: every step's text and the answer.

        BLOCK withholds it all. EDIT returns only the redacted text, as the one answer step:
        the redaction covers the whole transcript, so no unredacted step or tool argument stays.
        """
        texts = [step.text for step in response.steps]
        if response.answer not in texts:
            texts.append(response.answer)
        text = "\n".join(texts).strip()
        if not text:
            response.safety.output.decision = OutputDecision.OUTPUT_DECISION_SAFE
            return
        verdict = await self._check_text(text, query)
        if verdict.decision == OutputDecision.OUTPUT_DECISION_BLOCK:
            withhold(response, verdict)
            return
        response.safety.output.decision = verdict.decision
        response.safety.output.categories.extend(verdict.categories)
        if verdict.decision == OutputDecision.OUTPUT_DECISION_EDIT:
            response.answer = verdict.edited_text
            response.final_value = ""
            del response.steps[:]
            del response.tool_calls[:]
            response.steps.add(index=0, kind=StepKind.STEP_KIND_ANSWER, text=response.answer)

    async def _check_text(self, text: str, query: str) -> Any:
        """Output safety for text answering query; unreachable safety fails closed."""
        try:
            return await self.safety.check_output(text, query)
        except grpc.aio.AioRpcError as error:
            raise downstream_failure(
                "the output safety check (no answer is returned unchecked)", error
            ) from None

    async def _quick(
        self,
        query: str,
        direct: DirectRequest,
        response: router_pb2.AskResponse,
        timer: Timer,
        emit: Emit | None,
    ) -> None:
        call = tool_pb2.ToolCall(
            id="call-0", name=direct.tool, arguments=to_struct(direct.arguments)
        )
        try:
            reply = await self.tools.call_tool(direct.tool, direct.arguments)
        except grpc.aio.AioRpcError as error:
            if error.code() == grpc.StatusCode.INVALID_ARGUMENT:
                response.path = Path.PATH_STANDARD
                response.path_reason = f"the tool rejected the direct request ({error.details()})"
                await self._standard(query, response, timer, emit)
                return
            raise downstream_failure("the tools service", error) from None
        result = tool_pb2.ToolResult(
            call_id=call.id, name=direct.tool, ok=reply.ok, duration_ms=reply.duration_ms
        )
        if reply.ok:
            result.result.CopyFrom(reply.result)
        else:
            result.error.CopyFrom(reply.error)
        response.tool_calls.add(call=call, result=result)
        response.steps.add(
            index=0,
            kind=StepKind.STEP_KIND_TOOL_CALL,
            text=describe_call(direct.tool, direct.arguments),
            tool_call=call,
        )
        response.steps.add(
            index=1,
            kind=StepKind.STEP_KIND_TOOL_RESULT,
            text=json.dumps(from_struct(reply.result)) if reply.ok else reply.error.message,
            tool_result=result,
        )
        if reply.ok:
            answer, value = render_tool_answer(
                direct.tool, direct.arguments, from_struct(reply.result)
            )
            response.answer, response.final_value = answer, value
            response.verification.verdict = Verdict.VERDICT_PASS
            response.verification.confidence = 1.0
            response.verification.first_error_step = -1
            response.verification.reasons.append(f"computed exactly by the {direct.tool} tool")
        else:
            response.answer = f"The {direct.tool} tool could not answer: {reply.error.message}"
            response.verification.verdict = Verdict.VERDICT_UNVERIFIED
            response.verification.first_error_step = -1
            response.verification.reasons.append("the tool reported an error")
        response.steps.add(index=2, kind=StepKind.STEP_KIND_ANSWER, text=response.answer)
        response.verification.step_scores.extend([1.0] * len(response.steps))

    async def _standard(
        self, query: str, response: router_pb2.AskResponse, timer: Timer, emit: Emit | None
    ) -> None:
        with timer.stage("reason"):
            try:
                if emit is None:
                    chain = await self.reasoner.reason(query)
                else:
                    chain = await self._reason_streaming(query, emit)
            except grpc.aio.AioRpcError as error:
                raise downstream_failure("the reasoner", error) from None
            except StreamCutOff as cut:
                withhold(response, cut.verdict)
                return
        response.steps.extend(chain.steps)
        response.tool_calls.extend(chain.tool_calls)
        response.answer = chain.answer or unanswered(chain.stop_reason)
        response.final_value = chain.final_value
        with timer.stage("verify"):
            response.verification.CopyFrom(await self._verify(query, chain.steps, chain.answer))

    async def _reason_streaming(self, query: str, emit: Emit) -> Any:
        """Run the reasoner's stream, passing each step on once output safety let it through.

        Each step is checked in a window with the step before it, so a passage split across
        two steps is judged whole. A window safety would block cuts the stream off: the
        reasoner's call is cancelled, nothing more is passed on, and StreamCutOff is raised.
        """
        guard = StreamGuard(lambda text: self._check_text(text, query))
        stream = self.reasoner.reason_stream(query)
        try:
            async for event in stream:
                if event.HasField("chain"):
                    return event.chain
                if event.HasField("step") and event.step.kind != StepKind.STEP_KIND_ANSWER:
                    await emit(router_pb2.AskStreamResponse(step=await guard.admit(event.step)))
        finally:
            stream.cancel()
        raise UnavailableError("the reasoner's stream ended without a chain")

    async def _deep(
        self,
        query: str,
        response: router_pb2.AskResponse,
        timer: Timer,
        earlier: Sequence[VerifiedChain] = (),
    ) -> None:
        """Sample chains, verify each and answer by verifier-weighted vote.

        The first deep_agreement chains are sampled first; when their answers agree and the
        verifier fails none of them, the rest are never sampled. Earlier chains (a standard
        answer that failed verification) take part in the vote.
        """
        first_round = min(self.settings.deep_agreement, self.settings.deep_samples)
        sampled = await self._sample_verified(query, first_round, timer)
        agreed = chains_agree(
            [
                (chain.final_value or chain.answer, verification.verdict)
                for chain, verification in sampled
            ]
        )
        if not agreed and self.settings.deep_samples > first_round:
            sampled += await self._sample_verified(
                query, self.settings.deep_samples - first_round, timer
            )
        candidates = [*earlier, *sampled]
        best, tallies = weighted_vote(
            [
                (chain.final_value or chain.answer, vote_weight(v.verdict, v.confidence))
                for chain, v in candidates
            ]
        )
        chain, verification = candidates[best]
        response.steps.extend(chain.steps)
        response.tool_calls.extend(chain.tool_calls)
        response.answer = chain.answer or unanswered(chain.stop_reason)
        response.final_value = chain.final_value
        response.verification.CopyFrom(verification)
        summary = ", ".join(f"{value}: {weight:.2f}" for value, weight in tallies.items())
        stopped = f", the first {first_round} agreed" if agreed else ""
        response.path_reason += (
            f"; {len(sampled)} chains sampled{stopped}, verifier-weighted vote {{{summary}}}"
        )

    async def _sample_verified(self, query: str, n: int, timer: Timer) -> list[VerifiedChain]:
        with timer.stage("reason"):
            try:
                sampled = await self.reasoner.sample(query, n=n)
            except grpc.aio.AioRpcError as error:
                raise downstream_failure("the reasoner", error) from None
        chains = list(sampled.chains)
        if not chains:
            raise UnavailableError("reasoner returned no chains")
        with timer.stage("verify"):
            verifications = await asyncio.gather(
                *(self._verify(query, chain.steps, chain.answer) for chain in chains)
            )
        return list(zip(chains, verifications, strict=True))

    async def _fall_back_to_deep(
        self, query: str, response: router_pb2.AskResponse, timer: Timer
    ) -> None:
        """Replace a standard answer the verifier failed by the deep path's, when there is time.

        The deep path must finish before the request's deadline; when it cannot start or
        finish in time, or fails, the standard answer stands, marked failed, and the reason
        says why.
        """
        left = remaining_seconds()
        if left is None or left < self.settings.deep_fallback_min_seconds:
            response.path_reason += (
                "; the verifier failed the answer, and too little time was left to go deep"
            )
            return
        standard = reasoner_pb2.ReasoningChain(
            steps=response.steps,
            tool_calls=response.tool_calls,
            answer=response.answer,
            final_value=response.final_value,
        )
        failed = verification_pb2.Verification()
        failed.CopyFrom(response.verification)
        deep = router_pb2.AskResponse(
            path=Path.PATH_DEEP,
            path_reason="the verifier failed the standard answer, so the deep path ran",
        )
        try:
            async with asyncio.timeout(left - FALLBACK_MARGIN_SECONDS):
                await self._deep(query, deep, timer, earlier=[(standard, failed)])
        except (TimeoutError, ServiceError) as error:
            log.warning("deep fallback did not finish: %s", str(error) or "out of time")
            response.path_reason += (
                "; the verifier failed the answer, and the deep path did not finish in time"
            )
            return
        for field in ("steps", "tool_calls"):
            response.ClearField(field)
        response.steps.extend(deep.steps)
        response.tool_calls.extend(deep.tool_calls)
        response.verification.CopyFrom(deep.verification)
        response.answer, response.final_value = deep.answer, deep.final_value
        response.path, response.path_reason = deep.path, deep.path_reason

    async def _verify(self, query: str, steps: Any, answer: str) -> verification_pb2.Verification:
        if not steps and not answer:
            return verification_pb2.Verification(
                verdict=Verdict.VERDICT_UNVERIFIED,
                first_error_step=-1,
                reasons=["nothing to verify: the chain has no steps and no answer"],
            )
        try:
            report = await self.verifier.verify(query, steps, answer)
        except grpc.aio.AioRpcError as error:
            log.warning("verifier call failed: %s %s", error.code().name, error.details())
            return verification_pb2.Verification(
                verdict=Verdict.VERDICT_UNVERIFIED,
                first_error_step=-1,
                reasons=[f"verifier unavailable ({error.code().name}); the answer is unchecked"],
            )
        return verification_pb2.Verification(
            verdict=report.verdict,
            confidence=report.confidence,
            first_error_step=report.first_error_step,
            step_scores=report.step_scores,
            reasons=report.reasons,
        )
