"""The `openai` backend: any OpenAI-compatible chat server, vLLM first.

The conversation goes to the server as the transformers backend renders it: tools described in
the system prompt, results as `<tool_response>` user turns. The model writes Hermes
`<tool_call>` blocks as text and the reasoning loop parses them, so the same loop drives
SmolLM2 in-process, SmolLM2 behind llama.cpp's server, and Qwen2.5-14B behind
`vllm serve ... --enable-auto-tool-choice --tool-call-parser hermes` (the server's parser only
acts when a request passes `tools`, which this backend never does).

Every request streams. Tokens arrive as they are generated, so a time limit keeps the text
written so far (finish "time"), and leaving the stream early closes the HTTP request: vLLM
aborts a request whose client has gone, so a passed deadline or a cancelled caller stops the
generation on the server too. `n` continuations are asked of the server in one request; a
server that returns fewer (llama.cpp's) gets the rest as further requests, one at a time.
A batch of different conversations (Sample's later turns) goes out as up to
`parallel_requests` requests at once, which vLLM batches on its side; the default of one suits
servers that serve one request at a time.
"""

import asyncio
import contextlib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import openai

from svend.common import UnavailableError
from svend.reasoner.backends import Finish, Generation
from svend.reasoner.prompting import Message, with_tool_responses


@dataclass
class _Choice:
    """One continuation as its chunks arrive."""

    parts: list[str] = field(default_factory=list)
    chunks: int = 0
    finish: Finish | None = None


class OpenAIBackend:
    """Chat completions of a served model (a base model or a LoRA name, as the server knows it)."""

    name = "openai"

    def __init__(
        self, client: openai.AsyncOpenAI, model: str, *, parallel_requests: int = 1
    ) -> None:
        self.client = client
        self.model = model
        self.parallel = asyncio.Semaphore(parallel_requests)

    async def generate(
        self,
        messages: Sequence[Message],
        *,
        max_new_tokens: int,
        temperature: float,
        stop: Sequence[str] = (),
        max_time: float | None = None,
        n: int = 1,
    ) -> list[Generation]:
        """n continuations; fewer from the server are completed by single requests."""
        rendered = with_tool_responses(messages)
        deadline = None if max_time is None else time.monotonic() + max_time
        first = await self._stream(rendered, max_new_tokens, temperature, stop, deadline, n)
        generations = first[:n]
        # One after the other: a server that ignores n serves one request at a time (llama.cpp's
        # even abandons a running request for a new one).
        while len(generations) < n:
            extra = await self._stream(rendered, max_new_tokens, temperature, stop, deadline, 1)
            generations.append(extra[0])
        return generations

    async def generate_batch(
        self,
        conversations: Sequence[Sequence[Message]],
        *,
        max_new_tokens: Sequence[int],
        temperature: float,
        stop: Sequence[str] = (),
        max_time: float | None = None,
    ) -> list[Generation]:
        """One continuation per conversation, at most parallel_requests requests at a time."""

        async def one(messages: Sequence[Message], budget: int) -> Generation:
            async with self.parallel:
                (generation,) = await self.generate(
                    messages,
                    max_new_tokens=budget,
                    temperature=temperature,
                    stop=stop,
                    max_time=max_time,
                )
                return generation

        return list(
            await asyncio.gather(
                *(one(c, b) for c, b in zip(conversations, max_new_tokens, strict=True))
            )
        )

    def count_tokens(self, messages: Sequence[Message]) -> None:
        """The server's tokenizer is not at hand; the server refuses what does not fit."""
        return None

    async def _stream(
        self,
        messages: list[Message],
        max_new_tokens: int,
        temperature: float,
        stop: Sequence[str],
        deadline: float | None,
        n: int,
    ) -> list[Generation]:
        """One streamed request; what arrived before the deadline is kept."""
        choices: dict[int, _Choice] = {}
        remaining = None if deadline is None else max(deadline - time.monotonic(), 0.001)
        try:
            async with asyncio.timeout(remaining):
                stream = await self.client.chat.completions.create(
                    model=self.model,
                    messages=messages,  # type: ignore[arg-type]
                    max_tokens=max_new_tokens,
                    temperature=temperature,
                    n=n,
                    stop=list(stop) or None,
                    stream=True,
                )
                async with contextlib.aclosing(stream):
                    async for chunk in stream:
                        for delta in chunk.choices:
                            choice = choices.setdefault(delta.index, _Choice())
                            if delta.delta.content:
                                choice.parts.append(delta.delta.content)
                                choice.chunks += 1
                            if delta.finish_reason:
                                choice.finish = (
                                    "length" if delta.finish_reason == "length" else "stop"
                                )
        except TimeoutError:
            pass
        except openai.APIConnectionError as error:
            raise UnavailableError(f"model server unreachable: {error}") from None
        except openai.APIStatusError as error:
            raise UnavailableError(
                f"model server answered HTTP {error.status_code}: {error.message}"
            ) from None
        return [
            Generation("".join(choice.parts), choice.chunks, choice.finish or "time")
            for _, choice in sorted(choices.items())
        ] or [Generation("", 0, "time")]
