"""The Kazakhstan–Russia fixtures (issue 27) keep the fixtures' promise: every
non-empty fact of every document is cited (a source with a short verbatim
passage, or an editorial note) or left empty; every source has an address and
the date it was read. The files load in `seed`'s order into an empty database;
the parts that use issue 25's models (`*-acts.yaml`: domestic acts, the
events' citations, identifiers, people) load after the records they name.

A sample of ten documents, drawn with a fixed seed, is written with their
sources to `fixtures/SAMPLE.md` for the reviewer (`test_the_reviewers_sample`).
"""

import functools
import random
import re
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from agreements.management.commands.seed import FIXTURES
from agreements.models import (
    Citation,
    Document,
    LifecycleEvent,
    Occasion,
    Participation,
    Source,
)
from agreements.provenance import EDITORIAL, SOURCED, document_facts
from agreements.standing import standings

from .conftest import shared_by_the_module

ROOT = Path(__file__).resolve().parents[1] / "fixtures"
KZ_RU = [name for name in FIXTURES if name.startswith("kz-ru-")]
ACTS = sorted(ROOT.glob("kz-ru-*-acts.yaml"))
MAX_QUOTE = 600  # characters: a few sentences, never a page
MAX_SENTENCES = 4
SAMPLE_SEED = 27
GAP = "\n[…]\n"  # between passages of one page joined in one citation
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[А-ЯЁA-ZӘҒҚҢӨҰҮҺІ«\"(])")


def rows(path):
    # libyaml's safe loader: the same rows, ten times faster than pure Python.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


@functools.cache
def kz_ru_slugs():
    return {
        r["fields"]["slug"]
        for name in KZ_RU
        for r in rows(ROOT / f"{name}.yaml")
        if r["model"] == "agreements.document"
    }


@pytest.fixture(scope="module")
def every_fixture(request, django_db_setup, django_db_blocker):
    """Every fixture, loaded once by natural keys for the module's tests."""
    with shared_by_the_module(request, django_db_blocker):
        with django_db_blocker.unblock():
            call_command("loaddata", *FIXTURES, verbosity=0)
        yield


@pytest.fixture
def loaded(every_fixture, db):
    return Document.objects.filter(slug__in=kz_ru_slugs())


def test_seed_loads_every_fixture_into_an_empty_database(db):
    assert not Document.objects.exists()
    call_command("seed", verbosity=0)
    slugs = kz_ru_slugs()
    assert len(slugs) >= 40
    assert Document.objects.filter(slug__in=slugs).count() == len(slugs)
    assert Occasion.objects.filter(slug="moscow-state-visit-2025-11-11").exists()


def test_every_given_fact_of_every_document_is_sourced_or_editorial(loaded):
    unsupported = [
        (document.slug, fact.name)
        for document in loaded.with_details()
        for fact in document_facts(document)
        if fact.is_given and fact.state not in (SOURCED, EDITORIAL)
    ]
    assert unsupported == []
    assert loaded.exclude(title_kk="").count() >= 10  # Kazakh titles where given


def test_every_passage_is_short_and_every_citation_says_where_or_why(loaded):
    long = []
    for citation in Citation.objects.filter(document__in=loaded):
        if citation.is_editorial:
            assert citation.note_en and citation.note_ru, citation
            continue
        assert citation.quote, citation
        # A citation of a document's events joins its events' passages.
        for passage in citation.quote.split(GAP):
            sentences = [s for s in SENTENCE_END.split(passage) if s]
            if len(passage) > MAX_QUOTE or len(sentences) > MAX_SENTENCES:
                long.append(str(citation))
    assert long == []


def test_every_source_has_an_address_and_the_date_it_was_read(loaded):
    sources = Source.objects.filter(citations__document__in=loaded).distinct()
    assert sources.count() >= 30
    assert not sources.filter(url="").exists()
    assert not sources.filter(accessed_on__isnull=True).exists()


def test_a_kazakh_page_shows_the_kazakh_title_and_others_name_it(client, loaded):
    slug = "kz-ru-2009-border-joint-control"
    title_kk = loaded.get(slug=slug).title_kk
    kazakh = client.get(f"/kk/documents/{slug}/").content.decode()
    heading = kazakh[kazakh.index("<h1") : kazakh.index("</h1>")]
    assert title_kk in heading
    russian = client.get(f"/ru/documents/{slug}/").content.decode()
    assert "Название (каз.)" in russian and title_kk in russian


