"""Templates in the database: the current version of each (message, channel), its history, saving a
new version (checked first), and the seed versions from the repository's files."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.notify.messages import CHANNEL_NOT_OFFERED
from services.notify.models import Template
from services.notify.operations import drafts, templating
from services.notify.rules.catalogue import CHANNELS
from shared import clock, refusals

SEEDED_BY = "seed"
#: Seconds a worker keeps the current version of a template before reading it again: a saved
#: version is used by every worker within this, and a burst of events reads each template once.
CACHE_SECONDS = 5.0


@dataclass(frozen=True)
class Texts:
    """What sending needs of a template version, detached from any session."""

    version: int
    subject: dict[str, str] | None
    body: dict[str, str]


_cache: dict[tuple[str, str], tuple[float, Texts | None]] = {}


def current_texts(session: Session, code: str, channel: str) -> Texts | None:
    """The current version's texts, read at most once per `CACHE_SECONDS` per process."""
    key = (code, channel)
    cached = _cache.get(key)
    now = time.monotonic()
    if cached is not None and cached[0] > now:
        return cached[1]
    found = current(session, code, channel)
    texts = Texts(found.version, found.subject, found.body) if found is not None else None
    _cache[key] = (now + CACHE_SECONDS, texts)
    return texts


def current(session: Session, code: str, channel: str) -> Template | None:
    """The newest version; the seed is written first if the database has none (a fresh store)."""
    found = _newest(session, code, channel)
    if found is None and (code, channel) in templating.seed_files():
        seed(session)
        found = _newest(session, code, channel)
    return found


def _newest(session: Session, code: str, channel: str) -> Template | None:
    query = select(Template).where(Template.code == code, Template.channel == channel)
    return session.scalars(query.order_by(Template.version.desc()).limit(1)).first()


def history(session: Session, code: str) -> list[Template]:
    query = select(Template).where(Template.code == code)
    return list(session.scalars(query.order_by(Template.channel, Template.version.desc())))


def latest_all(session: Session) -> list[Template]:
    seed(session)
    newest = (
        select(Template.code, Template.channel, func.max(Template.version).label("version"))
        .group_by(Template.code, Template.channel)
        .subquery()
    )
    query = select(Template).join(
        newest,
        (Template.code == newest.c.code)
        & (Template.channel == newest.c.channel)
        & (Template.version == newest.c.version),
    )
    return list(session.scalars(query.order_by(Template.code, Template.channel)))


def save(
    session: Session, code: str, channel: str, subject: dict[str, str] | None, body: dict[str, str], by: str
) -> Template:
    """A new version of the template, after `templating.check` (raises `TemplateRefused`)."""
    if channel not in CHANNELS.get(code, ()):
        raise templating.TemplateRefused({"channel": f"{code} has no {channel} template"})
    templating.check(code, channel, subject, body)
    previous = current(session, code, channel)
    template = Template(
        code=code,
        channel=channel,
        version=(previous.version + 1) if previous else 1,
        subject=subject if channel == "email" else None,
        body=body,
        created_by=by,
        created_at=clock.utcnow(),
    )
    session.add(template)
    session.flush()
    _cache.pop((code, channel), None)
    return template


def seed(session: Session) -> int:
    """Write version 1 of every seed template the database lacks; returns how many were written."""
    written = 0
    for (code, channel), texts in templating.seed_files().items():
        if _newest(session, code, channel) is None:
            session.add(_seed_row(code, channel, texts))
            written += 1
    session.flush()
    return written


def _seed_row(code: str, channel: str, texts: dict[str, Any]) -> Template:
    return Template(
        code=code,
        channel=channel,
        version=1,
        subject=texts["subject"],
        body=texts["body"],
        created_by=SEEDED_BY,
        created_at=clock.utcnow(),
    )


def channels_of(code: str) -> tuple[str, ...]:
    """The channels of the message `code`; `NotFound` for a code no message has."""
    if code not in CHANNELS:
        raise refusals.NotFound()
    return CHANNELS[code]


def texts_of(value: Any) -> dict[str, str] | None:
    """A part of a template as the API sends it (`{kk, ru, en}`), each language a string."""
    if not isinstance(value, dict):
        return None
    return {lang: str(value.get(lang) or "") for lang in ("kk", "ru", "en")}


def save_document(session: Session, code: str, document: dict[str, Any], by: str) -> Template:
    """A new version from the API's body (`channel`, `subject`, `body`); raises `TemplateRefused`."""
    channels_of(code)
    channel, body = document.get("channel"), document.get("body")
    if channel not in ("email", "sms") or not isinstance(body, dict):
        raise templating.TemplateRefused({"channel": "email or sms, with a body of {kk, ru, en}"})
    return save(session, code, channel, texts_of(document.get("subject")), texts_of(body) or {}, by)


def preview(session: Session, code: str, document: dict[str, Any]) -> templating.Rendered:
    """The texts as given (else the current version) rendered with the parameters, the samples of
    `language` for the missing. Only the language's problems (and the template's as a whole) refuse
    its preview."""
    language, channel = document.get("language", "kk"), document.get("channel", channels_of(code)[0])
    if channel not in CHANNELS[code]:
        raise refusals.Invalid(CHANNEL_NOT_OFFERED)
    subject, body = document.get("subject"), document.get("body")
    if body is None:
        found = current(session, code, channel)
        subject, body = (found.subject, found.body) if found else (None, {})
    subject, body = texts_of(subject), texts_of(body) or {}
    try:
        try:
            templating.check(code, channel, subject, body)
        except templating.TemplateRefused as exc:
            mine = {k: v for k, v in exc.problems.items() if "." not in k or k.endswith(f".{language}")}
            if mine:
                raise templating.TemplateRefused(mine, exc.code) from None
        # The sample values in the language previewed (its dates, region, words), as the editor's.
        params = {**drafts.sample(code, language), **(document.get("params") or {})}
        return templating.render(channel, subject, body, language, params)
    except templating.TemplateRefused:
        raise
    except Exception as exc:
        raise templating.TemplateRefused({"params": f"{type(exc).__name__}: {exc}"}) from exc
