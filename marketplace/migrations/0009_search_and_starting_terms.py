"""What the database keeps current by itself: a gig's starting terms and, on PostgreSQL, its
search document.

- Triggers on marketplace_package write the cheapest package's price and delivery days onto
  the gig (both databases), so every writer (services, admin, factories) keeps them right.
- PostgreSQL only: `search_vector`, a stored generated tsvector (english; title A, tags B,
  description C) with a GIN index; and `marketplace_search_word`, every word of the titles
  and tags (a trigger adds new ones), with a trigram GIN index (pg_trgm) to correct typos.
  SQLite searches without them (marketplace.search).

SQLite drops a table's triggers when a migration rebuilds that table: a later migration that
alters marketplace_package must create them again (test_starting_terms fails otherwise).
"""

from django.db import migrations

_TERMS = (
    "(SELECT {column} FROM marketplace_package WHERE gig_id = {gig} ORDER BY price, id LIMIT 1)"
)


def _sqlite_update(gig: str) -> str:
    price, days = (
        _TERMS.format(column="price", gig=gig),
        _TERMS.format(column="delivery_days", gig=gig),
    )
    return (
        f"UPDATE marketplace_gig SET starting_price = {price}, starting_days = {days} "
        f"WHERE id = {gig};"
    )


SQLITE_FORWARD = [
    f"CREATE TRIGGER marketplace_package_terms_insert AFTER INSERT ON marketplace_package "
    f"BEGIN {_sqlite_update('NEW.gig_id')} END",
    f"CREATE TRIGGER marketplace_package_terms_update AFTER UPDATE ON marketplace_package "
    f"BEGIN {_sqlite_update('OLD.gig_id')} {_sqlite_update('NEW.gig_id')} END",
    f"CREATE TRIGGER marketplace_package_terms_delete AFTER DELETE ON marketplace_package "
    f"BEGIN {_sqlite_update('OLD.gig_id')} END",
    _sqlite_update("marketplace_gig.id").replace(" WHERE id = marketplace_gig.id", ""),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS marketplace_package_terms_insert",
    "DROP TRIGGER IF EXISTS marketplace_package_terms_update",
    "DROP TRIGGER IF EXISTS marketplace_package_terms_delete",
]

_PG_SET_TERMS = (
    "UPDATE marketplace_gig SET (starting_price, starting_days) = (SELECT price, delivery_days "
    "FROM marketplace_package WHERE gig_id = {gig} ORDER BY price, id LIMIT 1) WHERE id = {gig};"
)
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    """
    CREATE FUNCTION marketplace_package_terms() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP IN ('UPDATE', 'DELETE') THEN
        """
    + _PG_SET_TERMS.format(gig="OLD.gig_id")
    + """
      END IF;
      IF TG_OP IN ('INSERT', 'UPDATE') THEN
        """
    + _PG_SET_TERMS.format(gig="NEW.gig_id")
    + """
      END IF;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER marketplace_package_terms AFTER INSERT OR UPDATE OR DELETE "
    "ON marketplace_package FOR EACH ROW EXECUTE FUNCTION marketplace_package_terms()",
    "UPDATE marketplace_gig g SET (starting_price, starting_days) = (SELECT price, delivery_days "
    "FROM marketplace_package WHERE gig_id = g.id ORDER BY price, id LIMIT 1)",
    """
    ALTER TABLE marketplace_gig ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
      setweight(to_tsvector('english'::regconfig, coalesce(title, '')), 'A')
      || setweight(to_tsvector('english'::regconfig, coalesce(tags, '')), 'B')
      || setweight(to_tsvector('english'::regconfig, coalesce(description, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX gig_search_vector ON marketplace_gig USING GIN (search_vector)",
    # The words of every title and tag list, for typo correction by trigram similarity.
    "CREATE TABLE marketplace_search_word (word text PRIMARY KEY)",
    "CREATE INDEX search_word_trigram ON marketplace_search_word USING GIN (word gin_trgm_ops)",
    """
    CREATE FUNCTION marketplace_gig_words() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO marketplace_search_word (word)
        SELECT DISTINCT w
        FROM regexp_split_to_table(lower(NEW.title || ' ' || NEW.tags), '[^[:alnum:]]+') AS w
        WHERE length(w) > 2
      ON CONFLICT DO NOTHING;
      RETURN NULL;
    END $$
    """,
    "CREATE TRIGGER marketplace_gig_words AFTER INSERT OR UPDATE OF title, tags "
    "ON marketplace_gig FOR EACH ROW EXECUTE FUNCTION marketplace_gig_words()",
    "INSERT INTO marketplace_search_word (word) SELECT DISTINCT w FROM marketplace_gig, "
    "regexp_split_to_table(lower(title || ' ' || tags), '[^[:alnum:]]+') AS w "
    "WHERE length(w) > 2 ON CONFLICT DO NOTHING",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS marketplace_gig_words ON marketplace_gig",
    "DROP FUNCTION IF EXISTS marketplace_gig_words()",
    "DROP TABLE IF EXISTS marketplace_search_word",
    "DROP INDEX IF EXISTS gig_search_vector",
    "ALTER TABLE marketplace_gig DROP COLUMN IF EXISTS search_vector",
    "DROP TRIGGER IF EXISTS marketplace_package_terms ON marketplace_package",
    "DROP FUNCTION IF EXISTS marketplace_package_terms()",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("marketplace", "0008_storefront")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
