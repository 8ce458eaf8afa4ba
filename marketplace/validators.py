"""Validators of what users write on marketplace pages.

Gig texts, seller profiles, order requirements, delivery notes and file names all pass
through `reject_contact_details`: as a model-field validator (so every `full_clean` in a
service and every ModelForm runs it) and called directly where a text is not a model field
(revision and cancellation notes). What is refused, and the error's words, are the site's
contact policy's (core.contact_policy).
"""

from __future__ import annotations

import zoneinfo

from django.core.exceptions import ValidationError

from core.contact_policy import CONTACT_DETAILS_CODE, get_contact_policy

__all__ = ["reject_contact_details", "validate_timezone", "CONTACT_DETAILS_CODE"]


def reject_contact_details(text: str) -> None:
    """Raise ValidationError naming the first contact detail found in `text`, if any."""
    get_contact_policy().refuse_contact_details(text)


def validate_timezone(name: str) -> None:
    """An IANA time zone name (pages show times in the user's zone, so it must exist)."""
    if name not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(name)s is not a known time zone, e.g. Europe/Berlin.", params={"name": name}
        )
