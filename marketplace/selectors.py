"""Marketplace reads, already filtered by who may see them.

Outsiders get the same answer for "not found" and "not yours": the `*_for_*` helpers raise
Http404 for both.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from django.db import connection
from django.db.models import F, Prefetch, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.urls import reverse
from django.utils.http import urlencode

from config import clock
from config.security import refused
from marketplace import search
from marketplace.availability import online_among
from marketplace.models import (
    Category,
    Delivery,
    Gig,
    GigImage,
    Order,
    Package,
    SellerProfile,
    User,
)

GIGS_PER_PAGE = 12
MAX_COUNTED = 1000  # search results are counted up to this ("1,000+ gigs")
RANK_WINDOW = MAX_COUNTED + 1  # matches ranked by relevance (`_rank_window`)
ORDERS_PER_PAGE = 20


class Sort:
    RELEVANCE = "relevance"
    RATING = "rating"
    NEWEST = "newest"
    PRICE_LOW = "price_asc"
    PRICE_HIGH = "price_desc"
    FASTEST = "fastest"
    CHOICES = [
        (RELEVANCE, "Best match"),
        (RATING, "Best rated"),
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
    min_rating: Decimal | None = None
    online: bool = False
    sort: str = ""
    exact: bool = False  # search the words as typed, no spelling correction
    typed: str = ""  # the words as typed, when `query` is their correction

    @property
    def active_count(self) -> int:
        """How many filters narrow the search (the phone's "Filters" button shows it)."""
        chosen = (self.category, self.min_price, self.max_price, self.max_days, self.min_rating)
        return sum(value is not None for value in chosen) + bool(self.online)

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the words narrows the search."""
        return self.active_count > 0


def listed_gigs(*, now: datetime | None = None) -> QuerySet[Gig]:
    """Gigs anyone may find: active, with a package, of an active seller who is neither
    away nor suspended.

    `starting_price`/`starting_days` (the cheapest package's terms, which cards show and the
    price and delivery filters use) are columns the database keeps current (migration 0009).
    No joins: search sorts thousands of matches, and `gig_cards` reads the page's rows.
    """
    now = now or clock.now()
    away = SellerProfile.objects.filter(away_until__gt=now).values("user_id")
    return Gig.objects.filter(
        status=Gig.Status.ACTIVE,
        starting_price__isnull=False,
        seller_id__in=User.objects.filter(is_active=True)
        .exclude(suspended_until__gt=now)
        .values("pk"),
    ).exclude(seller_id__in=away)


def with_covers(gigs: QuerySet[Gig]) -> QuerySet[Gig]:
    """Each gig's cover image as `covers[0]` (empty without images): one query per page."""
    covers = GigImage.objects.filter(position=0)
    return gigs.prefetch_related(Prefetch("images", queryset=covers, to_attr="covers"))


def gig_cards(gigs: Iterable[Gig | int]) -> list[Gig]:
    """What a card shows of each of `gigs` (gigs or ids: seller, profile, category, cover),
    in the same order."""
    ids = [gig if isinstance(gig, int) else gig.pk for gig in gigs]
    rows = with_covers(Gig.objects.select_related("seller__seller_profile", "category"))
    found = rows.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


_ORDERINGS = {
    Sort.NEWEST: [F("created_at").desc(), F("pk").desc()],
    Sort.RATING: [
        F("rating_average").desc(nulls_last=True),
        F("rating_count").desc(),
        F("created_at").desc(),
        F("pk").desc(),
    ],
    Sort.PRICE_LOW: [F("starting_price").asc(), F("created_at").desc(), F("pk").desc()],
    Sort.PRICE_HIGH: [F("starting_price").desc(), F("created_at").desc(), F("pk").desc()],
    Sort.FASTEST: [F("starting_days").asc(), F("starting_price").asc(), F("pk").desc()],
    Sort.RELEVANCE: [F("rank").desc(), F("created_at").desc(), F("pk").desc()],
}


def _narrowed(gigs: QuerySet[Gig], filters: GigFilters) -> QuerySet[Gig]:
    if filters.category is not None:
        gigs = gigs.filter(category=filters.category)
    if filters.min_price is not None:
        gigs = gigs.filter(starting_price__gte=filters.min_price)
    if filters.max_price is not None:
        gigs = gigs.filter(starting_price__lte=filters.max_price)
    if filters.max_days is not None:
        gigs = gigs.filter(starting_days__lte=filters.max_days)
    if filters.min_rating is not None:
        gigs = gigs.filter(rating_average__gte=filters.min_rating)
    if filters.online:
        sellers = gigs.order_by().values_list("seller_id", flat=True).distinct()
        gigs = gigs.filter(seller_id__in=online_among(sellers))
    return gigs


def search_gigs(filters: GigFilters) -> QuerySet[Gig]:
    """Listed gigs matching `filters`, in the order asked for (relevance when searching);
    unknown words corrected unless `filters.exact` (`spelled`)."""
    searched = spelled(filters)
    gigs = _search_gigs(searched)
    if searched.typed and not gigs.exists():
        gigs = _search_gigs(as_typed(searched))
    return gigs


def spelled(filters: GigFilters) -> GigFilters:
    """`filters` with each unknown word of the query replaced by the closest known one
    (`typed` keeps the words as typed), marked exact so that it is not corrected again."""
    if filters.exact or not filters.query.strip():
        return filters
    corrected = search.respelled(filters.query)
    typed = filters.query if corrected != filters.query else ""
    return replace(filters, query=corrected, typed=typed, exact=True)


def as_typed(filters: GigFilters) -> GigFilters:
    """The search of the words as typed (a correction that finds nothing is not offered)."""
    return replace(filters, query=filters.typed or filters.query, typed="", exact=True)


def _search_gigs(filters: GigFilters) -> QuerySet[Gig]:
    gigs = listed_gigs()
    query = filters.query.strip()
    if query:
        gigs = search.matching(gigs, query)
    gigs = _narrowed(gigs, filters)
    sort = filters.sort or (Sort.RELEVANCE if query else Sort.NEWEST)
    if sort == Sort.RELEVANCE and not query:
        sort = Sort.NEWEST
    if sort == Sort.RELEVANCE:
        gigs = _rank_window(gigs)
    return gigs.order_by(*_ORDERINGS.get(sort, _ORDERINGS[Sort.NEWEST]))


def _rank_window(gigs: QuerySet[Gig]) -> QuerySet[Gig]:
    """Only the newest RANK_WINDOW matches are ranked by relevance.

    Ranking costs a ts_rank per match: tens of thousands for a broad word in a large
    catalogue (docs/benchmarks.md). The newest matches come from the (status, created_at)
    index; the page says "1,000+ gigs", and a narrower search reaches older gigs."""
    window = gigs.order_by("-created_at", "-pk").values("pk")[:RANK_WINDOW]
    # The window has passed every filter: the outer query only ranks its rows.
    rank = gigs.query.annotations["rank"]
    return Gig.objects.filter(pk__in=Subquery(window)).annotate(rank=rank)


def search_results(filters: GigFilters) -> QuerySet[Gig] | list[int]:
    """What the gig list page pages through (`searched_results`)."""
    return searched_results(filters)[1]


def searched_results(filters: GigFilters) -> tuple[GigFilters, QuerySet[Gig] | list[int]]:
    """The search actually run (`spelled`: corrected words, when they find something) and
    what the gig list page pages through. On PostgreSQL a search by relevance is the ids of
    the ranked window, read in one statement that is also the capped count; other sorts
    (and SQLite) page the `_search_gigs` queryset: a count, then LIMIT 12 on their index."""
    searched = spelled(filters)
    results = _results(searched)
    if searched.typed and not (results if isinstance(results, list) else results.exists()):
        searched = as_typed(searched)
        results = _results(searched)
    return searched, results


def _results(filters: GigFilters) -> QuerySet[Gig] | list[int]:
    query = filters.query.strip()
    by_relevance = (filters.sort or Sort.RELEVANCE) == Sort.RELEVANCE
    if connection.vendor != "postgresql" or not query or not by_relevance:
        return _search_gigs(filters).only("pk")
    return _ranked_ids(_narrowed(search.full_text(listed_gigs(), query), filters), query)


def _ranked_ids(gigs: QuerySet[Gig], query: str) -> list[int]:
    """The newest RANK_WINDOW matches (`_rank_window`), best rank first, in one statement
    that is also the capped count. The window carries each row's vector, so ts_rank runs
    on its rows only, after the limit (a GIN bitmap scan would rank every match first)."""
    document = RawSQL(f'"{Gig._meta.db_table}".search_vector', [])
    window = gigs.annotate(document=document).order_by("-created_at", "-pk")
    sql, params = window.values_list("pk", "created_at", "document")[
        :RANK_WINDOW
    ].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT w.pk FROM ({sql}) w ORDER BY ts_rank(w.document, {search.TSQUERY}) DESC,"
            " w.created_at DESC, w.pk DESC",
            [*params, query],
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass(frozen=True)
class Broader:
    """A wider search to offer when one finds nothing: its words, its filters, its count."""

    label: str
    filters: GigFilters
    count: int

    @property
    def url(self) -> str:
        return f"{reverse('marketplace:gig_list')}?{urlencode({'q': self.filters.query})}"


def broader_searches(filters: GigFilters) -> list[Broader]:
    """Searches that find something when `filters` find nothing: the words without the
    filters, then each word alone (most results first)."""
    candidates: list[tuple[str, GigFilters]] = []
    if filters.narrowed and filters.query.strip():
        candidates.append((f"“{filters.query}” without filters", GigFilters(query=filters.query)))
    query_words = search.words(filters.query)
    if len(query_words) > 1:
        candidates += [(f"“{word}”", GigFilters(query=word)) for word in query_words]
    found = [
        Broader(label, broader, count)
        for label, broader in candidates
        if (count := search_gigs(broader).count())
    ]
    return sorted(found, key=lambda b: -b.count)[:4]


def featured_gigs(limit: int = 8) -> list[Gig]:
    return gig_cards(listed_gigs().order_by("-created_at", "-pk")[:limit])


def categories() -> QuerySet[Category]:
    return Category.objects.all()


def _can_see_hidden(gig: Gig, viewer: User) -> bool:
    return viewer.is_authenticated and (viewer.pk == gig.seller_id or viewer.is_staff)


def gig_for_viewer(*, slug: str, viewer: User) -> Gig:
    """The gig page's gig. Paused gigs, and gigs of deactivated or suspended sellers, exist
    only for their seller and staff: everyone else gets 404, as for a gig that never existed."""
    gig = Gig.objects.select_related("seller__seller_profile", "category").filter(slug=slug).first()
    if gig is None:
        raise Http404("No such gig.")
    listed = (
        gig.status == Gig.Status.ACTIVE and gig.seller.is_active and not gig.seller.is_suspended()
    )
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
    return with_covers(Gig.objects.filter(seller=seller).select_related("category"))


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
        .exclude(user__suspended_until__gt=clock.now())
        .first()
    )
    if profile is None:
        raise Http404("No such seller.")
    return profile


def active_gigs_of(seller: User) -> QuerySet[Gig]:
    """The seller's listed gigs (the caller pages them and reads the page's `gig_cards`)."""
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
