import django.contrib.postgres.search
from django.db import migrations

# PostgreSQL only: the GIN index behind full-text search, trigram matching for
# near-misses, and a first vector from the documents' own texts (parties and
# signatories are added by `manage.py refresh_statuses --all`, see README).
POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX document_search_vector ON agreements_document "
    "USING gin (search_vector)",
    """UPDATE agreements_document SET search_vector =
        setweight(to_tsvector('russian', title_ru), 'A')
        || setweight(to_tsvector('english', title_en), 'A')
        || setweight(to_tsvector('russian', summary_ru), 'B')
        || setweight(to_tsvector('english', summary_en), 'B')
        || setweight(to_tsvector('russian', place_ru), 'C')
        || setweight(to_tsvector('english', place_en), 'C')""",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS document_search_vector")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0003_event_document_date_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
