"""The apps the contract tests walk: each service's real app on its own migrated database, the routes
of its URL map, and a path for each route with its variables filled.

Review gets one candidate (in almaty) to aim at; intake gets the demo reference data and a portal
key of almaty, since every call of its API needs one.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.routing import Rule

from shared import config, identity, testing
from shared.handling import handle
from shared.runtime import Runtime

#: What a path's variables are filled with (a candidate's id is the seeded candidate's).
FILLER = "00000000-0000-4000-8000-000000000000"
#: Variables that are not ids: a year and a stage of the programme, a message's template and channel.
NAMED_FILLERS: dict[str, Any] = {
    "year": 2026,
    "stage": "regional",
    "code": "nomination_received",
    "channel": "email",
    "contest_id": "2026-regional-almaty",
    "scope": "almaty",
}
#: The moment intake's calendar is at: submissions are open.
INTAKE_NOW = "2026-09-20T10:00:00+05:00"
#: Apps besides each service's own: (the service whose database it uses, its factory's module).
#: Review's public process group (the vote and the gallery) is one, on review's database.
APPS = {"review-public": ("review", "services.review.public_app")}
#: The moment review's public process group is at: the regional vote of 2026 is open.
VOTE_NOW = "2026-10-08T12:00:00+05:00"


@dataclass
class Service:
    name: str
    app: Flask
    runtime: Runtime
    candidate_id: str | None = None
    #: Intake's portal key (almaty); None elsewhere.
    key: str | None = None

    def rules(self) -> Iterator[tuple[Rule, str]]:
        """Every (route, method) of the app but HEAD and OPTIONS, which Flask answers itself."""
        for rule in self.app.url_map.iter_rules():
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                yield rule, method

    def path(self, rule: Rule, values: Mapping[str, Any] | None = None) -> str:
        """The path of `rule`: `values` where given, else the seeded candidate or a filler."""
        filled = {
            name: self.candidate_id or FILLER if "candidate" in name else NAMED_FILLERS.get(name, FILLER)
            for name in rule.arguments
        }
        filled.update(values or {})
        if rule.rule.startswith("/static"):
            filled = {"filename": "top100.css"}
        return rule.build(filled, append_unknown=False)[1]

    def admin(self) -> dict[str, str]:
        """Credentials that read every list of the API: intake's portal key, else an administrator."""
        if self.key is not None:
            return {"Authorization": f"Bearer {self.key}"}
        return self.bearer("admin", "national")

    def caller(self, rule: Rule) -> dict[str, str]:
        """Credentials that may call `rule`: intake's portal key, else an admin, else a chair or a
        member of almaty (the seeded candidate's region), as `test_access.ROLES_ONLY` allows."""
        from tests.contracts.test_access import ROLES_ONLY

        if self.key is not None:
            return {"Authorization": f"Bearer {self.key}"}
        allowed = ROLES_ONLY.get((self.name, rule.endpoint), frozenset(identity.ROLES))
        role = next(r for r in ("admin", "regional_chair", "regional_member") if r in allowed)
        return self.bearer(role, "almaty" if role in identity.REGIONAL_ROLES else identity.NATIONAL)

    def bearer(self, role: str, scope: str) -> dict[str, str]:
        """Valid credentials of a made-up person of `role` in `scope`."""
        secret = self.runtime.settings.secret_key
        return testing.bearer(secret, role, scope, user_id=str(uuid.uuid4()))


@contextmanager
def started(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Service]:
    """The service `name` on a fresh database under `tmp_path`, as `config.load` wires it."""
    service, module = APPS.get(name, (name, f"services.{name}.app"))
    monkeypatch.setenv("TOP100_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(f"{service.upper()}_DATABASE_URL", raising=False)
    if name == "intake":
        monkeypatch.setenv("TOP100_NOW", INTAKE_NOW)
    if name == "review-public":
        monkeypatch.setenv("TOP100_NOW", VOTE_NOW)
    with testing.migrated_runtime(service, config.load(service)) as runtime:
        app = importlib.import_module(module).create_app(runtime)
        found = Service(name, app, runtime)
        if service == "review":
            found.candidate_id = _seed_candidate(runtime)
        if name == "media":
            _seed_media(runtime, tmp_path)
        if name == "intake":
            found.key = _portal_key(runtime)
        yield found


def fixture(*names: str) -> Any:
    """A `service` fixture giving each service of `names` in turn, started on a fresh database."""

    @pytest.fixture(params=names)
    def service(
        request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> Iterator[Service]:
        with started(request.param, tmp_path, monkeypatch) as found:
            yield found

    return service


def _seed_candidate(runtime: Runtime) -> str:
    from services.review.handlers import HANDLERS
    from services.review.models import Candidate
    from services.review.tests.factories import submitted

    handle(runtime, HANDLERS, "review", submitted("nom-access", "almaty"))
    with runtime.db.unit_of_work() as session:
        return str(session.scalars(select(Candidate.id)).one())


def _portal_key(runtime: Runtime) -> str:
    from services.intake.operations import keys, refdata

    with runtime.db.unit_of_work() as session:
        refdata.load_paths(session, [])
    with runtime.db.unit_of_work() as session:
        return keys.issue(session, "almaty")[1]


#: Media's seeded nominations: who the media team may see, and who not (no consent; regional stage).
MEDIA_SHOWN = "nom-shown"
MEDIA_HIDDEN = {"no consent": "nom-private", "regional stage": "nom-regional"}


def _seed_media(runtime: Runtime, folder: Path) -> None:
    from services.media.handlers import HANDLERS
    from services.media.tests.factories import advanced, jpeg, stored_photo, submitted

    for nomination_id in (MEDIA_SHOWN, *MEDIA_HIDDEN.values()):
        told = submitted(stored_photo(folder, jpeg(), nomination_id), nomination_id)
        told.payload["consent_publication"] = nomination_id != MEDIA_HIDDEN["no consent"]
        handle(runtime, HANDLERS, "media", told)
        if nomination_id != MEDIA_HIDDEN["regional stage"]:
            handle(runtime, HANDLERS, "media", advanced(nomination_id))
