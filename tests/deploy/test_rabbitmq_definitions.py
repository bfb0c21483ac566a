"""The committed RabbitMQ definitions import into a real RabbitMQ 3.10, and the demo user can log in.

Imported into a scratch vhost under a scratch user name (the same password hash), both deleted
afterwards, so the machine's broker is left as it was.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest

from services.cli import DEMO_USER
from shared.testing import RABBITMQ, rabbitmqctl, require, server_unavailable

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


def _ctl(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return rabbitmqctl("-q", *args, stdin=stdin, check=False)


def _broker_or_skip() -> None:
    require("RABBITMQ", RABBITMQ)
    if shutil.which("rabbitmqctl") is None:
        server_unavailable("rabbitmqctl not available: the definitions cannot be imported")


def test_definitions_import_and_the_demo_user_authenticates() -> None:
    _broker_or_skip()
    scratch = f"top100_defs_{uuid.uuid4().hex[:10]}"
    document = json.loads((ROOT / "deploy/rabbitmq/definitions.json").read_text(encoding="utf-8"))
    text = json.dumps(document).replace('"vhost": "/"', f'"vhost": "{scratch}"')
    document = json.loads(text)
    document["vhosts"] = [{"name": scratch}]
    document["users"][0]["name"] = scratch
    document["permissions"][0].update(user=scratch, vhost=scratch)
    try:
        # Through stdin: the broker runs as another user, who may not read a root-owned temp folder.
        imported = _ctl("import_definitions", "--format", "json", stdin=json.dumps(document))
        assert imported.returncode == 0, imported.stdout + imported.stderr
        queues = _ctl("list_queues", "-p", scratch, "name", "type", "--no-table-headers").stdout.split("\n")
        listed = dict(line.split("\t") for line in queues if "\t" in line)
        assert listed["review.almaty"] == "quorum"
        assert listed["notify.parked"] == "quorum"
        assert len(listed) == len(document["queues"])
        login = _ctl("authenticate_user", scratch, DEMO_USER)
        assert login.returncode == 0, f"the demo password hash is wrong: {login.stdout}{login.stderr}"
    finally:
        _ctl("delete_vhost", scratch)
        _ctl("delete_user", scratch)
