"""Media's rows as the API and the pages show them, each file with a signed link that expires."""

from __future__ import annotations

from typing import Any

from services.media import publicity
from services.media.messages import REASONS
from services.media.models import Asset, BannerWithdrawal, Candidate, Kit
from services.media.rules import LOW_DPI, problem_params
from shared.blobs import BlobStore
from shared.i18n import LANGUAGES, translate

#: How long a download link works (the contract's default: one hour).
LINK_SECONDS = 3600


def files(blobs: BlobStore, described: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each file with its link; a banner with `dpi` (its photo's resolution at print size) and
    `low_dpi` (under `rules.LOW_DPI`: the photo will look soft)."""
    return [
        {
            "name": file["name"],
            "format": file["format"],
            "width": file["width"],
            "height": file["height"],
            "bytes": file["bytes"],
            "url": blobs.presigned_url(file["key"], LINK_SECONDS),
            **({"dpi": file["dpi"], "low_dpi": file["dpi"] < LOW_DPI} if file.get("dpi") else {}),
        }
        for file in described
    ]


def asset(blobs: BlobStore, candidate: Candidate, photo: Asset | None) -> dict[str, Any]:
    reason = photo.reason if photo else None
    return {
        "id": photo.id if photo else None,
        "nomination_id": candidate.nomination_id,
        "region": candidate.region,
        "year": candidate.year,
        "name": publicity.full_name(candidate),
        "stage": candidate.stage,
        "status": photo.status if photo else "missing",
        "reason": reason,
        "reason_text": (
            {lang: translate(REASONS[reason], lang, problem_params(reason)) for lang in LANGUAGES}
            if reason in REASONS
            else None
        ),
        "width": photo.width if photo else None,
        "height": photo.height if photo else None,
        "derivatives": files(blobs, [*(photo.files if photo else []), *candidate.banners]),
        "updated_at": max(candidate.updated_at, photo.updated_at) if photo else candidate.updated_at,
    }


def kit(blobs: BlobStore, row: Kit) -> dict[str, Any]:
    return {
        "id": row.id,
        "year": row.year,
        "stage": row.stage,
        "region": row.region,
        "status": row.status,
        "progress": row.progress,
        "candidates": row.candidates,
        "bytes": row.bytes,
        "url": blobs.presigned_url(row.key, LINK_SECONDS) if row.status == "ready" and row.key else None,
        "created_at": row.created_at,
    }


def withdrawal(row: BannerWithdrawal, candidate: Candidate | None) -> dict[str, Any]:
    """A withdrawal as the publications log lists it: whose banners, which stage's, by which decision."""
    return {
        "nomination_id": row.nomination_id,
        "name": publicity.full_name(candidate) if candidate else "",
        "region": row.region,
        "stage": row.stage,
        "decision_id": row.decision_id,
        "sequence": row.sequence,
        "files": len(row.keys),
        "withdrawn_at": row.withdrawn_at,
    }
