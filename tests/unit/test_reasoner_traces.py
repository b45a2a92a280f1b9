"""The reasoner's tool-use traces: the reasoner reads them as it reads its own conversations.

A small build is checked against the reasoner's parser and prompt, against fresh runs of the
tools, and for the held-out split's separation from training.
"""

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from training.reasoner.data import (
    DEFAULT_LISTING,
    DEFAULT_OFFER,
    FAMILY_WEIGHTS,
    SPLITS,
    TASKS,
    Builder,
    build,
    split_sizes,
)
from training.reasoner.phrasing import Pool, Span
from training.reasoner.replay import (
    MAX_TOOL_RESULT_CHARS,
    OfferedTools,
    ToolBench,
    as_served,
    tool_error_code,
)

from svend.reasoner.chain import ToolCall, ToolResult
from svend.reasoner.engine import Reasoner
from svend.reasoner.parsing import parse_turn
from svend.reasoner.prompting import system_prompt, tool_message, with_tool_responses
from svend.reasoner.toolbox import failed
from svend.tools.registry import ToolFailure

COUNT = 200
SEED = 0


@pytest.fixture(scope="module")
def bench() -> Iterator[ToolBench]:
    opened = ToolBench.open(DEFAULT_LISTING)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def traces(bench: ToolBench) -> list[dict[str, Any]]:
    builder = Builder(bench, SEED)
    return [
        trace for split, size in split_sizes(COUNT).items() for trace in builder.traces(split, size)
    ]


