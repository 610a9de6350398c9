"""The README's backup and restore commands, run as written (with this
interpreter and the project's `manage.py`): a database holding the fixture,
an attached text and an archived copy is backed up, restored into an empty
database and a new media folder, and dumps the same; every file still
matches its checksum. On SQLite, or on PostgreSQL when DATABASE_URL names it."""

import datetime
import json
import os
import re
import shlex
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import yaml
from django.db import connection

from agreements.management.commands.seed import FIXTURES
from agreements.querysets import DERIVED_COLUMNS

from .files import make_pdf
from .test_project import ROOT

README = (ROOT / "README.md").read_text()
ARCHIVE = """
import datetime
from django.core.files.base import ContentFile
from agreements.models import ArchivedCopy, Source
ArchivedCopy.objects.create(
    source=Source.objects.get(slug="astana-2023-s1"),
    file=ContentFile(b"<html><body>S1 as archived</body></html>", name="s1.html"),
    captured_on=datetime.date(2024, 1, 5),
)
"""


def blocks(start, end):
    """The ```sh blocks of the README between two bullet headings, each a list
    of commands (continuation lines joined)."""
    section = README[README.index(start) : README.index(end)]
    found = re.findall(r"```sh\n(.*?)```", section, re.S)
    return [
        [
            line.strip()
            for line in re.sub(r"\\\n", " ", block).splitlines()
            if line.strip()
        ]
        for block in found
    ]


def moment(value):
    """A dumped time as the instant it names: Django's JSON keeps times to the
    millisecond and writes `.000` for a time with microseconds below one, so
    the same instant, dumped again after a restore, may read without it."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:.]+Z", value):
        return datetime.datetime.fromisoformat(value)
    return value


def recorded(dump):
    """A dump's rows as instants, without the derived columns: the restored
    database derives them again (and `check_derived` holds them), from the
    millisecond times, so renderings that show `updated_at` differ."""
    for row in dump:
        for name in DERIVED_COLUMNS:
            row["fields"].pop(name, None)
        row["fields"] = {k: moment(v) for k, v in row["fields"].items()}
    return dump


def run(commands, cwd, database_url, media):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_MEDIA_ROOT": str(media),
        "PYTHONPATH": str(ROOT),
    }
    python = shlex.quote(sys.executable)
    manage = shlex.quote(str(ROOT / "manage.py"))
    for command in commands:
        command = command.replace(".venv/bin/python", python)
        command = command.replace("manage.py", manage)
        done = subprocess.run(
            ["sh", "-c", command], cwd=cwd, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, (command, done.stdout, done.stderr)


@pytest.fixture
def databases(tmp_path):
    """Two empty databases of the backend under test: (filled, restored)."""
    if connection.vendor != "postgresql":
        yield [f"sqlite:///{tmp_path / name}.sqlite3" for name in ("a", "b")]
        return
    url = urlsplit(os.environ["DATABASE_URL"])
    names = [f"{url.path.lstrip('/')}_readme_{n}" for n in ("a", "b")]
    server = urlunsplit(url._replace(path="/postgres"))

    def recreate(create):
        with psycopg.connect(server, autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
                if create:
                    admin.execute(f'CREATE DATABASE "{name}"')

    recreate(True)
    yield [urlunsplit(url._replace(path=f"/{name}")) for name in names]
    recreate(False)


def test_the_readme_backup_restores_into_an_empty_database_unchanged(
    tmp_path, databases
):
    dump, restore, media_tar = blocks(
        "- **Backup and restore, any backend**", "- **Backup and restore, PostgreSQL**"
    )
    (attach,) = blocks("- **In bulk**: `manage.py attach_text", "- **What happens")
    filled, restored = databases
    here, there, again = (tmp_path / name for name in ("here", "there", "again"))
    for folder in (here, there, again):
        folder.mkdir()

    # A site in use: migrated, seeded, a text attached as the README does it.
    (here / "memorandum.pdf").write_bytes(make_pdf("Kokshetau thermal power plant"))
    setup = [
        ".venv/bin/python manage.py migrate --noinput",
        ".venv/bin/python manage.py seed",
        *(c.removeprefix("DJANGO_DEBUG=1 ") for c in attach),
        f".venv/bin/python manage.py shell -c {shlex.quote(ARCHIVE)}",
    ]
    run(setup, here, filled, here / "media")

    backup = [c for c in media_tar if c.endswith("# backup")]
    run([*dump, *backup], here, filled, here / "media")
    for name in ("backup.json", "media.tar.gz"):
        (there / name).write_bytes((here / name).read_bytes())

    unpack = [c for c in media_tar if not c.endswith("# backup")]
    run([*restore, *unpack], there, restored, there / "media")
    run(dump, again, restored, there / "media")
    run([".venv/bin/python manage.py check_derived"], again, restored, there / "media")

    before = json.loads((here / "backup.json").read_text())
    after = json.loads((again / "backup.json").read_text())
    models = {row["model"] for row in before}
    assert {"agreements.documenttext", "agreements.archivedcopy"} <= models
    seeded = [
        row
        for name in FIXTURES
        for row in yaml.safe_load((ROOT / "fixtures" / f"{name}.yaml").read_text())
    ]
    documents = sum(row["model"] == "agreements.document" for row in seeded)
    assert sum(row["model"] == "agreements.document" for row in before) == documents
    assert recorded(after) == recorded(before)
    assert sorted(p.name for p in (there / "media").rglob("*.*")) == [
        "memorandum.pdf",
        "s1.html",
    ]
