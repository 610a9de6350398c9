"""Every write path derives a document's columns once per save, visibly.

"Once" is read off the SQL: `derive.derive` writes the derived columns with one
statement per batch (`UPDATE agreements_document SET status = …`, run for each
document), so counting those statements counts derivations, whatever else the
save does with its N rows.
"""

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from agreements import renderings
from agreements.lifecycle import EventKind, Status
from agreements.models import Document, FacetCount, Participation, ResearchQuestion

from .conftest import api_as
from .factories import DocumentFactory, PartyFactory
from .test_admin import change_form_data
from .test_views import EVERY_KIND, facet_counts

pytestmark = pytest.mark.django_db
DERIVING = re.compile(r"(\d+ times: )?UPDATE agreements_document SET status = ")


class Derivations(CaptureQueriesContext):
    """Counts the derivations (and the queries) run inside the block."""

    def __init__(self):
        super().__init__(connection)

    @property
    def count(self):
        return sum(bool(DERIVING.match(q["sql"])) for q in self.captured_queries)


def event_rows(prefix, n, start=datetime.date(2001, 1, 1)):
    """Admin inline data for `n` events: signed, then n-1 ratifications, the last
    one an entry into force."""
    data = {f"{prefix}-TOTAL_FORMS": str(n), f"{prefix}-INITIAL_FORMS": "0"}
    for i in range(n):
        kind = EventKind.SIGNED if i == 0 else EventKind.RATIFIED
        if i == n - 1 and n > 1:
            kind = EventKind.ENTERED_INTO_FORCE
        data[f"{prefix}-{i}-kind"] = kind
        data[f"{prefix}-{i}-occurred_on"] = str(start + datetime.timedelta(days=i))
    return data


@pytest.mark.parametrize("n", [1, 5, 20])
def test_admin_save_with_n_event_rows_derives_the_status_once(analyst_client, n):
    doc = DocumentFactory()
    url = reverse("admin:agreements_document_change", args=[doc.pk])
    data = change_form_data(analyst_client, url)
    data.update(event_rows("events", n))
    with Derivations() as run:
        response = analyst_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    doc.refresh_from_db()
    assert doc.events.count() == n
    assert doc.status == (Status.SIGNED if n == 1 else Status.IN_FORCE)
    assert run.count == 1


def test_admin_add_page_derives_status_and_search_text_once(analyst_client):
    url = reverse("admin:agreements_document_add")
    data = change_form_data(analyst_client, url)
    party = PartyFactory(name_en="Republic of Zembla")
    data.update(
        slug="new-treaty",
        kind="treaty",
        title_en="New treaty",
        **event_rows("events", 2),
        **{
            "participations-TOTAL_FORMS": "1",
            "participations-INITIAL_FORMS": "0",
            "participations-0-party": party.pk,
            "participations-0-role": "party",
            "participations-0-position": "1",
        },
    )
    with Derivations() as run:
        response = analyst_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    doc = Document.objects.get(slug="new-treaty")
    assert doc.status == Status.IN_FORCE
    assert list(Document.objects.search("zembla")) == [doc]
    assert run.count == 1


def test_renaming_a_party_in_the_admin_rederives_its_documents(analyst_client):
    from .factories import ParticipationFactory

    participation = ParticipationFactory()
    party = participation.party
    url = reverse("admin:agreements_party_change", args=[party.pk])
    data = change_form_data(analyst_client, url)
    data["name_en"] = "Duchy of Grand Fenwick"
    with Derivations() as run:
        assert analyst_client.post(url, data).status_code == 302
    assert list(Document.objects.search("fenwick")) == [participation.document]
    assert run.count == 1


@pytest.fixture
def api(analyst):
    return api_as(analyst)


def test_api_create_and_update_derive_once_each(api):
    with Derivations() as run:
        created = api.post(
            "/api/v1/documents/",
            {"slug": "api-doc", "kind": "agreement", "title_en": "Orchard accord"},
            format="json",
        )
    assert created.status_code == 201, created.content
    assert run.count == 1
    assert list(Document.objects.search("orchard")) == [
        Document.objects.get(slug="api-doc")
    ]
    url = "/api/v1/documents/api-doc/"
    with Derivations() as run:
        changed = api.patch(
            url,
            {"title_en": "Vineyard accord"},
            format="json",
            HTTP_IF_MATCH=created["ETag"],
        )
    assert changed.status_code == 200, changed.content
    assert run.count == 1
    assert changed.json()["updated_at"] == api.get(url).json()["updated_at"]
    assert list(Document.objects.search("vineyard"))
    assert not Document.objects.search("orchard").exists()


def test_import_derives_all_rows_once(tmp_path):
    rows = [
        {
            "slug": f"imported-{i}",
            "kind": "agreement",
            "title_en": f"Imported {i}",
            "events": "signed:2020-01-01;entered_into_force:2020-02-01",
        }
        for i in range(30)
    ]
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(rows))
    with Derivations() as run:
        call_command("import_documents", str(path), stdout=io.StringIO())
    statuses = set(
        Document.objects.filter(slug__startswith="imported-").values_list(
            "status", flat=True
        )
    )
    assert statuses == {Status.IN_FORCE}
    assert run.count == 1


def test_refresh_statuses_derives_only_what_changed_once():
    docs = DocumentFactory.create_batch(3)
    Document.objects.filter(pk__in=[d.pk for d in docs]).update(status="terminated")
    out = io.StringIO()
    with Derivations() as run:
        call_command("refresh_statuses", "--all", stdout=out)
    assert set(Document.objects.values_list("status", flat=True)) == {Status.UNKNOWN}
    assert run.count == 1
    assert "3/3 documents re-derived" in out.getvalue()  # its progress
    assert "3 document(s) re-derived." in out.getvalue()


