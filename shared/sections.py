"""The product's sections across review, media and notify: one table behind every page's header.

A person sees one product, not four sites: whichever service draws the page, its header lists the
sections this person's role may open, on whichever service each lives, and nothing else (a link
that answers 403 is not a link to offer). The services' addresses come from configuration
(`config.page_urls`), so the same table serves 127.0.0.1 ports and one domain behind a proxy.

Each section names the roles its route lets in; the views keep their own `identity.roles` marks
(they decide), and `tests/contracts/test_access.py` opens every section as every role so the two
cannot drift. After login, and from a 403 page, a person goes to their role's home (`HOMES`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from shared.i18n import N_
from shared.identity import (
    AUDITOR_ROLES,
    CHAIR_ROLES,
    COMMISSION_ROLES,
    MEDIA_TEAM_ROLES,
    MEMBER_ROLES,
    ROLES,
)


@dataclass(frozen=True)
class Section:
    """One page of the product a header links to: where it lives and who may open it."""

    key: str
    label: str
    service: str
    path: str
    roles: frozenset[str]
    #: Other paths of the service that belong to this section (a candidate's page to the list).
    within: tuple[str, ...] = ()


#: Every section, in the order the header shows them.
SECTIONS: tuple[Section, ...] = (
    Section("candidates", N_("Candidates"), "review", "/", frozenset(ROLES), ("/candidates",)),
    Section("ranking", N_("Ranking"), "review", "/rankings", COMMISSION_ROLES),
    Section("decision", N_("Decision"), "review", "/decisions/new", CHAIR_ROLES),
    Section("dashboard", N_("Dashboard"), "review", "/dashboard", COMMISSION_ROLES),
    Section("audit", N_("Audit log"), "review", "/audit", AUDITOR_ROLES),
    Section("media", N_("Media"), "media", "/", MEDIA_TEAM_ROLES, ("/candidates",)),
    Section("kits", N_("Media kits"), "media", "/kits", MEDIA_TEAM_ROLES),
    Section("publications", N_("Publications"), "media", "/publications", MEDIA_TEAM_ROLES),
    Section("templates", N_("Templates"), "notify", "/templates", frozenset({"admin"})),
    Section("deliveries", N_("Delivery log"), "notify", "/", AUDITOR_ROLES, ("/messages",)),
)
BY_KEY: dict[str, Section] = {section.key: section for section in SECTIONS}

#: Where each role lands after login: the commissions on their candidates, the media team on media,
#: an administrator on the dashboard.
HOMES: dict[str, str] = {
    **{role: "candidates" for role in MEMBER_ROLES},
    "media": "media",
    "admin": "dashboard",
}


def visible(role: str) -> list[Section]:
    """The sections `role` may open, in the header's order."""
    return [section for section in SECTIONS if role in section.roles]


def home(role: str) -> Section:
    """The section `role` lands on after login and is sent back to from a page it may not open."""
    return BY_KEY[HOMES[role]]


def url(section: Section, page_urls: Mapping[str, str], lang: str | None = None) -> str:
    """The section's address as people reach it (`page_urls`: `config.Settings.page_urls`)."""
    query = f"?{urlencode({'lang': lang})}" if lang else ""
    return f"{page_urls[section.service]}{section.path}{query}"


@dataclass(frozen=True)
class Link:
    """A section as the header draws it: its label (a msgid), address and whether it is this page."""

    label: str
    href: str
    current: bool


def is_current(section: Section, service: str, path: str) -> bool:
    """Whether the page at `path` of `service` is this section (a front page only by its own path)."""
    if section.service != service:
        return False
    if path == section.path:
        return True
    prefixes = (*section.within, *((section.path,) if section.path != "/" else ()))
    return any(path.startswith(prefix + "/") for prefix in prefixes)


def links(role: str, page_urls: Mapping[str, str], service: str, path: str, lang: str) -> list[Link]:
    """The header's sections for `role` on the page at `path` of `service`, in `lang`."""
    return [
        Link(section.label, url(section, page_urls, lang), is_current(section, service, path))
        for section in visible(role)
    ]
