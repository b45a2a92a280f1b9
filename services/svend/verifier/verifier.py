"""The verifier: runs every check over a chain and combines the findings into a report."""

import asyncio
import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from svend.common.batching import MicroBatcher
from svend.verifier.chain import Chain, ChainText, Step, StepKind
from svend.verifier.findings import Finding, Learned, Report, ScorerPolicy, combine
from svend.verifier.prose import answer_finding, provenance_findings, step_findings
from svend.verifier.structure import Structure, structure
from svend.verifier.tool_check import ToolRunner, tool_findings

if TYPE_CHECKING:
    from svend.verifier.scorer import StepScorer, Window

PROSE_KINDS = frozenset({StepKind.THOUGHT, StepKind.ANSWER})
DIGIT = re.compile(r"\d")
# Chains up to this many steps are cut into the scorer's windows on the event loop (0.5 ms for
# six steps), so that their forward pass starts before the exact checks; longer ones are cut in
# a worker thread (1,000 steps take about 30 ms) and the loop keeps serving meanwhile.
INLINE_CUT_STEPS = 32


def prose_findings(question: str, steps: Sequence[Step]) -> list[Finding]:
    """Findings of the equations in every prose step and of where their numbers come from
    (tool steps are checked by re-running)."""
    findings: list[Finding] = []
    for index, step in enumerate(steps):
        if step.kind in PROSE_KINDS:
            findings.extend(step_findings(index, step.text))
    texts = [step.text if step.kind in PROSE_KINDS else "" for step in steps]
    given = [tool_result_text(step) for step in steps]
    return findings + provenance_findings(question, texts, given)


def tool_result_text(step: Step) -> str:
    """A tool result as text whose numbers later steps may use (the re-run checks it)."""
    if step.tool_result is None:
        return ""
    return json.dumps(step.tool_result.outcome.result)


def conclude(
    chain: Chain,
    findings: Sequence[Finding],
    wrong: Sequence[float] | None = None,
    policy: ScorerPolicy | None = None,
    shape: Structure | None = None,
) -> Report:
    """Add the final answer's check to the steps' findings and combine them, with the step
    scorer's P(wrong) when there is one, into a report. `shape` is the chain's structure when
    the caller computed it already."""
    texts = [step.text for step in chain.steps]
    answer = answer_finding(chain.answer, texts, findings)
    learned = None
    if wrong is not None:
        learned = Learned(wrong, shape if shape is not None else chain_structure(chain, findings))
    checked = [*findings, *([answer] if answer else [])]
    return combine(checked, len(chain.steps), learned, policy)


def chain_structure(chain: Chain, findings: Sequence[Finding]) -> Structure:
    """How the chain hangs together, read from the text the step scorer reads."""
    _, read, _ = scorer_text(chain)
    return structure(chain.question, read, chain.answer, findings)


def scorer_text(chain: Chain) -> ChainText:
    """The chain as the step scorer reads it; a tool step without prose reads as its call."""
    texts = []
    for step in chain.steps:
        if step.text or step.kind in PROSE_KINDS:
            texts.append(step.text)
        elif step.tool_call is not None:
            texts.append(f"{step.tool_call.name}({json.dumps(step.tool_call.arguments)})")
        elif step.tool_result is not None:
            texts.append(tool_result_text(step))
        else:
            texts.append("")
    return chain.question, texts, chain.answer


class Verifier:
    """Checks chains exactly (prose arithmetic, where numbers come from, tool re-runs, the final
    answer) and, when it has one, with the learned step scorer."""

    def __init__(
        self,
        tools: ToolRunner,
        tools_concurrency: int,
        scorer: "StepScorer | None" = None,
        policy: ScorerPolicy | None = None,
        max_batch: int = 16,
    ) -> None:
        self.tools = tools
        self.tools_concurrency = tools_concurrency
        self.policy = policy
        self.batcher: MicroBatcher[list[Window], list[float]] | None = (
            MicroBatcher(scorer.window_wrong_probabilities, max_batch=max_batch) if scorer else None
        )
        self.scorer = scorer

    async def start_scoring(self, chain: Chain) -> "asyncio.Future[list[float]] | None":
        """The scorer's P(wrong) per step then for the answer, as a future whose forward pass
        has started; None without a scorer or without a thought that computes with numbers (what
        the scorer learned to judge)."""
        if self.scorer is None or self.batcher is None:
            return None
        thoughts = [s.text for s in chain.steps if s.kind is StepKind.THOUGHT]
        if not any(DIGIT.search(text) for text in thoughts):
            return None
        text = scorer_text(chain)
        if len(chain.steps) <= INLINE_CUT_STEPS:
            cut = self.scorer.chain_windows(text)
        else:
            cut = await asyncio.to_thread(self.scorer.chain_windows, text)
        return self.batcher.submit(cut)

    async def verify(self, chain: Chain) -> Report:
        """The report on one chain. The scorer's forward pass starts first, so that the exact
        arithmetic and the chain's structure (in threads) and the tool re-runs overlap it
        instead of holding the GIL before it starts. Tool steps are context for the scorer and
        are judged by their exact re-runs alone (P(wrong) 0)."""
        scoring = await self.start_scoring(chain)
        shape: Structure | None = None
        wrong: list[float] | None = None
        try:
            prose, tools = await asyncio.gather(
                asyncio.to_thread(prose_findings, chain.question, chain.steps),
                tool_findings(chain.steps, self.tools, self.tools_concurrency),
            )
            if scoring is not None:
                shape = await asyncio.to_thread(chain_structure, chain, [*prose, *tools])
                wrong = list(await scoring)
        finally:
            if scoring is not None:
                scoring.cancel()
        if wrong is not None:
            for index, step in enumerate(chain.steps):
                if step.kind not in PROSE_KINDS:
                    wrong[index] = 0.0
        return conclude(chain, [*prose, *tools], wrong, self.policy, shape)
