"""Every page of review, media and notify, as each role that may open it, scanned by axe-core (no
serious or critical violation) and by the project's own checks (`a11y.py`: labels, names, contrast on
the real background, no sideways scrolling; no control scrolled out of sight, no API's word such as
`errors` on a page), at 360 x 740 and 1280 x 800.

The pages are the GET routes of the three services that answer HTML (`test_the_walk_covers_every_
html_page` keeps the list whole as routes are added), with seeded data so that every detail page
has something to show: candidates of two regions (one decided, one still scoring), a republican one,
a decision, media's consenting candidate with its photo, a kit and a publication, a letter in
notify's log, the templates. Who may open what is the access contract's (`tests/contracts/
test_access.py`); each visit must answer 200. The decision's confirmation step (a form sent, nothing
recorded yet) is visited too.

The default suite visits each page once per role, at one width (alternating, so every page is seen
at both widths); `--full` (or `TOP100_FULL=1`) visits every page at both widths for every role.
Screenshots in var/screenshots/walk/<page>-<role>-<width>.png.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from services.review.operations import decisions, votes
from services.review.tests import seeding
from shared import clock, identity, testing
from shared.handling import handle
from tests.browser import a11y, axe
from tests.browser.conftest import PHONE, SCREENSHOTS, System
from tests.contracts.test_access import PUBLIC, ROLES_ONLY

#: Regions no other browser test works in: one with a decision recorded, one still scoring.
DECIDED, SCORING = "jetisu", "ulytau"
NOW = "2026-10-10T12:00:00+05:00"
WIDTHS = {"phone": PHONE, "desktop": {"width": 1280, "height": 800}}
#: The pages' languages, taken in turn from visit to visit (Kazakh's longer words and letters first).
LANGUAGES = ("kk", "ru", "en")
ANONYMOUS = "anonymous"
#: Routes that answer something other than a page (files, photos, CSV, probes): not walked.
NOT_PAGES = {
    "review": {"review_audit_pages.audit_csv"},
    # Files, not pages: a kit, a photo, one candidate's ZIP, the crop point's preview image.
    "media": {
        "media.kit_download",
        "media.photo",
        "files.download",
        "media_public.photo",
        "media.candidate_files",
        "media_focus.preview",
    },
    "notify": {"notify.message_file"},
}


@dataclass(frozen=True)
class Stop:
    """A page of the walk: where it is (a path with `{names}` the seeded data fills), which route
    answers it (the access contract's key), and who visits it."""

    name: str
    service: str
    endpoint: str
    path: str
    #: The roles that visit it, when fewer than the contract lets in (a page about one region's state).
    only: frozenset[str] | None = None
    #: Regional roles visit it in this region.
    region: str = DECIDED
    #: What the visitor does once the page is open (a form sent), before the checks.
    act: Callable[[Any], None] | None = None

    def roles(self) -> list[str]:
        if self.endpoint in PUBLIC[self.service]:
            return [ANONYMOUS]
        allowed = ROLES_ONLY.get((self.service, self.endpoint), frozenset(identity.ROLES))
        return [r for r in identity.ROLES if r in allowed and (self.only is None or r in self.only)]


def _send_a_first_decision(page: Any) -> None:
    """Two candidates ticked, a justification: the confirmation step (nothing recorded yet)."""
    page.locator('input[name="advanced"]').nth(0).check()
    page.locator('input[name="advanced"]').nth(1).check()
    page.fill("#justification", "Комиссия ең жоғары ұпай алғандарды таңдады.")
    page.locator('input[name="members_present"][type=checkbox]').first.check()
    page.click("#record")
    page.wait_for_load_state()
    assert page.locator("#confirm").count() == 1, "the confirmation step"


def _send_a_score_out_of_range(page: Any) -> None:
    """A score above the scale, past the browser's own check: the errors said on the fields."""
    page.evaluate("document.getElementById('score-form').noValidate = true")
    page.locator("#score-form input[type=number]").first.fill("11")
    page.click("#save")
    page.wait_for_selector(".field-error:not(:empty)")


def _send_a_decision_without_justification(page: Any) -> None:
    """The form sent without its justification, past the browser's own check: the refusal."""
    page.evaluate("document.getElementById('decision-form').noValidate = true")
    page.click("#record")
    page.wait_for_load_state()
    assert page.locator("#refusal").count() == 1, "the refusal"


_REGIONAL = frozenset(identity.REGIONAL_ROLES)
_MEMBER = frozenset({"regional_member"})
_CHAIR = frozenset({"regional_chair"})
STOPS = [
    Stop("login", "review", "login.form", "/login"),
    Stop("candidates", "review", "review.index", "/"),
    Stop("candidate", "review", "review.candidate", "/candidates/{candidate}"),
    Stop("score", "review", "review.score_page", "/candidates/{candidate}/score"),
    Stop("score-open", "review", "review.score_page", "/candidates/{scoring}/score", _REGIONAL, SCORING),
    Stop(
        "score-refused",
        "review",
        "review.score_page",
        "/candidates/{scoring}/score",
        _MEMBER,
        SCORING,
        _send_a_score_out_of_range,
    ),
    Stop("rankings", "review", "review.rankings_page", "/rankings"),
    Stop("dashboard", "review", "review_dashboard.dashboard_page", "/dashboard"),
    Stop("audit", "review", "review_audit_pages.audit_page", "/audit"),
    Stop(
        "vote-signals",
        "review",
        "review_vote_pages.signals_page",
        "/votes/2026-regional-" + DECIDED + "/signals",
    ),
    Stop("decision-form", "review", "review_decision_pages.new_decision", "/decisions/new"),
    Stop(
        "decision-first", "review", "review_decision_pages.new_decision", "/decisions/new", _REGIONAL, SCORING
    ),
    Stop(
        "decision-confirm",
        "review",
        "review_decision_pages.new_decision",
        "/decisions/new",
        _CHAIR,
        SCORING,
        _send_a_first_decision,
    ),
    Stop(
        "decision-refused",
        "review",
        "review_decision_pages.new_decision",
        "/decisions/new",
        _CHAIR,
        SCORING,
        _send_a_decision_without_justification,
    ),
    Stop("decision", "review", "review_decision_pages.decision_page", "/decisions/{decision}"),
    Stop("media", "media", "media.index", "/"),
    Stop("media-candidate", "media", "media.candidate", "/candidates/{nomination}"),
    Stop("kits", "media", "media.kit_list", "/kits"),
    Stop("publications", "media", "media.publication_list", "/publications"),
    Stop("log", "notify", "notify.index", "/"),
    Stop("message", "notify", "notify.message", "/messages/{message}"),
    Stop("templates", "notify", "notify.templates", "/templates"),
    Stop("editor-email", "notify", "notify.edit_template", "/templates/nomination_received/email"),
    Stop("editor-sms", "notify", "notify.edit_template", "/templates/nomination_received/sms"),
    Stop("preview", "notify", "notify.preview", "/templates/nomination_received/email/preview/kk"),
    Stop("history", "notify", "notify.history", "/templates/nomination_received/email/versions"),
    Stop("unsubscribe", "notify", "notify.unsubscribe", "/unsubscribe/{token}"),
]


@dataclass(frozen=True)
class Visit:
    stop: Stop
    role: str
    width: str
    lang: str

    @property
    def scope(self) -> str:
        return self.stop.region if self.role in identity.REGIONAL_ROLES else identity.NATIONAL

    def __str__(self) -> str:
        return f"{self.stop.name} ({self.role}, {self.width}, {self.lang})"


def visits(full: bool) -> list[Visit]:
    """Every (page, role) at one width, alternating; with `full`, at both; in kk, ru and en in turn.
    Grouped by who visits, so one browser context per person and width serves all their pages."""
    found = []
    turn = 0
    for stop in STOPS:
        for role in stop.roles():
            widths = list(WIDTHS) if full else [list(WIDTHS)[turn % 2]]
            turn += 1
            found += [Visit(stop, role, width, LANGUAGES[turn % len(LANGUAGES)]) for width in widths]
    return sorted(found, key=lambda v: (v.role, v.scope, v.width))


def _seed_review(system: System) -> dict[str, str]:
    runtime = system.runtime("review")
    with runtime.db.unit_of_work() as session:
        decided = [
            seeding.candidate(session, DECIDED, last_name=f"Сейітқали{i:02d}", first_name="Әйгерім").id
            for i in range(12)
        ]
        scoring = [
            seeding.candidate(session, SCORING, last_name=f"Жақсылықов{i}", first_name="Нұрбол").id
            for i in range(3)
        ]
        republican = seeding.candidate(
            session, DECIDED, stage="republican", last_name="Өтепова", first_name="Ұлжан"
        ).id
    chair = system.user("regional_chair", DECIDED, name="Қанат Сейітов")
    with runtime.db.unit_of_work() as session:
        body = {"year": 2026, "stage": "regional", "region": DECIDED, "advanced": decided[:10]}
        decision = decisions.record_decision(session, chair, {**body, "justification": "Ең үздік он."}).id
    with runtime.db.unit_of_work() as session:  # the region's public vote, for its signals page
        votes.contest_of(session, 2026, "regional", DECIDED, clock.utcnow())
    return {"regional": decided[11], "republican": republican, "scoring": scoring[0], "decision": decision}


def _seed_media(system: System) -> str:
    from services.media.handlers import HANDLERS
    from services.media.models import Candidate
    from services.media.operations import kits, publications
    from services.media.tests.factories import advanced, jpeg, stored_photo, submitted

    runtime = system.runtime("media")
    nomination = "nom-walk-media"
    with runtime.db.unit_of_work() as session:
        known = session.get(Candidate, nomination) is not None
    if not known:
        photo = stored_photo(runtime.settings.data_dir, jpeg(), nomination)
        handle(runtime, HANDLERS, "media", submitted(photo, nomination, DECIDED))
        handle(runtime, HANDLERS, "media", advanced(nomination, region=DECIDED))
    media = system.user("media", identity.NATIONAL, name="Іңкәр Мұхтарова")
    with runtime.db.unit_of_work() as session:
        kits.request(session, 2026, "republican", None, media.user_id)
        data = {
            "outlet": "Егемен Қазақстан",
            "url": "https://egemen.kz/article/top100",
            "published_on": date(2026, 10, 5),
            "language": "kk",
            "candidate_ids": [nomination],
        }
        publications.record_publication(session, data, media)
    return nomination


def _seed_notify(system: System) -> dict[str, str]:
    from services.notify.handlers import HANDLERS
    from services.notify.models import Message
    from services.notify.operations import unsubscribe
    from services.notify.tests.factories import submitted

    runtime = system.runtime("notify")
    nomination = "1d0a9b3e-0000-4000-8000-00000000a11e"
    handle(runtime, HANDLERS, "notify", submitted("kk", nomination_id=nomination, region=DECIDED))
    with runtime.db.unit_of_work() as session:
        message = session.scalars(select(Message.id).where(Message.nomination_id == nomination)).first()
    assert message is not None, "notify wrote the letter"
    return {
        "message": str(message),
        "token": unsubscribe.token(runtime.settings.secret_key, "walk@example.kz"),
    }


@pytest.fixture(scope="module")
def seeded(system: System) -> Iterator[dict[str, str]]:
    """The data the walk's pages show, on the frozen day of the regional decisions."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TOP100_NOW", NOW)
        review = _seed_review(system)
        yield {**review, "nomination": _seed_media(system), **_seed_notify(system)}


def _path(visit: Visit, data: dict[str, str]) -> str:
    regional = visit.role in identity.REGIONAL_ROLES
    values = {**data, "candidate": data["regional"] if regional else data["republican"]}
    separator = "&" if "?" in visit.stop.path else "?"
    return visit.stop.path.format(**values) + f"{separator}lang={visit.lang}"


def test_the_walk_covers_every_html_page(system: System) -> None:
    """A GET route of review, media or notify not in the walk (nor in `NOT_PAGES`) fails here: a
    new page is scanned the day it is added."""
    walked = {(stop.service, stop.endpoint) for stop in STOPS}
    missing = []
    for service in ("review", "media", "notify"):
        app = importlib.import_module(f"services.{service}.app").create_app(system.runtime(service))
        for rule in app.url_map.iter_rules():
            page = "GET" in (rule.methods or ()) and not rule.rule.startswith("/api/")
            skipped = rule.endpoint in NOT_PAGES[service] or "static" in rule.endpoint
            skipped = skipped or rule.endpoint.startswith("health.") or rule.endpoint.startswith("api-docs")
            if page and not skipped and (service, rule.endpoint) not in walked:
                missing.append(f"{service} {rule.rule} ({rule.endpoint})")
    assert missing == [], "pages the walk does not visit:\n" + "\n".join(missing)


def test_every_page_as_each_role_that_may_open_it_passes_axe_and_the_projects_checks(
    browser: Any, system: System, seeded: dict[str, str], sign_in: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv("TOP100_NOW", NOW)
    found: dict[str, list[str]] = {}
    walk = visits(testing.full_profile())
    folder = SCREENSHOTS / "walk"
    folder.mkdir(parents=True, exist_ok=True)
    people: dict[tuple[str, str], identity.Identity] = {}
    minor: dict[str, list[str]] = {}
    context, opened = None, None
    for visit in walk:
        if opened != (visit.role, visit.scope, visit.width):
            if context is not None:
                context.close()
            system.forget_login_attempts()
            context = _context(browser, visit.width)
            opened = (visit.role, visit.scope, visit.width)
            page = context.new_page()
            if visit.role != ANONYMOUS:
                key = (visit.role, visit.scope)
                people.setdefault(key, system.user(visit.role, visit.scope, name="Әсел Ғабитқызы"))
                sign_in(page, people[key])
        answer = page.goto(system.url(visit.stop.service, _path(visit, seeded)))
        if answer is None or answer.status != 200:
            found.setdefault(f"answered {answer.status if answer else None}", []).append(str(visit))
            continue
        if visit.stop.act is not None:
            visit.stop.act(page)
        for problem in dict.fromkeys(
            [*_axe(page, minor, visit), *a11y.problems(page), *a11y.out_of_reach(page)]
        ):
            found.setdefault(problem, []).append(str(visit))
        page.screenshot(
            path=str(folder / f"{visit.stop.name}-{visit.role}-{visit.width}.png"), full_page=True
        )
    if context is not None:
        context.close()
    _report(folder / "axe-minor.txt", walk, minor)
    _report(folder / "found.txt", walk, found)
    assert found == {}, f"{len(walk)} visits:\n" + "\n".join(
        f"{problem}\n    on {', '.join(where)}" for problem, where in found.items()
    )


def _axe(page: Any, minor: dict[str, list[str]], visit: Visit) -> list[str]:
    """axe's serious and critical violations, one line each; the moderate and minor ones are kept in
    `minor` (written beside the screenshots, not failing the test)."""
    blocking = []
    for found in axe.results(page):
        line = f"{found['id']} ({found['impact']}): {found['help']} at {', '.join(found['targets'])}"
        if found["impact"] in axe.BLOCKING:
            blocking.append(line)
        else:
            where = minor.setdefault(line.split(" at ")[0], [])
            where += [str(visit)] if str(visit) not in where else []
    return blocking


def _report(path: Any, walk: list[Visit], found: dict[str, list[str]]) -> None:
    """What the walk found, beside its screenshots (`found.txt`: failing; `axe-minor.txt`: not)."""
    lines = [f"{len(walk)} visits"]
    lines += [f"{rule}\n    on {', '.join(where)}" for rule, where in sorted(found.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _context(browser: Any, width: str) -> Any:
    """A fresh context (no cookies) where axe may be injected past the pages' CSP."""
    phone = {"is_mobile": True, "has_touch": True, "device_scale_factor": 2} if width == "phone" else {}
    return browser.new_context(viewport=WIDTHS[width], locale="ru-RU", bypass_csp=True, **phone)


def test_the_default_walk_sees_each_page_once_per_role_and_every_page_at_both_widths() -> None:
    default, full = visits(full=False), visits(full=True)
    pairs = [(v.stop.name, v.role) for v in default]
    assert len(pairs) == len(set(pairs)) == sum(len(stop.roles()) for stop in STOPS)
    assert {(v.stop.name, v.role, v.width) for v in full} == {(p, r, w) for p, r in pairs for w in WIDTHS}
    several = [stop.name for stop in STOPS if len(stop.roles()) > 1]
    for name in several:
        assert {v.width for v in default if v.stop.name == name} == set(WIDTHS), name
    assert {v.lang for v in default} == set(LANGUAGES)


def test_the_reach_check_finds_a_box_out_of_sight_and_the_apis_words(
    page: Any, system: System, seeded: dict[str, str], sign_in: Callable[..., None],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """The decision's form as it was (a field's width, its table scrolled inside it) and a refusal
    saying "see `errors`": both found."""
    monkeypatch.setenv("TOP100_NOW", NOW)
    sign_in(page, system.user("regional_chair", SCORING))
    page.goto(system.url("review", "/decisions/new?lang=en"))
    assert a11y.out_of_reach(page) == []
    page.evaluate("document.getElementById('decision-form').style.maxWidth = '24rem'")
    page.evaluate("document.querySelector('main h2').textContent += ' (see `errors`)'")
    found = "\n".join(a11y.out_of_reach(page))
    assert "scrolled out of sight: input#adv-" in found and "the API's word on the page: `errors`" in found
