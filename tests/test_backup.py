"""The documented full-database backups restore into an empty database, identical."""

import sqlite3
import subprocess

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

TABLES = [
    "agreements_document",
    "agreements_participation",
    "agreements_lifecycleevent",
    "agreements_citation",
    "agreements_source",
    "agreements_party",
    "agreements_historicaldocument",
    "auth_group_permissions",
]
CHECKSUM = "SELECT slug, title_ru, title_en, status, version FROM agreements_document ORDER BY slug"


def snapshot(cursor):
    counts = {}
    for table in TABLES:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
        counts[table] = cursor.fetchone()[0]
    cursor.execute(CHECKSUM)
    return counts, [tuple(row) for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_full_backup_restores_into_an_empty_database(tmp_path):
    call_command("loaddata", "astana-2023", verbosity=0)
    with connection.cursor() as cursor:
        original = snapshot(cursor)
    assert original[0]["agreements_document"] == 12

    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        # pg_dump / pg_restore, as in the README.
        server = [
            "-h",
            settings["HOST"] or "127.0.0.1",
            "-p",
            str(settings["PORT"] or 5432),
            "-U",
            settings["USER"],
        ]
        dump, target = tmp_path / "agreements.dump", f"{settings['NAME']}_restored"
        subprocess.run(
            ["pg_dump", *server, "-Fc", "-f", str(dump), settings["NAME"]], check=True
        )
        subprocess.run(["dropdb", *server, "--if-exists", target], check=True)
        subprocess.run(["createdb", *server, target], check=True)
        subprocess.run(
            ["pg_restore", *server, "-d", target, "--no-owner", str(dump)], check=True
        )
        try:
            with psycopg.connect(
                host=server[1], port=server[3], user=settings["USER"], dbname=target
            ) as restored:
                assert snapshot(restored.cursor()) == original
        finally:
            subprocess.run(["dropdb", *server, "--if-exists", target], check=True)
    else:
        # SQLite: the online backup API (what `sqlite3 db.sqlite3 ".backup copy"` uses).
        connection.ensure_connection()
        copy = sqlite3.connect(tmp_path / "copy.sqlite3")
        connection.connection.backup(copy)
        assert snapshot(copy.cursor()) == original
        copy.close()
