"""What an administrator's template may cost: rendering is bounded (output, ranges, repeated strings,
powers, padding), and a subject is one line. A template over a limit is refused when saved, quickly,
with `422 template_too_costly`; a subject with CR or LF with a 422 naming the language and part."""

from __future__ import annotations

import time

import pytest
from flask.testing import FlaskClient

from services.notify.app import create_app
from services.notify.operations import templating
from services.notify.tests.factories import bearer
from shared.runtime import Runtime

COSTLY = [
    "{% for i in range(10001) %}{% endfor %}",
    "{% for i in range(100000000) %}x{% endfor %}",
    "{{ 'x' * 10001 }}",
    "{{ 10001 * 'x' }}",
    "{{ name * 1000 }}",
    "{{ ['x'] * 100000000 }}",
    "{% for i in range(9000) %}{{ name }}{% endfor %}",
    "{% for i in range(10000) %}{% for j in range(10000) %}{{ j }}{% endfor %}{% endfor %}",
    "{{ 7 ** 10000000 }}",
    "{% set n = 10 ** 5000 %}{{ (n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n * n) % 7 }}",
    "{% for a in name %}{% for b in name %}{% for c in name %}{% for d in name %}"
    "{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    "{% set ns = namespace(x=name) %}{% for i in range(40) %}{% set ns.x = ns.x ~ ns.x %}{% endfor %}",
    "{% set ns = namespace(x=name) %}{% for i in range(40) %}{% set ns.x = ns.x + ns.x %}{% endfor %}",
    "{{ name|list|join(name)|list|join(name)|list|join(name) }}",
    "{{ name|replace('', name)|replace('', name)|replace('', name) }}",
    "{{ 'x'.ljust(100000000) }}",
    "{{ 'x'|center(100000000) }}",
    "{{ 'x'|indent(100000000, true) }}",
    "{{ '%100000000s'|format('x') }}",
    "{{ '{:>100000000}'.format('x') }}",
]


@pytest.fixture
def client(runtime: Runtime) -> FlaskClient:
    return create_app(runtime).test_client()


@pytest.mark.parametrize("source", COSTLY)
def test_a_template_too_costly_to_render_is_refused_when_saved(
    client: FlaskClient, runtime: Runtime, source: str
) -> None:
    admin = bearer(runtime)
    body = {"channel": "sms", "body": {"kk": source, "ru": "ok", "en": "ok"}}
    started = time.monotonic()
    refused = client.put("/api/v1/templates/nomination_received", json=body, headers=admin)
    assert time.monotonic() - started < 5
    assert refused.status_code == 422, refused.get_json()
    problem = refused.get_json()
    assert problem["code"] == "template_too_costly"
    assert "too costly" in problem["problems"]["body.kk"]
    current = client.get("/api/v1/templates/nomination_received", headers=admin).get_json()["current"]
    assert {item["version"] for item in current} == {1}


def test_a_template_within_the_limits_is_saved(client: FlaskClient, runtime: Runtime) -> None:
    source = "{% for i in range(100) %}{{ reference }} {% endfor %}{{ '-' * 50 }}{{ 2 ** 10 }}"
    body = {"channel": "sms", "body": {"kk": source, "ru": "ok", "en": "ok"}}
    saved = client.put("/api/v1/templates/nomination_received", json=body, headers=bearer(runtime))
    assert saved.status_code == 201, saved.get_json()


@pytest.mark.parametrize(
    "subject",
    [
        "ТОП 100:\nжаңалық",
        "ТОП 100:\rжаңалық",
        "ТОП 100: {{ '\\r\\nBcc: someone@example.kz' }}",
        "ТОП 100: {{ name }}{% if audience == 'coordinator' %}\n{% endif %}сәлем",
    ],
)
def test_a_subject_with_cr_or_lf_is_refused_at_save_naming_language_and_part(
    client: FlaskClient, runtime: Runtime, subject: str
) -> None:
    body = {"kk": "Мәтін.", "ru": "Текст.", "en": "Text."}
    document = {"channel": "email", "subject": {"kk": subject, "ru": "Тема", "en": "Subject"}, "body": body}
    refused = client.put("/api/v1/templates/nomination_received", json=document, headers=bearer(runtime))
    assert refused.status_code == 422, refused.get_json()
    problems = refused.get_json()["problems"]
    assert list(problems) == ["subject.kk"] and "CR or LF" in problems["subject.kk"]


def test_the_limits_hold_at_send_time_too() -> None:
    """A version saved before the limits existed cannot make a worker render a megabyte."""
    with pytest.raises(templating.TooCostly):
        templating.render_text("{% for i in range(9000) %}{{ name }}{% endfor %}", {"name": "Әлихан" * 4})
