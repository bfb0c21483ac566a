"""The template editor (administrators): the texts of the three languages, a preview of each as the
recipient will see it (the email's HTML or the SMS with its segments, with that language's sample
values), the parameters in plain words, errors in the page's language naming the line; the history
with what each version changed and "restore this version"; "send me a test"."""

from __future__ import annotations

from typing import Any

from flask import redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from services.notify import queries, rules
from services.notify.messages import AT_LINE, PARAMETER_HELP, PARTS, TEMPLATE_PROBLEMS
from services.notify.models import Message, Person, Template
from services.notify.operations import drafts, editing, sending, template_store, templating
from services.notify.operations.providers import delivery_for
from services.notify.pages import bp, render
from services.notify.rules import versions
from services.notify.rules.catalogue import CHANNELS
from shared import i18n, identity, pages
from shared.i18n import LANGUAGES
from shared.refusals import NotFound
from shared.web import current_runtime

#: The preview's own policy: the letter's inline styles, nothing else; a sandbox even if opened alone.
PREVIEW_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox; frame-ancestors 'self'"
)
#: Rows a text area never shrinks below or grows past (it is sized to its text in between).
MIN_ROWS, MAX_ROWS = 4, 30


def _known(code: str, channel: str) -> None:
    if channel not in CHANNELS.get(code, ()):
        raise NotFound()


def _texts(part: str) -> dict[str, str]:
    return {lang: (request.form.get(f"{part}.{lang}") or "").replace("\r\n", "\n") for lang in LANGUAGES}


def rows(text: str) -> int:
    """A text area's height in lines: its text and one more, within `MIN_ROWS`..`MAX_ROWS`."""
    return min(MAX_ROWS, max(MIN_ROWS, text.count("\n") + 2))


def worded(problem: drafts.Problem, lang: str) -> str:
    """A problem in the page's language, naming its line where there is one."""
    said = i18n.translate(TEMPLATE_PROBLEMS[problem.code], lang, {"detail": problem.detail})
    return i18n.translate(AT_LINE, lang, {"line": problem.line, "problem": said}) if problem.line else said


def _help(code: str, lang: str) -> list[tuple[str, str, str]]:
    """Each parameter of the message: its name, what it is in words, and its example in `lang`."""
    example = drafts.sample(code, lang)
    shown = []
    for name in sorted(example):
        value = example[name]
        value = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        shown.append((name, i18n.translate(PARAMETER_HELP.get(name, name), lang), value))
    return shown


def _editor(code: str, channel: str, current: Template | None, status: int = 200, **more: Any) -> pages.Page:
    lang = pages.page_language()
    subject = more.pop("subject", None) or (current.subject if current else None) or {}
    body = more.pop("body", None) or (current.body if current else {})
    return render(
        "template.html",
        status,
        code=code,
        channel=channel,
        current=current,
        subject=subject,
        body=body,
        rows=rows,
        parameters=_help(code, lang),
        part_names=PARTS,
        **more,
    )


@bp.get("/templates")
@identity.roles("admin")
def templates() -> pages.Page:
    with current_runtime().db.unit_of_work() as session:
        current = template_store.latest_all(session)
        return render("templates.html", templates=current)


@bp.get("/templates/<code>/<channel>")
@identity.roles("admin")
def edit_template(code: str, channel: str) -> pages.Page:
    _known(code, channel)
    with current_runtime().db.unit_of_work() as session:
        current = template_store.current(session, code, channel)
        tested = _own_test(session, request.args.get("tested"))
        return _editor(code, channel, current, saved=request.args.get("saved"), tested=tested)


def _own_test(session: Session, message_id: str | None) -> Message | None:
    """The caller's own test message, to say how its sending went; None for anything else."""
    found = queries.get_message(session, message_id) if message_id else None
    mine = found is not None and found.test and found.recipient_ref == f"user:{identity.caller().user_id}"
    return found if mine else None


@bp.post("/templates/<code>/<channel>")
@identity.roles("admin")
def save_template(code: str, channel: str) -> pages.Page | Response:
    """Save the texts as a new version; a template that would not render comes back with its errors."""
    _known(code, channel)
    subject, body = (_texts("subject") if channel == "email" else None), _texts("body")
    lang = pages.page_language()
    found = drafts.problems(code, channel, subject, body)
    with current_runtime().db.unit_of_work() as session:
        if not found:
            try:
                saved = editing.save(session, identity.caller(), code, channel, subject, body)
                return redirect(
                    url_for(
                        "notify.edit_template", code=code, channel=channel, lang=lang, saved=saved.version
                    ),
                    303,
                )
            except templating.TemplateRefused as exc:
                found = [
                    drafts.Problem(where.split(".")[0], where.partition(".")[2], "fails", None, what)
                    for where, what in exc.problems.items()
                ]
        current = template_store.current(session, code, channel)
        errors = [(problem, worded(problem, lang)) for problem in found]
        return _editor(code, channel, current, 422, subject=subject, body=body, errors=errors)


