"""Times as people read them, in the viewer's zone (the zone active for the request:
marketplace.time_zones; docs/decisions.md I6), named: '9 Jan 2027, 14:00 CET'. The one form of
a time that pages, emails and inbox lines share (core.timestamps.local_time_text)."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from core.timestamps import local_time_text, localize_stamps

register = template.Library()


@register.filter
def local_time(moment: datetime | None) -> str:
    """`moment` in the active zone, with the zone's name; '' for none."""
    if moment is None:
        return ""
    return local_time_text(moment, timezone.get_current_timezone(), name_zone=True)


@register.filter
def local_stamps(text: str) -> str:
    """Stored text (an order's timeline note) with its UTC stamps as local times, named."""
    return localize_stamps(str(text or ""), timezone.get_current_timezone(), name_zone=True)
