"""Who is asking: one client address for throttles, the admin lock-out and logs.

Headers such as X-Forwarded-For can be sent by anyone. Only the entries our own
proxies appended are trusted: with `TRUSTED_PROXY_COUNT = n` the client is the
n-th address from the right; with 0 (the default) it is the socket peer.
"""

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


def client_ip(request):
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [
        a.strip()
        for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if a.strip()
    ]
    if not count or not forwarded:
        return remote
    candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy that forwards garbage: fall back to the peer
        return remote


class LockoutHandler(AxesDatabaseHandler):
    """Admin lock-out by username and address together (AXES_FAILURE_LIMIT), and by
    address alone at a higher limit (AXES_IP_FAILURE_LIMIT).

    The first stops guessing one analyst's password without letting anyone
    elsewhere lock that analyst out; the second stops one address from trying
    password after password across many usernames. Needs
    AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address"]].
    """

    def get_failures(self, request, credentials=None):
        per_user, per_address = (
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        # Both are compared with AXES_FAILURE_LIMIT: scale the per-address count so
        # that it reaches that limit exactly at AXES_IP_FAILURE_LIMIT.
        scaled = (
            per_address * settings.AXES_FAILURE_LIMIT // settings.AXES_IP_FAILURE_LIMIT
        )
        return max(per_user, scaled)

    def reset_user_attempts(self, request, credentials=None):
        """On a successful login, forget the failures of that username from
        that address only: axes would also forget every failure from the address
        (the `["ip_address"]` parameter), so an attacker logging in to their own
        account between guesses could guess another's password without limit."""
        attempts = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        )
        count, _ = attempts.delete()
        return count
