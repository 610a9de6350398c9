from django.db import migrations, models


def write_export_lines(apps, schema_editor):
    """Nothing since 0016: a stored line records the code version that made it
    (`rendered_by`), and an empty one is never served; `manage.py check_derived
    --fix` writes them after a migration."""


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
