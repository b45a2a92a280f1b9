"""Wires the verifier: a tools client for re-runs, the step scorer, the Verifier, and the gRPC
binding."""

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING

from svend.common import ServiceApp, ServiceBinding
from svend.common.clients import ToolsClient
from svend.verifier.findings import ScorerPolicy
from svend.verifier.remote_tools import RemoteToolRunner
from svend.verifier.servicer import VerifierServicer
from svend.verifier.settings import VerifierSettings
from svend.verifier.v1 import verifier_pb2_grpc
from svend.verifier.verifier import Verifier

if TYPE_CHECKING:
    from svend.verifier.scorer import StepScorer

log = logging.getLogger(__name__)

SERVICE_NAME = "svend.verifier.v1.VerifierService"


def load_scorer(settings: VerifierSettings) -> tuple["StepScorer | None", ScorerPolicy | None]:
    """The step scorer and its verdict policy, unless turned off; exits when the configured
    model cannot be used, so the service never runs with less than it was configured with."""
    if not settings.scorer_enabled:
        log.warning("the step scorer is off: exact checks alone decide")
        return None, None
    from svend.common.encoder import ArtifactError
    from svend.verifier.scorer import StepScorer

    try:
        scorer = StepScorer.load(
            settings.model_dir,
            threads=settings.model_threads,
            runtime=settings.model_runtime,
            cache_dir=settings.model_cache_dir,
        )
    except ArtifactError as error:
        raise SystemExit(f"svend verifier: cannot load the step scorer: {error}") from None
    if scorer.policy is None:
        raise SystemExit(
            f"svend verifier: {settings.model_dir} has no validated verdict policy in its "
            "calibration; run make train-verifier to the end"
        )
    policy = scorer.policy
    if policy.runtime != settings.model_runtime:
        log.warning(
            "the verdict policy was fitted on %s scores; %s scores differ by a few hundredths",
            policy.runtime,
            settings.model_runtime,
        )
    if settings.scorer_threshold is not None:
        policy = dataclasses.replace(policy, threshold=settings.scorer_threshold)
    return scorer, policy


async def build(settings: VerifierSettings) -> ServiceApp:
    """The verifier's app: the step scorer loads at start-up; the tools service may come up
    later."""
    scorer, policy = await asyncio.to_thread(load_scorer, settings)
    tools = ToolsClient(settings.tools_addr, timeout_seconds=settings.tools_timeout_seconds)
    verifier = Verifier(
        RemoteToolRunner(tools),
        settings.tools_concurrency,
        scorer,
        policy,
        max_batch=settings.max_batch,
    )
    binding = ServiceBinding(
        name=SERVICE_NAME,
        servicer=VerifierServicer(verifier, settings),
        register=verifier_pb2_grpc.add_VerifierServiceServicer_to_server,
    )
    return ServiceApp(bindings=[binding], shutdown=tools.close)
