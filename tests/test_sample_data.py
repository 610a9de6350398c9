"""generate_sample_data's bulk path on PostgreSQL: worker processes, each
loading and deriving chunks in a transaction of its own, the documents'
indexes dropped meanwhile and built once after."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from agreements.models import Document

from .conftest import assert_derived
from .factories import PartyFactory, SectorFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the parallel load is PostgreSQL's"
)


def indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [Document._meta.db_table],
        )
        return set(cursor.fetchall())


def samples():
    rows = Document.objects.filter(slug__startswith="sample-").order_by("slug")
    return list(rows.values_list("slug", "title_en", "signed_on", "status"))


@pytest.mark.django_db(transaction=True)
def test_workers_load_the_same_documents_derived_with_every_index_back():
    PartyFactory.create_batch(3)
    SectorFactory()
    before = indexes()
    out = io.StringIO()
    call_command("generate_sample_data", "30", "--workers", "2", stdout=out)
    assert "30 documents in 2 chunks, 2 processes" in out.getvalue()
    assert indexes() == before
    assert_derived()
    parallel = samples()
    assert len(parallel) == 30
    call_command("generate_sample_data", "--delete", stdout=io.StringIO())
    call_command("generate_sample_data", "30", "--workers", "1", stdout=io.StringIO())
    assert samples() == parallel  # each document drawn from its own generator
