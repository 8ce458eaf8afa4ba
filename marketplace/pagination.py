"""Numbered pages for the site's lists (gigs, orders, reviews, saved replies...), shared by
every app: the page object goes to the template as `page` and is rendered with
marketplace/partials/pagination.html."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property

__all__ = ["page_of", "CappedPaginator"]


class CappedPaginator(Paginator):
    """Counts at most `max_count` items: a broad search does not count every match (the
    page says "1,000+"); pages past the cap are not offered."""

    def __init__(self, items: QuerySet | list, per_page: int, *, max_count: int) -> None:
        super().__init__(items, per_page)
        self.max_count = max_count

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, list):  # ids already read (a ranked search)
            return min(len(self.object_list), self.max_count + 1)
        # Unordered, so that the count does not compute the ranking it does not need.
        return self.object_list.order_by()[: self.max_count + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.max_count


def page_of(
    request: HttpRequest, items: QuerySet | list, per_page: int, *, max_count: int | None = None
) -> Page:
    """The `?page=` page of `items` (out of range or junk: the last or first page)."""
    if max_count is None:
        return Paginator(items, per_page).get_page(request.GET.get("page"))
    return CappedPaginator(items, per_page, max_count=max_count).get_page(request.GET.get("page"))
