"""The answer cache: Redis when configured, in memory otherwise.

A direct tool request is keyed on the tool call it parses to (so "convert 5 km to miles" and
"How many miles is 5 km?" share an entry); any other question on its text with only Unicode
composition (NFC) and runs of whitespace folded. Case is kept: "1 Mm" is not "1 mm", and "X" is
not "x" in an expression. So questions that differ in a number, unit, sign or word never share
an entry.
"""

import hashlib
import json
import logging
import unicodedata
from collections.abc import Mapping
from typing import Any, Protocol

import cachetools
import redis.asyncio as redis
from prometheus_client import Counter

log = logging.getLogger("svend.router.cache")

CACHE_LOOKUPS = Counter(
    "svend_router_cache_lookups_total",
    "Answer cache lookups, by backend and outcome.",
    ["backend", "outcome"],
)
KEY_PREFIX = "svend:answer:v1:"


def canonical_query(query: str) -> str:
    """Compose Unicode characters (NFC) and fold runs of whitespace; change nothing else."""
    return " ".join(unicodedata.normalize("NFC", query).split())


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
