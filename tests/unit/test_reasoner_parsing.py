"""Reading model output: Hermes tool calls, final values, and the transcript format."""

import pytest

from svend.reasoner.parsing import final_value, parse_turn
from svend.reasoner.prompting import (
    SUMMARY_CHARS,
    function_spec,
    summary,
    system_prompt,
    with_tool_responses,
)


def test_text_and_several_calls_are_separated() -> None:
    turn = parse_turn(
        "First the product.\n"
        '<tool_call>\n{"name": "symbolic_math", "arguments": {"operation": "evaluate", '
        '"expression": "12*7"}}\n</tool_call>\n'
        '<tool_call>{"name": "unit_convert", "arguments": {"value": 3, "from_unit": "km", '
        '"to_unit": "m"}}</tool_call>\nThen I answer.'
    )
    assert turn.text == "First the product.\n\nThen I answer."
    assert [call.name for call in turn.calls] == ["symbolic_math", "unit_convert"]
    assert turn.calls[0].arguments == {"operation": "evaluate", "expression": "12*7"}
    assert turn.calls[1].arguments == {"value": 3, "from_unit": "km", "to_unit": "m"}
    assert all(call.ok for call in turn.calls)


def test_broken_json_becomes_a_problem_not_an_exception() -> None:
    turn = parse_turn('<tool_call>{"name": "symbolic_math", "arguments": {</tool_call>')
    (call,) = turn.calls
    assert not call.ok
    assert "not valid JSON" in call.problem
    assert "<tool_call>" in call.problem


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("", "empty tool call"),
        ("just words", "no JSON object"),
        ('["symbolic_math"]', "must be a JSON object"),
        ('{"arguments": {}}', "has no 'name'"),
        ('{"name": "symbolic_math", "arguments": [1, 2]}', "must be a JSON object"),
    ],
)
def test_malformed_calls_name_their_problem(body: str, problem: str) -> None:
    (call,) = parse_turn(f"<tool_call>{body}</tool_call>").calls
    assert problem in call.problem


def test_lenient_forms_are_accepted() -> None:
    turn = parse_turn(
        '<tool_call>```json\n{"name": "unit_convert", "arguments": "{\\"value\\": 2}"}\n```'
        "</tool_call>"
        '<tool_call>{"name": "symbolic_math", "parameters": {"expression": "x"}} done'
    )
    assert [(call.name, call.arguments) for call in turn.calls] == [
        ("unit_convert", {"value": 2}),
        ("symbolic_math", {"expression": "x"}),
    ]


def test_a_json_list_in_one_block_is_several_calls() -> None:
    turn = parse_turn(
        '<tool_call>[{"name": "a", "arguments": {}}, {"name": "b", "arguments": {}}]</tool_call>'
    )
    assert [call.name for call in turn.calls] == ["a", "b"]


def test_unclosed_call_runs_to_the_next_opening_tag() -> None:
    turn = parse_turn('<tool_call>{"name": "a", "arguments": {}}\n<tool_call>{"name": "b"}')
    assert [call.name for call in turn.calls] == ["a", "b"]
    assert turn.calls[1].arguments == {}


def test_text_without_calls_is_kept_whole() -> None:
    turn = parse_turn("12 * 7 = 84\n\nAnswer: 84")
    assert turn.calls == []
    assert turn.text == "12 * 7 = 84\n\nAnswer: 84"


@pytest.mark.parametrize(
    ("answer", "value"),
    [
        ("12 * 7 = 84.", "84"),
        ("The total is 1,234.5 dollars", "1234.5"),
        ("It drops to \u22123 degrees", "-3"),
        ("x = 3/4", "3/4"),
        ("about 6.02e23 atoms", "6.02e23"),
        ("Answer: x = 2 or x = -2", "-2"),
        ("no number here", ""),
    ],
)
def test_final_value_is_the_last_number(answer: str, value: str) -> None:
    assert final_value(answer) == value


def test_system_prompt_lists_tools_in_hermes_format() -> None:
    spec = {"type": "function", "function": {"name": "unit_convert", "parameters": {}}}
    prompt = system_prompt([spec])
    tools_block = prompt.split("<tools>\n")[1].split("\n</tools>")[0]
    assert '"name": "unit_convert"' in tools_block
    assert "<tool_call>" in prompt
    assert "No tools" in system_prompt(None)
    assert "<tools>" not in system_prompt(None)


def test_compact_listing_gives_one_line_a_tool_with_its_arguments() -> None:
    description = (
        'Convert a quantity between physical units with Pint, e.g. value=5, from_unit="km". '
        "Temperatures are absolute."
    )
    parameters = {
        "type": "object",
        "properties": {
            "value": {"type": "number", "description": "The magnitude."},
            "mode": {"type": "string", "enum": ["exact", "rounded"]},
            "to_unit": {"type": "string"},
        },
        "required": ["value", "to_unit"],
    }
    prompt = system_prompt([function_spec("unit_convert", description, parameters)], "compact")
    assert (
        "- unit_convert(value*, mode=exact|rounded, to_unit*): Convert a quantity between "
        'physical units with Pint, e.g. value=5, from_unit="km"'
    ) in prompt.splitlines()
    assert "Temperatures" not in prompt and "<tools>" not in prompt
    assert "<tool_call>" in prompt


def test_a_long_summary_is_cut_at_a_clause_boundary() -> None:
    cut = summary("Molar mass of a formula, " + "with a clause, " * 20 + "and more.")
    assert len(cut) <= SUMMARY_CHARS + 2
    assert cut.endswith(", with a clause …")


def test_tool_messages_render_as_merged_tool_responses() -> None:
    rendered = with_tool_responses(
        [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": "<tool_call>...</tool_call>"},
            {"role": "tool", "content": "one"},
            {"role": "tool", "content": "two"},
            {"role": "assistant", "content": "done"},
        ]
    )
    assert [m["role"] for m in rendered] == ["user", "assistant", "user", "assistant"]
    assert rendered[2]["content"] == (
        "<tool_response>\none\n</tool_response>\n<tool_response>\ntwo\n</tool_response>"
    )
