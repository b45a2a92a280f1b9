"""Settings of the verifier, from SVEND_VERIFIER_* environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from svend.common import ServiceSettings
from svend.mesh import default_address


class VerifierSettings(ServiceSettings):
    """Where the verifier listens, where the tools service is, and what it accepts."""

    model_config = SettingsConfigDict(env_prefix="SVEND_VERIFIER_", extra="ignore", frozen=True)

    tools_addr: str = Field(
        default_address("tools"),
        min_length=1,
        description="host:port of the tools service that tool calls are re-run on.",
    )
    tools_timeout_seconds: float = Field(
        10.0, gt=0, le=120, description="Limit of one re-run tool call."
    )
    tools_concurrency: int = Field(
        8, ge=1, le=64, description="Tool calls of one chain re-run at the same time."
    )
    max_steps: int = Field(200, ge=1, le=10_000, description="Most steps one chain may have.")
    max_text_chars: int = Field(
        10_000,
        ge=100,
        le=1_000_000,
        description="Longest step text, question or answer, in characters.",
    )
