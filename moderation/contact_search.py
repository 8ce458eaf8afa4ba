"""Who else shared this contact detail? Each flag keeps the detector's normalised values of
its message (E.164 phones, lower-cased emails, platform:handle: core.contact findings),
one per line between newlines, and staff search them across accounts. The values are
originals: every search is recorded as a reveal with the staff member's reason first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from moderation import labels
from moderation.models import Flag, StaffAccess
from moderation.staff_access import record_staff_access

__all__ = ["values_text", "search_needle", "search_contact", "MAX_RESULTS"]

MAX_RESULTS = 200
MIN_QUERY_CHARS = 3
PHONE_LIKE = re.compile(r"^\+?[\d\s().\-/]+$")
MIN_PHONE_DIGITS = 6


def values_text(findings: Iterable[Mapping[str, Any]]) -> str:
    """The stored form of a message's values: "\\nv1\\nv2\\n", sorted, lower-cased."""
    values = sorted(
        {
            str(finding.get("value", "")).strip().lower()
            for finding in findings
            if isinstance(finding, Mapping) and str(finding.get("value", "")).strip()
        }
    )
    return "\n" + "\n".join(values) + "\n" if values else ""


def search_needle(query: str) -> str:
    """What to look for in the stored values. A phone, however written ("+44 7911 123456",
    "07911123456"), becomes its national significant number ("7911123456"): every stored
    E.164 value of that number holds it, whatever country the detector read a national
    form as. Anything else is a lower-cased partial match ("gmail", "instagram:")."""
    query = query.strip()
    if PHONE_LIKE.match(query):
        digits = re.sub(r"\D", "", query)
        if len(digits) >= MIN_PHONE_DIGITS:
            if not query.startswith("+"):
                return digits.lstrip("0")  # the trunk prefix
            try:
                return str(phonenumbers.parse("+" + digits).national_number)
            except phonenumbers.NumberParseException:
                return digits
    return query.lower()


def matching_flags(query: str) -> QuerySet[Flag]:
    needle = search_needle(query)
    return (
        Flag.objects.filter(contact_values__icontains=needle)
        .select_related("message__sender", *labels.related("message__conversation"))
        .order_by("-created_at", "-id")
    )


@transaction.atomic
def search_contact(*, staff, query: str, reason: str) -> list[Flag]:
    """The flags whose message shared a value matching `query`, newest first (at most
    MAX_RESULTS), after recording the search as a reveal (the reason at least 10
    characters; the query is the record's reference)."""
    query = query.strip()
    if len(query) < MIN_QUERY_CHARS:
        raise ValidationError({"query": f"Search for {MIN_QUERY_CHARS} characters at least."})
    record_staff_access(
        staff=staff,
        action=StaffAccess.Action.CONTACT_SEARCH,
        reason=reason,
        reference=f"contact_search:{query}"[:100],
    )
    return list(matching_flags(query)[:MAX_RESULTS])
