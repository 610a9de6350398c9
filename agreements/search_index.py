"""Which index serves full-text search of documents on PostgreSQL: RUM or GIN.

A GIN index finds the matches of a search but cannot order them, so every
match is ranked to show the best 25 (some 50,000 for a common word at a
million documents). A RUM index (the `rum` extension, Debian package
`postgresql-15-rum`) keeps each word's positions and weights in the index, so
`ORDER BY search_vector <=> query LIMIT n` reads the best n matches from it.

Migration 0019 builds the RUM index where the extension is available and keeps
the GIN index where it is not (a managed PostgreSQL without it): searches then
rank every match as before, and `manage.py check` says so (a warning).
"""

from django.core import checks
from django.db import DatabaseError, connections

TABLE = "agreements_document"
RUM_INDEX = "document_search_rum"
RUM_INDEX_SQL = (
    f"CREATE INDEX {RUM_INDEX} ON {TABLE} USING rum (search_vector rum_tsvector_ops)"
)


def rum_available(cursor):
    """Whether this server can create the extension (its package is installed)."""
    cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
    return cursor.fetchone() is not None


def has_rum_index(cursor):
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [RUM_INDEX])
    return cursor.fetchone()[0]


def ranks_by_index(connection):
    """Whether searches on this connection order by the RUM index; asked once
    per connection (the index comes with a migration, a deploy restarts)."""
    if connection.vendor != "postgresql":
        return False
    if getattr(connection, "search_by_rum", None) is None:
        with connection.cursor() as cursor:
            connection.search_by_rum = has_rum_index(cursor)
    return connection.search_by_rum


@checks.register()
def search_index_check(app_configs, **kwargs):
    """A warning where migrated documents on PostgreSQL have no RUM index."""
    connection = connections["default"]
    if connection.vendor != "postgresql":
        return []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [TABLE])
            if not cursor.fetchone()[0] or has_rum_index(cursor):
                return []
            available = rum_available(cursor)
    except DatabaseError:
        return []  # no database to ask: other checks and commands say so
    if available:
        hint = f"Create it: CREATE EXTENSION rum; {RUM_INDEX_SQL};"
    else:
        hint = (
            "Install the extension (Debian: apt-get install postgresql-15-rum), "
            f"then: CREATE EXTENSION rum; {RUM_INDEX_SQL};"
        )
    return [
        checks.Warning(
            f"No RUM index ({RUM_INDEX}) on the documents' search vector: "
            "searches rank every match (the GIN index), slow on large sets.",
            hint=hint,
            id="agreements.W001",
        )
    ]
