"""Reasoner settings and the weight-file checks that guard startup."""

import hashlib
from pathlib import Path

import pytest
from pydantic import ValidationError

from svend.reasoner.backends import ModelFileError, check_adapter, locate_weights, verify_sha256
from svend.reasoner.settings import ReasonerSettings


def test_only_existing_backends_are_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVEND_REASONER_BACKEND", "tgi")
    with pytest.raises(ValidationError, match="not supported"):
        ReasonerSettings()
    monkeypatch.setenv("SVEND_REASONER_BACKEND", "openai")
    monkeypatch.setenv("SVEND_REASONER_OPENAI_MODEL", "svend-lora")
    settings = ReasonerSettings()
    assert (settings.backend, settings.openai_model) == ("openai", "svend-lora")
    assert "none" not in repr(settings)


def test_defaults_must_fit_their_caps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVEND_REASONER_MAX_STEPS", "20")
    with pytest.raises(ValidationError, match="max_steps_limit"):
        ReasonerSettings()


def test_defaults_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVEND_REASONER_MAX_NEW_TOKENS", "64")
    monkeypatch.setenv("SVEND_REASONER_TOOLS_ADDR", "10.0.0.1:1")
    settings = ReasonerSettings()
    assert (settings.max_new_tokens, settings.max_steps) == (64, 4)
    assert settings.tools_addr == "10.0.0.1:1"
    assert settings.torch_threads == 1


def test_the_trained_adapter_is_the_default_and_can_be_turned_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    default = ReasonerSettings()
    assert default.adapter_dir is not None
    check_adapter(default.adapter_dir, default)  # the checked-in adapter matches the defaults
    monkeypatch.setenv("SVEND_REASONER_ADAPTER_DIR", "")
    assert ReasonerSettings().adapter_dir is None
    monkeypatch.setenv("SVEND_REASONER_TOOL_LISTING", "hermes")
    monkeypatch.delenv("SVEND_REASONER_ADAPTER_DIR")
    with pytest.raises(ModelFileError, match="ADAPTER_DIR= \\(empty\\)"):
        check_adapter(default.adapter_dir, ReasonerSettings())


def test_sha256_mismatch_is_refused(tmp_path: Path) -> None:
    weights = tmp_path / "model.gguf"
    weights.write_bytes(b"not the pinned weights")
    verify_sha256(weights, hashlib.sha256(b"not the pinned weights").hexdigest())
    with pytest.raises(ModelFileError, match="expected 00"):
        verify_sha256(weights, "0" * 64)


def test_missing_package_or_file_is_named() -> None:
    with pytest.raises(ModelFileError, match="not installed"):
        locate_weights("svend_no_such_package", "x.gguf")
    with pytest.raises(ModelFileError, match="does not exist"):
        locate_weights("svend", "no-such-file.gguf")
