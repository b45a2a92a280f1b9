"""Wires the safety service: rule scorer, policy thresholds from settings, the gRPC binding."""

from svend.common import ServiceApp, ServiceBinding
from svend.safety.checker import SafetyChecker
from svend.safety.policy import Thresholds
from svend.safety.rules import Rules
from svend.safety.servicer import SafetyServicer
from svend.safety.settings import SafetySettings
from svend.safety.v1 import safety_pb2_grpc


def thresholds_from(settings: SafetySettings) -> Thresholds:
    """The policy's thresholds as configured."""
    return Thresholds(
        review=settings.review_threshold,
        refuse=settings.refuse_threshold,
        edit=settings.edit_threshold,
        block=settings.block_threshold,
        block_min_passages=settings.block_min_passages,
        max_edit_fraction=settings.max_edit_fraction,
    )


def build_checker(settings: SafetySettings) -> SafetyChecker:
    """The checker with every scorer the service runs (the rules; a classifier joins here)."""
    rules = Rules()
    return SafetyChecker([rules], [rules], thresholds_from(settings))


async def build(settings: SafetySettings) -> ServiceApp:
    checker = build_checker(settings)
    return ServiceApp(
        bindings=[
            ServiceBinding(
                name="svend.safety.v1.SafetyService",
                servicer=SafetyServicer(checker, settings.max_text_chars),
                register=safety_pb2_grpc.add_SafetyServiceServicer_to_server,
            )
        ]
    )
