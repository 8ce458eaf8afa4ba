from django.http import HttpRequest

from inbox.selectors import unread_total


def unread(request: HttpRequest) -> dict[str, int]:
    """The header's unread badge: one query for a logged-in user, none for a visitor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"inbox_unread": unread_total(user)}
