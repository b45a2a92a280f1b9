"""Cache keys fold only case and whitespace: near-duplicates never share an entry."""

import pytest

from svend.router.cache import MemoryCache, cache_key

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


def test_case_and_whitespace_variants_share_a_key() -> None:
    base = cache_key("convert 5 km to miles", "PATH_UNSPECIFIED")
    assert cache_key("  Convert 5 KM   to\tmiles ", "PATH_UNSPECIFIED") == base


def test_forced_path_is_part_of_the_key() -> None:
    assert cache_key("solve x=1", "PATH_QUICK") != cache_key("solve x=1", "PATH_DEEP")


async def test_memory_cache_is_bounded() -> None:
    cache = MemoryCache(max_entries=2, ttl_seconds=60)
    for key in ("a", "b", "c"):
        await cache.set(key, key.encode())
    assert await cache.get("a") is None
    assert await cache.get("c") == b"c"
