"""The shared runtime's pure parts: settings validation, the error table, deadline budgets."""

import asyncio
import time

import grpc
import pytest

from svend.common.context import bounded_timeout, deadline_var
from svend.common.errors import (
    GENERIC_INTERNAL_MESSAGE,
    InvalidArgumentError,
    NotReadyError,
    UnavailableError,
    status_for,
)
from svend.common.settings import load_settings
from svend.router.settings import RouterSettings
from svend.tools.settings import ToolsSettings


def test_ports_default_to_the_mesh_table() -> None:
    settings = ToolsSettings()
    assert (settings.port, settings.metrics_port) == (50055, 9105)


def test_environment_overrides_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SVEND_ROUTER_PORT", "6000")
    monkeypatch.setenv("SVEND_REDIS_URL", "redis://cache:6379/0")
    settings = RouterSettings()
    assert settings.port == 6000
    assert settings.redis_url == "redis://cache:6379/0"


def test_bad_settings_stop_the_service_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SVEND_TOOLS_PORT", "not-a-port")
    monkeypatch.setenv("SVEND_TOOLS_GRACE_SECONDS", "-1")
    with pytest.raises(SystemExit) as exit_info:
        load_settings(ToolsSettings)
    assert exit_info.value.code == 2
    message = capsys.readouterr().err
    assert "SVEND_TOOLS_PORT" in message
    assert "SVEND_TOOLS_GRACE_SECONDS" in message


@pytest.mark.parametrize(
    ("error", "code", "message"),
    [
        (
            InvalidArgumentError("query", "must not be empty"),
            grpc.StatusCode.INVALID_ARGUMENT,
            "query: must not be empty",
        ),
        (NotReadyError("loading"), grpc.StatusCode.UNAVAILABLE, "loading"),
        (UnavailableError("safety down"), grpc.StatusCode.UNAVAILABLE, "safety down"),
        (TimeoutError(), grpc.StatusCode.DEADLINE_EXCEEDED, "deadline exceeded"),
        (KeyError("secret internals"), grpc.StatusCode.INTERNAL, GENERIC_INTERNAL_MESSAGE),
    ],
)
def test_errors_map_to_statuses(error: Exception, code: grpc.StatusCode, message: str) -> None:
    assert status_for(error) == (code, message)


def test_downstream_timeouts_are_cut_to_the_request_deadline() -> None:
    async def within_deadline() -> tuple[float, float]:
        deadline_var.set(time.monotonic() + 0.5)
        return bounded_timeout(10.0), bounded_timeout(0.1)

    long_call, short_call = asyncio.run(within_deadline())
    assert 0.4 < long_call <= 0.5
    assert short_call == pytest.approx(0.1)
    assert bounded_timeout(10.0) == 10.0
