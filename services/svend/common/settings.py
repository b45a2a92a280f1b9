"""Typed settings, one object per service, read from SVEND_<SERVICE>_* environment variables."""

import os
import sys
from pathlib import Path
from typing import Any, Literal, TypeVar, get_args

from pydantic import Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from svend.mesh import SERVICES_BY_NAME

MEBIBYTE = 1024 * 1024


class ServiceSettings(BaseSettings):
    """Settings every service has; subclasses set env_prefix and their own fields."""

    model_config = SettingsConfigDict(env_prefix="SVEND_", extra="ignore", frozen=True)

    host: str = Field("127.0.0.1", description="Address the gRPC server binds to.")
    port: int = Field(ge=0, le=65535, description="gRPC port; 0 picks a free one.")
    metrics_port: int = Field(
        ge=0, le=65535, description="Port of the Prometheus /metrics endpoint; 0 disables it."
    )
    grace_seconds: float = Field(
        5.0, gt=0, le=120, description="How long in-flight RPCs may finish after SIGTERM."
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    max_message_bytes: int = Field(
        4 * MEBIBYTE, ge=1024, le=64 * MEBIBYTE, description="Largest gRPC message accepted."
    )
    max_concurrent_rpcs: int = Field(
        256, ge=1, description="RPCs served at once; more are refused with RESOURCE_EXHAUSTED."
    )
    gil_switch_interval_ms: float = Field(
        0.5,
        gt=0,
        le=100,
        description="How long a Python thread may hold the GIL while another waits for it "
        "(sys.setswitchinterval; Python's default is 5 ms). A model call that released the GIL "
        "waits this long for it back whenever a Python thread is computing beside it: with "
        "Python's 5 ms, the verifier's 10 ms int8 forward pass took 13-18 ms beside a busy "
        "thread; with 0.5 ms, 10.4-10.9 ms.",
    )

    @model_validator(mode="before")
    @classmethod
    def mesh_ports(cls, data: Any) -> Any:
        """Ports default to the service's row of the mesh table, so they are written once."""
        spec = SERVICES_BY_NAME.get(cls.service_name())
        if spec is not None and isinstance(data, dict):
            data.setdefault("port", spec.grpc_port)
            data.setdefault("metrics_port", spec.metrics_port)
        return data

    @classmethod
    def service_name(cls) -> str:
        """The service's short name, taken from its env prefix (SVEND_TOOLS_ -> tools)."""
        prefix = cls.model_config.get("env_prefix", "SVEND_")
        return prefix.removeprefix("SVEND_").rstrip("_").lower() or "svend"


# onnxruntime-int8: the ONNX graph with its weights quantized to int8 (dynamic quantization of
# the matrix multiplications), faster again on a CPU; its scores differ slightly, so a policy
# fitted on one runtime is used on it (see the verifier's calibration).
EncoderRuntime = Literal["onnxruntime", "onnxruntime-int8", "torch"]
ENCODER_RUNTIMES: tuple[str, ...] = get_args(EncoderRuntime)


def encoder_cache_dir() -> Path:
    """Where exported encoder graphs are cached: $XDG_CACHE_HOME/svend/encoders."""
    root = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return root / "svend" / "encoders"


class EncoderServiceSettings(ServiceSettings):
    """Settings of a service that runs a fine-tuned MiniLM artifact (svend.common.encoder)."""

    model_runtime: EncoderRuntime = Field(
        "onnxruntime",
        description="Runtime of the encoder's forward pass: onnxruntime (faster on a CPU, "
        "above all for short texts; same outputs as torch), onnxruntime-int8 (int8 weights, "
        "faster again, slightly different outputs) or torch.",
    )
    model_cache_dir: Path = Field(
        default_factory=encoder_cache_dir,
        description="Where the encoder's ONNX export is cached between starts (exporting takes "
        "about 10 s); an unwritable directory only costs the export at every start.",
    )
    model_threads: int = Field(
        2,
        ge=1,
        le=64,
        description="CPU threads of the encoder's forward pass (2 on a 2-core host).",
    )


SettingsT = TypeVar("SettingsT", bound=ServiceSettings)


def format_validation_error(settings_class: type[ServiceSettings], error: ValidationError) -> str:
    """Describe bad settings by their environment variable names."""
    prefix = settings_class.model_config.get("env_prefix", "")
    lines = [f"invalid settings for svend {settings_class.service_name()}:"]
    for problem in error.errors():
        field = ".".join(str(part) for part in problem["loc"])
        variable = field if field.startswith("SVEND_") else f"{prefix}{field}".upper()
        lines.append(f"  {variable}: {problem['msg']}")
    return "\n".join(lines)


def load_settings(settings_class: type[SettingsT]) -> SettingsT:
    """Read settings from the environment, or exit with a message naming each bad variable."""
    try:
        return settings_class()
    except ValidationError as error:
        print(format_validation_error(settings_class, error), file=sys.stderr)
        raise SystemExit(2) from None
