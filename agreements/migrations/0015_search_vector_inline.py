from django.db import DatabaseError, migrations, transaction

# PostgreSQL only. A search ranks every match by its vector: kept in the row
# (STORAGE MAIN) rather than in the TOAST table, where PostgreSQL first moves the
# largest values of a wide row, ranking 5,071 matches of 100,000 documents took
# 30 ms instead of 10; lz4 (where the server has it) decompresses faster than
# the default pglz (8.5 ms). Vectors written from now on are stored this way;
# `manage.py refresh_statuses --all` rewrites the existing ones.
TABLE = "agreements_document"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE MAIN"
    )
    try:
        with transaction.atomic():  # a server built without lz4 refuses it
            schema_editor.execute(
                f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET COMPRESSION lz4"
            )
    except DatabaseError:  # the default compression, then
        pass


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE {TABLE} ALTER COLUMN search_vector SET STORAGE EXTENDED, "
            "ALTER COLUMN search_vector SET COMPRESSION default"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0014_facet_counts"),
    ]

    operations = [migrations.RunPython(forward, backward)]
