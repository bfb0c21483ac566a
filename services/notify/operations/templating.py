"""Templates as data: Jinja in a sandbox, checked when saved, rendered in the recipient's language.

A template is a (message code, channel) with a kk, ru and en text. Administrators edit them, so a
template runs in Jinja's `SandboxedEnvironment` (no attribute starting with `_`, no unsafe calls) with
`StrictUndefined` (a parameter the event does not carry is an error, never an empty hole). A template
is refused when it is saved if it does not parse, names a parameter its message does not have, or
fails to render with the sample parameters in any language: so a broken template is never found at
send time. The seed versions are files in `seed/` (TOML, one file per message code).
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta

from services.notify import rules
from services.notify.messages import TEMPLATE_REFUSED
from services.notify.operations import sandbox
from services.notify.operations.sandbox import BoundedEnvironment, TooCostly
from services.notify.rules.catalogue import PARAMETERS
from shared import i18n, refusals, vocabulary
from shared.i18n import LANGUAGES

SEED = Path(__file__).parents[1] / "seed"
#: Where an empty language version falls back to, in order.
FALLBACK: tuple[str, ...] = ("kk", "ru", "en")


__all__ = ["Rendered", "TemplateRefused", "TooCostly", "check", "render", "render_text"]

#: The problem code of a template refused for what rendering it would cost (`sandbox`).
TOO_COSTLY = "template_too_costly"


class TemplateRefused(refusals.Invalid, ValueError):
    """A template that would not render; `problems` says where, per language and part (answered as
    the problem's `problems`), and `code` is `template_too_costly` when a limit of the sandbox was
    crossed."""

    def __init__(self, problems: dict[str, str], code: str | None = None) -> None:
        super().__init__(code or TEMPLATE_REFUSED, extra={"problems": problems})
        self.args = ("; ".join(f"{where}: {what}" for where, what in problems.items()),)
        self.problems = problems


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    text: str
    html: str | None
    segments: int | None = None
    encoding: str | None = None

    @property
    def characters(self) -> int:
        """How long the text is, as the editor's preview counts it."""
        return len(self.text)


@lru_cache(maxsize=1)
def environment() -> BoundedEnvironment:
    return BoundedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )


@lru_cache(maxsize=2048)
def _compiled(source: str) -> Any:
    return environment().from_string(source)


def pick(texts: dict[str, str] | None, language: str) -> str:
    """The text in `language`, or the first non-empty one of kk → ru → en."""
    texts = texts or {}
    for candidate in (language, *FALLBACK):
        if (texts.get(candidate) or "").strip():
            return texts[candidate]
    return ""


def render_text(source: str, params: dict[str, Any]) -> str:
    """The text, within the sandbox's limits (raises `TooCostly` past them, at send time too)."""
    return sandbox.render(_compiled(source), params).strip()


def render(
    channel: str, subject: dict[str, str] | None, body: dict[str, str], language: str, params: dict[str, Any]
) -> Rendered:
    """One message in `language`; email gets an HTML part made from its text."""
    text = render_text(pick(body, language), params)
    if channel == "sms":
        return Rendered(None, text, None, rules.sms_segments(text), rules.sms_encoding(text))
    title = render_text(pick(subject, language), params)
    return Rendered(title, text, to_html(text, language, title))


#: A link in a letter's text, made clickable in its HTML part.
_LINK = re.compile(r"https?://[^\s<>\"]+[^\s<>\".,;:!?)»”]")


def _paragraph(part: str) -> str:
    escaped = _LINK.sub(lambda found: f'<a href="{found[0]}">{found[0]}</a>', html.escape(part))
    return f"<p>{escaped.replace(chr(10), '<br>')}</p>"


