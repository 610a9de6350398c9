"""Reads on a PostgreSQL streaming replica, when one is configured.

Only anonymous reads (GET/HEAD without a session or credentials) go to the
replica: they are the bulk of the traffic and tolerate replication lag. Writes,
every request that may write, signed-in users (who must see their own saves)
and management commands use the primary. So do anonymous reads while the
replica is unreachable or lagging (`replica.replica_state`).
"""

import contextvars

from django.conf import settings

from .replica import OK, replica_state

_replica_allowed = contextvars.ContextVar("replica_allowed", default=False)


class PrimaryReplicaRouter:
    def db_for_read(self, model, **hints):
        if (
            _replica_allowed.get()
            and settings.READ_FROM_REPLICA
            and replica_state() == OK
        ):
            return "replica"
        return "default"

    def db_for_write(self, model, **hints):
        _replica_allowed.set(False)  # read our own write for the rest of the request
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        anonymous_read = request.method in ("GET", "HEAD") and not (
            request.session.session_key or "HTTP_AUTHORIZATION" in request.META
        )
        token = _replica_allowed.set(anonymous_read)
        try:
            return self.get_response(request)
        finally:
            _replica_allowed.reset(token)
