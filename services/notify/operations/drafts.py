"""The template editor's view of a draft: the sample values in the language being edited (its dates,
its region's name, its words), what is wrong with each text and on which line, and the draft as the
recipient will see it (the email's HTML, the SMS with its segments).

Saving still goes through `templating.check` (every sample, every language); this module says the
same problems in a form a page can word in its own language (`Problem`: part, language, line, code).
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date
from jinja2 import TemplateError, TemplateSyntaxError, meta, nodes

from services.notify import rules
from services.notify.messages import MISSING, OTHER_MISSING, REASONS
from services.notify.operations import templating
from services.notify.operations.sandbox import TooCostly
from services.notify.rules import catalogue
from shared import clock, i18n, regions
from shared.i18n import LANGUAGES


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one text: `code` is a key of `messages.TEMPLATE_PROBLEMS`."""

    part: str
    language: str
    code: str
    line: int | None = None
    detail: str = ""


def sample(code: str, language: str) -> dict[str, Any]:
    """The first sample of `code`'s parameters, with what a letter says in its language said in it."""
    values = dict(templating.samples(code)[0])
    year = clock.local_now().year
    for name, (month, day) in catalogue.SAMPLE_DATES.items():
        if name in values:
            values[name] = format_date(date(year, month, day), "d MMMM", locale=language)
    if "greeting_name" in values:
        last, first, patronymic = catalogue.SAMPLE_STUDENT
        values["greeting_name"] = rules.greeting_name(first, patronymic, language, last)
    if "region" in values:
        region = regions.resolve(catalogue.SAMPLE_REGION)
        values["region"] = region.name(language) if region else values["region"]
    if "reason" in values:
        reason = REASONS[catalogue.SAMPLE_REASON]
        values["reason"] = i18n.translate(reason, language, {"min_side": values.get("min_side", 600)})
    if "missing" in values:
        wanted = catalogue.SAMPLE_MISSING.get(code, ["statements.kk"])
        values["missing"] = [i18n.translate(MISSING.get(item, OTHER_MISSING), language) for item in wanted]
    return values


def problems(code: str, channel: str, subject: dict[str, str] | None, body: dict[str, str]) -> list[Problem]:
    """Everything wrong with a draft, each where it is; empty when it would be saved."""
    parts: dict[str, dict[str, str]] = {"body": body}
    if channel == "email":
        parts["subject"] = subject or {}
    found: list[Problem] = []
    for part, texts in parts.items():
        if not any((texts.get(lang) or "").strip() for lang in LANGUAGES):
            found.append(Problem(part, "", "empty"))
            continue
        for lang in LANGUAGES:
            problem = diagnose(code, part, lang, texts.get(lang) or "")
            if problem is not None:
                found.append(problem)
    return found


def diagnose(code: str, part: str, language: str, source: str) -> Problem | None:
    """The first thing wrong with one text, with its line where one can be told."""
    try:
        parsed = templating.environment().parse(source)
    except TemplateSyntaxError as exc:
        return Problem(part, language, "syntax", exc.lineno, exc.message or "")
    except TemplateError as exc:
        return Problem(part, language, "syntax", None, str(exc))
    unknown = meta.find_undeclared_variables(parsed) - set(catalogue.PARAMETERS[code])
    if unknown:
        name = sorted(unknown)[0]
        line = next((n.lineno for n in parsed.find_all(nodes.Name) if n.name == name), None)
        return Problem(part, language, "unknown", line, name)
    for values in templating.samples(code):
        try:
            text = templating.render_text(source, values)
        except TooCostly as exc:
            return Problem(part, language, "costly", _line(exc), str(exc))
        except Exception as exc:
            return Problem(part, language, "fails", _line(exc), f"{type(exc).__name__}: {exc}")
        if part == "subject" and ("\n" in text or "\r" in text or "\n" in source.strip()):
            return Problem(part, language, "one_line", 2)
    return None


def _line(error: BaseException) -> int | None:
    """The template's line a rendering failed on (Jinja puts it in the traceback as `<template>`)."""
    lines = [
        frame.lineno for frame in traceback.extract_tb(error.__traceback__) if frame.filename == "<template>"
    ]
    return lines[-1] if lines else None


def render(
    code: str, channel: str, subject: dict[str, str] | None, body: dict[str, str], language: str
) -> templating.Rendered:
    """The draft in `language` with that language's sample values (raises what rendering raises)."""
    return templating.render(channel, subject, body, language, sample(code, language))
