"""Settings of the tools service, from SVEND_TOOLS_* environment variables."""

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from svend.common import ServiceSettings
from svend.common.settings import MEBIBYTE
from svend.tools.sandbox import SandboxLimits


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
    sandbox_enabled: bool = Field(
        True,
        description="Offer execute_python. When true the service does not start unless "
        "bubblewrap can build the sandbox on this host (see SANDBOX.md).",
    )
    sandbox_warm: int = Field(
        2, ge=0, le=32, description="Sandboxes kept started and waiting for a call."
    )
    sandbox_max_concurrent: int = Field(
        4, ge=1, le=64, description="Python programs that may run at the same time."
    )
    sandbox_preload: list[str] = Field(
        ["numpy", "sympy"],
        max_length=20,
        description="Modules each waiting sandbox imports before its call (JSON list).",
    )
    sandbox_wall_seconds: float = Field(
        10.0, gt=0, le=300, description="Longest a Python program may run, in seconds."
    )
    sandbox_cpu_seconds: int = Field(
        10, ge=1, le=300, description="CPU seconds a Python program may use."
    )
    sandbox_memory_mb: int = Field(
        512, ge=128, le=65536, description="Address-space cap of a Python program in MiB."
    )
    sandbox_disk_mb: int = Field(
        32, ge=1, le=4096, description="Size of a program's working directory (tmpfs) in MiB."
    )
    sandbox_output_kb: int = Field(
        64, ge=1, le=65536, description="Most a program may write to stdout, and to stderr, in KiB."
    )

    def sandbox_limits(self) -> SandboxLimits:
        """The per-call limits these settings describe."""
        return SandboxLimits(
            wall_seconds=self.sandbox_wall_seconds,
            cpu_seconds=self.sandbox_cpu_seconds,
            memory_bytes=self.sandbox_memory_mb * MEBIBYTE,
            work_dir_bytes=self.sandbox_disk_mb * MEBIBYTE,
            file_bytes=min(self.sandbox_disk_mb * MEBIBYTE, SandboxLimits.file_bytes),
            output_bytes=self.sandbox_output_kb * 1024,
        )
