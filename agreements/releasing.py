"""Publishing, checking and deleting releases (`models.Release`).

`release_publish` freezes today's dataset (`dataset.zip_chunks`) as release
N: the zip, its changelog since release N-1 (`changelog`), citation metadata
(`citing`) and a manifest with the SHA-256 of every file, written once to the
default storage (filesystem or S3): a name that exists is never written again.
"""

import hashlib
import json
import tempfile
import zipfile

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.urls import reverse
from django.utils import timezone, translation

from . import dataset
from .changelog import changelog
from .citing import citation_cff, datacite, site_url
from .data_version import data_version
from .files import checksum
from .models import Document, Release

CHANGELOG, CFF, DATACITE, MANIFEST = (
    "changelog.json",
    "CITATION.cff",
    "datacite.json",
    "manifest.json",
)


def archive_name(number):
    return f"agreement-tracker-release-{number}.zip"


def write_once(name, content):
    """Save `content` as `name`, refusing a name that exists (never rewritten)."""
    if default_storage.exists(name):
        raise FileExistsError(f"{name} exists; a release's files are never rewritten.")
    saved = default_storage.save(name, content)
    if saved != name:  # the storage chose another name: keep nothing
        default_storage.delete(saved)
        raise FileExistsError(f"{name} exists; a release's files are never rewritten.")


def _zip_file():
    """Today's dataset zip in a temporary file, and [{name, size, sha256}] of
    the files inside it."""
    spool = tempfile.TemporaryFile()
    for chunk in dataset.zip_chunks():
        spool.write(chunk)
    contents = []
    with zipfile.ZipFile(spool) as archive:
        for member in archive.infolist():
            with archive.open(member) as entry:
                digest, size = checksum(entry)
            contents.append({"name": member.filename, "size": size, "sha256": digest})
    return spool, contents


def _frozen(outermost):
    """One snapshot of the database for the whole cut, on PostgreSQL (which
    takes it only as a transaction's first statement)."""
    if outermost and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def release_publish():
    """Publish the next release; returns it. Its files are written before its
    row, and removed again if the row cannot be written."""
    written, outermost = [], not connection.in_atomic_block
    with transaction.atomic():
        _frozen(outermost)
        previous = Release.objects.order_by("-number").first()
        number = (previous.number if previous else 0) + 1
        published_at = timezone.now()
        version = data_version() or ""
        documents = Document.objects.count()
        log = changelog(previous.published_at if previous else None)
        spool, contents = _zip_file()
        with translation.override(None):
            url = site_url(reverse("agreements:releases") + f"#release-{number}")
        release = Release(number=number, published_at=published_at)
        try:
            with spool:
                archive = {"name": archive_name(number), **_digest(File(spool))}
                _save(release, archive["name"], File(spool), written)
            files = [archive]
            for name, text in (
                (CHANGELOG, json.dumps(log, ensure_ascii=False, indent=1)),
                (CFF, citation_cff(number, published_at.date(), url, dataset.LICENCE)),
                (
                    DATACITE,
                    datacite(
                        number, published_at.date(), url, dataset.LICENCE, archive
                    ),
                ),
            ):
                files.append(_text_file(release, name, text, written))
            manifest = {
                "release": number,
                "published_at": published_at.isoformat(timespec="seconds"),
                "data_version": version or None,
                "documents": documents,
                "files": files,
                "contents": {archive["name"]: contents},
            }
            text = json.dumps(manifest, ensure_ascii=False, indent=1)
            files.append(_text_file(release, MANIFEST, text, written))
            release.data_version = version
            release.documents = documents
            release.files = files
            release.changelog = log
            release.save()
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    return release


def _digest(file):
    digest, size = checksum(file)
    return {"size": size, "sha256": digest}


def _save(release, name, content, written):
    write_once(release.path(name), content)
    written.append(release.path(name))


def _text_file(release, name, text, written):
    content = ContentFile(text.encode())
    entry = {"name": name, **_digest(content)}
    _save(release, name, content, written)
    return entry


def release_problems(release):
    """[(name, why)] of the release's files that are missing or changed."""
    problems = []
    for entry in release.files:
        try:
            with default_storage.open(release.path(entry["name"]), "rb") as handle:
                digest = hashlib.sha256()
                for chunk in handle.chunks():
                    digest.update(chunk)
        except OSError:
            problems.append((entry["name"], "missing"))
            continue
        if digest.hexdigest() != entry["sha256"]:
            problems.append((entry["name"], "checksum differs"))
    return problems


def release_delete(number):
    """Delete release `number`'s files, the only way to (the model refuses);
    its row stays, withdrawn, so that a citation of it says so and its number
    is never given to another release."""
    release = Release.objects.get(number=number, withdrawn_at=None)
    for entry in release.files:
        default_storage.delete(release.path(entry["name"]))
    models.QuerySet.update(
        Release.objects.filter(pk=release.pk), withdrawn_at=timezone.now()
    )
