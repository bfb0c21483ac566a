"""Media's photo workers scale per region group: on CPU by the base's HPAs, on the photo queues'
length by KEDA (`deploy/k8s/overlays/keda`), checked offline.

kubernetes-validate has no schema for KEDA's kinds and only warns about them (the document would
pass unchecked), so the KEDA overlay is checked in two halves, explicitly: every document of
another API group by kubernetes-validate `--strict` (and no "couldn't find schema" warning may
remain), and KEDA's `ScaledObject` and `TriggerAuthentication` against `KEDA_SCHEMAS` below (the
fields of KEDA 2.x's CRDs this overlay uses, no others allowed), then for what no schema can say:
each group's queue pattern matches exactly its Deployment's photo queues, and the groups cover the
20 regions once.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from shared import topology
from shared.regions import parse_region_list, region_codes
from tests.deploy.test_deploy_files import _documents, _kustomize_build, _passes, _tool

KEDA = "deploy/k8s/overlays/keda"
_NAME = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
_META = {"type": "object", "required": ["name"]}
KEDA_SCHEMAS: dict[str, dict[str, Any]] = {
    "ScaledObject": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "keda.sh/v1alpha1"},
            "metadata": _META,
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "required": ["scaleTargetRef", "triggers"],
                "properties": {
                    "scaleTargetRef": _NAME,
                    "minReplicaCount": {"type": "integer", "minimum": 0},
                    "maxReplicaCount": {"type": "integer", "minimum": 1},
                    "pollingInterval": {"type": "integer", "minimum": 1},
                    "cooldownPeriod": {"type": "integer", "minimum": 0},
                    "triggers": {
                        "type": "array",
                        "minItems": 1,
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["type", "metadata"],
                            "properties": {
                                "type": {"const": "rabbitmq"},
                                "authenticationRef": _NAME,
                                "metadata": {
                                    "type": "object",
                                    "additionalProperties": {"type": "string"},
                                    "required": ["protocol", "mode", "value", "queueName"],
                                    "properties": {
                                        "protocol": {"enum": ["http", "amqp", "auto"]},
                                        "mode": {"enum": ["QueueLength", "MessageRate"]},
                                        "value": {"type": "string", "pattern": "^[0-9]+$"},
                                        "useRegex": {"enum": ["true", "false"]},
                                        "operation": {"enum": ["sum", "max", "avg"]},
                                    },
                                },
                            },
                        },
                    },
                },
            },
        },
    },
    "TriggerAuthentication": {
        "type": "object",
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": "keda.sh/v1alpha1"},
            "metadata": _META,
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "secretTargetRef": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["parameter", "name", "key"],
                            "properties": {"parameter": {}, "name": {}, "key": {}},
                        },
                    }
                },
            },
        },
    },
}


def _photo_regions(deployment: dict[str, Any]) -> set[str]:
    args = deployment["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--queues") + 1] == "photos"
    return set(parse_region_list(args[args.index("--regions") + 1]))


def _photo_deployments(docs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {
        doc["metadata"]["name"]: doc
        for doc in docs
        if doc["kind"] == "Deployment" and doc["metadata"]["name"].startswith("media-photos-")
    }


@pytest.mark.parametrize("overlay", ["deploy/k8s/base", "deploy/k8s/overlays/production", KEDA])
def test_photo_groups_cover_every_region_once_and_media_s_events_worker_leaves_them_the_photos(
    overlay: str,
) -> None:
    docs = _documents(overlay)
    groups = [_photo_regions(doc) for doc in _photo_deployments(docs).values()]
    assert sorted(region for group in groups for region in group) == sorted(region_codes())
    [events] = [
        doc for doc in docs if doc["kind"] == "Deployment" and doc["metadata"]["name"] == "media-worker"
    ]
    args = events["spec"]["template"]["spec"]["containers"][0]["args"]
    assert args[args.index("--queues") + 1] == "events"


def test_without_keda_each_photo_group_scales_on_cpu() -> None:
    docs = _documents("deploy/k8s/overlays/production")
    targets = {
        doc["spec"]["scaleTargetRef"]["name"] for doc in docs if doc["kind"] == "HorizontalPodAutoscaler"
    }
    # Each photo group, and review's public process group (the vote's rush scales on CPU too).
    assert targets == {*_photo_deployments(docs), "review-public-web"}


def test_keda_overlay_validates_and_scales_each_group_on_exactly_its_photo_queues(tmp_path: Path) -> None:
    docs = [doc for doc in yaml.safe_load_all(_kustomize_build(KEDA)) if doc]
    keda = [doc for doc in docs if doc["apiVersion"].startswith("keda.sh/")]
    others = [doc for doc in docs if not doc["apiVersion"].startswith("keda.sh/")]
    validator = _tool("kubernetes-validate")
    if validator is not None:
        path = tmp_path / "manifests.yaml"
        path.write_text(yaml.safe_dump_all(others), encoding="utf-8")
        output = _passes([validator, "--strict", str(path)])
        assert "Couldn't find schema" not in output, output
    for doc in keda:
        jsonschema.validate(doc, KEDA_SCHEMAS[doc["kind"]])
    deployments = _photo_deployments(others)
    hpas = {
        doc["spec"]["scaleTargetRef"]["name"] for doc in others if doc["kind"] == "HorizontalPodAutoscaler"
    }
    assert not hpas & set(deployments), "KEDA makes the photo groups' HPAs"
    assert hpas == {"review-public-web"}, "the public process group keeps its CPU HPA"
    authentications = {doc["metadata"]["name"] for doc in keda if doc["kind"] == "TriggerAuthentication"}
    scaled = [doc for doc in keda if doc["kind"] == "ScaledObject"]
    assert {doc["spec"]["scaleTargetRef"]["name"] for doc in scaled} == set(deployments)
    every_queue = [topology.photo_queue("media", r) for r in region_codes()] + [
        topology.queue_name(service, r) for service in topology.SUBSCRIPTIONS for r in region_codes()
    ]
    for doc in scaled:
        [trigger] = doc["spec"]["triggers"]
        assert trigger["authenticationRef"]["name"] in authentications
        meta = trigger["metadata"]
        assert (meta["useRegex"], meta["operation"], meta["mode"]) == ("true", "sum", "QueueLength")
        pattern = re.compile(meta["queueName"])
        matched = {queue for queue in every_queue if pattern.fullmatch(queue)}
        regions = _photo_regions(deployments[doc["spec"]["scaleTargetRef"]["name"]])
        assert matched == {topology.photo_queue("media", region) for region in regions}
