"""Who is who in the commissions: the roles as named sets, so a check reads as the programme says it."""

from __future__ import annotations

#: Everyone of a commission and the administrators: they see the season's figures.
DASHBOARD_VIEWERS = ("regional_member", "regional_chair", "national_member", "national_chair", "admin")
