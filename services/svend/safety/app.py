"""Wires the safety service: rules, the trained classifier, policy thresholds, gRPC binding."""

import asyncio
import dataclasses
import logging

from svend.common import ServiceApp, ServiceBinding
from svend.safety.checker import SafetyChecker
from svend.safety.classifier import Classifier
from svend.safety.model import ArtifactError, SafetyModel
from svend.safety.policy import Thresholds
from svend.safety.rules import Rules
from svend.safety.servicer import SafetyServicer
from svend.safety.settings import SafetySettings
from svend.safety.v1 import safety_pb2_grpc

log = logging.getLogger("svend.safety")


def thresholds_from(settings: SafetySettings) -> Thresholds:
    """The policy's thresholds as configured."""
    return Thresholds(
        review=settings.review_threshold,
        refuse=settings.refuse_threshold,
        edit=settings.edit_threshold,
        block=settings.block_threshold,
        block_min_passages=settings.block_min_passages,
        max_edit_fraction=settings.max_edit_fraction,
        category_refuse=settings.category_refuse_thresholds,
    )


def build_checker(settings: SafetySettings) -> SafetyChecker:
    """The rules and, unless turned off, the classifier, with their thresholds."""
    thresholds = thresholds_from(settings)
    if not settings.classifier_enabled:
        log.warning("the safety classifier is off: the rules alone decide")
        return SafetyChecker(Rules(), thresholds)
    # The service never starts without the model it was configured with.
    try:
        model = SafetyModel.load(
            settings.model_dir,
            threads=settings.model_threads,
            runtime=settings.model_runtime,
            cache_dir=settings.model_cache_dir,
        )
    except ArtifactError as error:
        raise SystemExit(f"svend safety: cannot load the classifier: {error}") from None
    validated = model.validated_thresholds
    if not {"review_threshold", "refuse_threshold"} <= set(validated):
        raise SystemExit(
            f"svend safety: {settings.model_dir} has no validated thresholds in its manifest; "
            "run make train-safety to the end"
        )
    if model.validated_runtime != settings.model_runtime:
        log.warning(
            "the classifier's thresholds were chosen on %s scores; %s scores differ by a few "
            "hundredths",
            model.validated_runtime,
            settings.model_runtime,
        )
    classifier_thresholds = dataclasses.replace(
        thresholds,
        review=settings.classifier_review_threshold or validated["review_threshold"],
        refuse=settings.classifier_refuse_threshold or validated["refuse_threshold"],
    )
    classifier = Classifier(model, max_batch=settings.max_batch)
    return SafetyChecker(Rules(), thresholds, classifier, classifier_thresholds)


async def build(settings: SafetySettings) -> ServiceApp:
    checker = await asyncio.to_thread(build_checker, settings)
    return ServiceApp(
        bindings=[
            ServiceBinding(
                name="svend.safety.v1.SafetyService",
                servicer=SafetyServicer(checker, settings.max_text_chars),
                register=safety_pb2_grpc.add_SafetyServiceServicer_to_server,
            )
        ]
    )
