"""Cached reads that never go stale: every cached value is keyed by a data
version that any write changes (after its transaction commits), so an
analyst's save is visible on the next request, on every web server.

The version lives in the shared cache (Redis in production). When the cache is
unreachable, reads are computed as if nothing were cached (fail open) and the
failure is logged.

Here: a value (`remember`), a count, a paginator's count; the version itself is
in `data_version`, whole responses in `response_cache`.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

from .data_version import data_version, safely


def keep(key, value):
    """Cache `value` for READ_CACHE_SECONDS (0: nothing is cached; not even a
    round trip to delete it, which is what a timeout of 0 asks Redis)."""
    if settings.READ_CACHE_SECONDS:
        safely(lambda: cache.set(key, value, settings.READ_CACHE_SECONDS))


def remember(source, compute):
    """`compute()`, cached under the data version and `source` (e.g. the SQL)."""
    version = data_version()
    if version is None:
        return compute()
    key = "read:" + hashlib.sha256(f"{version}|{source}".encode()).hexdigest()
    value = safely(lambda: cache.get(key))
    if value is None:
        value = compute()
        keep(key, value)
    return value


def cached_count(queryset):
    """COUNT(*) of a filtered set, computed once per data version."""
    if queryset.query.is_empty():  # .none(): no SQL to key by, nothing to count
        return 0
    return remember(f"count|{queryset.query}", queryset.count)


def estimated_rows(queryset):
    """PostgreSQL's planner estimate of how many rows `queryset` has (no scan);
    of its keys only, unordered: as many rows, less SQL to write and plan."""
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        return int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])


class CachedCountPaginator(Paginator):
    """A paginator whose total is counted once per filter set and data version.

    A search (`DocumentQuerySet.search`) is counted exactly up to
    SEARCH_COUNT_CAP documents, with `LIMIT cap + 1` from the search index;
    above it, the total is the cap and `capped` is True ("10,000+"). Other
    lists on PostgreSQL that the planner puts above COUNT_ESTIMATE_ABOVE rows
    get that estimate instead (`estimated` is then True): no page scans a
    large set."""

    estimated = False
    capped = False

    @cached_property
    def count(self):
        rows, above = self.object_list, settings.COUNT_ESTIMATE_ABOVE
        if rows.query.is_empty():  # .none(): no SQL to key by, nothing to count
            return 0
        if "search_rank" in rows.query.annotations:
            cap = settings.SEARCH_COUNT_CAP
            counted = cached_count(rows.order_by()[: cap + 1])
            self.capped = counted > cap
            return min(counted, cap)
        if above and connections[rows.db].vendor == "postgresql":
            guess = estimated_rows(rows)
            if guess > above:
                self.estimated = True
                return guess
        return cached_count(rows)
