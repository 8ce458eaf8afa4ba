"""Marketplace reads, already filtered by who may see them.

Outsiders get the same answer for "not found" and "not yours": the `*_for_*` helpers raise
Http404 for both.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import Case, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404

from config.security import refused
from marketplace.models import Category, Delivery, Gig, Order, Package, SellerProfile, User

GIGS_PER_PAGE = 12
ORDERS_PER_PAGE = 20


class Sort:
    RELEVANCE = "relevance"
    NEWEST = "newest"
    PRICE_LOW = "price_asc"
    PRICE_HIGH = "price_desc"
    FASTEST = "fastest"
    CHOICES = [
        (RELEVANCE, "Best match"),
        (NEWEST, "Newest"),
        (PRICE_LOW, "Price: low to high"),
        (PRICE_HIGH, "Price: high to low"),
        (FASTEST, "Fastest delivery"),
    ]


@dataclass(frozen=True)
class GigFilters:
    query: str = ""
    category: Category | None = None
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    max_days: int | None = None
    sort: str = ""


def _with_cheapest_package(gigs: QuerySet[Gig]) -> QuerySet[Gig]:
    """Annotate `starting_price` and `starting_days`: the terms of the gig's cheapest package,
    which the cards show ("From $25 · 3 days") and the price/delivery filters apply to."""
    cheapest = Package.objects.filter(gig=OuterRef("pk")).order_by("price", "pk")
    return gigs.annotate(
        starting_price=Subquery(cheapest.values("price")[:1]),
        starting_days=Subquery(cheapest.values("delivery_days")[:1]),
    )


def listed_gigs() -> QuerySet[Gig]:
    """Gigs anyone may see: active, of an active seller, with at least one package."""
    gigs = Gig.objects.filter(status=Gig.Status.ACTIVE, seller__is_active=True)
    gigs = _with_cheapest_package(gigs.select_related("seller__seller_profile", "category"))
    return gigs.filter(starting_price__isnull=False)


def _text_search(gigs: QuerySet[Gig], query: str) -> QuerySet[Gig]:
    """Full-text search on PostgreSQL, a plain substring match elsewhere (docs/decisions.md).

    Both look at the same fields and rank a title match above a tag match above a
    description match, so results read the same on either database.
    """
    if connection.vendor == "postgresql":
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("tags", weight="B", config="english")
            + SearchVector("description", weight="C", config="english")
        )
        search = SearchQuery(query, search_type="websearch", config="english")
        matching = gigs.annotate(document=vector).filter(document=search)
        return matching.annotate(rank=SearchRank(vector, search))
    terms = query.split()
    for term in terms:
        gigs = gigs.filter(
            Q(title__icontains=term) | Q(tags__icontains=term) | Q(description__icontains=term)
        )
    first = terms[0] if terms else query
    return gigs.annotate(
        rank=Case(
            When(title__icontains=first, then=Value(3)),
            When(tags__icontains=first, then=Value(2)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )


_ORDERINGS = {
    Sort.NEWEST: ["-created_at", "-pk"],
    Sort.PRICE_LOW: ["starting_price", "-created_at", "-pk"],
    Sort.PRICE_HIGH: ["-starting_price", "-created_at", "-pk"],
    Sort.FASTEST: ["starting_days", "starting_price", "-pk"],
    Sort.RELEVANCE: ["-rank", "-created_at", "-pk"],
}


def search_gigs(filters: GigFilters) -> QuerySet[Gig]:
    """Listed gigs matching `filters`, in the order asked for (relevance when searching)."""
    gigs = listed_gigs()
    query = filters.query.strip()
    if query:
        gigs = _text_search(gigs, query)
    if filters.category is not None:
        gigs = gigs.filter(category=filters.category)
    if filters.min_price is not None:
        gigs = gigs.filter(starting_price__gte=filters.min_price)
    if filters.max_price is not None:
        gigs = gigs.filter(starting_price__lte=filters.max_price)
    if filters.max_days is not None:
        gigs = gigs.filter(starting_days__lte=filters.max_days)
    sort = filters.sort or (Sort.RELEVANCE if query else Sort.NEWEST)
    if sort == Sort.RELEVANCE and not query:
        sort = Sort.NEWEST
    return gigs.order_by(*_ORDERINGS.get(sort, _ORDERINGS[Sort.NEWEST]))


def featured_gigs(limit: int = 8) -> list[Gig]:
    return list(listed_gigs().order_by("-created_at", "-pk")[:limit])


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def _can_see_hidden(gig: Gig, viewer: User) -> bool:
    return viewer.is_authenticated and (viewer.pk == gig.seller_id or viewer.is_staff)


def gig_for_viewer(*, slug: str, viewer: User) -> Gig:
    """The gig page's gig. Paused gigs, and gigs of deactivated sellers, exist only for their
    seller and staff: everyone else gets 404, as for a gig that never existed."""
    gig = (
        _with_cheapest_package(Gig.objects.select_related("seller__seller_profile", "category"))
        .filter(slug=slug)
        .first()
    )
    if gig is None:
        raise Http404("No such gig.")
    listed = gig.status == Gig.Status.ACTIVE and gig.seller.is_active
    if not listed and not _can_see_hidden(gig, viewer):
        refused("gig", slug)
        raise Http404("No such gig.")
    return gig


def packages_of(gig: Gig) -> list[Package]:
    """The gig's packages in tier order (basic, standard, premium)."""
    order = [tier for tier, _ in Package.Tier.choices]
    return sorted(gig.packages.all(), key=lambda p: order.index(p.tier))


