"""`make run` seeds on every start (`manage.py seed`): never over an analyst's edit."""

import pytest
from django.core.management import call_command

from agreements.models import Document

pytestmark = pytest.mark.django_db
SLUG = "astana-2023-tpp-memorandum"


def test_seed_loads_the_fixture_into_an_empty_database():
    call_command("seed", verbosity=0)
    assert Document.objects.filter(slug=SLUG).exists()


def test_seeding_twice_keeps_an_edit_made_in_between():
    call_command("seed", verbosity=0)
    doc = Document.objects.get(slug=SLUG)
    doc.place_en = "Astana, Akorda"
    doc.save()
    call_command("seed", verbosity=0)
    doc = Document.objects.get(slug=SLUG)
    assert (doc.place_en, doc.version) == ("Astana, Akorda", 2)


def test_the_makefile_runs_seed_not_loaddata():
    from pathlib import Path

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text()
    run = makefile.split("\nrun:")[1].split("\n\n")[0]
    assert "manage.py seed" in run and "loaddata" not in run
