"""Cache keys: near-duplicates never share an entry; whitespace and case variants do."""

import pytest

from svend.router.cache import MemoryCache, cache_key, canonical_query
from svend.router.paths import route
from svend.router.settings import RouterSettings
from svend.router.v1 import router_pb2

Path = router_pb2.Path

# Pairs that differ in a number, a unit, a sign, a negation or the order of operands where order
# matters; each must have its own cache entry, on whichever path the router sends it.
NEAR_DUPLICATES = [
    # a changed number
    ("convert 5 km to miles", "convert 6 km to miles"),
    ("convert 1.5 km to m", "convert 15 km to m"),
    ("convert 1,000 g to kg", "convert 1,001 g to kg"),
    ("what is 2^10", "what is 2^11"),
    ("solve x^2-5x+6=0", "solve x^2-5x+7=0"),
    ("integrate x^2 from 0 to 1", "integrate x^2 from 0 to 2"),
    (
        "A train travels 120 km in 2 hours. What is its speed?",
        "A train travels 120 km in 3 hours. What is its speed?",
    ),
    (
        "Tom has 3 apples and buys 4 more. How many now?",
        "Tom has 3 apples and buys 5 more. How many now?",
    ),
    ("What is the molar mass of 2 moles of water?", "What is the molar mass of 3 moles of water?"),
    ("What is the pH of 0.01 M HCl?", "What is the pH of 0.001 M HCl?"),
    (
        "How long does a 5 kg ball take to fall 10 m?",
        "How long does a 5 kg ball take to fall 20 m?",
    ),
    ("What is 15% of 80?", "What is 15% of 90?"),
    ("What is 1e3 times 2?", "What is 1e4 times 2?"),
    ("What is 0.5 of 10?", "What is .5 of 100?"),
    # swapped or changed units
    ("convert 5 km to miles", "convert 5 miles to km"),
    ("convert 5 kg to lb", "convert 5 g to lb"),
    ("convert 1 Mm to m", "convert 1 mm to m"),
    ("convert 1 MW to W", "convert 1 mW to W"),
    ("convert 1 MeV to J", "convert 1 meV to J"),
    ("How many seconds are in 3 hours?", "How many minutes are in 3 hours?"),
    ("Is 1 Gal of acceleration a lot?", "Is 1 gal of acceleration a lot?"),
    ("A car goes 60 mph for 2 hours, how far?", "A car goes 60 km/h for 2 hours, how far?"),
    ("How much energy is 5 kWh?", "How much energy is 5 MWh?"),
    ("Boil 2 L of water", "Boil 2 mL of water"),
    ("What is 1 mmol in mol?", "What is 1 Mmol in mol?"),
    # a changed sign
    ("convert 5 km to miles", "convert -5 km to miles"),
    ("solve x^2-5x+6=0", "solve x^2+5x+6=0"),
    ("what is 3 - 4", "what is 3 + 4"),
    (
        "What is the temperature change from -5 C to 10 C?",
        "What is the temperature change from 5 C to 10 C?",
    ),
    ("Is -7 greater than 3?", "Is 7 greater than 3?"),
    ("differentiate x^-2", "differentiate x^2"),
    (
        "A charge of -2 C sits in a field; which way is the force?",
        "A charge of +2 C sits in a field; which way is the force?",
    ),
    # a negation
    ("is 7 prime", "is 7 not prime"),
    ("Which of these gases is flammable?", "Which of these gases is not flammable?"),
    ("Explain why the sky is blue", "Explain why the sky is not blue"),
    (
        "Is it true that all squares are rectangles?",
        "Is it true that not all squares are rectangles?",
    ),
    ("Can a triangle have two right angles?", "Can't a triangle have two right angles?"),
    ("Prove that sqrt 2 is irrational", "Prove that sqrt 2 is not irrational"),
    ("Which numbers below 10 are odd?", "Which numbers below 10 are never odd?"),
    (
        "If it rains the ground is wet. It rained. Is the ground wet?",
        "If it rains the ground is wet. It did not rain. Is the ground wet?",
    ),
    # operands reordered where order matters
    ("what is 12 - 7", "what is 7 - 12"),
    ("what is 2^10", "what is 10^2"),
    ("what is 8 / 2", "what is 2 / 8"),
    ("convert 3 m to ft", "convert 3 ft to m"),
    ("Subtract 4 from 10", "Subtract 10 from 4"),
    ("Divide 6 by 3", "Divide 3 by 6"),
    ("Is 5 bigger than 9?", "Is 9 bigger than 5?"),
    ("What is the probability of A given B?", "What is the probability of B given A?"),
    ("Alice pays Bob 5 dollars; who has more?", "Bob pays Alice 5 dollars; who has more?"),
    ("What is log base 2 of 8?", "What is log base 8 of 2?"),
    # symbols whose case is meaning
    ("differentiate x + X**2 wrt x", "differentiate X + x**2 wrt x"),
    ("solve x² = 4", "solve x2 = 4"),
    ("What is the molar mass of CO?", "What is the molar mass of Co?"),
    ("Simplify abc + ABC*2 in words", "Simplify ABC + abc*2 in words"),
    ("What is the boiling point of NaCl solution?", "What is the boiling point of NACl solution?"),
]

