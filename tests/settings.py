"""The test environment: production settings (DEBUG off) with a throwaway key, a
fast password hasher, no HTTPS redirect and a generous anonymous rate. Defaults
only: anything set in the environment (e.g. DATABASE_URL) wins. So a bare
`pytest` from the repository root runs the suite; `make test` adds nothing."""

import os

for name, value in {
    "DJANGO_SECRET_KEY": "test-only-not-secret",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_PASSWORD_HASHERS": "django.contrib.auth.hashers.MD5PasswordHasher",
    "API_ANON_RATE": "100000/min",
    "EXPORT_RATE": "100000/min",
    # Every facet counted, so query counts do not depend on the machine's speed;
    # the tests of the time limit set it themselves.
    "FACET_TIME_LIMIT_MS": "600000",
}.items():
    os.environ.setdefault(name, value)

from tracker.settings import *  # noqa: E402, F403

# A second alias for the replica router's tests: a test mirror of the default
# database, used only where a test sets READ_FROM_REPLICA.
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# SQLite tests run in memory, one database per pytest-xdist worker (pytest-django
# recognises only Django's own ENGINE name as SQLite; ours derives, see db/).
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": ":memory:"}  # noqa: F405

# The database cache deletes old entries once it holds MAX_ENTRIES (300 by
# default): extra queries in whichever request crosses the line, which made the
# query-count tests depend on the tests before them.
CACHES["default"].setdefault("OPTIONS", {})["MAX_ENTRIES"] = 1_000_000  # noqa: F405
