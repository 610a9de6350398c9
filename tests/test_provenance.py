"""How we know each fact: source pages, sourced/editorial/unknown facts, the
audit's corrections and the research questions (issue 12)."""

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from agreements.models import (
    Citation,
    Document,
    DocumentRelation,
    Occasion,
    ResearchQuestion,
    Source,
)
from agreements.provenance import EDITORIAL, SOURCED, UNKNOWN, document_facts
from agreements.templatetags.provenance import source_links

from .factories import DocumentFactory, SourceFactory

pytestmark = pytest.mark.django_db
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "astana-2023.yaml"
LABEL = re.compile(r"\bS\d{1,3}\b")
MEMO = "astana-2023-tpp-memorandum"
PLAN = "astana-2023-joint-action-plan-2024-2026"
TRANSIT = "gazprom-qazaqgaz-transit-contract-2023"


class Links(HTMLParser):
    """The text outside links (the <title> aside: it cannot hold one), and the
    (href, text) of every link."""

    def __init__(self):
        super().__init__()
        self.outside, self.links, self._href, self._in_title = [], [], None, False
        self.nested = 0  # links inside links: invalid, and a sign of double linking

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.nested += self._href is not None
            self._href, self._text = dict(attrs).get("href"), ""
        self._in_title = self._in_title or tag == "title"

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, self._text.strip()))
            self._href = None
        self._in_title = self._in_title and tag != "title"

    def handle_data(self, data):
        if self._in_title:
            return
        if self._href is not None:
            self._text += data
        else:
            self.outside.append(data)


def parse(markup):
    parser = Links()
    parser.feed(markup)
    return parser


def public_pages():
    pages = ["/{}/sources/", "/{}/data-quality/", "/{}/about/", "/{}/occasions/"]
    pages += [f"/{{}}/documents/{slug}/" for slug in fixture_slugs("document")]
    pages += [f"/{{}}/occasions/{o.slug}/" for o in Occasion.objects.all()]
    pages += [f"/{{}}/sources/{s.slug}/" for s in Source.objects.all()]
    return [page.format(lang) for page in pages for lang in ("ru", "en")]


def fixture_rows(model):
    rows = yaml.safe_load(FIXTURE.read_text(encoding="utf-8"))
    return [row["fields"] for row in rows if row["model"] == f"agreements.{model}"]


def fixture_slugs(model):
    return [fields["slug"] for fields in fixture_rows(model)]


def test_every_source_reference_on_every_page_links_to_its_source_page(client, seeded):
    source_pages = {
        f"/en/sources/{s.slug}/": s.label for s in Source.objects.exclude(label="")
    }
    checked = 0
    for url in public_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        page = parse(response.content.decode())
        text = "".join(page.outside)
        assert not LABEL.findall(text), (url, LABEL.findall(text))
        assert "dossier" not in text, url  # internal wording stays internal
        assert page.nested == 0, url
        for href, label in page.links:
            if LABEL.fullmatch(label):
                path = re.sub(r"^/(ru|en)/", "/en/", href)
                assert source_pages.get(path) == label, (url, href, label)
                checked += 1
    assert checked > 100


def test_source_references_in_the_feed_are_plain_text_naming_existing_sources(
    client, seeded
):
    """The feed is plain text (no analyst markup reaches a feed reader), so a
    reference stays "(S7)"; each one names a source that has a page."""
    body = client.get("/en/documents/feed/").content.decode()
    summaries = re.findall(r'<summary type="text">(.*?)</summary>', body, re.S)
    cited = set(LABEL.findall("".join(summaries)))
    labels = set(Source.objects.exclude(label="").values_list("label", flat=True))
    assert "S7" in cited and cited <= labels


def test_every_fact_of_every_fixture_document_is_sourced_or_editorial(seeded):
    labels = set(Source.objects.exclude(label="").values_list("label", flat=True))
    slugs = fixture_slugs("document")
    documents = Document.objects.with_details().filter(slug__in=slugs)
    assert documents.count() == len(slugs) == 12
    given = 0
    for document in documents:
        for fact in document_facts(document):
            if fact.is_given:
                given += 1
                assert fact.state in (SOURCED, EDITORIAL), (document.slug, fact.name)
        for text in (document.summary_ru, document.summary_en):
            cited = set(LABEL.findall(text))
            assert cited and cited <= labels, (document.slug, cited - labels)
    assert given > 80


def test_editorial_citations_carry_the_editors_note_and_no_source(seeded):
    editorial = Citation.objects.filter(kind=Citation.Kind.EDITORIAL)
    assert editorial.count() >= 20
    assert not editorial.filter(source__isnull=False).exists()
    assert not editorial.filter(note_ru="", note_en="").exists()
    fields = set(editorial.values_list("field", flat=True))
    assert {"sectors", "legal_level", "place", "country", "title_ru"} <= fields


