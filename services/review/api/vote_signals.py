"""The public vote's audit before results are published: its flagged votes and the export of all.

- `GET /api/v1/votes/{contest}/signals`: the votes the fraud signals flag, each with its reasons
  (`rules.signals.SIGNALS`); flagged, never dropped: the commission judges them.
- `GET /api/v1/votes/{contest}/export.csv`: every vote of the contest (superseded ones too) with its
  voter's keyed hash, time, network prefix (/24 or /48) and flags, formula-safe (`shared.exports`).

The chairs of the contest's scope and the administrators read them (a regional chair their region's
contest; any other contest is 404, as a candidate outside their scope is); each read is in the audit
log with the count of what it showed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, Response, jsonify, stream_with_context

from services.review.operations import vote_audit
from services.review.queries import signals
from services.review.rules import roles
from shared import exports, identity
from shared.web import current_runtime

bp = Blueprint("review_votes_api", __name__, url_prefix="/api/v1/votes")

COLUMNS = (
    "vote",
    "contest",
    "voter",
    "candidate",
    "recorded_at",
    "network",
    "current",
    "superseded_by",
    "flags",
)
#: Rows written per chunk of the streamed CSV.
CHUNK = 1000


def flagged_document(vote: signals.CheckedVote) -> dict[str, Any]:
    return {
        "vote": vote.id,
        "voter": vote.voter_hash,
        "candidate": vote.candidate_id,
        "recorded_at": vote.recorded_at.isoformat(),
        "network": vote.network,
        "current": vote.current,
        "reasons": list(vote.reasons),
    }


@bp.get("/<contest_id>/signals")
@identity.roles(*sorted(roles.AUDITORS))
def vote_signals(contest_id: str) -> Response:
    with current_runtime().db.unit_of_work() as session:
        view, found = vote_audit.read_signals(session, identity.caller(), contest_id)
    return jsonify(contest=view.id, items=[flagged_document(vote) for vote in found], total=len(found))


def _csv(contest_id: str) -> Iterator[str]:
    """The CSV in chunks of `CHUNK` rows, read from a server-side cursor in a unit of work of its own
    (a national contest has hundreds of thousands of votes, never all in memory): a byte-order mark
    and the header, then the rows, every cell through `exports.csv_row`."""
    out = io.StringIO()
    writer = csv.writer(out)
    out.write(exports.BOM)
    writer.writerow(exports.csv_row(COLUMNS))
    with current_runtime().db.unit_of_work() as session:
        for count, vote in enumerate(signals.exported_votes(session, contest_id), start=1):
            writer.writerow(
                exports.csv_row(
                    (
                        vote.id,
                        contest_id,
                        vote.voter_hash,
                        vote.candidate_id,
                        vote.recorded_at.isoformat(),
                        vote.network,
                        vote.current,
                        vote.superseded_by,
                        ";".join(vote.reasons),
                    )
                )
            )
            if count % CHUNK == 0:
                yield out.getvalue()
                out.seek(0)
                out.truncate()
    yield out.getvalue()


@bp.get("/<contest_id>/export.csv")
@identity.roles(*sorted(roles.AUDITORS))
def vote_export(contest_id: str) -> Response:
    with current_runtime().db.unit_of_work() as session:
        view = vote_audit.export_votes(session, identity.caller(), contest_id)
    response = Response(stream_with_context(_csv(view.id)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="votes-{view.id}.csv"'
    return response
