"""compose.yaml, k8s/ and the Envoy config describe the mesh of svend/mesh.py, and are valid."""

import importlib
import importlib.util
import json
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from svend.common import ServiceSettings
from svend.launcher import Endpoint, service_environment
from svend.mesh import GATEWAY_PORT, REDIS_PORT, SERVICES, ServiceSpec

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES_VERSION = "1.33.0"
# Settings that compose and k8s set beyond the launcher's placement variables.
EXTRA_SETTINGS = {
    "router": {"SVEND_ROUTER_REDIS_URL": f"redis://redis:{REDIS_PORT}/0"},
    # The image copies models/ to /app/models; the default path is the source checkout's.
    "safety": {"SVEND_SAFETY_MODEL_DIR": "/app/models/safety/v1"},
    "verifier": {"SVEND_VERIFIER_MODEL_DIR": "/app/models/verifier/v1"},
    "reasoner": {"SVEND_REASONER_ADAPTER_DIR": "/app/models/reasoner/v1"},
}
OVERLAYS = ["k8s/base", "k8s/overlays/production"]


def load_yaml(relative: str) -> Any:
    return yaml.safe_load((ROOT / relative).read_text())


def expected_environment(spec: ServiceSpec) -> dict[str, str]:
    """What a container of spec gets: bind all interfaces, find the others by service name."""
    by_name = {s.name: Endpoint(s.grpc_port, s.metrics_port, host=s.name) for s in SERVICES}
    env = service_environment(spec.name, by_name)
    env[f"SVEND_{spec.name.upper()}_HOST"] = "0.0.0.0"
    return env | EXTRA_SETTINGS.get(spec.name, {})


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_yaml("compose.yaml")


@pytest.fixture(scope="module")
def rendered() -> dict[str, list[dict[str, Any]]]:
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl (with kustomize) is not installed")
    objects = {}
    for overlay in OVERLAYS:
        output = subprocess.run(
            ["kubectl", "kustomize", str(ROOT / overlay)],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        ).stdout
        objects[overlay] = [doc for doc in yaml.safe_load_all(output) if doc]
    return objects


def find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    (found,) = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def test_compose_follows_the_compose_specification(compose: dict[str, Any]) -> None:
    schema = json.loads((ROOT / "deploy/schemas/compose-spec.json").read_text())
    jsonschema.Draft201909Validator(schema).validate(compose)


def test_compose_services_match_the_mesh(compose: dict[str, Any]) -> None:
    services = compose["services"]
    for spec in SERVICES:
        service = services[spec.name]
        assert service["environment"] == expected_environment(spec), spec.name
        ports = {"GRPC_PORT": str(spec.grpc_port), "METRICS_PORT": str(spec.metrics_port)}
        assert service["build"]["args"] == {"SERVICE": spec.name, **ports}
        assert service["expose"] == [str(spec.grpc_port), str(spec.metrics_port)]
        waits_for = {name for name, d in service.get("depends_on", {}).items()}
        assert set(spec.depends_on) <= waits_for
        for dependency in service.get("depends_on", {}).values():
            assert dependency["condition"] == "service_healthy"
        assert service["healthcheck"]["test"]
    assert services["envoy"]["ports"] == [f"{GATEWAY_PORT}:{GATEWAY_PORT}"]
    assert set(services["envoy"]["depends_on"]) == {spec.name for spec in SERVICES}
    assert services["redis"]["image"].startswith("redis:7")


@pytest.mark.parametrize("spec", SERVICES, ids=lambda spec: spec.name)
def test_environment_names_are_settings_fields(spec: ServiceSpec) -> None:
    module_name = f"svend.{spec.name}.settings"
    if importlib.util.find_spec(module_name) is None:
        pytest.skip(f"{module_name} does not exist yet")
    module = importlib.import_module(module_name)
    (settings,) = {
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, ServiceSettings)
        and value.__module__ == module_name
    }
    prefix = settings.model_config["env_prefix"]
    fields = {f"{prefix}{name}".upper() for name in settings.model_fields}
    assert set(expected_environment(spec)) <= fields


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubernetes_objects_are_valid(
    rendered: dict[str, list[dict[str, Any]]], overlay: str
) -> None:
    for obj in rendered[overlay]:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)


