"""The verifier: runs every check over a chain and combines the findings into a report."""

import asyncio
from collections.abc import Sequence

from svend.verifier.chain import Chain, Step, StepKind
from svend.verifier.findings import Finding, Report, combine
from svend.verifier.prose import answer_finding, provenance_findings, step_findings
from svend.verifier.tool_check import ToolRunner, tool_findings

PROSE_KINDS = frozenset({StepKind.THOUGHT, StepKind.ANSWER})


def prose_findings(question: str, steps: Sequence[Step]) -> list[Finding]:
    """Findings of the equations in every prose step and of where their numbers come from
    (tool steps are checked by re-running)."""
    findings: list[Finding] = []
    for index, step in enumerate(steps):
        if step.kind in PROSE_KINDS:
            findings.extend(step_findings(index, step.text))
    texts = [step.text if step.kind in PROSE_KINDS else "" for step in steps]
    return findings + provenance_findings(question, texts)


def conclude(chain: Chain, findings: Sequence[Finding]) -> Report:
    """Add the final answer's check to the steps' findings and combine them into a report."""
    texts = [step.text for step in chain.steps]
    answer = answer_finding(chain.answer, texts, findings)
    return combine([*findings, *([answer] if answer else [])], len(chain.steps))


class Verifier:
    """Checks chains exactly: prose arithmetic, tool re-runs, and the final answer."""

    def __init__(self, tools: ToolRunner, tools_concurrency: int) -> None:
        self.tools = tools
        self.tools_concurrency = tools_concurrency

    async def verify(self, chain: Chain) -> Report:
        """The report on one chain; exact arithmetic runs in a thread beside the tool re-runs."""
        prose, tools = await asyncio.gather(
            asyncio.to_thread(prose_findings, chain.question, chain.steps),
            tool_findings(chain.steps, self.tools, self.tools_concurrency),
        )
        return conclude(chain, [*prose, *tools])