CASE_AND_SPACE_VARIANTS = [
    ("What is the boiling point of water?", "what is the Boiling Point of WATER?"),
    ("Why is the sky blue?", "  why is   the SKY blue? "),
    ("Explain photosynthesis", "EXPLAIN PHOTOSYNTHESIS"),
    ("How many legs does a spider have?", "how many legs does a Spider have?"),
    (
        "The train travels 120 km in 2 hours. What is its speed?",
        "the train travels 120 km in 2 hours.\twhat is its SPEED?",
    ),
    ("Convert 5 km to miles", "convert   5 km to miles"),
    ("What is the pH of 0.01 M HCl?", "what is the pH of 0.01 M HCl?"),
    ("Explain why 7 is not prime", "EXPLAIN WHY 7 is NOT PRIME"),
]


def key(query: str, forced: int = Path.PATH_UNSPECIFIED) -> str:
    return route(query.strip(), forced, RouterSettings().deep_complexity_threshold).cache_key


def test_the_near_duplicate_set_is_large_and_distinct() -> None:
    assert len(NEAR_DUPLICATES) >= 50
    assert all(first != second for first, second in NEAR_DUPLICATES)


@pytest.mark.parametrize(("first", "second"), NEAR_DUPLICATES)
def test_near_duplicates_get_different_keys(first: str, second: str) -> None:
    assert key(first) != key(second)


@pytest.mark.parametrize(("first", "second"), CASE_AND_SPACE_VARIANTS)
def test_whitespace_and_case_variants_share_a_key(first: str, second: str) -> None:
    assert key(first) == key(second)


def test_only_plain_words_lose_their_case() -> None:
    assert canonical_query("The HALF-life of NaCl in 5 MeV, WATER and Gal") == (
        "the HALF-life of NaCl in 5 MeV, water and Gal"
    )


def test_direct_requests_are_keyed_on_their_tool_call() -> None:
    asked = {key("Convert 5 km to miles"), key("how many miles is 5 km")}
    assert len(asked) == 1
    assert key("convert 5 Mm to miles") not in asked


def test_forced_path_is_part_of_the_key() -> None:
    assert key("Why is the sky blue?", Path.PATH_STANDARD) != key(
        "Why is the sky blue?", Path.PATH_DEEP
    )
    assert cache_key("x", "PATH_QUICK") != cache_key("x", "PATH_DEEP")


async def test_memory_cache_is_bounded() -> None:
    cache = MemoryCache(max_entries=2, ttl_seconds=60)
    for entry in ("a", "b", "c"):
        await cache.set(entry, entry.encode())
    assert await cache.get("a") is None
    assert await cache.get("c") == b"c"