def to_html(text: str, language: str, subject: str = "") -> str:
    """The HTML part: a page in the letter's language (`lang`, so a screen reader and a translator
    read it right) under the programme's name, then the text's paragraphs, escaped, links made links.
    Plain and readable: no images, no script, styles inline (mail clients drop style sheets)."""
    paragraphs = "\n".join(_paragraph(part.strip()) for part in text.split("\n\n") if part.strip())
    return (
        f'<!doctype html>\n<html lang="{html.escape(language)}">\n<head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(subject)}</title></head>\n"
        '<body style="margin:0;padding:16px;font-family:sans-serif;font-size:15px;line-height:1.5;'
        'color:#1b1b1b">\n'
        '<div style="max-width:600px;margin:0 auto">\n'
        '<header style="border-bottom:3px solid #0b5cab;padding-bottom:8px;margin-bottom:16px">'
        f'<strong style="font-size:17px">{html.escape(programme(language))}</strong></header>\n'
        f"<main>\n{paragraphs}\n</main>\n</div>\n</body>\n</html>\n"
    )


def to_plain(text: str, language: str) -> str:
    """The plain-text part: the same letter as the HTML, under the same heading (the programme's name)."""
    return f"{programme(language)}\n\n{text}\n"


def programme(language: str) -> str:
    """The programme's one name (`shared.vocabulary.PROGRAMME`) in the letter's language."""
    return i18n.translate(vocabulary.PROGRAMME, language)


def check(code: str, channel: str, subject: dict[str, str] | None, body: dict[str, str]) -> None:
    """Refuse a template that would not render for this message (raises `TemplateRefused`)."""
    if code not in PARAMETERS:
        raise TemplateRefused({"code": f"unknown message {code!r}"})
    parts: dict[str, dict[str, str] | None] = {"body": body}
    if channel == "email":
        parts["subject"] = subject
    problems: dict[str, str] = {}
    costly = False
    for part, texts in parts.items():
        texts = texts or {}
        if not any((texts.get(lang) or "").strip() for lang in LANGUAGES):
            problems[part] = "empty in every language"
        for lang in LANGUAGES:
            try:
                _check_one(code, part, texts.get(lang) or "")
            except TooCostly as exc:
                problems[f"{part}.{lang}"], costly = str(exc), True
            except _Refused as exc:
                problems[f"{part}.{lang}"] = str(exc)
    if problems:
        raise TemplateRefused(problems, TOO_COSTLY if costly else None)


class _Refused(Exception):
    """What is wrong with one language of one part."""


def _check_one(code: str, part: str, source: str) -> None:
    """One language's text of `part`: it parses, names only its message's parameters, and renders
    with every sample within the sandbox's limits (raises `TooCostly`); a subject is one line."""
    one_line = "a subject is one line: it may not hold CR or LF"
    if part == "subject" and ("\r" in source.strip() or "\n" in source.strip()):
        raise _Refused(one_line)
    try:
        names = meta.find_undeclared_variables(environment().parse(source))
    except TemplateError as exc:
        raise _Refused(f"syntax: {exc}") from exc
    unknown = names - set(PARAMETERS[code])
    if unknown:
        raise _Refused(f"unknown parameters: {', '.join(sorted(unknown))}")
    for sample in samples(code):
        try:
            text = render_text(source, sample)
        except TooCostly:
            raise
        except Exception as exc:
            raise _Refused(f"{type(exc).__name__}: {exc}") from exc
        if part == "subject" and ("\r" in text or "\n" in text):
            raise _Refused(one_line)


def samples(code: str) -> list[dict[str, Any]]:
    """Parameters to try a template with: one set per choice (audience, kind) its message has."""
    variants: list[dict[str, Any]] = [{}]
    for key, value in PARAMETERS[code].items():
        options = value if isinstance(value, tuple) else (value,)
        variants = [{**variant, key: option} for variant in variants for option in options]
    return variants


def sample(code: str, given: dict[str, Any] | None = None) -> dict[str, Any]:
    """The preview's parameters: the given ones, the missing filled from the first sample."""
    return {**samples(code)[0], **(given or {})}


def seed_files() -> dict[tuple[str, str], dict[str, Any]]:
    """The seed versions in the repository: (code, channel) -> {"subject", "body"}."""
    seeds: dict[tuple[str, str], dict[str, Any]] = {}
    for path in sorted(SEED.glob("*.toml")):
        document = tomllib.loads(path.read_text(encoding="utf-8"))
        for channel, texts in document.items():
            seeds[(path.stem, channel)] = {"subject": texts.get("subject"), "body": texts["body"]}
    return seeds
