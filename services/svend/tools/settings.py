"""Settings of the tools service, from SVEND_TOOLS_* environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from svend.common import ServiceSettings


class ToolsSettings(ServiceSettings):
    """Where the tools service listens and how much one tool call may use."""

    model_config = SettingsConfigDict(env_prefix="SVEND_TOOLS_", extra="ignore", frozen=True)

    timeout_seconds: float = Field(
        10.0,
        gt=0,
        le=300,
        description="Hard time limit of one isolated tool call (symbolic math); the worker "
        "running it is killed when it passes.",
    )
    workers: int = Field(
        2, ge=1, le=64, description="Worker processes that run isolated tools in parallel."
    )
    worker_memory_mb: int = Field(
        2048,
        ge=256,
        le=65536,
        description="Address-space cap of each worker process in MiB, so that one input "
        "cannot exhaust the host's memory.",
    )