# Settings a cluster overlay adds on purpose: production's model is offered every tool, listed
# as Qwen reads them.
OVERLAY_ONLY_ENV = {
    ("k8s/overlays/production", "reasoner"): {
        "SVEND_REASONER_TOOLS_OFFERED",
        "SVEND_REASONER_TOOL_LISTING",
    }
}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubernetes_services_match_the_mesh_and_compose(
    rendered: dict[str, list[dict[str, Any]]], compose: dict[str, Any], overlay: str
) -> None:
    objects = rendered[overlay]
    for spec in SERVICES:
        deployment = find(objects, "Deployment", spec.name)
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        env = {item["name"]: item["value"] for item in container["env"]}
        compose_env = compose["services"][spec.name]["environment"]
        assert {name: env.get(name) for name in compose_env} == compose_env
        assert set(env) - set(compose_env) == OVERLAY_ONLY_ENV.get((overlay, spec.name), set())
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert ports == {"grpc": spec.grpc_port, "metrics": spec.metrics_port}
        for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
            assert container[probe]["grpc"]["port"] == spec.grpc_port
        service = find(objects, "Service", spec.name)
        service_ports = {p["name"]: p["port"] for p in service["spec"]["ports"]}
        assert service_ports == {"grpc": spec.grpc_port, "metrics": spec.metrics_port}
    assert find(objects, "Service", "redis")["spec"]["ports"][0]["port"] == REDIS_PORT
    assert find(objects, "Service", "envoy")["spec"]["ports"][0]["port"] == GATEWAY_PORT


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_kubernetes_containers_are_locked_down(
    rendered: dict[str, list[dict[str, Any]]], overlay: str
) -> None:
    for deployment in [o for o in rendered[overlay] if o["kind"] == "Deployment"]:
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            assert {"cpu", "memory"} <= set(container["resources"]["requests"])
            assert {"cpu", "memory"} <= set(container["resources"]["limits"])


def test_kubernetes_envoy_mounts_the_committed_configuration(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    objects = rendered["k8s/base"]
    (config_map,) = [o for o in objects if o["kind"] == "ConfigMap"]
    committed = (ROOT / "deploy/envoy/envoy.yaml").read_text()
    assert config_map["data"]["envoy.yaml"] == committed
    pod = find(objects, "Deployment", "envoy")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["config"]["configMap"]["name"] == config_map["metadata"]["name"]


def test_envoy_clusters_point_at_each_service_port() -> None:
    config = load_yaml("deploy/envoy/envoy.yaml")
    clusters = {c["name"]: c for c in config["static_resources"]["clusters"]}
    assert set(clusters) == {spec.name for spec in SERVICES}
    for spec in SERVICES:
        (endpoints,) = clusters[spec.name]["load_assignment"]["endpoints"]
        (endpoint,) = endpoints["lb_endpoints"]
        address = endpoint["endpoint"]["address"]["socket_address"]
        assert address == {"address": spec.name, "port_value": spec.grpc_port}
    (listener,) = config["static_resources"]["listeners"]
    assert listener["address"]["socket_address"]["port_value"] == GATEWAY_PORT


def test_prometheus_scrapes_every_metrics_port() -> None:
    config = load_yaml("deploy/prometheus/prometheus.yml")
    targets = {
        job["job_name"]: [t for group in job["static_configs"] for t in group["targets"]]
        for job in config["scrape_configs"]
    }
    assert targets == {spec.name: [f"{spec.name}:{spec.metrics_port}"] for spec in SERVICES}


def test_every_service_has_the_package_extra_its_image_installs() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    assert {spec.name for spec in SERVICES} <= set(extras)
    dockerfile = (ROOT / "deploy/docker/service.Dockerfile").read_text()
    assert '".[${SERVICE}]"' in dockerfile