def tool_traces(traces: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [trace for trace in traces if trace["tool"] is not None]


def test_every_family_and_split_is_present(bench: ToolBench, traces: list[dict[str, Any]]) -> None:
    families = set(FAMILY_WEIGHTS) - ({"code"} if bench.sandbox is None else set())
    train = Counter(trace["family"] for trace in traces if trace["split"] == "train")
    assert set(train) == families
    assert all(train[family] >= 3 for family in families), train
    assert Counter(trace["split"] for trace in traces) == split_sizes(COUNT)
    tools = {trace["tool"] for trace in traces} - {None}
    assert {"symbolic_math", "unit_convert", "molecular_weight", "reaction_balance"} <= tools
    assert {"stoichiometry", "ph", "kinematics", "thermodynamics", "circuits"} <= tools
    assert "logic_solver" in tools


def test_tool_calls_parse_to_the_expected_call(traces: list[dict[str, Any]]) -> None:
    for trace in tool_traces(traces):
        calls = [message for message in trace["messages"][2:-1] if message["role"] == "assistant"]
        expected = [trace["expected_arguments"]]
        if trace["mistaken_arguments"] is not None:
            expected.insert(0, trace["mistaken_arguments"])
        assert len(calls) == len(expected), trace["id"]
        for message, arguments in zip(calls, expected, strict=True):
            turn = parse_turn(message["content"])
            assert turn.text, "each call comes with a thought"
            (call,) = turn.calls
            assert call.ok, call.problem
            assert (call.name, call.arguments) == (trace["tool"], arguments)


def test_the_final_turn_answers_without_a_call(traces: list[dict[str, Any]]) -> None:
    for trace in traces:
        final = trace["messages"][-1]
        assert final["role"] == "assistant"
        assert not parse_turn(final["content"]).calls
        assert final["content"].endswith(f"\nAnswer: {trace['final_value']}")
        assert trace["final_value"].strip()


def test_no_tool_traces_go_straight_to_the_answer(traces: list[dict[str, Any]]) -> None:
    direct = [trace for trace in traces if trace["tool"] is None]
    assert direct
    for trace in direct:
        assert [m["role"] for m in trace["messages"]] == ["system", "user", "assistant"]
        # The system prompt's tool section shows the call format; no other turn has a call.
        assert all("<tool_call>" not in m["content"] for m in trace["messages"][1:])
        assert trace["expected_arguments"] is None


def test_the_system_prompt_lists_the_offered_tools_only(
    bench: ToolBench, traces: list[dict[str, Any]]
) -> None:
    for trace in traces:
        offered = trace["tools_offered"]
        # In the tools service's order, as the reasoner lists them.
        assert offered == [name for name in bench.tool_names() if name in offered]
        assert set(offered) == set(DEFAULT_OFFER) & set(bench.tool_names()) or len(offered) <= 3
        assert trace["tool"] is None or trace["tool"] in offered
        specs = [bench.spec(name) for name in offered]
        prompt = system_prompt(specs, DEFAULT_LISTING)
        assert trace["messages"][0] == {"role": "system", "content": prompt}
        assert trace["tool_listing"] == DEFAULT_LISTING == "compact"
        listed = re.findall(r"^- (\w+)\(", prompt, re.MULTILINE)
        assert listed == offered


def test_tool_results_are_what_the_tools_give_now(
    bench: ToolBench, traces: list[dict[str, Any]]
) -> None:
    reasoner = Reasoner(OfferedTools(bench, []), max_tool_result_chars=MAX_TOOL_RESULT_CHARS)
    failures = 0
    for trace in tool_traces(traces):
        messages = trace["messages"]
        for call_message, response in zip(messages[2:-1:2], messages[3:-1:2], strict=True):
            (call,) = parse_turn(call_message["content"]).calls
            assert call.arguments is not None
            try:
                fresh = bench.run_now(call.name, call.arguments)
            except ToolFailure as failure:
                failures += 1
                result = failed(ToolCall("", call.name, {}), tool_error_code(failure), str(failure))
            else:
                result = ToolResult(call_id="", name=call.name, ok=True, result=as_served(fresh))
                # Independent of the rendering: the numbers are the tool's (ints become floats).
                body = response["content"].removeprefix("<tool_response>\n")
                shown = json.loads(body.removesuffix("\n</tool_response>"))
                assert shown == {"name": call.name, "content": json.loads(json.dumps(fresh))}
            rendered = with_tool_responses([tool_message(reasoner.shown_result(result))])
            assert response == rendered[0]
    corrections = [trace for trace in traces if trace["mistaken_arguments"] is not None]
    assert failures == len(corrections) > 0


def test_held_out_templates_never_appear_in_training(traces: list[dict[str, Any]]) -> None:
    seen = {
        split: {trace["template"] for trace in traces if trace["split"] == split}
        for split in SPLITS
    }
    assert not seen["held_out"] & (seen["train"] | seen["validation"])
    assert all(".h" in template for template in seen["held_out"])
    for task in TASKS:
        assert task.held_out and not set(task.train) & set(task.held_out), task.id


def test_held_out_values_lie_outside_the_training_ranges(traces: list[dict[str, Any]]) -> None:
    drawn: dict[tuple[str, str, bool], list[Any]] = defaultdict(list)
    for trace in traces:
        for slot, value in trace["values"].items():
            drawn[trace["task"], slot, trace["split"] == "held_out"].append(value)
    compared = 0
    for (task, slot, held_out), held in drawn.items():
        trained = drawn.get((task, slot, False), [])
        if not held_out or not trained:
            continue
        compared += 1
        if isinstance(held[0], str):
            assert not set(held) & set(trained), (task, slot)
        else:
            assert max(held) < min(trained) or min(held) > max(trained), (task, slot)
    assert compared >= 15


def test_ranges_and_pools_refuse_to_overlap() -> None:
    with pytest.raises(ValueError):
        Span(train=(1, 10), held_out=(10, 20))
    with pytest.raises(ValueError):
        Pool(train=("H2O", "CO2"), held_out=("CO2",))
    Span(train=(11, 20), held_out=(1, 10))


def test_the_build_is_the_same_bytes_for_a_seed(bench: ToolBench, tmp_path: Path) -> None:
    def files(seed: int, folder: str) -> list[bytes]:
        out = tmp_path / folder / "traces.jsonl"
        build(out, 20, seed, bench, progress=False)
        return [(out.parent / f"traces.{split}.jsonl").read_bytes() for split in SPLITS]

    first = files(SEED, "a")
    assert first == files(SEED, "b")
    assert first != files(SEED + 1, "c")
    assert [len(f.splitlines()) for f in first] == list(split_sizes(20).values())