def test_a_states_ratification_shows_in_its_governments_row(client, loaded):
    """Kazakhstan ratified (Law No. 117-V) what its government concluded: the
    act is in the Kazakh government's row of the per-party table, and every
    party's step of every document is in some party's row."""
    slug = "kz-ru-2009-border-joint-control"
    page = client.get(f"/ru/documents/{slug}/").content.decode()
    table = page[page.index('class="cards party-standing"') :]
    rows = table[: table.index("</tbody>")].split("<tr>")[2:]
    kazakh, russian = (
        next(row for row in rows if f"/ru/parties/{party}/" in row)
        for party in ("kz-government", "ru-government")
    )
    assert "117-V" in kazakh and "117-V" not in russian
    shown = {
        cell.event.pk
        for document in loaded.with_details()
        for row in standings(document)
        for cell in row[1:6]
        if cell.event
    }
    ratified = LifecycleEvent.objects.filter(
        document__in=loaded, party__isnull=False, kind=LifecycleEvent.Kind.RATIFIED
    )
    assert ratified.count() >= 10
    assert set(ratified.values_list("pk", flat=True)) <= shown


def test_the_issue_25_parts_cite_every_event_and_name_real_records(loaded):
    """The domestic acts, event citations and identifiers: each event they
    restate is one the loaded files have, each event has a sourced passage,
    each identifier a known document, each named signatory a person."""
    found = LifecycleEvent.objects.filter(document__in=loaded)
    events = {
        (e.document.slug, e.kind, e.occurred_on.isoformat(), e.party and e.party.slug)
        for e in found.select_related("document", "party")
    }
    restated, cited, identifiers, people, signed = set(), set(), set(), set(), set()
    identified = set()
    for path in ACTS:
        for row in rows(path):
            fields = row["fields"]
            if row["model"] == "agreements.lifecycleevent":
                party = fields["party"][0] if fields["party"] else None
                restated.add(
                    (
                        fields["document"][0],
                        fields["kind"],
                        str(fields["occurred_on"]),
                        party,
                    )
                )
            elif row["model"] == "agreements.citation":
                assert fields["source"] and fields["quote"], fields
                assert len(fields["quote"]) <= MAX_QUOTE
                if "event" in fields:
                    cited.add(tuple(fields["event"]))
                else:  # the identifiers of a document
                    assert fields["field"] == "identifiers", fields
                    identified.add(fields["document"][0])
            elif row["model"] == "agreements.documentidentifier":
                assert fields["scheme"] in {
                    "adilet",
                    "kz_bulletin",
                    "ru_pravo",
                    "ru_sz",
                    "un_treaty",
                    "wikidata",
                    "other",
                }
                identifiers.add(
                    (fields["scheme"], fields["value"], fields["document"][0])
                )
                assert loaded.filter(slug=fields["document"][0]).exists()
            elif row["model"] == "agreements.person":
                assert fields["name_ru"] or fields["name_en"]
                people.add(fields["slug"])
            elif row["model"] == "agreements.participation":
                # A signatory as a person: a loaded participation the source names.
                assert fields["signatory_ru"] and fields["person"][0] in people
                signed.add((fields["document"][0], fields["party"][0]))
    assert restated == events
    assert cited == events
    assert len(identifiers) >= 5
    assert identified == {document for _scheme, _value, document in identifiers}
    assert len(people) >= 5
    loaded_signatories = {
        (p.document.slug, p.party.slug)
        for p in Participation.objects.filter(document__in=loaded).exclude(
            signatory_ru=""
        )
    }
    assert signed == loaded_signatories


def test_the_reviewers_sample(loaded):
    """Ten documents drawn with a fixed seed, each with its facts' passages and
    sources: written to fixtures/SAMPLE.md, where the research log points."""
    slugs = sorted(loaded.values_list("slug", flat=True))
    sample = random.Random(SAMPLE_SEED).sample(slugs, 10)
    lines = [
        "# A sample of ten Kazakhstan–Russia documents",
        "",
        f"Drawn by tests/test_fixture_kz_ru.py (random seed {SAMPLE_SEED}); "
        "rewritten by each run.",
        "",
    ]
    for slug in sample:
        document = loaded.get(slug=slug)
        lines += [f"## {slug}", ""]
        lines.append(f"- title (ru): {document.title_ru or '— unknown'}")
        lines.append(f"- title (kk): {document.title_kk or '— unknown'}")
        lines.append(f"- signed: {document.signed_display or '— unknown'}")
        cited = document.citations.select_related("source")
        for citation in cited.order_by("field", "source__slug", "quote"):
            origin = (
                f"{citation.source.publisher}, <{citation.source.url}>"
                if citation.source_id
                else "editorial"
            )
            said = citation.quote or citation.note_en
            lines.append(f"- {citation.field or 'record'}: «{said}» ({origin})")
        lines.append("")
    text = "\n".join(lines)
    (ROOT / "SAMPLE.md").write_text(text, encoding="utf-8")
    assert text.count("## ") == 10
