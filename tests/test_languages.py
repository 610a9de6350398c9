"""Russian, Kazakh and English: the catalogues, the records' texts in each
language, and what a reader of one language is shown where only another exists."""

import importlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import translation

from agreements.models import (
    Citation,
    Document,
    DocumentText,
    LifecycleEvent,
    Party,
)

from .conftest import api_as

ROOT = Path(__file__).resolve().parents[1]
MEMORANDUM = "astana-2023-tpp-memorandum"


def untranslated(po):
    """The msgids of a catalogue that are untranslated or fuzzy (header aside)."""
    found = []
    for flag in ("--untranslated", "--only-fuzzy"):
        out = subprocess.run(
            ["msgattrib", flag, "--no-wrap", str(po)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        found += [m for m in re.findall(r'^msgid "(.*)"$', out, re.M) if m]
    return found


def test_makemessages_for_russian_and_kazakh_leaves_nothing_untranslated(tmp_path):
    # In a copy of the project, so the test leaves the catalogues as they are.
    for name in ("agreements", "templates", "tracker"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "manage.py", tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ru", "-l", "kk"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_DEBUG": "1", "PYTHONPATH": tmp_path},
    )
    for lang in ("ru", "kk"):
        po = tmp_path / "agreements" / "locale" / lang / "LC_MESSAGES" / "django.po"
        assert untranslated(po) == [], lang


def test_kazakh_has_two_plural_forms_and_russian_its_four():
    kk = (ROOT / "agreements/locale/kk/LC_MESSAGES/django.po").read_text()
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in kk
    forms = "%(n)s document", "%(n)s documents"
    with translation.override("kk"):
        assert translation.ngettext(*forms, 5) % {"n": 5} == "5 құжат"
    with translation.override("ru"):
        said = [translation.ngettext(*forms, n) % {"n": n} for n in (1, 3, 5, 21)]
    assert said == ["1 документ", "3 документа", "5 документов", "21 документ"]


@pytest.mark.django_db
def test_the_about_page_counts_in_each_languages_plural_forms(client, seeded):
    assert "4 события подписания" in client.get("/ru/about/").content.decode()
    assert "4 қол қою оқиғасы" in client.get("/kk/about/").content.decode()
    assert "4 signing occasions" in client.get("/en/about/").content.decode()


@pytest.mark.django_db
def test_a_kazakh_page_shows_the_russian_title_marked_as_russian_only(client, seeded):
    page = client.get(f"/kk/documents/{MEMORANDUM}/").content.decode()
    assert '<html lang="kk">' in page
    title = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    assert '<span\n  lang="ru">Меморандум о взаимопонимании' in title
    assert "(тек орыс тілінде)" in title
    assert "Фактілер" in page and "Дереккөздер" in page
    for code in ("ru", "kk", "en"):
        href = f"/{code}/documents/{MEMORANDUM}/"
        assert f'<link rel="alternate" hreflang="{code}" href="{href}">' in page


@pytest.mark.django_db
def test_the_russian_page_gives_notes_and_claims_in_russian(client, seeded):
    page = client.get(f"/ru/documents/{MEMORANDUM}/").content.decode()
    assert "Отрасль определена редакцией по предмету документа." in page
    assert "Sector assigned by the editors" not in page
    english = client.get(f"/en/documents/{MEMORANDUM}/").content.decode()
    assert "Sector assigned by the editors from the subject" in english
    assert "Отрасль определена редакцией" not in english


@pytest.mark.django_db
def test_a_note_written_only_in_english_is_marked_on_the_russian_page(client, seeded):
    document = Document.objects.get(slug=MEMORANDUM)
    LifecycleEvent.objects.create(
        document=document,
        kind="in_force",
        occurred_on="2024-01-01",
        note_en="Entry into force reported by one wire only",
    )
    page = client.get(f"/ru/documents/{MEMORANDUM}/").content.decode()
    note = page.index("Entry into force reported by one wire only")
    assert page[note - 30 : note].endswith('lang="en">')
    assert "(только по-английски)" in page[note : note + 200]


@pytest.mark.django_db
def test_every_party_has_a_russian_name_sourced_or_marked_editorial(seeded):
    assert not Party.objects.filter(name_ru="").exists()
    rendered = Citation.objects.filter(field="name_ru", party__isnull=False)
    assert set(rendered.values_list("kind", flat=True)) == {"editorial"}
    named = {"ru-ministry-of-sport", "kz-government", "qazaqgaz", "inter-rao-export"}
    assert named <= set(rendered.values_list("party__slug", flat=True))
    assert Party.objects.get(slug="kz-government").name_ru == (
        "Правительство Республики Казахстан"
    )


@pytest.mark.django_db
def test_the_api_gives_both_languages_and_keeps_the_former_fields(client, seeded):
    body = client.get(f"/api/v1/documents/{MEMORANDUM}/").json()
    editorial = next(c for c in body["citations"] if c["field"] == "sectors")
    assert editorial["note_ru"].startswith("Отрасль определена редакцией")
    assert editorial["note_en"].startswith("Sector assigned by the editors")
    assert editorial["note"] == editorial["note_en"]
    s28 = next(c for c in body["citations"] if c["claim_en"] == "2023-11-13")
    assert s28["claim"] == "2023-11-13"
    event = body["events"][0]
    assert {"note", "note_ru", "note_en"} <= set(event)


@pytest.mark.django_db
def test_an_api_client_writes_a_source_note_in_each_language(seeded, analyst):
    api = api_as(analyst)
    url = "/api/v1/sources/astana-2023-s11/"
    etag = api.get(url)["ETag"]
    response = api.patch(
        url,
        {"note_ru": "Прочитано в перепечатке.", "note_en": "Read in a reprint."},
        format="json",
        headers={"If-Match": etag},
    )
    assert response.status_code == 200, response.content
    assert response.json()["note"] == "Read in a reprint."
    page = api.get(url).json()
    assert page["note_ru"] == "Прочитано в перепечатке."


@pytest.mark.django_db
def test_the_migration_moves_a_note_written_in_russian_to_the_russian_field(
    seeded,
):
    migration = importlib.import_module("agreements.migrations.0018_bilingual_notes")
    event = LifecycleEvent.objects.first()
    LifecycleEvent.objects.filter(pk=event.pk).update(
        note_en="Подписан в Астане (S1)", note_ru=""
    )
    other = LifecycleEvent.objects.exclude(pk=event.pk).first()
    LifecycleEvent.objects.filter(pk=other.pk).update(
        note_en="Signed per «S1»: «подписан»", note_ru=""
    )
    migration.russian_notes_to_ru(apps, None)
    event.refresh_from_db()
    other.refresh_from_db()
    assert (event.note_ru, event.note_en) == ("Подписан в Астане (S1)", "")
    assert (other.note_ru, other.note_en) == ("", "Signed per «S1»: «подписан»")


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="full-text search is PostgreSQL's"
)
def test_a_word_of_a_kazakh_text_finds_its_document(seeded, media_root):
    document = Document.objects.get(slug=MEMORANDUM)
    text = DocumentText(
        document=document,
        language="kk",
        file=ContentFile(
            "<html><body><p>Көкшетау қаласында жылу электр орталығын салу туралы "
            "өзара түсіністік меморандумы</p></body></html>".encode(),
            name="memorandum-kk.html",
        ),
    )
    text.full_clean()
    text.save()
    assert list(Document.objects.search("орталығын")) == [document]
    assert list(Document.objects.search("қаласында")) == [document]
