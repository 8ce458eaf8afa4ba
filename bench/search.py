"""Search benchmark: server time of 20 typical gig searches over a generated catalogue.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/gigbox_bench .venv/bin/python bench/search.py
    DATABASE_URL=sqlite:////tmp/bench-search.sqlite3 .venv/bin/python bench/search.py --gigs 10000

The database named by DATABASE_URL is migrated and filled with `--gigs` generated gigs (of
1,000 sellers, 1-3 packages each, some rated), once: a later run with the same count reuses
them. Each query runs as the gig list page runs it (marketplace.selectors.search_gigs: the
count, capped at 1,001, and the first 12 cards): one warm-up, then `--runs` timed runs.
Printed: p50 and p95 per query and over all runs, and the PostgreSQL plans (EXPLAIN ANALYZE)
of a word search and of a typo's correction, which should name the GIN indexes
gig_search_vector and search_word_trigram.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SELLERS = 1000
BATCH = 5000
VERBS = ["design", "build", "write", "edit", "create", "fix", "animate", "translate", "record"]
THINGS = [
    ("logo", "logo, branding, vector"),
    ("minimalist logo", "logo, minimalist, brand identity"),
    ("WordPress website", "wordpress, website, elementor"),
    ("landing page", "landing page, html, conversion"),
    ("Shopify store", "shopify, ecommerce, store"),
    ("blog article", "seo, blog, copywriting"),
    ("explainer video", "animation, video, explainer"),
    ("podcast episode", "podcast, audio, mastering"),
    ("voice over", "voice over, narration, audio"),
    ("Python script", "python, automation, scraping"),
    ("REST API", "api, django, fastapi"),
    ("business cards", "print, business cards, stationery"),
    ("mobile app UI", "ui, ux, figma, mobile"),
    ("resume", "resume, cv, career"),
]
FOR = ["your brand", "your startup", "your shop", "your channel", "small businesses", "you"]
SENTENCES = [
    "I am a professional designer with years of experience.",
    "Fast delivery and unlimited communication.",
    "You get source files and full commercial rights.",
    "I work with WordPress, Elementor and custom themes.",
    "Every order includes a quick video walkthrough.",
    "Experienced developer, clean code, tested and documented.",
    "Native English speaker, natural and accurate translation.",
    "Studio quality microphone and treated room.",
    "Modern, minimalist style that fits your brand identity.",
    "Search engine optimisation included for every article.",
]
QUERIES = [
    ("logo", {}),
    ("logos", {}),
    ("designers", {}),
    ("wordpres", {}),
    ("wordpress website", {}),
    ("minimalist logo", {}),
    ("voice over", {}),
    ("python scraping", {}),
    ("shopify", {"max_price": Decimal("100")}),
    ("explainer video", {"sort": "rating"}),
    ("landing page", {"max_days": 3}),
    ("blog seo", {"min_rating": Decimal("4.5")}),
    ("api", {"sort": "price_asc"}),
    ("resume", {"sort": "newest"}),
    ("podcast", {"category": True}),
    ("business cards print", {}),
    ("figma", {}),
    ("kubernetes", {}),
    ("", {"sort": "newest"}),
    ("", {"category": True, "sort": "price_asc"}),
]


def _generate(total: int) -> None:
    from django.db import transaction

    from marketplace.models import Category, Gig, Package, SellerProfile, User

    rng = random.Random(20)
    categories = [
        Category.objects.get_or_create(slug=f"bench-{n}", defaults={"name": f"Bench {n}"})[0]
        for n in range(6)
    ]
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=f"bench_seller_{n}", email=f"s{n}@bench.test") for n in range(SELLERS)]
        )
        SellerProfile.objects.bulk_create(
            [
                SellerProfile(user=u, display_name=u.username, bio="Bench.", country="DE")
                for u in users
            ]
        )
    for start in range(0, total, BATCH):
        gigs = []
        for n in range(start, min(start + BATCH, total)):
            thing, tags = rng.choice(THINGS)
            gigs.append(
                Gig(
                    seller=rng.choice(users),
                    title=f"I will {rng.choice(VERBS)} a {thing} for {rng.choice(FOR)}"[:80],
                    slug=f"bench-gig-{n}",
                    description=" ".join(rng.sample(SENTENCES, 3)),
                    category=rng.choice(categories),
                    tags=tags,
                    rating_average=Decimal(rng.randint(30, 50)) / 10
                    if rng.random() < 0.6
                    else None,
                    rating_count=rng.randint(1, 200),
                )
            )
        with transaction.atomic():
            gigs = Gig.objects.bulk_create(gigs)
            Package.objects.bulk_create(
                [
                    Package(
                        gig=g,
                        tier=tier,
                        name=tier.title(),
                        price=Decimal(rng.randint(5, 300)) * (i + 1),
                        delivery_days=rng.randint(1, 14),
                        revisions=i + 1,
                    )
                    for g in gigs
                    for i, tier in enumerate(["basic", "standard", "premium"][: rng.randint(1, 3)])
                ]
            )
        print(f"  {start + len(gigs):,} gigs", flush=True)


def _prepare(total: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    from marketplace.models import Gig

    call_command("migrate", verbosity=0)
    have = Gig.objects.filter(slug__startswith="bench-gig-").count()
    if have != total:
        if have:
            sys.exit(f"The database has {have:,} bench gigs, not {total:,}: use a fresh one.")
        print(f"Generating {total:,} gigs on {connection.vendor} …", flush=True)
        _generate(total)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The package triggers update each generated gig 1-3 times: compact the table
            # (a catalogue that grew over time has no such bloat).
            cursor.execute("VACUUM FULL marketplace_gig")
        cursor.execute("ANALYZE")


def _filters(query: str, options: dict):
    from marketplace.models import Category
    from marketplace.selectors import GigFilters

    if options.get("category"):
        options = {**options, "category": Category.objects.get(slug="bench-1")}
    return GigFilters(query=query, **options)


def _page(filters) -> int:
    """What the gig list page asks of the database: the count and the first page (a tree
    without `search_results` pages `search_gigs`, as its view did)."""
    from marketplace import selectors
    from marketplace.pagination import CappedPaginator

    results = getattr(selectors, "search_results", None)
    gigs = results(filters) if results else selectors.search_gigs(filters).only("pk")
    paginator = CappedPaginator(gigs, selectors.GIGS_PER_PAGE, max_count=selectors.MAX_COUNTED)
    page = paginator.get_page(1)
    selectors.gig_cards(page.object_list)
    return paginator.count


def _baseline_page() -> None:
    """A fixed page of 12 cards by id (what every search ends with): the yardstick that
    search changes do not touch, timed beside each query to factor out the machine's load."""
    from marketplace.models import Gig
    from marketplace.selectors import gig_cards

    gig_cards(Gig.objects.filter(slug__in=[f"bench-gig-{n}" for n in range(0, 1200, 100)]))


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(runs: int) -> None:
    from django.db import connection

    every: list[float] = []
    baseline: list[float] = []
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(
        f"\n{'query':<28} {'filters':<22} {'found':>7} {'p50 ms':>8} {'p95 ms':>8} {'CPU p50':>8}"
        f" {'x base':>7}"
    )
    for query, options in QUERIES:
        filters = _filters(query, options)
        found = _page(filters)  # warm-up
        times, cpu, base = [], [], []
        for _ in range(runs):
            start, start_cpu = time.perf_counter(), time.process_time()
            _page(filters)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            start = time.perf_counter()
            _baseline_page()
            base.append((time.perf_counter() - start) * 1000)
        every += times
        baseline += base
        shown = ",".join(f"{k}={v}" for k, v in options.items())
        print(
            f"{query or '(browse)':<28} {shown:<22} {found:>7,} "
            f"{statistics.median(times):>8.1f} {_pct(times, 0.95):>8.1f} "
            f"{statistics.median(cpu):>8.1f} "
            f"{statistics.median(times) / statistics.median(base):>7.1f}"
        )
    base50, base95 = statistics.median(baseline), _pct(baseline, 0.95)
    p50, p95 = statistics.median(every), _pct(every, 0.95)
    print(
        f"\nall {len(every)} runs on {connection.vendor}: "
        f"p50 {p50:.1f} ms, p95 {p95:.1f} ms; baseline (12 cards by id, timed after each "
        f"run) p50 {base50:.1f} ms, p95 {base95:.1f} ms; ratio p50 {p50 / base50:.1f}x, "
        f"p95 {p95 / base95:.1f}x; "
        f"load average after: {os.getloadavg()[0]:.1f}"
    )


