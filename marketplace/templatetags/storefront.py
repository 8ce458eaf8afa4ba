"""Storefront bits for other apps' pages: the away note (the inbox's thread header)."""

from __future__ import annotations

from django import template

from config import clock
from marketplace.availability import away_profile, away_until_text

register = template.Library()


@register.inclusion_tag("marketplace/partials/away_note.html")
def away_note(user) -> dict:
    """'<name> is away until <date>' when `user` is a seller who is away now."""
    return {"profile": away_profile(user, clock.now()) if user is not None else None}


@register.filter
def away_until(profile) -> str:
    """The seller's last day away in the seller's zone ('12 Dec 2026'), whoever reads it."""
    return away_until_text(profile) if profile else ""
