"""Review's JSON API under `/api/v1/`: one module per resource, each a blueprint `app.py` registers."""

from __future__ import annotations

from flask import Blueprint

from services.review.api import audit, candidates, contests, dashboard, decisions, vote_signals

BLUEPRINTS: tuple[Blueprint, ...] = (
    candidates.bp,
    audit.bp,
    decisions.bp,
    dashboard.bp,
    contests.bp,
    vote_signals.bp,
)
