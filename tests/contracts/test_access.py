"""Who may call what, for every route of review, media and notify, generated from their URL maps.

- Anonymous: a page sends the visitor to review's login page (302), an API answers 401, unless the
  route is in `PUBLIC` below. A new route is therefore checked the day it is added: it is closed, or
  someone wrote it into `PUBLIC` here, where a reviewer sees it.
- Each role (a regional one in almaty): a route listed in `ROLES_ONLY` answers 403 to the other
  roles; every other route lets every signed-in role through (no 401, 403 or redirect to login).
- A member of another region: every route under `/candidates/<...>` (pages and API) answers 404 for
  a candidate outside the caller's region (its existence is not revealed); the own region's member
  is let through.
- The media team at media: every route about one nomination (`<nomination_id>`) answers 404 for a
  candidate who did not consent to publication or is still at the regional stage, as at review, and
  no page or API lists them; a consenting candidate at the republican stage is let through.
- The header's sections (`shared.sections`): each opens (200) for every role it is shown to and
  answers 403 or 404 to every other role, whose 403 page leads to their own home instead.

Each check collects every offending route before failing, so one run names them all.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from shared import identity, sections
from tests.contracts.apps import FILLER, MEDIA_HIDDEN, MEDIA_SHOWN, Service, fixture

SERVICES = ("review", "review-public", "media", "notify")
#: Routes anyone may call, per service: health and metrics (probes), the shared stylesheet, signing
#: in and out. Adding a route here is a decision a reviewer must see.
_COMMON = {"static", "health.healthz", "health.readyz", "health.metrics", "top100.static", "top100.logout"}
#: An API's OpenAPI document and its docs page (`shared.openapi`): what the API is, not what it holds.
_API_DOCS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "apidocs.asset"}
PUBLIC: dict[str, set[str]] = {
    # The API's published contract and its page hold no data (as intake's).
    "review": _COMMON | _API_DOCS | {"login.form", "login.submit", "review.static"},
    # A signed, expiring link to a blob: its signature is the check (a tampered or expired one: 403).
    # The public's photos: only a consenting, not withdrawn candidate's card and web derivatives
    # (review's public pages show them); anything else is 404 (services/media/pages/public.py).
    "media": _COMMON | _API_DOCS | {"media.static", "files.download", "media_public.photo"},
    # A provider's delivery receipt (its HMAC is the check) and a recipient's unsubscribe link (its
    # signed token is the check): callers who never sign in.
    "notify": _COMMON
    | _API_DOCS
    | {"notify.static", "notify.unsubscribe", "notify_api.receipt", "notify_api.unsubscribe"},
    # Review's public process group: no one signs in there. Its pages and JSON show only consenting,
    # not withdrawn candidates (queries/public.py); a voter proves a phone by a one-time code (its
    # checks are the vote's limits and locks), then votes with the signed voter cookie (401 without).
    "review-public": {"static", "health.healthz", "health.readyz", "health.metrics", "public_assets.static"}
    | {f"public_gallery.{view}" for view in ("page", "embed", "feed_atom", "feed_json")}
    | {f"public_vote.{view}" for view in ("contest_page", "phone", "code", "vote")}
    | {
        f"public_vote_api.{view}"
        for view in ("contests", "contest", "request_code", "check_code", "vote", "my_vote")
    },
}
#: Routes only some roles may call (service, endpoint) -> roles; every other route: every role.
_MEMBERS = frozenset(identity.MEMBER_ROLES)
_CHAIRS = frozenset(identity.CHAIR_ROLES)
_AUDITORS = frozenset({"admin", "regional_chair", "national_chair"})
#: Commissions and admins, not the media team (decisions, protocols, the dashboard).
_COMMISSIONS = frozenset(identity.MEMBER_ROLES | {"admin"})
#: The media team's routes: pages and API for the `media` and `admin` roles only.
_MEDIA_TEAM = frozenset({"media", "admin"})
_MEDIA_ROUTES = (
    "media.index",
    "media.candidate",
    "media.candidate_files",
    "media_focus.preview",
    "media_focus.move",
    "media.kit_list",
    "media.start_kit",
    "media.kit_download",
    "media.publication_list",
    "media.add_publication",
    "media_api.list_assets",
    "media_api.request_kit",
    "media_api.get_kit",
    "media_api.add_publication",
    "media_api.list_publications",
)
ROLES_ONLY: dict[tuple[str, str], frozenset[str]] = {
    ("review", "review_audit.audit_log"): frozenset({"admin", "regional_chair", "national_chair"}),
    ("review", "review.score_page"): _MEMBERS,
    ("review", "review.score_form"): _MEMBERS,
    ("review", "review_conflicts.conflict_form"): _MEMBERS,
    ("review", "review_conflicts.withdraw_form"): _CHAIRS,
    ("review", "review_api.put_score"): _MEMBERS,
    ("review", "review_api.declare_conflict"): _MEMBERS,
    ("review", "review_api.put_rubric"): frozenset({"admin"}),
    ("review", "review_api.put_blind"): frozenset({"admin"}),
    ("review", "review_contests_api.move_times"): frozenset({"admin"}),
    ("review", "review_api.put_assignment"): _CHAIRS,
    ("review", "review_api.show_scores"): _CHAIRS,
    ("review", "review.show_scores_form"): _CHAIRS,
    ("review", "review_api.rankings"): _MEMBERS | {"admin"},
    ("review", "review.rankings_page"): _MEMBERS | {"admin"},
    ("review", "review_audit_pages.audit_page"): _AUDITORS,
    ("review", "review_audit_pages.audit_csv"): _AUDITORS,
    ("review", "review_decisions.post_decision"): _CHAIRS,
    # An admin corrects a regional decision only with an override's reason (after the republican one).
    ("review", "review_decisions.post_correction"): _CHAIRS | {"admin"},
    ("review", "review_decisions.post_extension"): frozenset({"admin"}),
    ("review", "review_decisions.list_decisions"): _COMMISSIONS,
    ("review", "review_decisions.get_decision"): _COMMISSIONS,
    ("review", "review_decisions.protocol_pdf"): _AUDITORS,
    ("review", "review_decisions.protocol_xlsx"): _AUDITORS,
    ("review", "review_decision_pages.new_decision"): _CHAIRS,
    ("review", "review_decision_pages.post_decision"): _CHAIRS,
    ("review", "review_decision_pages.decision_page"): _COMMISSIONS,
    ("review", "review_dashboard_api.dashboard_api"): _COMMISSIONS,
    ("review", "review_dashboard.dashboard_page"): _COMMISSIONS,
    # A public vote's flagged votes and the export of all its votes: the chairs (of the contest's
    # scope: another region's contest is 404) and the administrators.
    ("review", "review_votes_api.vote_signals"): _AUDITORS,
    ("review", "review_votes_api.vote_export"): _AUDITORS,
    ("review", "review_vote_pages.signals_page"): _AUDITORS,
    **{("media", endpoint): _MEDIA_TEAM for endpoint in _MEDIA_ROUTES},
    ("notify", "notify.index"): _AUDITORS,
    ("notify", "notify.search"): _AUDITORS,
    ("notify", "notify.message"): _AUDITORS,
    ("notify", "notify.message_file"): _AUDITORS,
    ("notify", "notify_api.list_messages"): _AUDITORS,
    ("notify", "notify.templates"): frozenset({"admin"}),
    **{
        ("notify", f"notify.{endpoint}"): frozenset({"admin"})
        for endpoint in ("edit_template", "save_template", "preview", "history", "restore", "send_test")
    },
    ("notify", "notify_api.list_templates"): frozenset({"admin"}),
    ("notify", "notify_api.get_template"): frozenset({"admin"}),
    ("notify", "notify_api.put_template"): frozenset({"admin"}),
    ("notify", "notify_api.preview"): frozenset({"admin"}),
}
#: Routes about the regional stage here (the seeded candidate is at it, a stage in a path is
#: `regional`), where the national working group is refused by the stage (403 `not_your_stage`),
#: not by its role: it scores the republican stage.
STAGE_BOUND: set[tuple[str, str]] = {
    ("review", "review.score_form"),
    ("review", "review_api.put_score"),
    ("review", "review_api.put_assignment"),
}
#: A caller of each role; regional roles sit in almaty.
CALLERS = {
    role: ("almaty" if role in identity.REGIONAL_ROLES else identity.NATIONAL) for role in identity.ROLES
}
service = fixture(*SERVICES)


def _call(
    service: Service, rule: Rule, method: str, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    client = service.app.test_client()
    answer = client.open(
        service.path(rule), method=method, headers=headers or {}, json={} if method != "GET" else None
    )
    return answer.status_code, answer.headers.get("Location", "")


def _bearer(service: Service, role: str, scope: str) -> dict[str, str]:
    return service.bearer(role, scope)


def test_every_route_not_listed_public_refuses_anonymous_callers(service: Service) -> None:
    login = service.runtime.settings.login_url
    wrong = []
    for rule, method in service.rules():
        if rule.endpoint in PUBLIC[service.name]:
            continue
        status, location = _call(service, rule, method)
        api = rule.rule.startswith("/api/")
        refused = status == 401 if api else (status == 302 and location.startswith(login))
        if not api and method != "GET":
            refused = refused or status == 400  # a form without its CSRF token is refused first
        if not refused:
            wrong.append(f"{method} {rule.rule} ({rule.endpoint}) answered {status} {location}")
    assert wrong == [], "open to anonymous callers but not in PUBLIC:\n" + "\n".join(wrong)


def test_every_listed_public_route_exists(service: Service) -> None:
    endpoints = {rule.endpoint for rule in service.app.url_map.iter_rules()}
    assert PUBLIC[service.name] - endpoints == set()
    listed = {endpoint for name, endpoint in ROLES_ONLY if name == service.name}
    assert listed - endpoints == set()


@pytest.mark.parametrize("role", identity.ROLES)
def test_each_role_reaches_what_it_may_and_no_more(service: Service, role: str) -> None:
    headers = _bearer(service, role, CALLERS[role])
    wrong = []
    for rule, method in service.rules():
        if rule.endpoint in PUBLIC[service.name]:
            continue
        allowed = ROLES_ONLY.get((service.name, rule.endpoint))
        status, location = _call(service, rule, method, headers)
        if allowed is not None and role not in allowed:
            if status != 403:
                wrong.append(f"{method} {rule.rule}: a {role} got {status}, expected 403")
        elif (service.name, rule.endpoint) in STAGE_BOUND and role not in identity.REGIONAL_ROLES:
            if status != 403:
                wrong.append(f"{method} {rule.rule}: a {role} got {status}, expected 403 (not their stage)")
        elif status in (401, 403) or (status == 302 and "/login" in location):
            wrong.append(
                f"{method} {rule.rule}: a {role} got {status} {location}, expected to be let through"
            )
    assert wrong == [], "\n".join(wrong)


@pytest.mark.parametrize("role", sorted(identity.REGIONAL_ROLES))
def test_a_member_of_another_region_does_not_see_the_candidate(service: Service, role: str) -> None:
    if service.name != "review":
        pytest.skip("only review has candidates")
    other, own = _bearer(service, role, "shymkent"), _bearer(service, role, "almaty")
    wrong = []
    for rule, method in service.rules():
        if not rule.rule.split("/api/v1", 1)[-1].startswith("/candidates/<"):
            continue
        if role not in ROLES_ONLY.get((service.name, rule.endpoint), {role}):
            continue  # not this role's route at all: the roles' test expects its 403
        status, _ = _call(service, rule, method, other)
        if status != 404:
            wrong.append(f"{method} {rule.rule}: a {role} of shymkent got {status}, expected 404")
        status, _ = _call(service, rule, method, own)
        if status in (401, 403, 404):
            wrong.append(f"{method} {rule.rule}: a {role} of almaty got {status}")
    assert wrong == [], "\n".join(wrong)


def test_the_media_team_sees_only_consenting_candidates_of_the_republican_stage(service: Service) -> None:
    if service.name != "media":
        pytest.skip("media's candidates")
    headers = _bearer(service, "media", identity.NATIONAL)
    client = service.app.test_client()
    wrong, listed = [], set()
    for rule, method in service.rules():
        if method != "GET" or rule.endpoint in PUBLIC["media"]:
            continue
        if "nomination_id" not in rule.arguments:
            if rule.arguments:
                continue
            # A list (page or API), asked for the hidden ones too: it shows none of them (a page may
            # repeat its query in its links, so what counts is a link to one, or an id in JSON).
            for why, hidden in MEDIA_HIDDEN.items():
                body = client.get(f"{rule.rule}?year=2026&nomination_id={hidden}", headers=headers)
                text = body.get_data(as_text=True)
                if f"/candidates/{hidden}" in text or f'"{hidden}"' in text:
                    wrong.append(f"GET {rule.rule} shows {hidden} ({why})")
                    continue
                listed.add(rule.rule)
            continue
        for why, hidden in MEDIA_HIDDEN.items():
            status = client.get(_media_path(rule, hidden), headers=headers).status_code
            if status != 404:
                wrong.append(f"GET {rule.rule}: {hidden} ({why}) answered {status}, expected 404")
        status = client.get(_media_path(rule, MEDIA_SHOWN), headers=headers).status_code
        if status in (401, 403, 404):
            wrong.append(f"GET {rule.rule}: {MEDIA_SHOWN} answered {status}, expected to be let through")
    assert wrong == [], "\n".join(wrong)
    # The check can tell: the lists do show the candidate the team may see.
    assert {"/", "/api/v1/assets"} <= listed
    for path in ("/?year=2026", f"/api/v1/assets?nomination_id={MEDIA_SHOWN}"):
        text = client.get(path, headers=headers).get_data(as_text=True)
        assert f"/candidates/{MEDIA_SHOWN}" in text or f'"{MEDIA_SHOWN}"' in text, path


def _media_path(rule: Rule, nomination_id: str) -> str:
    """A path about `nomination_id`; a derivative's name is one the pages show."""
    values = {name: FILLER for name in rule.arguments} | {"nomination_id": nomination_id, "name": "web"}
    return rule.build({k: v for k, v in values.items() if k in rule.arguments}, append_unknown=False)[1]


@pytest.mark.parametrize("role", identity.ROLES)
def test_each_section_opens_for_the_roles_it_is_shown_to_and_no_other(service: Service, role: str) -> None:
    headers = _bearer(service, role, CALLERS[role])
    urls = {**service.runtime.settings.page_urls, service.name: ""}
    home = sections.url(sections.home(role), urls, "en")
    client = service.app.test_client()
    wrong = []
    for section in (section for section in sections.SECTIONS if section.service == service.name):
        answer = client.get(f"{section.path}?lang=en", headers=headers)
        if role in section.roles:
            if answer.status_code != 200:
                wrong.append(f"{section.key}: shown to a {role}, who got {answer.status_code}")
        elif answer.status_code not in (403, 404):
            wrong.append(f"{section.key}: not shown to a {role}, who got {answer.status_code}")
        elif answer.status_code == 403 and f'href="{home}"' not in answer.get_data(as_text=True):
            wrong.append(f"{section.key}: the 403 page of a {role} does not lead to {home}")
    assert wrong == [], "\n".join(wrong)
