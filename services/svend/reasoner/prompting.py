"""The conversation the model reads, in the Qwen/Hermes tool format.

The system prompt lists the tools inside <tools></tools> as OpenAI function specs and asks for
calls as <tool_call>{...}</tool_call>; results come back as `tool` messages. Chat templates
without a tool role (SmolLM2's) get them the way Qwen's template renders them: a user turn of
<tool_response> blocks. The same transcript therefore suits the CPU model, a LoRA trained on
it, and Qwen behind vLLM's hermes parser.
"""

import json
from collections.abc import Sequence
from typing import Any

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
NO_TOOLS_NOTE = "No tools are available right now; answer from your own reasoning."
ANSWER_RULE = (
    "When you know the answer, reply without a tool call and end with a line "
    "'Answer: <final value>'."
)


def system_prompt(tools: Sequence[dict[str, Any]] | None) -> str:
    """Instructions plus the tool list (OpenAI function specs), or a note when there are none."""
    if tools:
        specs = "\n".join(json.dumps(spec, ensure_ascii=False) for spec in tools)
        tool_part = TOOLS_SECTION.format(specs=specs)
    else:
        tool_part = NO_TOOLS_NOTE
    return f"{INSTRUCTIONS}\n\n{tool_part}\n\n{ANSWER_RULE}"


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
