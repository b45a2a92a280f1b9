"""The shape of the mesh: which services exist, their default ports and who calls whom.

The local launcher, compose.yaml, k8s/ and Envoy's configuration all describe this same
mesh; the tests check them against this table.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ServiceSpec:
    """One service of the mesh."""

    name: str
    grpc_service: str
    grpc_port: int
    metrics_port: int
    # Services this one calls; each becomes a SVEND_<NAME>_<DEPENDENCY>_ADDR setting.
    depends_on: tuple[str, ...] = ()


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec("safety", "svend.safety.v1.SafetyService", 50052, 9102),
    ServiceSpec("tools", "svend.tools.v1.ToolService", 50055, 9105),
    ServiceSpec("verifier", "svend.verifier.v1.VerifierService", 50054, 9104, ("tools",)),
    ServiceSpec("reasoner", "svend.reasoner.v1.ReasonerService", 50053, 9103, ("tools",)),
    ServiceSpec(
        "router",
        "svend.router.v1.RouterService",
        50051,
        9101,
        ("safety", "tools", "reasoner", "verifier"),
    ),
)
SERVICES_BY_NAME = {spec.name: spec for spec in SERVICES}

GATEWAY_PORT = 8080
GATEWAY_ADMIN_PORT = 9901
REDIS_PORT = 6379


def dependency_env_var(service: str, dependency: str) -> str:
    """The setting that tells `service` where `dependency` listens."""
    return f"SVEND_{service.upper()}_{dependency.upper()}_ADDR"


def default_address(service: str) -> str:
    """Where a service listens by default on one machine."""
    return f"127.0.0.1:{SERVICES_BY_NAME[service].grpc_port}"
