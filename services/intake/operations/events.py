"""The events intake publishes, with the minimum personal data each consumer needs (never the IIN).

Sandbox nominations publish nothing: they never reach a commission and never send a message.

Every event carries the nomination's `revision`: 1 at submission (set when the row is made), and
`next_revision` adds one in the transaction of each later change that emits an event, on the row the
change holds locked, so revisions follow the order of the changes whatever order the bus delivers in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.intake.models import Nomination, Photo, Specialty
from services.intake.operations.render import achievements, minor, statement_texts
from shared.blobs import BlobStore
from shared.envelope import Event
from shared.outbox import emit

PRODUCER = "intake"
#: How long media may use the link to a photo that an event carries: S3's longest presigned URL, so
#: a message retried for hours or parked and replayed days later still finds the photo.
PHOTO_LINK_SECONDS = 7 * 24 * 3600


def photo_ref(photo: Photo | None, blobs: BlobStore) -> dict[str, Any] | None:
    """Where media reads the photo: a link intake signs (S3 presigned, or intake's own signed route),
    so media never holds intake's storage credentials."""
    if photo is None:
        return None
    return {
        "key": photo.key,
        "url": blobs.presigned_url(photo.key, PHOTO_LINK_SECONDS) or photo.url,
        "sha256": photo.sha256,
        "content_type": photo.content_type,
        "width": photo.width,
        "height": photo.height,
    }


def candidate(n: Nomination) -> dict[str, Any]:
    return {"last_name": n.last_name, "first_name": n.first_name, "patronymic": n.patronymic}


def contacts(n: Nomination) -> dict[str, Any]:
    return {"email": n.email, "phone": n.phone}


def specialty(session: Session, n: Nomination) -> dict[str, Any]:
    """The specialty as the events carry it: the portal's words (else the classifier's name in the
    student's language), and the code with its kk/ru/en names when the portal gave one."""
    found = session.get(Specialty, n.specialty_code) if n.specialty_code else None
    names = found.names if found is not None else None
    words = n.specialty or (names or {}).get(n.language) or ""
    return {"specialty": words, "specialty_code": n.specialty_code, "specialty_names": names}


def next_revision(n: Nomination) -> int:
    """The revision of the change being made now (the caller holds the nomination's row locked)."""
    n.revision += 1
    return n.revision


def publish(session: Session, nomination: Nomination, event_type: str, payload: dict[str, Any]) -> None:
    """Write the event to the outbox in the caller's transaction, unless the nomination is a sandbox one."""
    if nomination.sandbox:
        return
    emit(
        session,
        Event(type=event_type, version=1, region=nomination.region_code, producer=PRODUCER, payload=payload),
    )


def submitted(session: Session, n: Nomination, college_names: dict[str, str], blobs: BlobStore) -> None:
    publish(
        session,
        n,
        "nomination.submitted",
        {
            "nomination_id": n.id,
            "year": n.year,
            "college_code": n.college_code,
            "college_names": college_names,
            "candidate": candidate(n),
            "language": n.language,
            "contacts": contacts(n),
            **specialty(session, n),
            "course": n.course,
            "academic_standing": n.academic_standing,
            "minor": minor(n),
            "categories": list(n.categories),
            "achievements": achievements(n),
            "statements": statement_texts(n),
            "photo": photo_ref(n.photo, blobs),
            "consent_publication": n.consent_publication,
            "revision": n.revision,
            "coordinator": {"full_name": n.coordinator_full_name, "email": n.coordinator_email},
        },
    )


def amended(session: Session, n: Nomination, changed: list[str], blobs: BlobStore | None = None) -> None:
    """The changed parts only (`changed` names them as field paths); consumers apply what is present.

    A new photo comes only through `replace_photo`, which passes the blob store to sign its link."""
    tops = {path.split(".")[0] for path in changed}
    student = {path.split(".", 1)[1] for path in changed if path.startswith("student.")}
    revision = next_revision(n)
    payload: dict[str, Any] = {"nomination_id": n.id, "changed": sorted(changed), "revision": revision}
    if student & {"last_name", "first_name", "patronymic"}:
        payload["candidate"] = candidate(n)
    if "language" in student:
        payload["language"] = n.language
    if student & {"email", "phone"}:
        payload["contacts"] = contacts(n)
    if "statements" in tops:
        payload["statements"] = statement_texts(n)
    if "photo" in tops and blobs is not None:
        if n.photo is not None:
            n.photo.revision = revision
        payload["photo"] = photo_ref(n.photo, blobs)
    if "categories" in tops:
        payload["categories"] = list(n.categories)
    if "achievements" in tops:
        payload["achievements"] = achievements(n)
    if student & {"specialty", "specialty_code"}:
        payload.update(specialty(session, n))
    for name in ("course", "academic_standing"):
        if name in student:
            payload[name] = getattr(n, name)
    if "birth_date" in student:
        payload["minor"] = minor(n)
    if "consent" in tops:
        payload["consent_publication"] = n.consent_publication
    publish(session, n, "nomination.amended", payload)


def withdrawn(session: Session, n: Nomination, reason: str | None = None) -> None:
    payload = {"nomination_id": n.id, "reason": reason, "revision": next_revision(n)}
    publish(session, n, "nomination.withdrawn", payload)
