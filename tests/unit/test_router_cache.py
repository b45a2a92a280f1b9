"""Cache keys fold only case and whitespace: near-duplicates never share an entry."""

import pytest

from svend.router.cache import MemoryCache, cache_key, tool_call_key
from svend.router.quick import parse_direct_request

NEAR_DUPLICATES = [
    ("convert 5 km to miles", "convert 6 km to miles"),
    ("convert 5 km to miles", "convert 5 miles to km"),
    ("convert 5 km to miles", "convert -5 km to miles"),
    ("solve x^2-5x+6=0", "solve x^2+5x+6=0"),
    ("is 7 prime", "is 7 not prime"),
    ("what is 12 - 7", "what is 7 - 12"),
    ("what is 2^10", "what is 10^2"),
    ("convert 5 kg to lb", "convert 5 g to lb"),
    ("convert 1.5 km to m", "convert 15 km to m"),
]


@pytest.mark.parametrize(("first", "second"), NEAR_DUPLICATES)
def test_near_duplicates_get_different_keys(first: str, second: str) -> None:
    assert cache_key(first, "PATH_UNSPECIFIED") != cache_key(second, "PATH_UNSPECIFIED")


def test_whitespace_variants_share_a_key() -> None:
    base = cache_key("convert 5 km to miles", "PATH_UNSPECIFIED")
    assert cache_key("  convert 5 km   to\tmiles ", "PATH_UNSPECIFIED") == base


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("convert 1 Mm to m", "convert 1 mm to m"),
        ("convert 1 MW to W", "convert 1 mW to W"),
        ("differentiate x + X**2 wrt x", "differentiate X + x**2 wrt x"),
        ("solve x² = 4", "solve x2 = 4"),
    ],
)
def test_case_and_superscripts_are_kept(first: str, second: str) -> None:
    assert cache_key(first, "PATH_UNSPECIFIED") != cache_key(second, "PATH_UNSPECIFIED")


def test_direct_requests_are_keyed_on_their_tool_call() -> None:
    asked = [parse_direct_request(q) for q in ("Convert 5 km to miles", "how many miles is 5 km")]
    keys = {tool_call_key(r.tool, r.arguments) for r in asked if r is not None}
    assert len(keys) == 1
    other = parse_direct_request("convert 5 Mm to miles")
    assert other is not None
    assert tool_call_key(other.tool, other.arguments) not in keys


def test_forced_path_is_part_of_the_key() -> None:
    assert cache_key("solve x=1", "PATH_QUICK") != cache_key("solve x=1", "PATH_DEEP")


async def test_memory_cache_is_bounded() -> None:
    cache = MemoryCache(max_entries=2, ttl_seconds=60)
    for key in ("a", "b", "c"):
        await cache.set(key, key.encode())
    assert await cache.get("a") is None
    assert await cache.get("c") == b"c"
