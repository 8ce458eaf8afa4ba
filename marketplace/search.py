"""Text search over gigs: one interface (`matching`), an engine per database.

PostgreSQL: full text on `search_vector`, a stored tsvector the database generates from the
title (weight A), tags (B) and description (C) with the English stemmer ("logos" finds
"logo", "designers" finds "design"), GIN-indexed, ranked by ts_rank. When the words find
nothing, each word that no title or tag contains is replaced by the most similar one that
does (pg_trgm similarity over `marketplace_search_word`, a trigram-indexed table of those
words the database keeps current) and the search runs again: "wordpres" finds WordPress.
(Testing similarity against every gig's text instead cannot use an index well: it costs a
similarity computation per matching row.)

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
from django.db.models.expressions import Expression

from marketplace.models import Gig

__all__ = ["TSQUERY", "matching", "full_text", "corrections", "stem", "words"]

_WORD = re.compile(r"\w+", re.UNICODE)
# Suffixes cut from a query word on SQLite, longest first; a stem keeps at least 3 letters.
_SUFFIXES = ("ations", "ation", "ings", "ers", "ies", "ing", "er", "ed", "es", "s")
_MIN_STEM = 3

TSQUERY = "websearch_to_tsquery('english', %s)"
_MAX_CORRECTED_WORDS = 8
# The most similar known word above pg_trgm's threshold: the word itself when it is known
# (similarity 1), through the trigram index.
_CORRECTION = (
    "SELECT word FROM marketplace_search_word WHERE word %% %s "
    "ORDER BY similarity(word, %s) DESC, word LIMIT 1"
)


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
    """`gigs` that match `query`, with a `rank` alias (higher is better) to order by."""
    if connection.vendor == "postgresql":
        return _postgres(gigs, query)
    return _fallback(gigs, query)


def _postgres(gigs: QuerySet[Gig], query: str) -> QuerySet[Gig]:
    """Full text; when the words find nothing, the same with each unknown word replaced by
    the most similar known one ("wordpres" -> "wordpress")."""
    found = full_text(gigs, query)
    if found.exists():
        return found
    corrected = corrections(words(query))
    if not corrected:
        return found
    return full_text(gigs, " ".join(corrected))


def full_text(gigs: QuerySet[Gig], query: str) -> QuerySet[Gig]:
    """PostgreSQL: `gigs` whose search_vector matches `query`, with a `rank` alias (computed
    only where a relevance sort uses it, never for a count or another sort)."""
    found = _OnDocument("{document} @@ " + TSQUERY, query, BooleanField())
    rank = _OnDocument("ts_rank({document}, " + TSQUERY + ")", query, FloatField())
    return gigs.filter(found).alias(rank=rank)


class _Document(Expression):
    """The gig table's `search_vector` (a column Django does not model), on the alias the
    query gives the table, so that it stays right inside a subquery."""

    def __init__(self, alias: str = "") -> None:
        super().__init__(output_field=FloatField())  # never selected on its own
        self.alias = alias

    def resolve_expression(self, query=None, *args, **kwargs) -> _Document:
        return _Document(query.get_initial_alias())

    def relabeled_clone(self, change_map: dict[str, str]) -> _Document:
        return _Document(change_map.get(self.alias, self.alias))

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        return f"{compiler.quote_name_unless_alias(self.alias)}.search_vector", []


class _OnDocument(Expression):
    """`template` with {document} as the gig's search_vector and %s as the query text."""

    def __init__(self, template: str, query: str, output_field, document=None) -> None:
        super().__init__(output_field=output_field)
        self.template, self.query, self.document = template, query, document or _Document()

    def get_source_expressions(self) -> list[Expression]:
        return [self.document]

    def set_source_expressions(self, expressions: list[Expression]) -> None:
        (self.document,) = expressions

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        document, params = compiler.compile(self.document)
        return self.template.format(document=document), [*params, self.query]


def corrections(query_words: list[str]) -> list[str]:
    """The words with each one no title or tag contains replaced by the most similar word
    that one does (trigram similarity, GIN-indexed); [] when nothing was corrected."""
    corrected, changed = [], False
    with connection.cursor() as cursor:
        for word in query_words[:_MAX_CORRECTED_WORDS]:
            cursor.execute(_CORRECTION, [word, word])
            row = cursor.fetchone()
            best = row[0] if row else word
            corrected.append(best)
            changed = changed or best != word
    return corrected if changed else []


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
    return gigs.alias(rank=rank)
