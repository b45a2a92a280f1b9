"""Reading the model's output: Hermes-style tool calls and the answer's final value.

The model is untrusted text: a turn may hold several `<tool_call>` blocks, JSON with code
fences or trailing words, a call cut off by the token budget, or nothing parseable. Each block
becomes either a well-formed call or a problem the loop hands back to the model as the tool's
result, so a broken call never stops the chain.
"""

import json
import re
from dataclasses import dataclass
from typing import Any

TOOL_CALL_OPEN = "<tool_call>"
TOOL_CALL_CLOSE = "</tool_call>"

# A block runs to its closing tag, or to the next opening tag or the end when the model forgot it.
TOOL_CALL_BLOCK = re.compile(
    r"<tool_call>(?P<body>.*?)(?:</tool_call>|(?=<tool_call>)|\Z)", re.DOTALL
)
CODE_FENCE = re.compile(r"^```[a-zA-Z]*\s*|\s*```$")
# Integers with thousands separators, decimals, exponents and simple fractions, in that order.
NUMBER = re.compile(
    r"(?<![\w.])[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?(?:/\d+(?:\.\d+)?)?"
)

CALL_FORMAT_HINT = 'write <tool_call>{"name": "<tool name>", "arguments": {...}}</tool_call>'


@dataclass(frozen=True)
class ParsedCall:
    """One `<tool_call>` block: a name and arguments, or the problem that kept it from parsing."""

    raw: str
    name: str = ""
    arguments: dict[str, Any] | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class ParsedTurn:
    """A model turn split into its free text and its tool calls."""

    text: str
    calls: list[ParsedCall]


def parse_turn(output: str) -> ParsedTurn:
    """Split a model turn into the text outside tool-call blocks and the calls inside them."""
    calls: list[ParsedCall] = []
    for match in TOOL_CALL_BLOCK.finditer(output):
        calls.extend(parse_call_body(match.group("body")))
    text = TOOL_CALL_BLOCK.sub("\n", output).replace(TOOL_CALL_CLOSE, "")
    return ParsedTurn(text=re.sub(r"\n{3,}", "\n\n", text).strip(), calls=calls)


def parse_call_body(body: str) -> list[ParsedCall]:
    """The calls of one block; a JSON list inside one block is read as several calls."""
    raw = CODE_FENCE.sub("", body.strip()).strip()
    if not raw:
        return [ParsedCall(raw=raw, problem=f"empty tool call; {CALL_FORMAT_HINT}")]
    try:
        value = decode_json_prefix(raw)
    except ValueError as error:
        return [
            ParsedCall(
                raw=raw, problem=f"tool call is not valid JSON ({error}); {CALL_FORMAT_HINT}"
            )
        ]
    items = value if isinstance(value, list) and value else [value]
    return [call_from_value(raw, item) for item in items]


def decode_json_prefix(raw: str) -> Any:
    """The first JSON value in raw, ignoring words the model wrote after it."""
    start = min((i for i in (raw.find("{"), raw.find("[")) if i >= 0), default=-1)
    if start < 0:
        raise ValueError("no JSON object found")
    try:
        value, _ = json.JSONDecoder().raw_decode(raw, start)
    except json.JSONDecodeError as error:
        raise ValueError(error.msg) from None
    return value


def call_from_value(raw: str, value: Any) -> ParsedCall:
    """Check one decoded call: a string name and an object of arguments."""
    if not isinstance(value, dict):
        return ParsedCall(raw=raw, problem=f"a tool call must be a JSON object; {CALL_FORMAT_HINT}")
    name = value.get("name")
    if not isinstance(name, str) or not name.strip():
        return ParsedCall(raw=raw, problem=f"the tool call has no 'name'; {CALL_FORMAT_HINT}")
    arguments = value.get("arguments", value.get("parameters", {}))
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments) if arguments.strip() else {}
        except json.JSONDecodeError:
            arguments = None
    if not isinstance(arguments, dict):
        return ParsedCall(
            raw=raw,
            name=name.strip(),
            problem=f"'arguments' of {name.strip()!r} must be a JSON object; {CALL_FORMAT_HINT}",
        )
    return ParsedCall(raw=raw, name=name.strip(), arguments=arguments)


def final_value(answer: str) -> str:
    """The last number in the answer, normalised (no thousands separators), or ''."""
    numbers = NUMBER.findall(answer)
    if not numbers:
        return ""
    return numbers[-1].replace(",", "").replace("\u2212", "-").lstrip("+")
