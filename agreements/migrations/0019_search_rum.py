from django.db import migrations

# PostgreSQL only: a RUM index orders searches by rank (`search_index.py`); it
# replaces the GIN index of 0004 where the `rum` extension is available (Debian:
# postgresql-15-rum). Elsewhere the GIN index stays, and `manage.py check` warns.
TABLE = "agreements_document"
RUM = (
    "CREATE INDEX document_search_rum ON agreements_document "
    "USING rum (search_vector rum_tsvector_ops)"
)
GIN = (
    "CREATE INDEX IF NOT EXISTS document_search_vector ON agreements_document "
    "USING gin (search_vector)"
)


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
        if cursor.fetchone() is None:
            return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS rum")
    schema_editor.execute(RUM)
    schema_editor.execute("DROP INDEX IF EXISTS document_search_vector")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GIN)
        schema_editor.execute("DROP INDEX IF EXISTS document_search_rum")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0018_bilingual_notes"),
    ]

    operations = [migrations.RunPython(forward, backward)]
