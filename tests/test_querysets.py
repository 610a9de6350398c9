"""Query rules live on querysets; where a rule also exists per object, both agree."""

import pytest

from agreements.models import Citation, Document

pytestmark = pytest.mark.django_db


def test_disputes_in_sql_agree_with_the_per_document_rule_on_the_fixtures(seeded):
    in_sql = {(row["document"], row["field"]) for row in Citation.objects.disputes()}
    per_document = {
        (doc.pk, field)
        for doc in Document.objects.prefetch_related("citations")
        for field in doc.disputed_fields()
    }
    assert in_sql == per_document
    assert len(in_sql) >= 3  # the dossier's disagreements: forum value, Gazprom, level
    assert set(Document.objects.disputed().values_list("pk", flat=True)) == {
        pk for pk, _field in in_sql
    }


def test_data_quality_rules_pick_the_documents_they_name(seeded):
    for doc in Document.objects.title_unknown():
        assert doc.title_status in ("unknown", "descriptive")
    assert all(
        not d.participations.exists() for d in Document.objects.without_parties()
    )
    assert all(not d.citations.exists() for d in Document.objects.uncited())
    assert all(d.signed_on is None for d in Document.objects.undated())
    assert Document.objects.title_unknown().exists()
