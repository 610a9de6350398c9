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
    """Save `content` as `name`, refusing a name that exists (never rewritten).
    A publication that failed after its files were written, in a transaction
    rolled back outside it, leaves them: they are removed by hand, never here."""
    refused = FileExistsError(
        f"{name} exists; a release's files are never rewritten (if its release "
        "is not listed, a publication failed: remove its folder by hand)."
    )
    if default_storage.exists(name):
        raise refused
    saved = default_storage.save(name, content)
    if saved != name:  # the storage chose another name: keep nothing
        default_storage.delete(saved)
        raise refused


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
    row, and deleted again if the row cannot be written."""
    written, outermost = [], not connection.in_atomic_block
    with transaction.atomic():
        _frozen(outermost)
        previous = Release.objects.order_by("-number").first()
        release = Release(
            number=(previous.number if previous else 0) + 1,
            published_at=timezone.now(),
            data_version=data_version() or "",
            documents=Document.objects.count(),
            changelog=changelog(previous.published_at if previous else None),
        )
        try:
            release.files = _write_files(release, written)
            release.save()
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    return release


def _write_files(release, written):
    """Write the release's files, the zip first and the manifest last;
    [{name, size, sha256}] of each."""
    number, published_on = release.number, release.published_at.date()
    spool, contents = _zip_file()
    with spool:
        archive = {"name": archive_name(number), **_digest(File(spool))}
        _save(release, archive["name"], File(spool), written)
    with translation.override(None):  # the address in the default language
        url = site_url(reverse("agreements:releases") + f"#release-{number}")
    texts = [
        (CHANGELOG, json.dumps(release.changelog, ensure_ascii=False, indent=1)),
        (CFF, citation_cff(number, published_on, url, dataset.LICENCE)),
        (DATACITE, datacite(number, published_on, url, dataset.LICENCE, archive)),
    ]
    files = [archive, *(_text_file(release, n, t, written) for n, t in texts)]
    manifest = {
        "release": number,
        "published_at": release.published_at.isoformat(timespec="seconds"),
        "data_version": release.data_version or None,
        "documents": release.documents,
        "files": files,
        "contents": {archive["name"]: contents},
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1)
    return [*files, _text_file(release, MANIFEST, text, written)]


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
