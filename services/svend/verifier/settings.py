"""Settings of the verifier, from SVEND_VERIFIER_* environment variables."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from svend.common.settings import EncoderRuntime, EncoderServiceSettings
from svend.mesh import default_address

# The committed artifact in a source checkout; images set SVEND_VERIFIER_MODEL_DIR.
DEFAULT_MODEL_DIR = Path(__file__).resolve().parents[3] / "models" / "verifier" / "v1"


class VerifierSettings(EncoderServiceSettings):
    """Where the verifier listens, where the tools service is, what it accepts, and its step
    scorer."""

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
    scorer_enabled: bool = Field(
        True,
        description="Judge steps with the trained step scorer as well as the exact checks; "
        "false runs the exact checks alone (hosts without torch or the model).",
    )
    model_dir: Path = Field(
        DEFAULT_MODEL_DIR,
        description="Directory of the trained step scorer (manifest.json and weights); the "
        "service refuses to start when it is missing or does not match its manifest.",
    )
    scorer_threshold: float | None = Field(
        None,
        gt=0,
        le=1,
        description="The scorer's P(wrong) from which a step fails the chain; unset: the "
        "threshold chosen on the validation split, from the model's calibration.",
    )
    model_runtime: EncoderRuntime = Field(
        "onnxruntime-int8",
        description="Runtime of the step scorer's forward pass: onnxruntime-int8 (the fastest "
        "on a CPU; the committed policy was fitted on its scores), onnxruntime or torch "
        "(exact float scores, a few hundredths off the policy's).",
    )
    model_threads: int = Field(
        1,
        ge=1,
        le=64,
        description="CPU threads of the step scorer's forward pass. One leaves the other core "
        "of a 2-core host to the exact checks that run beside it (Verify's p50 on one host in "
        "one hour: 29.3 and 30.0 ms on one thread, 30.6 ms twice on two).",
    )
    max_batch: int = Field(
        16, ge=1, le=1024, description="Most chains scored together in one forward pass."
    )