def explain() -> None:
    from django.db import connection, transaction

    from marketplace import search
    from marketplace.selectors import GIGS_PER_PAGE, search_gigs

    if connection.vendor != "postgresql":
        return
    gigs = search_gigs(_filters("logos", {})).only("pk")[:GIGS_PER_PAGE]
    print("\nEXPLAIN ANALYZE, “logos” (first page of the queryset; sort=rating):")
    print(gigs.explain(analyze=True))
    _explain_logged("“logos”, the gig list page's queries", _filters("logos", {}))
    _explain_logged(
        "“shopify” max price 100, sorted by rating",
        _filters("shopify", {"max_price": Decimal("100"), "sort": "rating"}),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM marketplace_search_word")
        (words,) = cursor.fetchone()
        print(f"\nEXPLAIN ANALYZE, the correction of “wordpres site” ({words} known words;")
        print("other scans off: the planner takes the trigram index once the vocabulary is large):")
        with transaction.atomic():
            for scan in ("seqscan", "indexscan", "indexonlyscan"):
                cursor.execute(f"SET LOCAL enable_{scan} = off")
            cursor.execute(f"EXPLAIN ANALYZE {search._CORRECTION}", [["wordpres", "site"]])
            print("\n".join(row[0] for row in cursor.fetchall()))


def _explain_logged(title: str, filters) -> None:
    """EXPLAIN ANALYZE of every statement the page runs (as logged by Django)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        _page(filters)
    for number, query in enumerate(queries.captured_queries, 1):
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        print(f"\nEXPLAIN ANALYZE, {title}, statement {number} of {len(queries)}:\n{sql[:300]}")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ANALYZE {sql}")
            print("\n".join(row[0] for row in cursor.fetchall()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gigs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    # Production-like settings (DEBUG off records no queries); a bench-only secret.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench-search-" + "x" * 50)
    import django

    django.setup()
    _prepare(args.gigs)
    measure(args.runs)
    explain()


if __name__ == "__main__":
    main()
