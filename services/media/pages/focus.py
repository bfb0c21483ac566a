"""The crop point of a photo's `square`, `card` and `story`, moved by the media team from the
candidate's page, without script: a click on the photo (an image button sends where it was clicked)
or the point in percent shows previews of the three crops; "Save" makes them again
(`operations.focus`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, redirect, request, url_for

from services.media import rules
from services.media.models import Asset
from services.media.operations import focus
from shared import identity, pages
from shared.refusals import NotFound
from shared.web import current_runtime

bp = Blueprint("media_focus", __name__)
TEAM = ("media", "admin")
#: The longer side the photo is shown at to be clicked (the `thumb` has 400 px; a phone has 360).
SHOWN_SIDE = 320


def _number(name: str) -> float | None:
    try:
        value = float(request.values.get(name, ""))
    except ValueError:
        return None
    return value if value == value else None  # NaN is no number


def asked_point() -> tuple[float, float] | None:
    """The point asked for, in percent: where the photo was clicked (`at.x`, `at.y` on a photo shown
    `w` x `h`), else `x` and `y`; None when none is asked for or it is not a point of the photo."""
    px, py, shown_w, shown_h = (_number(name) for name in ("at.x", "at.y", "w", "h"))
    if px is not None and py is not None and shown_w and shown_h and shown_w > 0 and shown_h > 0:
        return rules.clicked_point(round(px), round(py), round(shown_w), round(shown_h))
    x, y = _number("x"), _number("y")
    return (x, y) if rules.focus_point(x, y) is not None and x is not None and y is not None else None


def context(asset: Asset | None, item: dict[str, Any]) -> dict[str, Any]:
    """What the candidate page's crop point section shows: the photo to click at its shown size, the
    current point in percent, and the point asked for (with previews of the crops) if any."""
    thumb = next((d for d in item["derivatives"] if d["name"] == "thumb" and d["format"] == "jpeg"), None)
    if asset is None or asset.status != "processed" or thumb is None:
        return {"focus": None}
    scale = SHOWN_SIDE / max(thumb["width"], thumb["height"])
    current = (
        (round(asset.focus_x * 100, 1), round(asset.focus_y * 100, 1))
        if asset.focus_x is not None and asset.focus_y is not None
        else None
    )
    return {
        "focus": {
            "thumb": thumb["url"],
            "width": round(thumb["width"] * scale),
            "height": round(thumb["height"] * scale),
            "current": current,
            "asked": asked_point(),
            "names": rules.FOCUSED,
        }
    }


@bp.get("/candidates/<nomination_id>/focus/preview.jpg")
@identity.roles(*TEAM)
def preview(nomination_id: str) -> Response:
    """A small picture of the crop `crop` (square, card or story) at the point `x`, `y` (percent):
    404 for a candidate the caller may not see, 400 for a crop or a point there is not."""
    point = rules.focus_point(_number("x"), _number("y"))
    name = request.args.get("crop", "")
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        asset = focus.focused_photo(session, identity.caller(), nomination_id)
        if asset is None:
            raise NotFound()
        data = focus.preview(runtime.blobs, asset, name, point) if point else None
    if data is None:
        abort(400)
    return Response(data, mimetype="image/jpeg", headers={"Cache-Control": "private, no-store"})


@bp.post("/candidates/<nomination_id>/focus")
@identity.roles(*TEAM)
def move(nomination_id: str) -> Response:
    """Save the crop point (`x`, `y` in percent): the three crops are made again around it."""
    point = rules.focus_point(_number("x"), _number("y"))
    runtime = current_runtime()
    with runtime.db.unit_of_work() as session:
        asset = focus.focused_photo(session, identity.caller(), nomination_id)
        if asset is None:
            raise NotFound()
        moved = point is not None and focus.move_focus(
            session, runtime.blobs, identity.caller(), asset, point
        )
    lang = pages.page_language()
    target = url_for("media.candidate", nomination_id=nomination_id, lang=lang, moved=1 if moved else 0)
    return redirect(target + "#focus", 303)
