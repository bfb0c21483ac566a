"""Notify's JSON API: templates (admins), the delivery log (admins; chairs for their region), and the
gateways' signed delivery receipts (public, authenticated by their HMAC signature instead)."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import Forbidden

from services.notify import queries, rules
from services.notify.messages import PROBLEMS
from services.notify.models import OptOut
from services.notify.operations import audit, receipts, template_store, templating
from services.notify.operations.providers import gateways
from services.notify.operations.unsubscribe import address_of
from services.notify.rules.catalogue import CHANNELS
from services.notify.schemas import MessageQuery, MessageSchema, TemplateSchema
from shared import bodies, clock, identity, problems
from shared.problems import load_query
from shared.web import current_runtime

bp = Blueprint("notify_api", __name__, url_prefix="/api/v1")
_messages = MessageSchema(many=True)
_templates = TemplateSchema(many=True)


@bp.get("/messages")
@identity.roles(*rules.LOG_ROLES)
def list_messages() -> tuple[Response, int]:
    query = load_query(MessageQuery(), request.args)
    who = identity.caller()
    if who.region is not None:
        if query.get("region") not in (None, who.region):
            raise Forbidden()
        query["region"] = who.region
    with current_runtime().db.unit_of_work() as session:
        messages = queries.messages(session, query)
        audit.listed(session, who, query, len(messages))
        return jsonify(items=_messages.dump(messages)), 200


@bp.get("/templates")
@identity.roles("admin")
def list_templates() -> tuple[Response, int]:
    with current_runtime().db.unit_of_work() as session:
        return jsonify(items=_templates.dump(template_store.latest_all(session))), 200


@bp.get("/templates/<code>")
@identity.roles("admin")
def get_template(code: str) -> tuple[Response, int] | Response:
    if code not in CHANNELS:
        return problems.problem(404)
    with current_runtime().db.unit_of_work() as session:
        template_store.seed(session)
        versions = template_store.history(session, code)
        current = {
            t.channel: t
            for t in versions
            if t.version == max(v.version for v in versions if v.channel == t.channel)
        }
        return jsonify(
            code=code,
            channels=list(CHANNELS[code]),
            parameters=sorted(templating.sample(code)),
            current=_templates.dump(list(current.values())),
            versions=_templates.dump(versions),
        ), 200


@bp.put("/templates/<code>")
@identity.roles("admin")
def put_template(code: str) -> tuple[Response, int] | Response:
    if code not in CHANNELS:
        return problems.problem(404)
    document = bodies.json_object()
    channel = document.get("channel")
    body, subject = document.get("body"), document.get("subject")
    if channel not in ("email", "sms") or not isinstance(body, dict):
        return _refused({"channel": "email or sms, with a body of {kk, ru, en}"})
    try:
        with current_runtime().db.unit_of_work() as session:
            saved = template_store.save(
                session, code, channel, _texts(subject), _texts(body), identity.caller().user_id
            )
            audit.record(
                session,
                identity.caller(),
                audit.TEMPLATE_SAVED,
                object=f"template:{code}/{channel}",
                version=saved.version,
            )
            return jsonify(TemplateSchema().dump(saved)), 201
    except templating.TemplateRefused as exc:
        return _refused(exc.problems, exc.code)


@bp.post("/templates/<code>/preview")
@identity.roles("admin")
def preview(code: str) -> tuple[Response, int] | Response:
    """Render texts as given (or the current version) with the parameters, samples for the missing."""
    if code not in CHANNELS:
        return problems.problem(404)
    document = bodies.json_object()
    language, channel = document.get("language", "kk"), document.get("channel", CHANNELS[code][0])
    if language not in ("kk", "ru", "en") or channel not in CHANNELS[code]:
        return _refused({"language": "kk, ru or en, on a channel of this message"})
    subject, body = document.get("subject"), document.get("body")
    if body is None:
        with current_runtime().db.unit_of_work() as session:
            current = template_store.current(session, code, channel)
            subject, body = (current.subject, current.body) if current else (None, {})
    subject, body = _texts(subject), _texts(body) or {}
    try:
        try:
            templating.check(code, channel, subject, body)
        except templating.TemplateRefused as exc:
            # Only this language's problems (and the template's as a whole) stop its preview.
            mine = {k: v for k, v in exc.problems.items() if "." not in k or k.endswith(f".{language}")}
            if mine:
                raise templating.TemplateRefused(mine, exc.code) from None
        rendered = templating.render(
            channel, subject, body, language, templating.sample(code, document.get("params"))
        )
    except templating.TemplateRefused as exc:
        return _refused(exc.problems, exc.code)
    except Exception as exc:
        return _refused({"params": f"{type(exc).__name__}: {exc}"})
    return jsonify(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        segments=rendered.segments,
        encoding=rendered.encoding,
        characters=len(rendered.text),
    ), 200


#: What a delivery receipt's `status` may say.
RECEIPT_STATES = ("delivered", "failed")


@bp.post("/receipts/<provider>")
@identity.public
def receipt(provider: str) -> tuple[Response, int] | Response:
    """A gateway's delivery receipt, signed with its `receipt_secret` (X-Signature, HMAC-SHA256)."""
    configured = {g.name: g for g in gateways(current_runtime().settings.notify)}
    gateway = configured.get(provider)
    raw = request.get_data(cache=True)
    if gateway is None or not receipts.signed(gateway, raw, request.headers.get("X-Signature", "")):
        return problems.problem(401)
    report = bodies.json_object()
    provider_id, state = report.get("id"), report.get("status")
    wrong = {
        name: ["field.invalid" if name in report else "field.required"]
        for name, fine in (("id", isinstance(provider_id, str | int)), ("status", state in RECEIPT_STATES))
        if not fine
    }
    if wrong:
        return problems.problem(422, "invalid_body", errors=wrong)
    with current_runtime().db.unit_of_work() as session:
        found = receipts.record(session, provider, str(provider_id), state, str(report.get("reason") or ""))
    return jsonify(recorded=found), 200 if found else 202


@bp.post("/unsubscribe/<token>")
@identity.public
def unsubscribe(token: str) -> tuple[Response, int] | Response:
    """RFC 8058 one-click unsubscribe (a mail client's POST, no cookie): no more optional messages."""
    runtime = current_runtime()
    address = address_of(runtime.settings.secret_key, token)
    if address is None:
        return problems.problem(404)
    with runtime.db.unit_of_work() as session:
        if session.get(OptOut, address) is None:
            session.add(OptOut(address=address, at=clock.utcnow()))
    return jsonify(unsubscribed=True), 200


def _texts(value: Any) -> dict[str, str] | None:
    if not isinstance(value, dict):
        return None
    return {lang: str(value.get(lang) or "") for lang in ("kk", "ru", "en")}


def _refused(where: dict[str, str], code: str | None = None) -> Response:
    response = problems.problem(422, code, catalog=PROBLEMS)
    body = json.loads(response.get_data())
    body["problems"] = where
    response.set_data(json.dumps(body, ensure_ascii=False))
    return response
