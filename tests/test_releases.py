"""Releases: the whole dataset frozen as numbered files that never change,
checked by `verify_files`, with a changelog from the history, a public page,
an API and citations of a record as it stood in a release."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from agreements.models import Document, Immutable, Release, Sector
from agreements.releasing import release_publish, write_once

from .factories import DocumentFactory

pytestmark = pytest.mark.django_db
MEMO = "astana-2023-tpp-memorandum"


def stored_bytes(media_root, release):
    """{name: bytes} of a release's files as the storage holds them."""
    folder = media_root / "releases" / str(release.number)
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def test_a_release_never_changes_after_publishing(seeded, media_root):
    first = release_publish()
    before = stored_bytes(media_root, first)
    assert set(before) == {f["name"] for f in first.files}
    assert {f["name"]: f["sha256"] for f in first.files} == {
        name: sha256(data) for name, data in before.items()
    }
    document = Document.objects.get(slug=MEMO)
    document.title_en = "Edited after release 1"
    document.save()
    second = release_publish()
    assert second.number == first.number + 1

    assert stored_bytes(media_root, first) == before
    first.refresh_from_db()
    assert {f["name"]: f["sha256"] for f in first.files} == {
        name: sha256(data) for name, data in before.items()
    }
    archive = zipfile.ZipFile(io.BytesIO(before[first.archive["name"]]))
    assert b"Edited after release 1" not in archive.read("documents.csv")
    call_command("verify_files", stdout=io.StringIO())
    with pytest.raises(Immutable):
        first.save()
    with pytest.raises(Immutable):
        Release.objects.filter(pk=first.pk).update(documents=0)
    with pytest.raises(Immutable):
        first.delete()
    with pytest.raises(FileExistsError):
        write_once(first.path(first.archive["name"]), ContentFile(b"other bytes"))
    assert stored_bytes(media_root, first) == before


def test_the_manifest_has_the_checksum_of_every_file_and_the_citation(
    seeded, media_root, settings
):
    settings.SITE_URL = "https://tracker.example.org"
    release = release_publish()
    files = stored_bytes(media_root, release)
    manifest = json.loads(files["manifest.json"])
    assert manifest["release"] == release.number
    assert manifest["documents"] == Document.objects.count()
    listed = {f["name"]: f["sha256"] for f in manifest["files"]}
    assert listed == {n: sha256(d) for n, d in files.items() if n != "manifest.json"}
    archive = zipfile.ZipFile(io.BytesIO(files[release.archive["name"]]))
    contents = manifest["contents"][release.archive["name"]]
    assert {c["name"]: c["sha256"] for c in contents} == {
        name: sha256(archive.read(name)) for name in archive.namelist()
    }
    cff = files["CITATION.cff"].decode()
    assert "cff-version: 1.2.0" in cff and f"version: '{release.number}'" in cff
    assert f"https://tracker.example.org/ru/releases/#release-{release.number}" in cff
    datacite = json.loads(files["datacite.json"])["data"]["attributes"]
    assert datacite["version"] == str(release.number)
    assert datacite["types"]["resourceTypeGeneral"] == "Dataset"
    assert "doi" not in datacite  # given by a registration, never invented


def test_verify_files_catches_a_tampered_release_file(seeded, media_root):
    release = release_publish()
    path = media_root / release.path("CITATION.cff")
    path.write_bytes(path.read_bytes().replace(b"dataset", b"datasat"))
    with pytest.raises(CommandError, match="1 of"):
        call_command("verify_files", stdout=io.StringIO(), stderr=io.StringIO())
    (media_root / release.path("manifest.json")).unlink()
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 of"):
        call_command("verify_files", stdout=io.StringIO(), stderr=err)
    assert "CITATION.cff: checksum differs" in err.getvalue()
    assert "manifest.json: missing" in err.getvalue()


def test_the_changelog_lists_added_removed_and_changed_documents(seeded, client):
    leaving = DocumentFactory(slug="to-be-removed")
    unrecorded = Document.objects.exclude(slug=MEMO).order_by("slug").first()
    unrecorded.history.all().delete()  # as a document made in bulk: no history
    first = release_publish()
    unrecorded.summary_en = "Edited, its earlier state not recorded."
    unrecorded.save()
    assert first.changelog["first"] is True
    DocumentFactory(slug="newly-added", title_en="A new agreement")
    leaving.delete()
    document = Document.objects.get(slug=MEMO)
    document.title_en = "A corrected title"
    document.summary_en = "A new summary."
    document.save()
    document.sectors.add(Sector.objects.exclude(documents=document).first())
    second = release_publish()

    log = second.changelog
    assert [e["slug"] for e in log["added"]] == ["newly-added"]
    assert [e["slug"] for e in log["removed"]] == ["to-be-removed"]
    changed = {e["slug"]: e["fields"] for e in log["changed"]}
    assert changed == {
        MEMO: ["title_en", "summary_en", "sectors"],
        unrecorded.slug: None,  # not guessed
    }
    page = client.get("/en/releases/").content.decode()
    assert page.index("Release 2") < page.index("A new agreement")
    assert "A corrected title</a>:" in page and "sectors" in page
    assert "which fields changed is not recorded" in page
    ru = client.get("/ru/releases/").content.decode()
    assert "Выпуск 2" in ru and "отрасли" in ru