@bp.route("/templates/<code>/<channel>/preview/<language>", methods=["GET", "POST"])
@identity.roles("admin")
def preview(code: str, channel: str, language: str) -> pages.Page:
    """The draft (posted by the editor's form into its frame) or the current version, in `language`, as
    its recipient will see it: the letter's own HTML, or the SMS with its segments; or what is wrong."""
    _known(code, channel)
    if language not in LANGUAGES:
        raise NotFound()
    if request.method == "POST":
        subject, body = (_texts("subject") if channel == "email" else None), _texts("body")
    else:
        with current_runtime().db.unit_of_work() as session:
            current = template_store.current(session, code, channel)
            subject, body = (current.subject, current.body) if current else (None, {})
    page = _preview(code, channel, language, subject, body)
    page[2].update({"Content-Security-Policy": PREVIEW_POLICY, "X-Frame-Options": "SAMEORIGIN"})
    return page


def _preview(
    code: str, channel: str, language: str, subject: dict[str, str] | None, body: dict[str, str]
) -> pages.Page:
    lang = pages.page_language()
    problems = []
    for part, texts in (("subject", subject), ("body", body)):
        if texts is not None:
            source = templating.pick(texts, language)
            problem = drafts.diagnose(code, part, language, source)
            problems += [(problem, worded(problem, lang))] if problem else []
    rendered = None if problems else drafts.render(code, channel, subject, body, language)
    if rendered is not None and rendered.html is not None:
        return rendered.html, 200, {"Content-Type": "text/html; charset=utf-8"}
    return render(
        "preview.html",
        200 if rendered else 422,
        rendered=rendered,
        errors=problems,
        language=language,
        part_names=PARTS,
    )


@bp.get("/templates/<code>/<channel>/versions")
@identity.roles("admin")
def history(code: str, channel: str) -> pages.Page:
    """Every version, newest first, each with what it changed from the one before it."""
    _known(code, channel)
    with current_runtime().db.unit_of_work() as session:
        template_store.current(session, code, channel)
        found = [t for t in template_store.history(session, code) if t.channel == channel]
        changes = [_changes(newer, older) for newer, older in zip(found, [*found[1:], None], strict=True)]
        return render(
            "versions.html",
            code=code,
            channel=channel,
            versions=list(zip(found, changes, strict=True)),
            part_names=PARTS,
            restored=request.args.get("restored"),
            authors=_authors(session, {t.created_by for t in found}),
        )


def _authors(session: Session, user_ids: set[str]) -> dict[str, str]:
    """Who saved each version, by name: the people notify knows (`user.changed`), and the caller."""
    caller = identity.caller()
    known = session.scalars(select(Person).where(Person.user_id.in_(user_ids)))
    return {caller.user_id: caller.name, **{person.user_id: person.name for person in known}}


def _changes(newer: Template, older: Template | None) -> list[tuple[str, str, list[versions.Line]]]:
    """(part, language, diff) of each text this version changed (every text of the first version)."""
    found = []
    for part in ("subject", "body"):
        new, old = getattr(newer, part) or {}, (getattr(older, part) or {}) if older else {}
        for lang in LANGUAGES:
            lines = versions.changes(old.get(lang) or "", new.get(lang) or "")
            if lines:
                found.append((part, lang, lines))
    return found


@bp.post("/templates/<code>/<channel>/versions/<int:number>/restore")
@identity.roles("admin")
def restore(code: str, channel: str, number: int) -> Response:
    """Save version `number`'s texts again, as the newest version (audited)."""
    _known(code, channel)
    with current_runtime().db.unit_of_work() as session:
        saved = editing.restore(session, identity.caller(), code, channel, number)
        if saved is None:
            raise NotFound()
        target = url_for(
            "notify.history", code=code, channel=channel, lang=pages.page_language(), restored=number
        )
    return redirect(target, 303)


@bp.post("/templates/<code>/<channel>/test")
@identity.roles("admin")
def send_test(code: str, channel: str) -> Response | pages.Page:
    """The current version to the administrator (their email, or the phone they typed), through the
    normal sending path, marked as a test; the editor then shows how it went."""
    _known(code, channel)
    runtime, caller = current_runtime(), identity.caller()
    language = request.form.get("language") if request.form.get("language") in LANGUAGES else caller.language
    phone = (request.form.get("phone") or "").strip()
    with runtime.db.unit_of_work() as session:
        if channel == "sms" and rules.kz_mobile(phone) is None:
            current = template_store.current(session, code, channel)
            return _editor(code, channel, current, 422, phone_error=True, phone=phone)
        message_id = editing.send_test(
            session, caller, runtime.settings.secret_key, code, channel, language, phone
        )
    if message_id is not None:
        sending.send_batch(runtime.db, delivery_for(runtime.settings), [message_id])
    lang = pages.page_language()
    return redirect(
        url_for("notify.edit_template", code=code, channel=channel, lang=lang, tested=message_id), 303
    )
