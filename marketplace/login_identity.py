"""Which account a login attempt was for, as django-axes counts failures per account.

allauth authenticates with `username=` or `email=` (whichever the person typed into its
single "login" field), never with a `login` credential, so axes' default lookup found
nothing and only the per-address lockout worked. Attempts by email count against the
account's username, so switching between the two does not reset the count.
"""

from __future__ import annotations

from django.http import HttpRequest

from marketplace.models import User


def login_identifier(request: HttpRequest, credentials: dict | None) -> str | None:
    """The lower-cased username an attempt named (by username or by email), or what was typed."""
    credentials = credentials or {}
    typed = credentials.get("username") or credentials.get("email")
    if not typed and request is not None:
        typed = getattr(request, "POST", {}).get("login")
    if not isinstance(typed, str) or not typed.strip():
        return None
    typed = typed.strip()
    if "@" in typed:
        username = (
            User.objects.filter(email__iexact=typed).values_list("username", flat=True).first()
        )
        typed = username or typed
    return typed.lower()
