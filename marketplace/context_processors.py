from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Values every page needs (the header's search box keeps what was searched)."""
    return {
        "search_query": request.GET.get("q", "") if request.method == "GET" else "",
        # Links to these hosts are made clickable in messages (static/js/thread_extras.js).
        "site_hosts": " ".join(settings.GIGBOX_SITE_HOSTS),
    }