def test_detail_page_shows_sourced_editorial_and_unknown_facts(client, seeded):
    page = client.get(f"/en/documents/{TRANSIT}/").content.decode()
    states = dict(re.findall(r'data-fact="(\w+)" data-state="(\w*)"', page))
    assert states["title_en"] == SOURCED
    assert states["legal_level"] == EDITORIAL
    assert states["place"] == EDITORIAL
    assert states["valid_until"] == UNKNOWN
    assert "SPIEF (S21)" not in page  # the label is a link, never plain text
    assert "no quoted passage" in page
    assert "inference from SPIEF" in page


def test_the_source_page_lists_exactly_the_facts_it_supports(client, seeded):
    for source in Source.objects.all():
        page = client.get(source.get_absolute_url()).content.decode()
        shown = re.findall(r'data-fact="([^"]*)"', page)
        expected = [f"{c.subject.slug}:{c.field}" for c in source.citations.all()]
        assert sorted(shown) == sorted(expected), source.label
    cache.clear()  # a page rendered now, with its context, not the cached copy
    s26 = client.get(reverse("agreements:source", args=["astana-2023-s26"]))
    assert s26.context["n_facts"] == 7  # five of documents, the two signatories
    assert "agenzianova.com" in s26.content.decode()


def test_source_page_gives_dates_with_their_precision_and_archive_field(client, seeded):
    page = client.get("/en/sources/astana-2023-s6/").content.decode()
    assert "date precision: year" in page
    assert "https://tass.ru/ekonomika/20158285" in page  # the Russian address
    assert "Archived copy" in page
    assert "S6" in page and "TASS" in page


def test_follow_ups_follow_the_memorandum_and_read_the_right_way_round(client, seeded):
    kinds = set(
        DocumentRelation.objects.filter(to_document__slug=MEMO).values_list(
            "kind", flat=True
        )
    )
    assert kinds == {DocumentRelation.Kind.FOLLOWS}
    memo = parse(client.get(f"/en/documents/{MEMO}/").content.decode())
    later = parse(
        client.get(
            "/en/documents/samruk-kazyna-inter-rao-export-2023-12-26/"
        ).content.decode()
    )
    assert "Followed by: " in memo.outside
    assert "This document follows: " in later.outside
    wording = "".join(memo.outside + later.outside)
    assert "Implemented by" not in wording and "document implements" not in wording


def test_joint_action_plan_is_reported_adopted_with_a_cited_event(client, seeded):
    plan = Document.objects.get(slug=PLAN)
    assert [e.kind for e in plan.events.all()] == ["adopted"]
    assert plan.status == "adopted" and plan.signed_on is None
    status = plan.citations.get(field="status")
    assert (status.source.label, status.confidence) == ("S24", "medium")
    assert "принят" in status.quote
    terms = plan.citations.filter(field="term_years")
    assert {c.source.label for c in terms} == {"S24", "S25"}
    assert plan.disputed_fields() == []
    assert plan.citations.filter(source__label="S27").exists()
    page = client.get(f"/en/documents/{PLAN}/").content.decode()
    assert "adopted (reported)" in page


def test_transit_contract_month_is_an_open_question_not_a_sourced_claim(client, seeded):
    contract = Document.objects.get(slug=TRANSIT)
    assert [c.claim for c in contract.citations.filter(field="signed_on")] == [
        "June 2023"
    ]
    question = ResearchQuestion.objects.get(document=contract, field="signed_on")
    assert question.status == "open"
    detail = client.get(f"/en/documents/{TRANSIT}/").content.decode()
    signed = detail[detail.index('data-fact="signed_on"') :]
    signed = signed[: signed.index("</dd>")]
    assert "open question" in signed and f"#q-{question.slug}" in signed
    quality = client.get("/en/data-quality/").content.decode()
    assert f'id="q-{question.slug}"' in quality
    assert "In which month of 2023" in quality


def test_memorandum_has_s26_as_a_second_source_and_s28_as_a_weak_claim(seeded):
    memo = Document.objects.get(slug=MEMO)
    s26 = set(
        memo.citations.filter(source__label="S26").values_list("field", flat=True)
    )
    assert {"participations", "occasion", "title_en", "signed_on"} <= s26
    s28 = memo.citations.get(source__label="S28")
    assert (s28.field, s28.claim, s28.confidence) == (
        "signed_on",
        "2023-11-13",
        "unreliable",
    )
    assert memo.signed_on == datetime.date(2023, 11, 9)
    assert "угольных" in memo.summary_ru
    assert "medium confidence" in memo.summary_en


