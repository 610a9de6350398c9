import io
import json

import pytest
from django.core.management import call_command
from django.utils.dateparse import parse_datetime

from agreements.models import Citation, Document, Occasion, Participation
from agreements.querysets import RENDERINGS

from .conftest import ASTANA, SEED_MODELS

pytestmark = pytest.mark.django_db
MODELS = SEED_MODELS  # every model a fixture writes


def dump():
    out = io.StringIO()
    call_command(
        "dumpdata",
        *MODELS,
        natural_foreign=True,
        natural_primary=True,
        stdout=out,
        indent=1,
    )
    return out.getvalue()


def canonical(text):
    """Dumped rows, with timestamps compared to the millisecond the JSON keeps."""
    rows = json.loads(text)
    for row in rows:
        for name in ("created_at", "updated_at"):
            stamp = parse_datetime(row["fields"][name])
            row["fields"][name] = stamp.replace(
                microsecond=stamp.microsecond // 1000 * 1000
            )
    return rows


def without_timestamps(text):
    """The rows without their timestamps, nor the renderings that carry them."""
    rows = json.loads(text)
    for row in rows:
        for field in ("created_at", "updated_at", *RENDERINGS):
            row["fields"].pop(field, None)
    return rows


def test_the_astana_occasion_has_seven_documents_each_cited(seeded):
    docs = Document.objects.filter(occasion__slug=ASTANA)
    assert docs.count() == 7
    for doc in docs:
        assert doc.citations.exists(), doc.slug


def test_identified_documents_carry_their_russian_titles(seeded):
    memo = Document.objects.get(slug="astana-2023-tpp-memorandum")
    assert "Кокшетау, Семей и Усть-Каменогорск" in memo.title_ru
    sport = Document.objects.get(slug="astana-2023-sport-action-plan")
    assert sport.title_ru.startswith("План мероприятий по развитию сотрудничества")
    statement = Document.objects.get(slug="astana-2023-joint-statement")
    assert statement.kind == Document.Kind.JOINT_STATEMENT


def test_unidentified_documents_say_their_title_is_unknown(seeded):
    unknown = Document.objects.filter(occasion__slug=ASTANA, title_status="unknown")
    assert unknown.count() == 4  # the joint statement and documents 5–7
    assert all(not d.title_ru and not d.title_en for d in unknown)


def test_disagreeing_sources_are_kept_and_marked_disputed(seeded):
    forum = Document.objects.get(slug="kostanay-forum-2023-package")
    assert forum.disputed_fields() == ["value_amount"]
    assert forum.value_amount is None
    claims = set(
        forum.citations.filter(field="value_amount").values_list("claim_en", flat=True)
    )
    assert claims == {"about 100 mln USD", "83 mln USD"}
    gazprom = Document.objects.get(slug="gazprom-kazakhstan-2023-11-01")
    assert gazprom.disputed_fields() == ["subject", "term_years"]


def test_every_citation_names_a_source_or_is_editorial_with_a_note(seeded):
    unsourced = Citation.objects.filter(source__isnull=True)
    assert unsourced.exists()
    assert set(unsourced.values_list("kind", flat=True)) == {"editorial"}
    assert not unsourced.filter(note_ru="", note_en="").exists()
    assert Occasion.objects.filter(citations__isnull=True).count() == 0
    assert Document.objects.filter(citations__isnull=True).count() == 0


def test_loading_the_fixtures_twice_creates_no_duplicates(seeded):
    before = dump()
    counts = (
        Document.objects.count(),
        Participation.objects.count(),
        Citation.objects.count(),
    )
    call_command("loaddata", "astana-2023", verbosity=0)
    assert (
        Document.objects.count(),
        Participation.objects.count(),
        Citation.objects.count(),
    ) == counts
    # Reloading is an update from the sources: only the timestamps move.
    assert without_timestamps(dump()) == without_timestamps(before)


def test_natural_key_dump_survives_flush_and_reload(seeded, tmp_path):
    first = dump()
    path = tmp_path / "backup.json"
    path.write_text(first, encoding="utf-8")
    call_command("flush", interactive=False, verbosity=0)
    assert Document.objects.count() == 0
    call_command("loaddata", str(path), verbosity=0)
    assert canonical(dump()) == canonical(first)
