"""The fixtures tell a reader only what their sources say (issue 24): every
non-empty fact is sourced, editorial or unknown, and each correction of what a
page overstated holds, read from the pages a reader sees."""

import datetime
import json
import re

import pytest

from agreements.models import (
    Citation,
    Document,
    Occasion,
    Participation,
    Party,
    Person,
    ResearchQuestion,
)
from agreements.provenance import EDITORIAL, SOURCED, document_facts

from .conftest import ASTANA
from .factories import DocumentFactory

pytestmark = pytest.mark.django_db

MEMO = "astana-2023-tpp-memorandum"
PACKAGE = "kostanay-forum-2023-package"
TRANSIT = "gazprom-qazaqgaz-transit-contract-2023"
REGIONS = [
    "pavlodar-region",
    "omsk-oblast",
    "mangystau-region",
    "astrakhan-oblast",
    "west-kazakhstan-region",
    "orenburg-oblast",
    "kostanay-region",
]
PLACEHOLDERS = [f"astana-2023-unidentified-{n}" for n in (5, 6, 7)]


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def text_of(markup):
    """The words a reader sees in <main>, tags and extra spaces dropped."""
    main = markup[markup.index("<main") : markup.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def cited_fields(record):
    return {c.field for c in record.citations.all()}


def test_every_non_empty_fact_of_the_fixtures_is_sourced_editorial_or_unknown(seeded):
    """The promise of the home page and the footer, for documents, occasions
    and parties: a fact the fixtures give is supported by a citation of it
    (sourced or editorial); a fact they leave empty is shown as unknown."""
    unsupported = []
    for document in Document.objects.with_details():
        for fact in document_facts(document):
            if fact.is_given and fact.state not in (SOURCED, EDITORIAL):
                unsupported.append((document.slug, fact.name))
    for occasion in Occasion.objects.all():
        fields = cited_fields(occasion)
        facts = {
            "kind": occasion.kind != "other" and not fields & {"kind", ""},
            "started_on": occasion.started_on and "started_on" not in fields,
            "ended_on": occasion.ended_on and "ended_on" not in fields,
            "place": (occasion.place_ru or occasion.place_en)
            and not fields & {"place_ru", "place_en"},
            "summary": occasion.summary_en
            and "summary" not in fields
            and not re.search(r"\bS\d+\b", occasion.summary_en),
            "name": not fields,
        }
        unsupported += [(occasion.slug, name) for name, bad in facts.items() if bad]
    for party in Party.objects.all():
        fields = cited_fields(party)
        # A party's name is given by the sources (or the editors' renderings)
        # that cite the parties of its documents.
        named = Citation.objects.filter(
            document__participations__party=party, field="participations"
        ).exists()
        facts = {
            "name_ru": party.name_ru and not named and "name_ru" not in fields,
            "name_en": party.name_en and not named and "name_en" not in fields,
            "country": party.country and "country" not in fields,
            "parent": party.parent_id and "parent" not in fields,
        }
        unsupported += [(party.slug, name) for name, bad in facts.items() if bad]
    assert unsupported == []


def test_people_are_only_the_signatories_a_source_names_with_nothing_added(seeded):
    """A person where a source names who signed (not where the signatory is
    inferred); each name and post cited; no date of a post and no Wikidata id,
    which no source gives."""
    signed = Participation.objects.exclude(person=None)
    assert signed.count() == Person.objects.count() == 6
    for p in signed.select_related("person", "person_position"):
        cited = p.document.citations.filter(field="participations")
        confidences = set(cited.values_list("confidence", flat=True))
        assert confidences == {Citation.Confidence.HIGH}, p.document.slug
        assert p.person.name_ru in p.signatory_ru
        assert p.person.name_en in p.signatory_en
        if p.person_position:
            assert p.person_position.person == p.person
            assert p.person_position.title_ru in p.signatory_ru
    inferred = Participation.objects.filter(signatory_en__contains="(inferred)")
    assert inferred.exists() and not inferred.exclude(person=None).exists()
    for person in Person.objects.prefetch_related("citations", "positions"):
        fields = cited_fields(person)
        assert "" in fields and "name_en" in fields, person.slug
        assert person.citations.filter(field="", kind="sourced").exists()
        assert not person.wikidata_id
        for post in person.positions.all():
            assert "positions" in fields, person.slug
            assert post.held_from is None and post.held_until is None
    miller = Person.objects.get(slug="a-b-miller")
    assert not miller.positions.exists()  # S19, S20 name no post


def test_the_visit_says_three_identified_one_probable_three_or_four_unknown(
    client, seeded
):
    visit = Occasion.objects.get(slug=ASTANA)
    assert "Three are identified" in visit.summary_en
    assert "the other three or four are not yet identified" in visit.summary_en
    assert "остальные три или четыре пока не установлены" in visit.summary_ru
    question = ResearchQuestion.objects.get(slug="astana-2023-documents-5-7")
    assert "the three of the seven" not in question.question_en
    assert "three, or four" in question.question_en
    assert "три или четыре" in question.question_ru
    assert "probably the fourth" in question.searched_en
    assert "three or four are not yet identified" in text_of(
        page(client, f"/en/occasions/{ASTANA}/")
    )


def test_a_dateline_slip_judged_unreliable_is_not_shown_as_a_dispute(client, seeded):
    memo = Document.objects.get(slug=MEMO)
    s28 = memo.citations.get(source__label="S28")
    assert s28.confidence == Citation.Confidence.UNRELIABLE
    assert memo.disputed_fields() == []
    assert not Citation.objects.disputes().filter(document=memo).exists()
    detail = page(client, f"/en/documents/{MEMO}/")
    assert "Sources disagree about" not in detail
    signed = detail[detail.index('data-fact="signed_on"') :]
    signed = text_of("<main>" + signed[: signed.index("</dd>")] + "</main>")
    assert "«2023-11-13» states it; judged unreliable" in signed
    assert "dateline slip" in signed  # the editors' note, next to the claim
    assert "inferred" not in signed
    assert "сообщает это; признано недостоверным" in page(
        client, f"/ru/documents/{MEMO}/"
    )
    quality = page(client, "/en/data-quality/")
    disagree = quality[quality.index("Sources disagree") :]
    disagree = disagree[: disagree.index("</ul>")]
    assert f"/documents/{MEMO}/" not in disagree
    assert f"/documents/{PACKAGE}/" in disagree  # a real dispute stays listed
    api = client.get(f"/api/v1/documents/{MEMO}/").json()
    assert api["disputed_fields"] == []


def test_each_confidence_says_what_the_quoted_passage_supports(seeded):
    def confidence(source, document, field):
        return Citation.objects.get(
            source__label=source, document__slug=document, field=field
        ).confidence

    # S1 gives no date; it names the memorandum among the seven of the talks.
    assert confidence("S1", MEMO, "signed_on") == "medium"
    # S26's passage names the three cities in Italian, not an English title.
    assert confidence("S26", MEMO, "title_en") == "medium"
    # S1 says the forum's documents were prepared, not where they were signed.
    assert confidence("S1", PACKAGE, "place") == "low"
    assert "по итогам которого был подготовлен" in (
        Citation.objects.get(
            source__label="S1", document__slug=PACKAGE, field="place"
        ).quote
    )


def cite_box(markup, name):
    block = markup[markup.index(f'data-format="{name}">') :]
    block = block[block.index(">") + 1 : block.index("</pre>")]
    return json.loads(block.replace("&quot;", '"').replace("&#x27;", "'"))


def json_ld(markup):
    start = markup.index('<script type="application/ld+json">')
    return json.loads(markup[markup.index(">", start) + 1 : markup.index("</script>")])


def test_cite_this_record_keeps_the_month_and_types_the_record_by_kind(client, seeded):
    detail = page(client, f"/en/documents/{TRANSIT}/")
    csl = cite_box(detail, "csl-json")
    assert csl["issued"] == {"date-parts": [[2023, 6]]}
    assert csl["type"] == "document"  # a commercial contract is not a treaty
    assert "2023-06-01" not in detail
    ld = json_ld(detail)
    assert ld["@type"] == "CreativeWork" and ld["dateCreated"] == "2023-06"
    assert "legislationDate" not in ld
    memo = page(client, f"/en/documents/{MEMO}/")
    assert cite_box(memo, "csl-json")["issued"] == {"date-parts": [[2023, 11, 9]]}
    assert json_ld(memo)["@type"] == "CreativeWork"


def test_an_intergovernmental_agreement_is_cited_as_a_treaty(client, db):
    doc = DocumentFactory(
        kind="agreement",
        legal_level="intergovernmental",
        signed_on=datetime.date(2024, 1, 1),
        signed_precision="year",
    )
    detail = page(client, f"/en/documents/{doc.slug}/")
    assert cite_box(detail, "csl-json")["issued"] == {"date-parts": [[2024]]}
    assert cite_box(detail, "csl-json")["type"] == "treaty"
    ld = json_ld(detail)
    assert ld["@type"] == "Legislation" and ld["legislationDate"] == "2024"


@pytest.mark.parametrize(
    ("lang", "promise"),
    [
        ("en", "Every fact is sourced, marked editorial, or marked unknown."),
        ("ru", "помечен как редакционный"),
    ],
)
def test_the_site_wide_promise_says_what_is_true(client, seeded, lang, promise):
    home = page(client, f"/{lang}/")
    assert "Every fact cites its source" not in home
    assert "Каждый факт подкреплён источником;" not in home
    footer = home[home.index('<footer class="site-footer">') :]
    assert promise in footer
    assert promise in home[: home.index("<footer")]
    listing = page(client, f"/{lang}/documents/")
    heading = re.search(r"<h1>(.*?)</h1>", listing).group(1)
    assert heading in ("Documents", "Документы")  # not all of them are signed


def test_the_memorandum_summary_marks_its_background_as_background(seeded):
    memo = Document.objects.get(slug=MEMO)
    en, ru = memo.summary_en, memo.summary_ru
    assert en.index("Background from other reports (S7, S8") < en.index("coal-fired")
    assert "not from the memorandum's text" in en
    assert ru.index("Справочно, из других сообщений (S7, S8") < ru.index("угольных")


def test_the_regions_are_parties_to_documents_of_the_package_not_to_it(client, seeded):
    package = Document.objects.get(slug=PACKAGE)
    roles = {p.party.slug: p.role for p in package.participations.all()}
    assert roles == dict.fromkeys(REGIONS, "in_package")
    detail = page(client, f"/en/documents/{PACKAGE}/")
    assert "party to a document of the package" in detail
    assert json_ld(detail)["creator"] == []  # nobody signed the package as such
    notes = {
        c.source.label: c.note for c in package.citations.filter(field="value_amount")
    }
    assert "may not count the same set" in notes["S1"]
    assert "different set" in notes["S18"]
    assert "different sets" in package.summary_en


def test_the_spief_occasion_keeps_the_month_an_open_question(client, seeded):
    spief = Occasion.objects.get(slug="spief-2023")
    assert "signed here in June 2023" not in spief.summary_en
    assert "open question" in spief.summary_en and "May" in spief.summary_en
    assert "открытый вопрос" in spief.summary_ru


def test_public_wording_names_its_sources_and_marks_every_inference(client, seeded):
    english = [text_of(page(client, f"/en/occasions/{ASTANA}/"))]
    english += [
        text_of(page(client, f"/en/documents/{slug}/"))
        for slug in Document.objects.values_list("slug", flat=True)
    ]
    assert not [t for t in english if "seed article" in t]
    visit = Occasion.objects.get(slug=ASTANA)
    assert "leased" not in visit.summary_en and "«зарезервирован»" in visit.summary_en
    for slug in REGIONS:
        region = Party.objects.get(slug=slug)
        editorial = set(
            region.citations.filter(kind="editorial").values_list("field", flat=True)
        )
        assert editorial == {"name_ru", "country", "parent"}, slug
    spief_place = Citation.objects.get(occasion__slug="spief-2023", field="place_ru")
    assert spief_place.is_editorial and "inference" in spief_place.note
    for slug in PLACEHOLDERS:
        question = ResearchQuestion.objects.get(document__slug=slug, status="open")
        assert "Which of the seven documents" in question.question_en
        assert f"#q-{question.slug}" in page(client, f"/en/documents/{slug}/")
    month = ResearchQuestion.objects.get(slug="gazprom-qazaqgaz-transit-contract-month")
    assert "cannot name" not in month.question_en
    assert "не можем назвать" not in month.question_ru
