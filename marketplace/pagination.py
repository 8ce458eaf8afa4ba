"""Numbered pages for the site's lists (gigs, orders, reviews, saved replies...), shared by
every app: the page object goes to the template as `page` and is rendered with
marketplace/partials/pagination.html."""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

__all__ = ["page_of"]


def page_of(request: HttpRequest, items: QuerySet, per_page: int) -> Page:
    """The `?page=` page of `items` (out of range or junk: the last or first page)."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))
