"""Text search over gigs: one interface (`matching`, `respelled`), an engine per database.

PostgreSQL: full text on `search_vector`, a stored tsvector the database generates from the
title (weight A), tags (B) and description (C) with the English stemmer ("logos" finds
"logo", "designers" finds "design"), GIN-indexed, ranked by ts_rank.

Spelling (`respelled`, before every search): each word the vocabulary does not hold is
replaced by the closest word it does ("wordpess site" -> "wordpress site"). The vocabulary
is every word of the titles and tags. PostgreSQL: `marketplace_search_word`, a table the
database keeps current, trigram-indexed (pg_trgm similarity); a word is known when a word
with the same English stem is close (so "logos" stays "logos"), stop words are kept; one
statement for all the words. (Testing similarity against every gig's text instead cannot
use an index well: it costs a similarity computation per matching row.)

SQLite (the demo and the tests without PostgreSQL) has neither, and takes a simpler path:
every query word is cut to a crude English stem (`stem`: "designers" -> "design", "logos" ->
"logo") and must occur in the title, tags or description (LIKE, so "wordpres" is found
inside "wordpress"); rank is title 3, tags 2, description 1 per word. It scans the table:
docs/benchmarks.md has its figures at 10,000 gigs. Its spelling reads the titles and tags
(one more scan) and takes the closest vocabulary word by difflib's ratio (at least 0.75)
for a word whose stem no vocabulary word contains ("logoo" -> "logo").
"""

from __future__ import annotations

import re
from difflib import get_close_matches

from django.db import connection
from django.db.models import BooleanField, Case, FloatField, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import Expression

from marketplace.models import Gig

__all__ = ["TSQUERY", "matching", "full_text", "respelled", "stem", "words"]

_WORD = re.compile(r"\w+", re.UNICODE)
# Suffixes cut from a query word on SQLite, longest first; a stem keeps at least 3 letters.
_SUFFIXES = ("ations", "ation", "ings", "ers", "ies", "ing", "er", "ed", "es", "s")
_MIN_STEM = 3

TSQUERY = "websearch_to_tsquery('english', %s)"
_MAX_CORRECTED_WORDS = 8
_MIN_CORRECTED = 3  # shorter words (and words with digits) are kept as typed
_CLOSE_ENOUGH = 0.75  # difflib ratio for the SQLite fallback
# Each word's replacement, in order: itself when it is a stop word or a known word shares its
# English stem, else the most similar known word above pg_trgm's threshold (trigram index).
_CORRECTION = """
SELECT CASE WHEN to_tsvector('english', q.word) = ''::tsvector THEN q.word
  ELSE coalesce((
    SELECT CASE WHEN to_tsvector('english', s.word) = to_tsvector('english', q.word)
      THEN q.word ELSE s.word END
    FROM marketplace_search_word s WHERE s.word %% q.word
    ORDER BY to_tsvector('english', s.word) = to_tsvector('english', q.word) DESC,
      similarity(s.word, q.word) DESC, s.word
    LIMIT 1), q.word) END
FROM unnest(%s::text[]) WITH ORDINALITY AS q(word, n) ORDER BY q.n
"""


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
    return full_text(gigs, query)


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


def respelled(query: str) -> str:
    """`query` with each unknown word replaced by the closest known one (the same text when
    every word is known or has no close known word)."""
    typed = [w for w in dict.fromkeys(words(query)) if _correctable(w)][:_MAX_CORRECTED_WORDS]
    if not typed:
        return query
    engine = _postgres_spelling if connection.vendor == "postgresql" else _fallback_spelling
    replacements = {w: best for w, best in zip(typed, engine(typed), strict=True) if best != w}
    if not replacements:
        return query
    return _WORD.sub(lambda m: replacements.get(m.group().lower(), m.group()), query)


def _correctable(word: str) -> bool:
    return len(word) >= _MIN_CORRECTED and word.isalpha()


def _postgres_spelling(typed: list[str]) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(_CORRECTION, [typed])
        return [row[0] for row in cursor.fetchall()]


def _fallback_spelling(typed: list[str]) -> list[str]:
    vocabulary = _vocabulary()
    known = "\n".join(vocabulary)  # a stem found in here matches as the fallback's LIKE does
    spelled = []
    for word in typed:
        close = [] if stem(word) in known else get_close_matches(word, vocabulary, 1, _CLOSE_ENOUGH)
        spelled.append(close[0] if close else word)
    return spelled


def _vocabulary() -> list[str]:
    """Every word of the gigs' titles and tags (what PostgreSQL's search_word table holds)."""
    found: set[str] = set()
    for title, tags in Gig.objects.values_list("title", "tags").iterator():
        found.update(w for w in words(f"{title} {tags}") if len(w) >= _MIN_CORRECTED)
    return sorted(found)


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
