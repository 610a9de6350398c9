import django.db.models.deletion
from django.db import migrations, models

import agreements.models.words

# SQLite only: the FTS5 table of documents' stemmed words (models/words.py),
# ranked by bm25 with the columns' weights. PostgreSQL searches the documents'
# search vector and gets no table. The table starts empty: `manage.py
# check_derived --fix` fills it for documents already there (a fixture load,
# as `make run`'s seed, is derived as it loads).
TABLE = "agreements_document_words"
WEIGHTS = "10.0, 4.0, 2.0, 1.0"  # title, summary, names, texts


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        f"CREATE VIRTUAL TABLE {TABLE} USING fts5(title, summary, names, texts, "
        "tokenize = 'unicode61 remove_diacritics 0')"
    )
    schema_editor.execute(
        f"INSERT INTO {TABLE} ({TABLE}, rank) VALUES ('rank', 'bm25({WEIGHTS})')"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0018_bilingual_notes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DocumentWords",
            fields=[
                (
                    "document",
                    models.OneToOneField(
                        db_column="rowid",
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="words",
                        serialize=False,
                        to="agreements.document",
                    ),
                ),
                ("title", models.TextField()),
                ("summary", models.TextField()),
                ("names", models.TextField()),
                ("texts", models.TextField()),
                (
                    "index",
                    agreements.models.words.FullTextMatch(db_column=TABLE),
                ),
                ("rank", models.FloatField()),
            ],
            options={
                "db_table": TABLE,
                "managed": False,
            },
        ),
        migrations.RunPython(create, drop),
    ]
