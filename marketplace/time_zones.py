"""The viewer's time zone: every page shows times in the zone of the user who reads it.

`TimeZoneMiddleware` activates the logged-in user's zone (User.timezone, an IANA name) for
the whole request, so templates, forms and emails rendered in it use that zone without each
page asking. Django admin is left in UTC: its staff pages and forms say UTC. The zone is
detected from the browser at sign-up (static/js/timezone.js fills the sign-up form's hidden
field) and can be changed on the account settings page.
"""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from marketplace.models import User
from marketplace.validators import validate_timezone

__all__ = ["TimeZoneMiddleware", "set_timezone", "zone_of"]


def zone_of(user) -> zoneinfo.ZoneInfo:
    """The user's zone; the site's default for anonymous users or an unknown name."""
    name = getattr(user, "timezone", "") or settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def set_timezone(*, user: User, name: str) -> User:
    """Store `name` (an IANA zone, e.g. Asia/Kolkata) as the user's time zone."""
    name = name.strip()
    validate_timezone(name)
    if not name:
        raise ValidationError("Choose a time zone.")
    User.objects.filter(pk=user.pk).update(timezone=name)
    user.timezone = name
    return user


@functools.cache
def _admin_prefix() -> str:
    return reverse("admin:index")


class TimeZoneMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # Staff tools (Django admin) work in UTC, as their pages and forms say.
        if request.path.startswith(_admin_prefix()):
            return self.get_response(request)
        if user is not None and user.is_authenticated:
            with timezone.override(zone_of(user)):
                return self.get_response(request)
        return self.get_response(request)
