import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agreements.models import Document, LifecycleEvent

from .factories import (
    CitationFactory,
    DocumentFactory,
    ParticipationFactory,
)

pytestmark = pytest.mark.django_db
Kind = LifecycleEvent.Kind
D = datetime.date


def test_search_folds_cyrillic_case_and_yo():
    memo = DocumentFactory(title_ru="Меморандум по ТЭЦ «Кокшетау»", title_en="")
    DocumentFactory(title_ru="Другое", title_en="")
    assert list(Document.objects.search("кокшетау")) == [memo]
    assert list(Document.objects.search("КОКШЕТАУ меморандум")) == [memo]
    yo = DocumentFactory(title_ru="Объём поставок", title_en="")
    assert list(Document.objects.search("объем")) == [yo]


def test_search_finds_a_document_by_its_signatory():
    p = ParticipationFactory(signatory_ru="Н. Г. Шульгинов, Министр энергетики")
    assert list(Document.objects.search("шульгинов")) == [p.document]


def test_renaming_a_party_updates_the_search_text_of_its_documents():
    p = ParticipationFactory()
    p.party.name_en = "Zanzibar Ministry of Mangoes"
    p.party.save()
    assert list(Document.objects.search("mangoes")) == [p.document]


def test_different_claims_from_two_sources_mark_a_fact_disputed():
    doc = DocumentFactory()
    CitationFactory(document=doc, field="value_amount", claim="100 mln USD")
    CitationFactory(document=doc, field="value_amount", claim="83 mln USD")
    CitationFactory(document=doc, field="signed_on", claim="2024-01-01")
    CitationFactory(document=doc, field="signed_on", claim="2024-01-01")
    assert doc.disputed_fields() == ["value_amount"]


@pytest.mark.parametrize(
    "fields",
    [
        {"value_amount": -1, "value_currency": "USD"},
        {"value_amount": 5, "value_currency": ""},
        {"value_amount": 5, "value_currency": "usd"},
        {"signed_on": D(2024, 1, 1), "valid_until": D(2023, 1, 1)},
    ],
)
def test_the_database_refuses_inconsistent_documents(fields):
    doc = DocumentFactory.build(**fields)
    with pytest.raises(ValidationError):
        doc.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        doc.save()


def test_the_database_refuses_a_self_relation():
    doc = DocumentFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        doc.relations_out.create(to_document=doc, kind="related")


def test_a_party_takes_one_place_per_role_in_a_document():
    p = ParticipationFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ParticipationFactory(document=p.document, party=p.party, role=p.role)


def test_localized_text_falls_back_to_the_other_language_and_says_so():
    from django.utils import translation

    doc = DocumentFactory(title_ru="Только по-русски", title_en="")
    with translation.override("en"):
        assert doc.title == ("Только по-русски", "ru", True)
    with translation.override("ru"):
        assert doc.title == ("Только по-русски", "ru", False)


def test_edits_are_recorded_in_history_with_the_changed_fields():
    doc = DocumentFactory(title_en="First")
    doc.title_en = "Second"
    doc.save()
    new, old = doc.history.all()[:2]
    assert [c.field for c in new.diff_against(old).changes] == ["title_en"]
