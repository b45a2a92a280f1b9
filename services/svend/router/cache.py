"""The answer cache: Redis when configured, in memory otherwise.

A direct tool request is keyed on the tool call it parses to (so "convert 5 km to miles" and
"How many miles is 5 km?" share an entry); any other question on its canonical text: Unicode
composed (NFC), runs of whitespace folded, and the case of plain words folded. Case is kept
wherever it can change the meaning: in words of one or two letters ("A", "Mm", "CO"), mixed-case
ones ("NaCl", "pH"), words whose case variants are different units ("MeV" and "meV", "Gal" and
"gal"), words written against a math operator (symbols in an expression), and words the query
spells in two cases. So questions that differ in a number, unit, sign or word never share an
entry, while "What is the Boiling Point of water" and "what is the boiling point of WATER" do.
"""

import hashlib
import json
import logging
import re
import unicodedata
from collections.abc import Mapping
from typing import Any, Protocol

import cachetools
import redis.asyncio as redis
from prometheus_client import Counter

from svend.router.quick import parsed_unit

log = logging.getLogger("svend.router.cache")

CACHE_LOOKUPS = Counter(
    "svend_router_cache_lookups_total",
    "Answer cache lookups, by backend and outcome.",
    ["backend", "outcome"],
)
KEY_PREFIX = "svend:answer:v2:"
# A run of letters that no digit, underscore or math operator touches, even across one space:
# next to an operator it is a symbol of an expression, where case is meaning.
WORD = re.compile(
    r"(?<![\w=+\-*/^(<>])(?<![=+\-*/^(<>] )[^\W\d_]+(?![\w=+\-*/^()<>])(?! [=+\-*/^)<>])"
)
SHORTEST_FOLDED_WORD = 3


def case_variants(word: str) -> set[str]:
    return {word, word.lower(), word.upper(), word.title()}


def case_is_meaningful(word: str) -> bool:
    """True when folding word's case could merge two meanings."""
    if len(word) < SHORTEST_FOLDED_WORD or word not in case_variants(word.lower()):
        return True
    units = {unit for variant in case_variants(word) if (unit := parsed_unit(variant))}
    return len(units) > 1


def canonical_query(query: str) -> str:
    """NFC, whitespace folded, and the case of plain words folded (see the module docstring)."""
    text = " ".join(unicodedata.normalize("NFC", query).split())
    spellings: dict[str, set[str]] = {}
    for word in WORD.findall(text):
        spellings.setdefault(word.lower(), set()).add(word)

    def fold(match: re.Match[str]) -> str:
        word = match.group()
        if len(spellings[word.lower()]) > 1 or case_is_meaningful(word):
            return word
        return word.lower()

    return WORD.sub(fold, text)


def cache_key(query: str, scope: str) -> str:
    """The key of a question's answer within a scope (the forced path)."""
    digest = hashlib.sha256(f"{scope}\n{canonical_query(query)}".encode()).hexdigest()
    return KEY_PREFIX + digest


def tool_call_key(tool: str, arguments: Mapping[str, Any]) -> str:
    """The key of a direct tool request's answer: the call itself, whatever the wording."""
    call = json.dumps({"tool": tool, "arguments": arguments}, sort_keys=True)
    return KEY_PREFIX + "call:" + hashlib.sha256(call.encode()).hexdigest()


class AnswerCache(Protocol):
    """Serialized answers by key."""

    backend: str

    async def get(self, key: str) -> bytes | None: ...

    async def set(self, key: str, value: bytes) -> None: ...

    async def close(self) -> None: ...


class MemoryCache:
    """A bounded TTL cache inside the router process."""

    backend = "memory"

    def __init__(self, max_entries: int, ttl_seconds: int) -> None:
        self.entries: cachetools.TTLCache[str, bytes] = cachetools.TTLCache(
            max_entries, ttl_seconds
        )

    async def get(self, key: str) -> bytes | None:
        value = self.entries.get(key)
        CACHE_LOOKUPS.labels(self.backend, "hit" if value is not None else "miss").inc()
        return value

    async def set(self, key: str, value: bytes) -> None:
        self.entries[key] = value

    async def close(self) -> None:
        self.entries.clear()


class RedisCache:
    """Redis with a TTL per entry; a Redis outage degrades to cache misses, never to errors."""

    backend = "redis"

    def __init__(self, url: str, ttl_seconds: int) -> None:
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.ttl_seconds = ttl_seconds

    async def get(self, key: str) -> bytes | None:
        try:
            value = await self.client.get(key)
        except redis.RedisError as error:
            log.warning("redis get failed: %s", error)
            CACHE_LOOKUPS.labels(self.backend, "error").inc()
            return None
        CACHE_LOOKUPS.labels(self.backend, "hit" if value is not None else "miss").inc()
        return value

    async def set(self, key: str, value: bytes) -> None:
        try:
            await self.client.set(key, value, ex=self.ttl_seconds)
        except redis.RedisError as error:
            log.warning("redis set failed: %s", error)

    async def close(self) -> None:
        await self.client.aclose()


def open_cache(redis_url: str | None, max_entries: int, ttl_seconds: int) -> AnswerCache:
    if redis_url:
        return RedisCache(redis_url, ttl_seconds)
    return MemoryCache(max_entries, ttl_seconds)
