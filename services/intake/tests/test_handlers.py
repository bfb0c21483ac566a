"""Intake follows media's and review's events: a portal reads the progress back, once per event."""

from __future__ import annotations

from flask.testing import FlaskClient

from services.intake.handlers import HANDLERS
from services.intake.tests import factories
from shared.envelope import Event
from shared.handling import handle
from shared.runtime import Runtime


def deliver(runtime: Runtime, event_type: str, payload: dict, producer: str = "media") -> Event:
    event = Event(type=event_type, version=1, region="almaty", producer=producer, payload=payload)
    assert handle(runtime, HANDLERS, "intake", event) is True
    return event


def test_progress_follows_media_and_review(client: FlaskClient, auth: dict, runtime: Runtime) -> None:
    nid = factories.submitted(client, auth)
    rejected = deliver(runtime, "media.photo_rejected", {"nomination_id": nid, "reason": "face not visible"})
    progress = client.get(f"/api/v1/nominations/{nid}", headers=auth).json["progress"]
    assert (progress["photo"], progress["photo_reason"]) == ("rejected", "face not visible")
    assert handle(runtime, HANDLERS, "intake", rejected) is False

    deliver(
        runtime, "media.photo_processed", {"nomination_id": nid, "asset_id": "a1", "derivatives": ["web"]}
    )
    deliver(
        runtime,
        "review.candidate_registered",
        {"nomination_id": nid, "candidate_id": "c1", "stage": "internal"},
        producer="review",
    )
    progress = client.get(f"/api/v1/nominations/{nid}", headers=auth).json["progress"]
    assert (progress["photo"], progress["photo_reason"], progress["stage"]) == ("processed", None, "internal")


def test_an_event_about_an_unknown_nomination_is_dropped(runtime: Runtime) -> None:
    deliver(runtime, "media.photo_rejected", {"nomination_id": "gone", "reason": "x"})


def test_a_media_event_about_no_progress_is_acknowledged_and_changes_nothing(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    """Intake's queues get every media event; one that says nothing of progress (a banner) is taken
    off the queue (not parked) and leaves the portal's view of the nomination as it was."""
    nid = factories.submitted(client, auth)
    before = client.get(f"/api/v1/nominations/{nid}", headers=auth).json["progress"]
    banner = {"nomination_id": nid, "candidate_id": "c1", "stage": "republican", "derivatives": ["banner"]}
    deliver(runtime, "media.banner_ready", banner)
    assert client.get(f"/api/v1/nominations/{nid}", headers=auth).json["progress"] == before


def test_the_portal_sees_what_notify_sent_the_student_once(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    nid = factories.submitted(client, auth)
    sent = deliver(
        runtime,
        "notification.sent",
        {
            "message_id": "m-1",
            "nomination_id": nid,
            "channel": "email",
            "template": "nomination_received",
            "recipient_kind": "student",
        },
        producer="notify",
    )
    assert handle(runtime, HANDLERS, "intake", sent) is False
    notifications = client.get(f"/api/v1/nominations/{nid}", headers=auth).json["progress"]["notifications"]
    assert [(n["channel"], n["template"], n["status"]) for n in notifications] == [
        ("email", "nomination_received", "sent")
    ]


def test_the_portal_reads_the_decisions_and_a_correction_wins_over_a_late_copy(
    client: FlaskClient, auth: dict, runtime: Runtime
) -> None:
    """Intake follows the commissions' decisions (`candidate.*`): the stage they leave the candidate
    in, a line each; a late copy of the decision a correction superseded does not move it back."""
    nid = factories.submitted(client, auth)
    decided = {"candidate_id": "c1", "nomination_id": nid, "year": 2026, "stage": "regional"}
    first = {**decided, "to_stage": "republican", "decision_id": "d1", "sequence": 1}
    correction = {**decided, "decision_id": "d2", "sequence": 2, "correction": True, "corrects": "d1"}
    deliver(runtime, "candidate.not_advanced", correction, producer="review")
    deliver(runtime, "candidate.advanced", first, producer="review")  # the older one, late
    progress = client.get(f"/api/v1/nominations/{nid}", headers=auth).json["progress"]
    assert progress["stage"] == "regional"
    assert [(d["outcome"], d["sequence"], d["correction"]) for d in progress["decisions"]] == [
        ("not_advanced", 2, True),
        ("advanced", 1, False),
    ]
