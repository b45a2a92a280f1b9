"""The tool registry: name → description, JSON Schema, callable, and where it runs.

A tool is one ToolSpec: a function from an arguments dict to a JSON-ready result dict that
raises ToolFailure when it cannot answer. Slow tools set `isolated=True` and run in a worker
process under a hard time limit; fast ones run inline on the service's event loop thread; a
coroutine function (the Python sandbox) runs on the event loop and isolates itself.
"""

import enum
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonschema
from jsonschema.exceptions import ValidationError, best_match

from svend.common.errors import InvalidArgumentError

# Longest unknown tool name echoed back in an error.
MAX_SHOWN_NAME_CHARS = 64
# Longest schema-violation text returned to the caller.
MAX_PROBLEM_CHARS = 300

ToolFunction = Callable[[Mapping[str, Any]], dict[str, Any]]
AsyncToolFunction = Callable[[Mapping[str, Any]], Awaitable[dict[str, Any]]]


class FailureKind(enum.StrEnum):
    """Why a tool that ran produced no result (mirrors svend.common.v1.ToolErrorCode)."""

    INVALID_ARGUMENTS = "invalid_arguments"
    EXECUTION_FAILED = "execution_failed"
    TIMEOUT = "timeout"


class ToolFailure(Exception):
    """A tool could not compute a result; the message says why in words a model can act on."""

    def __init__(self, kind: FailureKind, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message

    def __reduce__(self) -> tuple[type["ToolFailure"], tuple[FailureKind, str]]:
        # Keeps the kind when the failure crosses the worker-process boundary.
        return type(self), (self.kind, self.message)


@dataclass(frozen=True)
class ToolSpec:
    """One tool as ListTools shows it and CallTool runs it."""

    name: str
    description: str
    parameters: dict[str, Any]
    function: ToolFunction | AsyncToolFunction
    # True: run in a worker process with a hard time limit (the function must be importable
    # at module level so it pickles); False: run inline, for fast tools on the quick path.
    isolated: bool
    validator: jsonschema.protocols.Validator = field(init=False, repr=False, compare=False)

    @property
    def is_async(self) -> bool:
        return inspect.iscoroutinefunction(self.function)

    def __post_init__(self) -> None:
        if self.isolated and self.is_async:
            raise ValueError(f"tool {self.name!r}: a coroutine cannot run in a worker process")
        validator_class = jsonschema.validators.validator_for(
            self.parameters, default=jsonschema.Draft202012Validator
        )
        validator_class.check_schema(self.parameters)
        object.__setattr__(self, "validator", validator_class(self.parameters))


def argument_path(error: ValidationError) -> str:
    """The offending argument as a dotted path: arguments.expression[1]."""
    path = "arguments"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def describe_violation(error: ValidationError, schema: Mapping[str, Any]) -> InvalidArgumentError:
    """Turn a schema violation into an INVALID_ARGUMENT that names the argument."""
    path = argument_path(error)
    if error.validator == "required" and isinstance(error.instance, Mapping):
        missing = [name for name in error.validator_value if name not in error.instance]
        return InvalidArgumentError(f"{path}.{missing[0]}", "required argument is missing")
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        known = error.schema.get("properties", {}) if isinstance(error.schema, Mapping) else {}
        unknown = sorted(name for name in error.instance if name not in known)
        return InvalidArgumentError(
            f"{path}.{unknown[0]}",
            f"unknown argument; expected one of: {', '.join(sorted(known))}",
        )
    message = error.message
    if len(message) > MAX_PROBLEM_CHARS:
        # jsonschema quotes the offending value, which may be megabytes long.
        message = message[:MAX_PROBLEM_CHARS] + "…"
    return InvalidArgumentError(path, message)


class ToolRegistry:
    """The tools a service offers, keyed by name."""

    def __init__(self, tools: Iterable[ToolSpec]) -> None:
        self._tools: dict[str, ToolSpec] = {}
        for tool in tools:
            if tool.name in self._tools:
                raise ValueError(f"tool {tool.name!r} registered twice")
            self._tools[tool.name] = tool

    def tools(self) -> list[ToolSpec]:
        """Every tool, sorted by name."""
        return [self._tools[name] for name in sorted(self._tools)]

    def get(self, name: str) -> ToolSpec:
        """The tool called `name`, or INVALID_ARGUMENT listing the known ones."""
        tool = self._tools.get(name)
        if tool is None:
            shown = name if len(name) <= MAX_SHOWN_NAME_CHARS else name[:MAX_SHOWN_NAME_CHARS] + "…"
            raise InvalidArgumentError(
                "name", f"unknown tool {shown!r}; known tools: {', '.join(sorted(self._tools))}"
            )
        return tool

    def validate(self, name: str, arguments: Mapping[str, Any]) -> ToolSpec:
        """Check the arguments against the tool's schema before anything runs."""
        tool = self.get(name)
        error = best_match(tool.validator.iter_errors(dict(arguments)))
        if error is not None:
            raise describe_violation(error, tool.parameters)
        return tool
