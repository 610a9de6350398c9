import contextlib
import json
import logging

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from agreements.logging import JsonFormatter, RequestIdFilter
from agreements.roles import ANALYSTS

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
ASTANA = "astana-official-visit-2023-11-09"


@pytest.fixture(scope="session", autouse=True)
def static_files(tmp_path_factory):
    """Production settings serve hashed static files: collect them first, into
    a folder of this test process's own (xdist runs several)."""
    from django.conf import settings

    settings.STATIC_ROOT = tmp_path_factory.mktemp("static")
    call_command("collectstatic", "--noinput", verbosity=0)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a fresh folder per test, never into the repository."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


SEED_MODELS = [
    f"agreements.{model}"
    for model in (
        "occasion party person position sector source document participation "
        "lifecycleevent documentrelation documentidentifier citation "
        "researchquestion"
    ).split()
]


@pytest.fixture(scope="session")
def seed_dump(django_db_setup, django_db_blocker, tmp_path_factory):
    """The fixture, loaded once by natural keys and dumped by primary keys:
    loading that dump in each test skips thousands of natural-key lookups."""
    path = tmp_path_factory.mktemp("seed") / "astana-2023.json"
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "astana-2023", verbosity=0)
        call_command("dumpdata", *SEED_MODELS, output=str(path), verbosity=0)
        transaction.set_rollback(True)
    return path


def assert_derived():
    """Every derived value of every document is what the derivation computes
    now, the facet counts sum them, and no mark is left underived."""
    from agreements.derive import differences, facet_count_differences
    from agreements.models import Document

    assert not connection.marked, (
        f"documents marked, never derived: {connection.marked}"
    )
    pks = list(Document.objects.order_by("pk").values_list("pk", flat=True))
    assert differences(pks) == []
    assert facet_count_differences() == []


@pytest.fixture(autouse=True)
def derived_data_checked(request):
    """After each test that uses the database, whatever it wrote: derived data
    is current (a write path that forgets fails its own test)."""
    if "_django_db_helper" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("_django_db_helper")
    yield
    if not request.node.get_closest_marker("underived"):
        assert_derived()


def transactional(item):
    marker = item.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(item.fixturenames)
    )


@contextlib.contextmanager
def shared_by_the_module(request, django_db_blocker):
    """For a module-scoped fixture: what it writes inside is seen by each test
    of the module, in a transaction that stays open while they run (each
    test's own is a savepoint in it, rolled back after the test) and is rolled
    back after the module. A transactional test would commit and flush inside
    it: the module may hold none."""
    assert not [
        item.name
        for item in request.session.items
        if item.module is request.module and transactional(item)
    ], f"{request.module.__name__}: a transactional test cannot share its data"
    with django_db_blocker.unblock():
        block = transaction.atomic()
        block._from_testcase = True  # a test's, as TestCase's are (db/deriving.py)
        block.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            block.__exit__(None, None, None)


@pytest.fixture
def seeded(db, seed_dump):
    call_command("loaddata", seed_dump, verbosity=0)


@pytest.fixture
def analyst(db, django_user_model):
    user = django_user_model.objects.create_user(
        "analyst", password="a-long-test-password-1", is_staff=True
    )
    user.groups.add(Group.objects.get(name=ANALYSTS))
    return user


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def second_analyst_client(db, django_user_model):
    """Another analyst, in a browser of their own."""
    user = django_user_model.objects.create_user(
        "analyst2", password="b-long-test-password-2", is_staff=True
    )
    user.groups.add(Group.objects.get(name=ANALYSTS))
    other = Client()
    other.force_login(user, backend=MODEL_BACKEND)
    return other


def api_as(user):
    """An API client signed in as `user` (no token needed)."""
    client = APIClient()
    client.force_authenticate(user)
    return client


def count_queries(client, url):
    """How many SQL queries one successful GET of `url` takes."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@contextlib.contextmanager
def json_log_lines(logger):
    """The lines `logger` writes while inside, as our production JSON formatter
    writes them, parsed."""
    lines = []

    class ListHandler(logging.Handler):
        def emit(self, record):
            lines.append(json.loads(self.format(record)))

    handler = ListHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger.addHandler(handler)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