def test_deleting_a_release_needs_yes_and_never_frees_its_number(seeded, media_root):
    out = io.StringIO()
    call_command("publish_release", stdout=out)
    first = Release.objects.get()
    assert f"Release {first.number} published" in out.getvalue()
    with pytest.raises(CommandError, match="--yes"):
        call_command("delete_release", str(first.number))
    assert (media_root / first.path("manifest.json")).exists()
    call_command("delete_release", str(first.number), "--yes", stdout=io.StringIO())
    assert not (media_root / "releases" / "1").exists() or not any(
        (media_root / "releases" / "1").iterdir()
    )
    assert Release.objects.get(number=first.number).withdrawn_at is not None
    assert release_publish().number == first.number + 1
    call_command("verify_files", stdout=io.StringIO())


def test_the_api_lists_releases_with_download_urls_and_checksums(seeded, client):
    release = release_publish()
    listing = client.get("/api/v1/releases/").json()
    assert [r["number"] for r in listing["results"]] == [release.number]
    detail = client.get(f"/api/v1/releases/{release.number}/").json()
    assert detail["files"][0]["sha256"] == release.archive["sha256"]
    download = client.get(detail["files"][0]["url"])
    assert sha256(b"".join(download.streaming_content)) == release.archive["sha256"]
    assert detail["changelog"]["first"] is True
    assert f"release {release.number}" in detail["citation"]
    for path in (
        "/api/v1/releases/x/",
        "/api/v1/releases/99/",
        f"/api/v1/releases/{'9' * 30}/",
    ):
        assert client.get(path).status_code == 404
    assert client.get("/api/v1/releases/?unknown=1").status_code == 400
    assert client.get(f"/data/releases/{release.number}/other.txt").status_code == 404
    assert client.get(f"/data/releases/{'9' * 30}/manifest.json").status_code == 404


def test_a_record_is_cited_as_it_stood_in_a_release(seeded, client):
    document = Document.objects.get(slug=MEMO)
    release = release_publish()
    document.title_en = "Renamed after the release"
    document.save()
    page = client.get(f"/en/documents/{MEMO}/?release={release.number}")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Renamed after the release" not in text.split('id="cite"')[1]
    assert f"release {release.number} of the data" in text
    assert f"Version {document.version - 1} of" in text
    assert "collection-number" in text
    today = client.get(f"/en/documents/{MEMO}/").content.decode()
    assert "Renamed after the release" in today.split('id="cite"')[1]
    assert f"?release={release.number}#cite" in today
    later = DocumentFactory(slug="after-the-release")
    for path in (
        f"/en/documents/{MEMO}/?release=x",
        f"/en/documents/{MEMO}/?release=99",
        f"/en/documents/{MEMO}/?release={'9' * 30}",
        f"/en/documents/{later.slug}/?release={release.number}",
    ):
        assert client.get(path).status_code == 400


def test_staff_publish_a_release_with_the_admin_button(seeded, analyst_client):
    changelist = analyst_client.get("/admin/agreements/release/")
    assert 'action="/admin/agreements/release/publish/"' in changelist.content.decode()
    response = analyst_client.post("/admin/agreements/release/publish/")
    assert response.status_code == 302
    release = Release.objects.get()
    page = analyst_client.get(f"/admin/agreements/release/{release.pk}/change/")
    assert release.archive["sha256"] in page.content.decode()
    assert analyst_client.get("/admin/agreements/release/publish/").status_code == 405
    assert Client().post("/admin/agreements/release/publish/").status_code == 302
    assert Release.objects.count() == 1  # an anonymous post went to the login


def test_the_release_lists_read_a_fixed_number_of_queries(client, analyst_client):
    def queries(path, http=client):
        with CaptureQueriesContext(connection) as captured:
            assert http.get(path).status_code == 200
        return len(captured)

    paths = ["/en/releases/", "/api/v1/releases/"]
    release_publish()
    one = [queries(p) for p in paths] + [
        queries("/admin/agreements/release/", analyst_client)
    ]
    release_publish(), release_publish()
    three = [queries(p) for p in paths] + [
        queries("/admin/agreements/release/", analyst_client)
    ]
    assert one == three
