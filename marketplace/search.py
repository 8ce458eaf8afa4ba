"""Text search over gigs: one interface (`matching`), an engine per database.

PostgreSQL: full text on `search_vector`, a stored tsvector the database generates from the
title (weight A), tags (B) and description (C) with the English stemmer ("logos" finds
"logo", "designers" finds "design"), GIN-indexed; OR a trigram match (pg_trgm's
`word_similarity` over title and tags, GIN-indexed) so a typo ("wordpres") still finds.
Rank: ts_rank, then trigram similarity as a small tie-breaker, so exact words come first.

SQLite (the demo and the tests without PostgreSQL) has neither, and takes a simpler path:
every query word is cut to a crude English stem (`stem`: "designers" -> "design", "logos" ->
"logo") and must occur in the title, tags or description (LIKE, so "wordpres" is found
inside "wordpress"); rank is title 3, tags 2, description 1 per word. It scans the table:
docs/benchmarks.md has its figures at 10,000 gigs. Typos that are not prefixes of a word
("wrodpress") are found on PostgreSQL only.
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from marketplace.models import Gig

__all__ = ["matching", "stem", "words"]

_WORD = re.compile(r"\w+", re.UNICODE)
# Suffixes cut from a query word on SQLite, longest first; a stem keeps at least 3 letters.
_SUFFIXES = ("ations", "ation", "ings", "ers", "ies", "ing", "er", "ed", "es", "s")
_MIN_STEM = 3

_DOCUMENT = "marketplace_gig.search_vector"
_TRIGRAM_TEXT = "(marketplace_gig.title || ' ' || marketplace_gig.tags)"
_TSQUERY = "websearch_to_tsquery('english', %s)"
_MAX_TRIGRAM_WORDS = 8


def words(query: str) -> list[str]:
    """The query's words, lower case (punctuation and operators dropped)."""
    return [word.lower() for word in _WORD.findall(query)]


def stem(word: str) -> str:
    """A crude English stem that inflected forms share as a prefix (SQLite's fallback)."""
    if word.endswith("ss"):
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def matching(gigs: QuerySet[Gig], query: str) -> QuerySet[Gig]:
    """`gigs` that match `query`, annotated with `rank` (higher is better)."""
    if connection.vendor == "postgresql":
        return _postgres(gigs, query)
    return _fallback(gigs, query)


def _postgres(gigs: QuerySet[Gig], query: str) -> QuerySet[Gig]:
    query_words = words(query)[:_MAX_TRIGRAM_WORDS] or [""]
    text = " ".join(query_words)
    # A typo match needs every word close to a word of the title or tags, as full text
    # needs every word: "logo podcast" must not find a podcast gig through "podcast" alone.
    similar = " AND ".join([f"%s <%% {_TRIGRAM_TEXT}"] * len(query_words))
    found = RawSQL(
        f"({_DOCUMENT} @@ {_TSQUERY} OR ({similar}))",
        (query, *query_words),
        output_field=BooleanField(),
    )
    rank = RawSQL(
        f"ts_rank({_DOCUMENT}, {_TSQUERY}) + 0.01 * word_similarity(%s, {_TRIGRAM_TEXT})",
        (query, text),
        output_field=FloatField(),
    )
    return gigs.filter(found).annotate(rank=rank)


def _fallback(gigs: QuerySet[Gig], query: str) -> QuerySet[Gig]:
    stems = [stem(word) for word in words(query)]
    if not stems:
        return gigs.none()
    scores = []
    for part in stems:
        gigs = gigs.filter(
            Q(title__icontains=part) | Q(tags__icontains=part) | Q(description__icontains=part)
        )
        scores.append(
            Case(
                When(title__icontains=part, then=Value(3)),
                When(tags__icontains=part, then=Value(2)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
    rank = scores[0]
    for score in scores[1:]:
        rank = rank + score
    return gigs.annotate(rank=rank)
