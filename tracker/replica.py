"""Whether the read replica can take reads now: reachable, and not lagging more
than REPLICA_MAX_LAG_SECONDS behind the primary. Probed at most once every
REPLICA_CHECK_SECONDS per process (one short probe, not one per request);
anonymous reads go to the primary in between when it cannot."""

import logging
import socket
import struct
import threading
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger("tracker.replica")

OK, UNREACHABLE, LAGGING = "ok", "unreachable", "lagging"
# PostgreSQL's SSLRequest: any live server answers it with one byte, S or N.
SSL_REQUEST = struct.pack("!ii", 8, 80877103)
# Seconds the replica is behind: 0 when it has replayed all it received (an idle
# primary writes nothing, so the last replayed transaction may be old).
LAG_SQL = """
SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
ELSE EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()) END
"""

_known = {"state": None, "until": 0.0}
_probing = threading.Lock()


def answers(host, port, timeout):
    """Whether a PostgreSQL server at host:port answers within `timeout` seconds
    (a server that accepts connections and never answers does not)."""
    try:
        with socket.create_connection((host, int(port)), timeout=timeout) as sock:
            sock.sendall(SSL_REQUEST)
            return sock.recv(1) in (b"S", b"N")
    except OSError:
        return False


def probe():
    """The replica's state now: OK, UNREACHABLE or LAGGING."""
    replica = connections["replica"]
    params = replica.settings_dict
    timeout = settings.REPLICA_TIMEOUT_SECONDS
    if replica.vendor == "postgresql" and params.get("HOST", "").startswith("/"):
        pass  # a Unix socket: the query below (connect_timeout) tells
    elif replica.vendor == "postgresql" and not answers(
        params.get("HOST") or "localhost", params.get("PORT") or 5432, timeout
    ):
        return UNREACHABLE
    try:
        with replica.cursor() as cursor:
            if replica.vendor != "postgresql":
                cursor.execute("SELECT 1")
                return OK
            cursor.execute(LAG_SQL)
            lag = cursor.fetchone()[0]
    except Exception as exc:  # noqa: BLE001 - any failure: reads on the primary
        logger.warning("Read replica unreachable (%s); reading the primary.", exc)
        replica.close_if_unusable_or_obsolete()
        return UNREACHABLE
    if lag is not None and lag > settings.REPLICA_MAX_LAG_SECONDS:
        logger.warning("Read replica %.0f s behind; reading the primary.", lag)
        return LAGGING
    return OK


def replica_state(fresh=False):
    """The replica's last known state, probed again once it is older than
    REPLICA_CHECK_SECONDS (or if `fresh`). While another thread probes, the
    replica counts as unreachable until the probe has said otherwise."""
    if not fresh and time.monotonic() < _known["until"]:
        return _known["state"]
    if not _probing.acquire(blocking=fresh):
        return _known["state"] or UNREACHABLE
    try:
        state = probe()
        if state != _known["state"] and _known["state"] is not None:
            logger.warning("Read replica: %s (was %s).", state, _known["state"])
        _known.update(
            state=state, until=time.monotonic() + settings.REPLICA_CHECK_SECONDS
        )
        return state
    finally:
        _probing.release()


def forget():
    """Probe again on the next read (after the replica's settings changed)."""
    _known.update(state=None, until=0.0)
