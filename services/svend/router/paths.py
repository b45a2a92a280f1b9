"""Choosing the path: how much work a question gets."""

from svend.router.quick import DirectRequest
from svend.router.v1 import router_pb2

Path = router_pb2.Path


def choose_path(forced: int, direct: DirectRequest | None) -> tuple[int, str]:
    """The path to run and a readable reason for it."""
    if forced == Path.PATH_QUICK:
        if direct is not None:
            return Path.PATH_QUICK, f"quick path requested: {direct.reason}"
        return Path.PATH_STANDARD, "quick path requested, but no direct tool request was found"
    if forced in (Path.PATH_STANDARD, Path.PATH_DEEP):
        return forced, f"{Path.Name(forced)} requested by the caller"
    if direct is not None:
        return Path.PATH_QUICK, f"direct tool request: {direct.reason}"
    return Path.PATH_STANDARD, "needs reasoning: no direct tool request recognised"