def test_sample_data_is_derived(settings, client):
    PartyFactory.create_batch(3)
    from .factories import SectorFactory

    SectorFactory()
    call_command("generate_sample_data", "40", "--seed", "2", stdout=io.StringIO())
    samples = Document.objects.filter(slug__startswith="sample-")
    assert samples.count() == 40
    # Every sample has a signing event; its status comes from the events.
    for doc in samples.prefetch_related("events"):
        assert doc.status == doc.status_on()
        assert doc.search_text
    if connection.vendor == "postgresql":
        # The planner knows the new rows (ANALYZE): a never-analysed table has
        # reltuples -1, and page-sized lookups of it became whole-table scans.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = %s",
                ["agreements_participation"],
            )
            assert cursor.fetchone()[0] == Participation.objects.count()
    # Counted in the stored facet counts, as SQL counts them; out when deleted.
    assert not samples.filter(facet_keys__isnull=True).exists()
    everything = facet_counts(client, {})
    assert everything == facet_counts(client, EVERY_KIND)
    assert sum(n for _kind, n in everything["kind"]) == 40
    call_command("generate_sample_data", "--delete", stdout=io.StringIO())
    assert not FacetCount.objects.exclude(documents=0).exists()


def test_loaddata_derives_the_fixture_once_keeping_timestamps():
    with Derivations() as run:
        call_command("loaddata", "astana-2023", verbosity=0)
    memo = Document.objects.get(slug="astana-2023-tpp-memorandum")
    assert memo.status == Status.SIGNED
    assert "шульгинов" in memo.search_text or "кокшетау" in memo.search_text
    assert run.count == 1


@pytest.mark.django_db(transaction=True)
def test_a_fixture_of_documents_without_sectors_loads_in_a_real_transaction():
    """Its commit derives the documents and announces the change: no sectors
    set means no earlier announcement, so the commit's own must not ask for
    another commit (it did: TransactionManagementError)."""
    call_command("loaddata", "astana-2023", "kz-ru-adilet", verbosity=0)
    assert Document.objects.filter(slug="kz-ru-2009-border-joint-control").exists()


def api_bodies(client, slugs, **headers):
    """The list page and each document's detail, as served."""
    paths = ["/api/v1/documents/", *(f"/api/v1/documents/{slug}/" for slug in slugs)]
    return {path: client.get(path, **headers).content for path in paths}


@pytest.mark.underived
def test_the_api_serves_stored_records_and_rows_as_built_again(
    seeded, client, settings
):
    """Every fixture document (citations, sources with archived copies, texts,
    relations, facts) answers its stored record in one query, and the list its
    stored rows with no query for sectors or parties, with the URLs of the host
    asked: byte for byte what the serializers build when none is stored."""
    settings.ALLOWED_HOSTS = ["mirror.example.org"]
    slugs = list(Document.objects.values_list("slug", flat=True))
    host = {"HTTP_HOST": "mirror.example.org"}
    for path, tables in [
        (f"/api/v1/documents/{slugs[0]}/", 1),
        # The count (PostgreSQL first asks the planner for an estimate), the page.
        ("/api/v1/documents/", 2 + (connection.vendor == "postgresql")),
    ]:
        with CaptureQueriesContext(connection) as read:  # the cache is a table too
            client.get(path, **host)
        assert sum("agreements_" in q["sql"] for q in read.captured_queries) == tables
    stored = api_bodies(client, slugs, **host)
    # Renderings of another code version (unmarked, as a deploy leaves them).
    Document._base_manager.filter(slug__in=slugs[::2]).update(rendered_by="old")
    assert api_bodies(client, slugs, **host) == stored  # a page of both kinds
    Document._base_manager.update(rendered_by="old")
    built = api_bodies(client, slugs, **host)
    assert stored == built
    assert all(
        b'"url":"http://mirror.example.org/en/documents/' in b for b in built.values()
    )
    assert not any(b"\\u0000" in body for body in stored.values())


def test_a_write_the_stored_record_does_not_show_is_served_at_once(seeded, api, client):
    """A touch by a record the document shows (its source's new title) makes
    the stored record stale: the next read builds it again; a write to the
    document itself stores it anew."""
    document = Document.objects.filter(citations__source__isnull=False)[0]
    source = document.citations.filter(source__isnull=False)[0].source
    url = f"/api/v1/documents/{document.slug}/"
    assert "Renamed source" not in client.get(url).content.decode()
    source.title = "Renamed source"
    source.save()
    assert "Renamed source" in client.get(url).content.decode()
    changed = api.patch(
        url,
        {"title_en": "Retitled"},
        format="json",
        HTTP_IF_MATCH=client.get(url)["ETag"],
    )
    assert changed.status_code == 200, changed.content
    document.refresh_from_db()
    assert document.rendered_by == renderings.version()
    assert client.get(url).json() == changed.json()


def test_a_question_moved_to_another_document_leaves_the_first_one(
    seeded, analyst_client, client
):
    """Both documents are derived again: the API record of the one it left no
    longer lists the question."""
    question = ResearchQuestion.objects.filter(document__isnull=False)[0]
    left, other = (
        question.document,
        Document.objects.exclude(pk=question.document_id)[0],
    )
    url = reverse("admin:agreements_researchquestion_change", args=[question.pk])
    data = change_form_data(analyst_client, url)
    data["document"] = other.pk
    assert analyst_client.post(url, data).status_code == 302
    facts = client.get(f"/api/v1/documents/{left.slug}/").json()["facts"]
    assert question.slug not in {q for fact in facts for q in fact["open_questions"]}
    facts = client.get(f"/api/v1/documents/{other.slug}/").json()["facts"]
    assert question.slug in {q for fact in facts for q in fact["open_questions"]}
