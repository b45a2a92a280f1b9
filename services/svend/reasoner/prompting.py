"""The conversation the model reads, in the Qwen/Hermes tool format.

The system prompt lists the tools inside <tools></tools> as OpenAI function specs and asks for
calls as <tool_call>{...}</tool_call>; results come back as `tool` messages. Chat templates
without a tool role (SmolLM2's) get them the way Qwen's template renders them: a user turn of
<tool_response> blocks. The same transcript therefore suits the CPU model, a LoRA trained on
it, and Qwen behind vLLM's hermes parser.

Two listings of the tools: "hermes" gives each tool's full JSON schema, as Qwen was trained to
read it; "compact" gives one line per tool (its name, its arguments, and the start of its
description). Full schemas are about 1,100 tokens a tool, so the compact listing is what makes
a small model's prompt, and a CPU fine-tuning run over thousands of them, affordable.
"""

import json
import re
from collections.abc import Sequence
from typing import Any, Literal

ToolListing = Literal["hermes", "compact"]

Message = dict[str, str]

INSTRUCTIONS = (
    "You are Svend, a careful assistant for math, science and logic questions. "
    "Think step by step in short sentences. Do not compute by hand what a tool can compute "
    "exactly: call the tool and use its result."
)
TOOLS_SECTION = """# Tools

You may call one or more functions to assist with the user query.

You are provided with function signatures within <tools></tools> XML tags:
<tools>
{specs}
</tools>

For each function call, return a json object with function name and arguments within \
<tool_call></tool_call> XML tags:
<tool_call>
{{"name": <function-name>, "arguments": <args-json-object>}}
</tool_call>"""
COMPACT_TOOLS_SECTION = """# Tools

Call a tool by writing <tool_call>{{"name": <tool>, "arguments": {{...}}}}</tool_call>. \
The tools, with their arguments (* marks a required one, a|b the allowed values):
{lines}"""
# Longest tool summary in the compact listing; cut at a clause boundary before it.
SUMMARY_CHARS = 160
SENTENCE_END = re.compile(r"(?<!e\.g)(?<!i\.e)\.(?:\s|$)|\n")
NO_TOOLS_NOTE = "No tools are available right now; answer from your own reasoning."
ANSWER_RULE = (
    "When you know the answer, reply without a tool call and end with a line "
    "'Answer: <final value>'."
)


def system_prompt(tools: Sequence[dict[str, Any]] | None, listing: ToolListing = "hermes") -> str:
    """Instructions plus the tool list (OpenAI function specs), or a note when there are none."""
    if not tools:
        tool_part = NO_TOOLS_NOTE
    elif listing == "compact":
        tool_part = COMPACT_TOOLS_SECTION.format(lines="\n".join(map(compact_line, tools)))
    else:
        specs = "\n".join(json.dumps(spec, ensure_ascii=False) for spec in tools)
        tool_part = TOOLS_SECTION.format(specs=specs)
    return f"{INSTRUCTIONS}\n\n{tool_part}\n\n{ANSWER_RULE}"


def compact_line(spec: dict[str, Any]) -> str:
    """`- name(arg*, choice=a|b, other): summary` for one OpenAI function spec."""
    function = spec["function"]
    parameters = function.get("parameters") or {}
    required = set(parameters.get("required") or ())
    arguments = []
    for name, schema in (parameters.get("properties") or {}).items():
        marked = f"{name}*" if name in required else name
        choices = schema.get("enum") if isinstance(schema, dict) else None
        arguments.append(f"{marked}={'|'.join(map(str, choices))}" if choices else marked)
    return f"- {function['name']}({', '.join(arguments)}): {summary(function['description'])}"


def summary(description: str) -> str:
    """The description's first sentence, cut at a clause boundary if it runs long."""
    first = SENTENCE_END.split(description.strip(), maxsplit=1)[0].strip()
    if len(first) <= SUMMARY_CHARS:
        return first
    head = first[:SUMMARY_CHARS]
    cut = max(head.rfind(", "), head.rfind("; "), head.rfind(" ("))
    return (head[:cut] if cut > 0 else head.rsplit(" ", 1)[0]) + " …"


def function_spec(name: str, description: str, parameters: dict[str, Any]) -> dict[str, Any]:
    """One tool in OpenAI function format, as ListTools describes it."""
    return {
        "type": "function",
        "function": {"name": name, "description": description, "parameters": parameters},
    }


def tool_message(content: str) -> Message:
    return {"role": "tool", "content": content}


def with_tool_responses(messages: Sequence[Message]) -> list[Message]:
    """Render tool messages as a user turn of <tool_response> blocks, consecutive ones merged."""
    rendered: list[Message] = []
    after_tool = False
    for message in messages:
        if message["role"] != "tool":
            rendered.append(dict(message))
            after_tool = False
            continue
        block = f"<tool_response>\n{message['content']}\n</tool_response>"
        if after_tool:
            rendered[-1]["content"] += f"\n{block}"
        else:
            rendered.append({"role": "user", "content": block})
        after_tool = True
    return rendered
