"""The data version: a value in the shared cache (Redis in production) that
any write to our records changes, after its transaction commits. Every cached
read is keyed by it (`caching`, `response_cache`), so an analyst's save is
visible on the next request, on every web server.

When the cache is unreachable, reads are computed as if nothing were cached
(fail open) and the failure is logged.
"""

import datetime
import logging
import time

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger("agreements.cache")
VERSION_KEY = "agreements:data-version"


def safely(operation, default=None):
    """`operation()` on the cache, or `default` if the cache fails (logged)."""
    try:
        return operation()
    except Exception as exc:  # noqa: BLE001 - any cache failure: carry on uncached
        logger.warning("Cache unavailable (%s); serving uncached.", exc)
        return default


def data_version():
    """The current data version (hex nanoseconds of the last write), or None if
    the cache is unreachable. A lost version is replaced by a new one, never an
    old one, so entries cached under an earlier version are never served."""

    def read():
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, f"{time.time_ns():x}", None)
            version = cache.get(VERSION_KEY)
        return version

    return safely(read)


def version_time(version):
    return datetime.datetime.fromtimestamp(int(version, 16) / 1e9, datetime.UTC)


def bump_data_version():
    safely(lambda: cache.set(VERSION_KEY, f"{time.time_ns():x}", None))


def announce_change(*args, sender=None, **kwargs):
    """A record of ours changed: bump the data version now (this request reads
    its own write) and again when the transaction commits (a read cached in
    between by another request is not served after it, once per transaction)."""
    if sender is not None and sender._meta.app_label != "agreements":
        return
    if kwargs.get("raw"):
        return  # a fixture row: loaddata announces the whole load once
    bump_data_version()
    connection = transaction.get_connection()
    pending = connection.run_on_commit
    if any(func is bump_data_version for _ids, func, _robust in pending):
        return
    if connection.in_atomic_block:
        transaction.on_commit(bump_data_version)
    elif not connection.get_autocommit():
        # A derivation run as the transaction commits (db/deriving.py): Django
        # refuses on_commit() there, but runs what is queued once committed.
        pending.append((set(), bump_data_version, False))
