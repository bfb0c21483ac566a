"""Review's HTML pages for people (commissions, chairs, administrators), one module per section."""

from __future__ import annotations

from flask import Blueprint

from services.review.pages import audit, candidates, conflicts, dashboard, decisions, login, votes

BLUEPRINTS: tuple[Blueprint, ...] = (
    candidates.bp, login.bp, audit.bp, decisions.bp, dashboard.bp, conflicts.bp, votes.bp
)