def test_smaller_corrections_of_the_audit(seeded):
    s6 = Source.objects.get(label="S6")
    assert "tass.ru/ekonomika/20158285" in s6.note
    assert Citation.objects.filter(
        source=s6,
        document__slug="tpp-construction-agreement-2024-04-17",
        field="legal_level",
    ).exists()
    visit = Occasion.objects.get(slug="astana-official-visit-2023-11-09")
    assert "(S11)" in visit.summary_ru and "(S11)" in visit.summary_en
    forum = Occasion.objects.get(slug="kostanay-forum-2023")
    assert '"Agriculture' not in forum.summary_en
    assert "our translation" in forum.summary_en


def test_research_questions_are_seeded_from_the_open_questions(client, seeded):
    slugs = set(ResearchQuestion.objects.values_list("slug", flat=True))
    assert len(slugs) == 10  # 7 open questions of the notes, one a placeholder 5–7
    page = client.get("/ru/data-quality/").content.decode()
    for question in ResearchQuestion.objects.all():
        assert f'id="q-{question.slug}"' in page
        assert question.searched_ru and question.settles_ru


def test_analysts_edit_research_questions_in_the_admin(analyst_client, seeded):
    add = reverse("admin:agreements_researchquestion_add")
    response = analyst_client.post(
        add,
        {
            "slug": "who-signed-the-statement",
            "status": "open",
            "question_en": "Who signed the joint statement?",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert ResearchQuestion.objects.filter(slug="who-signed-the-statement").exists()


def test_about_page_states_the_promise(client, seeded):
    page = client.get("/en/about/").content.decode()
    for word in ("Sourced:", "Editorial:", "Unknown:", "no quoted passage"):
        assert word in page


def test_api_shows_each_fact_and_the_documents_of_a_source(client, seeded):
    record = client.get(f"/api/v1/documents/{TRANSIT}/").json()
    facts = {f["fact"]: f for f in record["facts"]}
    assert facts["signed_on"]["sources"] == ["astana-2023-s21"]
    assert facts["signed_on"]["open_questions"] == [
        "gazprom-qazaqgaz-transit-contract-month"
    ]
    assert facts["place"]["state"] == "editorial"
    assert facts["place"]["editorial_notes"]
    assert facts["valid_until"]["state"] == "unknown"
    editorial = [c for c in record["citations"] if c["kind"] == "editorial"]
    assert editorial and all(c["source"] is None for c in editorial)
    sourced = next(c for c in record["citations"] if c["source"])
    assert sourced["source"]["label"] and sourced["source"]["page"].startswith("http")
    source = client.get("/api/v1/sources/astana-2023-s21/").json()
    assert source["documents"] == [TRANSIT]
    assert {f["field"] for f in source["facts"]} >= {"signed_on", "title_en"}


def test_source_links_escape_the_text_and_link_known_labels_only(db):
    SourceFactory(label="S7")
    out = source_links("<b>x</b> (S7, S99)", None)
    assert out.startswith("&lt;b&gt;x&lt;/b&gt; (")
    assert '<a class="source-ref" href="/' in out and ">S7</a>" in out
    assert "S99)" in out and ">S99<" not in out


def test_a_citation_is_sourced_or_editorial_never_both_or_neither(db):
    document = DocumentFactory()
    editorial = Citation(document=document, kind="editorial", field="sectors")
    with pytest.raises(ValidationError):
        editorial.full_clean()  # no note
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(document=document, kind="sourced", field="kind")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(
            document=document, kind="editorial", source=SourceFactory(), note="x"
        )
    Citation.objects.create(document=document, kind="editorial", note="x", field="f")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.create(
            document=document, kind="editorial", note="y", field="f"
        )


def test_source_labels_are_unique_when_set(db):
    SourceFactory(label=""), SourceFactory(label="")
    SourceFactory(label="S1")
    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(label="S1")


def test_a_title_only_the_editors_translated_is_not_called_official(client):
    document = DocumentFactory(
        title_ru="Соглашение о сотрудничестве",
        title_en="Agreement on cooperation",
        title_status="official",
    )
    Citation.objects.create(
        document=document, field="title_ru", source=SourceFactory(), quote="…"
    )
    Citation.objects.create(
        document=document,
        kind="editorial",
        field="title_en",
        note_en="Editorial translation of the Russian title.",
    )
    english = client.get(f"/en/documents/{document.slug}/").content.decode()
    russian = client.get(f"/ru/documents/{document.slug}/").content.decode()
    status = re.compile(r'<p class="title-status">(.*?)</p>', re.S)
    assert "editorial translation" in status.search(english).group(1)
    assert status.search(russian).group(1) == "официальное название"
