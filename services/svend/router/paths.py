"""Choosing the path: how much work a question gets, and the key its answer is cached under."""

from dataclasses import dataclass

from svend.router.cache import cache_key, tool_call_key
from svend.router.complexity import complexity
from svend.router.quick import DirectRequest, parse_direct_request
from svend.router.v1 import router_pb2

Path = router_pb2.Path


@dataclass(frozen=True)
class Route:
    """The path a question takes, why, and where its answer is cached."""

    path: int
    reason: str
    direct: DirectRequest | None
    cache_key: str


def choose_path(
    query: str, forced: int, direct: DirectRequest | None, deep_threshold: float
) -> tuple[int, str]:
    """The path to run and a readable reason for it.

    A direct tool request goes QUICK; any other question goes DEEP when its complexity score
    reaches deep_threshold, else STANDARD. A path the caller forces is kept, except QUICK for
    a question that is no direct tool request.
    """
    if forced == Path.PATH_QUICK:
        if direct is not None:
            return Path.PATH_QUICK, f"quick path requested: {direct.reason}"
        return Path.PATH_STANDARD, "quick path requested, but no direct tool request was found"
    if forced in (Path.PATH_STANDARD, Path.PATH_DEEP):
        return forced, f"{Path.Name(forced)} requested by the caller"
    if direct is not None:
        return Path.PATH_QUICK, f"direct tool request: {direct.reason}"
    assessed = complexity(query)
    if assessed.score >= deep_threshold:
        return Path.PATH_DEEP, f"multi-step: {assessed.describe()} reaches {deep_threshold:g}"
    return Path.PATH_STANDARD, f"needs reasoning: {assessed.describe()} is below {deep_threshold:g}"


def route(query: str, forced: int, deep_threshold: float) -> Route:
    """Route a validated query: a quick answer is keyed on its tool call, any other on its text
    within the forced path (a forced DEEP answer is not a STANDARD one)."""
    direct = parse_direct_request(query)
    path, reason = choose_path(query, forced, direct, deep_threshold)
    if path == Path.PATH_QUICK and direct is not None:
        return Route(path, reason, direct, tool_call_key(direct.tool, direct.arguments))
    return Route(path, reason, None, cache_key(query, Path.Name(forced)))
