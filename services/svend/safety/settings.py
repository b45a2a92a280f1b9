"""Settings of the safety service, from SVEND_SAFETY_* environment variables."""

from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from svend.common import ServiceSettings


class SafetySettings(ServiceSettings):
    """Where the safety service listens, the decision thresholds and the input limits."""

    model_config = SettingsConfigDict(env_prefix="SVEND_SAFETY_", extra="ignore", frozen=True)

    review_threshold: float = Field(
        0.5, gt=0, le=1, description="An input whose unsafe score reaches this is flagged REVIEW."
    )
    refuse_threshold: float = Field(
        0.8, gt=0, le=1, description="An input whose unsafe score reaches this is REFUSEd."
    )
    edit_threshold: float = Field(
        0.5,
        gt=0,
        le=1,
        description="A passage of an answer whose score reaches this is offending and redacted.",
    )
    block_threshold: float = Field(
        0.8,
        gt=0,
        le=1,
        description="An answer whose unsafe score reaches this is BLOCKed when its offending "
        "passages are too many to redact (see block_min_passages, max_edit_fraction).",
    )
    block_min_passages: int = Field(
        3,
        ge=1,
        le=1000,
        description="This many offending passages make an answer step-by-step harmful: BLOCK.",
    )
    max_edit_fraction: float = Field(
        0.34,
        ge=0,
        le=1,
        description="Largest share of an answer's passages that may be redacted (EDIT); above "
        "it the answer is BLOCKed.",
    )
    max_text_chars: int = Field(
        100_000, ge=1, le=10_000_000, description="Longest text or prompt accepted, in characters."
    )

    @model_validator(mode="after")
    def thresholds_ordered(self) -> Self:
        """REVIEW must come before REFUSE, and EDIT before BLOCK."""
        if self.review_threshold > self.refuse_threshold:
            raise ValueError("review_threshold must not exceed refuse_threshold")
        if self.edit_threshold > self.block_threshold:
            raise ValueError("edit_threshold must not exceed block_threshold")
        return self
