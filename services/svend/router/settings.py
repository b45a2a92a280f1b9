"""Router settings, from SVEND_ROUTER_* (and SVEND_REDIS_URL) environment variables."""

from pydantic import AliasChoices, Field, model_validator
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
    deep_complexity_threshold: float = Field(
        12.2,
        gt=0,
        description="Complexity score from which a question the caller did not route goes "
        "DEEP (svend.router.complexity; tuned on training/router's dev split).",
    )
    deep_samples: int = Field(
        3, ge=1, le=8, description="Chains the deep path samples (the reasoner serves at most 8)."
    )
    deep_agreement: int = Field(
        2,
        ge=1,
        le=8,
        description="Chains the deep path samples first; when their answers agree and none "
        "fails verification, it stops there.",
    )
    standard_falls_back_to_deep: bool = Field(
        True,
        description="Run the deep path when the verifier fails a standard answer the router "
        "chose (a path forced by the caller is kept).",
    )
    deep_fallback_min_seconds: float = Field(
        20.0, gt=0, description="Least time before the deadline for that fallback to start."
    )

    @model_validator(mode="after")
    def agreement_within_samples(self) -> "RouterSettings":
        if self.deep_agreement > self.deep_samples:
            raise ValueError(
                f"deep_agreement ({self.deep_agreement}) must not exceed deep_samples "
                f"({self.deep_samples})"
            )
        return self