def seller_gigs(*, seller: User) -> QuerySet[Gig]:
    """A seller's own gigs, active and paused (the /seller/gigs/ page)."""
    return _with_cheapest_package(Gig.objects.filter(seller=seller).select_related("category"))


def gig_for_owner(*, pk: int, user: User) -> Gig:
    """A gig its seller may edit; 404 for anybody else's gig."""
    gig = Gig.objects.filter(pk=pk, seller=user).select_related("category").first()
    if gig is None:
        refused("gig", pk)
        raise Http404("No such gig.")
    return gig


def seller_for_profile_page(*, username: str) -> SellerProfile:
    profile = (
        SellerProfile.objects.select_related("user")
        .filter(user__username=username, user__is_active=True)
        .first()
    )
    if profile is None:
        raise Http404("No such seller.")
    return profile


def active_gigs_of(seller: User) -> QuerySet[Gig]:
    return listed_gigs().filter(seller=seller).order_by("-created_at", "-pk")


class OrderRole:
    BUYING = "buying"
    SELLING = "selling"


def orders_for_user(*, user: User, role: str = "", status: str = "") -> QuerySet[Order]:
    """Orders `user` is a party to (as buyer, seller, or both), newest first."""
    if role == OrderRole.BUYING:
        orders = Order.objects.filter(buyer=user)
    elif role == OrderRole.SELLING:
        orders = Order.objects.filter(seller=user)
    else:
        orders = Order.objects.filter(Q(buyer=user) | Q(seller=user))
    if status in Order.Status.values:
        orders = orders.filter(status=status)
    return orders.select_related("buyer__seller_profile", "seller__seller_profile", "gig").order_by(
        "-created_at", "-pk"
    )


def order_for_user(*, pk: int, user: User) -> Order:
    """An order its buyer, its seller or staff may see; 404 for anybody else."""
    order = (
        Order.objects.select_related("buyer", "seller__seller_profile", "gig", "package")
        .filter(pk=pk)
        .first()
    )
    if order is None or not (order.is_party(user) or user.is_staff):
        refused("order", pk)
        raise Http404("No such order.")
    return order


def delivery_for_user(*, order_pk: int, delivery_pk: int, user: User) -> Delivery:
    """A delivered file of an order `user` may see; 404 otherwise (or when there is no file)."""
    order = order_for_user(pk=order_pk, user=user)
    delivery = order.deliveries.filter(pk=delivery_pk).exclude(file="").first()
    if delivery is None:
        refused("delivery", delivery_pk)
        raise Http404("No such file.")
    return delivery
