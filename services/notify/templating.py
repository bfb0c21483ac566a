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
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateError, meta
from jinja2.sandbox import SandboxedEnvironment

from services.notify import rules
from services.notify.catalogue import PARAMETERS
from shared.i18n import LANGUAGES

SEED = Path(__file__).parent / "seed"
#: Where an empty language version falls back to, in order.
FALLBACK: tuple[str, ...] = ("kk", "ru", "en")


class TemplateRefused(ValueError):
    """A template that would not render; `problems` says where, per language and part."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{where}: {what}" for where, what in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    text: str
    html: str | None
    segments: int | None = None
    encoding: str | None = None


@lru_cache(maxsize=1)
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
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
    return _compiled(source).render(**params).strip()


def render(
    channel: str, subject: dict[str, str] | None, body: dict[str, str], language: str, params: dict[str, Any]
) -> Rendered:
    """One message in `language`; email gets an HTML part made from its text."""
    text = render_text(pick(body, language), params)
    if channel == "sms":
        return Rendered(None, text, None, rules.sms_segments(text), rules.sms_encoding(text))
    return Rendered(render_text(pick(subject, language), params), text, to_html(text))


def to_html(text: str) -> str:
    """The HTML part: the text's paragraphs, escaped, in a plain readable page (no images, no script)."""
    paragraphs = [part.strip() for part in text.split("\n\n") if part.strip()]
    body = "\n".join(f"<p>{html.escape(part).replace(chr(10), '<br>')}</p>" for part in paragraphs)
    return (
        '<!doctype html><html><body style="font-family:sans-serif;font-size:15px;line-height:1.5">'
        f"{body}</body></html>"
    )


def check(code: str, channel: str, subject: dict[str, str] | None, body: dict[str, str]) -> None:
    """Refuse a template that would not render for this message (raises `TemplateRefused`)."""
    if code not in PARAMETERS:
        raise TemplateRefused({"code": f"unknown message {code!r}"})
    known = set(PARAMETERS[code])
    parts: dict[str, dict[str, str] | None] = {"body": body}
    if channel == "email":
        parts["subject"] = subject
    problems: dict[str, str] = {}
    for part, texts in parts.items():
        texts = texts or {}
        if not any((texts.get(lang) or "").strip() for lang in LANGUAGES):
            problems[part] = "empty in every language"
        for lang in LANGUAGES:
            source = texts.get(lang) or ""
            where = f"{part}.{lang}"
            try:
                names = meta.find_undeclared_variables(environment().parse(source))
            except TemplateError as exc:
                problems[where] = f"syntax: {exc}"
                continue
            unknown = names - known
            if unknown:
                problems[where] = f"unknown parameters: {', '.join(sorted(unknown))}"
                continue
            for sample in samples(code):
                try:
                    render_text(source, sample)
                except Exception as exc:
                    problems[where] = f"{type(exc).__name__}: {exc}"
                    break
    if problems:
        raise TemplateRefused(problems)


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
