from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, object]:
    """Values every page needs (the header's search box keeps what was searched)."""
    return {"search_query": request.GET.get("q", "") if request.method == "GET" else ""}
