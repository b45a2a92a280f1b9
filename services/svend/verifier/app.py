"""Wires the verifier: a tools client for re-runs, the Verifier, and the gRPC binding."""

from svend.common import ServiceApp, ServiceBinding
from svend.common.clients import ToolsClient
from svend.verifier.remote_tools import RemoteToolRunner
from svend.verifier.servicer import VerifierServicer
from svend.verifier.settings import VerifierSettings
from svend.verifier.v1 import verifier_pb2_grpc
from svend.verifier.verifier import Verifier

SERVICE_NAME = "svend.verifier.v1.VerifierService"


async def build(settings: VerifierSettings) -> ServiceApp:
    """The verifier's app; it needs no start-up work, and the tools service may come up later."""
    tools = ToolsClient(settings.tools_addr, timeout_seconds=settings.tools_timeout_seconds)
    verifier = Verifier(RemoteToolRunner(tools), settings.tools_concurrency)
    binding = ServiceBinding(
        name=SERVICE_NAME,
        servicer=VerifierServicer(verifier, settings),
        register=verifier_pb2_grpc.add_VerifierServiceServicer_to_server,
    )
    return ServiceApp(bindings=[binding], shutdown=tools.close)
