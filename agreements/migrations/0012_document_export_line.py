from django.db import migrations, models


def write_export_lines(apps, schema_editor):
    """The lines of the documents already there (PostgreSQL; SQLite exports row
    by row). With today's code: if a later change to the export makes this
    fail on an old database, `manage.py refresh_statuses --all` writes them too."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from agreements.derive import export_lines_refresh

    ids = list(apps.get_model("agreements", "Document").objects.values_list("pk", flat=True))
    for start in range(0, len(ids), 5000):
        export_lines_refresh(ids[start : start + 5000])


class Migration(migrations.Migration):
    dependencies = [
        ("agreements", "0011_shown_title_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="document",
            name="export_line",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(write_export_lines, migrations.RunPython.noop, elidable=True),
    ]
