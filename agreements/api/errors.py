from django.db.models import ProtectedError, RestrictedError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from ..params import ParameterError


def still_used_by(exc, shown=3):
    """'3 participations (a, b, c…), 1 document (x)' from a ProtectedError."""
    groups = {}
    for obj in (
        exc.protected_objects
        if isinstance(exc, ProtectedError)
        else exc.restricted_objects
    ):
        groups.setdefault(obj._meta, []).append(str(obj))
    return ", ".join(
        f"{len(names)} {(meta.verbose_name_plural if len(names) > 1 else meta.verbose_name)}"
        f" ({', '.join(names[:shown])}{'…' if len(names) > shown else ''})"
        for meta, names in groups.items()
    )


def exception_handler(exc, context):
    """DRF's handler, with every error body carrying a top-level `detail` (and,
    per parameter or field, a list of messages in `errors`)."""
    if isinstance(exc, ParameterError):
        exc = ValidationError({exc.name: [exc.message]})
    if isinstance(exc, ProtectedError | RestrictedError):
        return Response(
            {"detail": f"Still in use, so not deleted: {still_used_by(exc)}."},
            status=status.HTTP_409_CONFLICT,
        )
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(response.data, list):
        response.data = {"detail": "Invalid request.", "errors": response.data}
    elif isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {
            "detail": "Invalid request.",
            "errors": {
                key: value if isinstance(value, list) else [value]
                for key, value in response.data.items()
            },
        }
    return response
