"""Settings of the safety service, from SVEND_SAFETY_* environment variables."""

from pathlib import Path
from typing import Self

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from svend.common.settings import EncoderRuntime, EncoderServiceSettings
from svend.safety.taxonomy import Category

# The committed artifact in a source checkout; images set SVEND_SAFETY_MODEL_DIR.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[3] / "models" / "safety" / "v1"


class SafetySettings(EncoderServiceSettings):
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
    category_refuse_thresholds: dict[Category, float] = Field(
        default_factory=dict,
        description="Per-category refuse thresholds (JSON object, e.g. "
        '{"sexual_minors": 0.5}): a request whose score in that category reaches it is '
        "REFUSEd even below refuse_threshold.",
    )
    classifier_review_threshold: float | None = Field(
        None,
        gt=0,
        le=1,
        description="The classifier's probability at which a request is flagged REVIEW; "
        "unset: the threshold chosen on the validation split, from the model's manifest.",
    )
    classifier_refuse_threshold: float | None = Field(
        None,
        gt=0,
        le=1,
        description="The classifier's probability at which a request is REFUSEd; unset: the "
        "threshold chosen on the validation split, from the model's manifest.",
    )
    classifier_enabled: bool = Field(
        True,
        description="Score with the trained classifier as well as the rules; false runs the "
        "rules alone (benchmarks, hosts without the model).",
    )
    model_runtime: EncoderRuntime = Field(
        "onnxruntime-int8",
        description="Runtime of the classifier's forward pass: onnxruntime-int8 (the fastest "
        "on a CPU; the manifest's thresholds were chosen on its scores), onnxruntime or torch "
        "(exact float scores, a few hundredths off those the thresholds were chosen on).",
    )
    model_dir: Path = Field(
        DEFAULT_MODEL_DIR,
        description="Directory of the trained classifier (manifest.json and weights); the "
        "service refuses to start when it is missing or does not match its manifest.",
    )
    max_batch: int = Field(
        32, ge=1, le=1024, description="Most texts scored together in one forward pass."
    )

    @model_validator(mode="after")
    def thresholds_ordered(self) -> Self:
        """REVIEW must come before REFUSE, and EDIT before BLOCK."""
        if self.review_threshold > self.refuse_threshold:
            raise ValueError("review_threshold must not exceed refuse_threshold")
        if self.edit_threshold > self.block_threshold:
            raise ValueError("edit_threshold must not exceed block_threshold")
        for category, threshold in self.category_refuse_thresholds.items():
            if not 0 < threshold <= 1:
                raise ValueError(f"category_refuse_thresholds[{category}] must be in (0, 1]")
        return self
