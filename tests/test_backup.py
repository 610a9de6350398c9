"""The documented full-database backups restore into an empty database, identical,
and the attached files restored beside them still match their checksums."""

import datetime
import hashlib
import sqlite3
import subprocess

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import connection

from agreements.models import ArchivedCopy, Document, DocumentText, Source

from .files import SCRIPTED_HTML, make_docx, make_pdf

TABLES = [
    "agreements_document",
    "agreements_participation",
    "agreements_lifecycleevent",
    "agreements_citation",
    "agreements_source",
    "agreements_party",
    "agreements_historicaldocument",
    "agreements_documenttext",
    "agreements_archivedcopy",
    "auth_group_permissions",
]
FILES = """SELECT file, sha256 FROM agreements_documenttext
UNION ALL SELECT file, sha256 FROM agreements_archivedcopy ORDER BY 1"""
CHECKSUM = "SELECT slug, title_ru, title_en, status, version FROM agreements_document ORDER BY slug"


def snapshot(cursor):
    counts = {}
    for table in TABLES:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed names
        counts[table] = cursor.fetchone()[0]
    cursor.execute(CHECKSUM)
    return counts, [tuple(row) for row in cursor.fetchall()]


def attach_files():
    doc = Document.objects.get(slug="astana-2023-tpp-memorandum")
    for name, content in [
        ("memorandum.pdf", make_pdf("Kokshetau thermal power plant")),
        ("memorandum.docx", make_docx("Меморандум о взаимопонимании")),
    ]:
        text = DocumentText(document=doc, file=ContentFile(content, name=name))
        text.save()
    source = Source.objects.order_by("slug").first()
    ArchivedCopy.objects.create(
        source=source,
        file=ContentFile(SCRIPTED_HTML, name="page.html"),
        captured_on=datetime.date(2024, 1, 5),
    )


def files_match(rows, media):
    """Each (file, sha256) row's file, under `media`, still has that checksum."""
    assert rows
    for name, sha256 in rows:
        assert hashlib.sha256((media / name).read_bytes()).hexdigest() == sha256, name
    return True


@pytest.mark.django_db(transaction=True)
def test_full_backup_restores_into_an_empty_database(tmp_path, settings):
    call_command("loaddata", "astana-2023", verbosity=0)
    attach_files()
    with connection.cursor() as cursor:
        original = snapshot(cursor)
    assert original[0]["agreements_document"] == 12
    assert original[0]["agreements_documenttext"] == 2

    # The files, as in the README: a tar of MEDIA_ROOT, unpacked into a new one.
    media, restored_media = settings.MEDIA_ROOT, tmp_path / "restored-media"
    archive = tmp_path / "media.tar.gz"
    subprocess.run(["tar", "-C", str(media), "-czf", str(archive), "."], check=True)
    restored_media.mkdir()
    subprocess.run(["tar", "-C", str(restored_media), "-xzf", str(archive)], check=True)
    settings.MEDIA_ROOT = restored_media
    call_command("verify_files", verbosity=0)  # raises if a file is missing or changed

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
                restored_files = restored.execute(FILES).fetchall()
                assert files_match(restored_files, restored_media)
        finally:
            subprocess.run(["dropdb", *server, "--if-exists", target], check=True)
    else:
        # SQLite: the online backup API (what `sqlite3 db.sqlite3 ".backup copy"` uses).
        connection.ensure_connection()
        copy = sqlite3.connect(tmp_path / "copy.sqlite3")
        connection.connection.backup(copy)
        assert snapshot(copy.cursor()) == original
        assert files_match(copy.execute(FILES).fetchall(), restored_media)
        copy.close()
