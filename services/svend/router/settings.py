"""Router settings, from SVEND_ROUTER_* (and SVEND_REDIS_URL) environment variables."""

from pydantic import AliasChoices, Field
from pydantic_settings import SettingsConfigDict

from svend.common.settings import ServiceSettings
from svend.mesh import default_address


class RouterSettings(ServiceSettings):
    """Where the router's dependencies listen, its limits and its cache."""

    model_config = SettingsConfigDict(env_prefix="SVEND_ROUTER_", extra="ignore", frozen=True)

    safety_addr: str = default_address("safety")
    tools_addr: str = default_address("tools")
    reasoner_addr: str = default_address("reasoner")
    verifier_addr: str = default_address("verifier")
    redis_url: str | None = Field(
        None,
        validation_alias=AliasChoices("SVEND_REDIS_URL", "SVEND_ROUTER_REDIS_URL"),
        description="Redis for the answer cache; unset keeps the cache in memory.",
    )
    cache_ttl_seconds: int = Field(3600, ge=1, description="How long a cached answer lives.")
    cache_max_entries: int = Field(10_000, ge=1, description="Bound of the in-memory cache.")
    deadline_seconds: float = Field(
        120.0, gt=0, le=600, description="Longest a request may take, whatever the caller asks."
    )
    max_query_chars: int = Field(8000, ge=1, le=100_000, description="Longest query accepted.")
    safety_timeout_seconds: float = Field(2.0, gt=0)
    tools_timeout_seconds: float = Field(15.0, gt=0)
    verifier_timeout_seconds: float = Field(15.0, gt=0)
    reasoner_timeout_seconds: float = Field(110.0, gt=0)
    deep_samples: int = Field(
        3, ge=1, le=8, description="Chains the deep path samples (the reasoner serves at most 8)."
    )
