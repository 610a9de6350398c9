import base64
import binascii
import datetime
import json

from django.core.validators import slug_re
from django.db import connection
from django.db.models import Q
from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from ..caching import CachedCountPaginator
from ..params import parse_int


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers with a bounded, client-chosen page size; bad values are a 400
    (`params.parse_int`, like every numeric parameter). The total is counted once per filter set and data version."""

    django_paginator_class = CachedCountPaginator
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return parse_int(raw, self.page_size_query_param, 1, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        page, size = super().get_schema_operation_parameters(view)
        page["schema"] = {"type": "integer", "minimum": 1}
        size["schema"] = {
            "type": "integer",
            "minimum": 1,
            "maximum": self.max_page_size,
        }
        return [page, size]

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw != "last":
            parse_int(raw, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)


def _encode(key):
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _decode(token):
    """The position in an `_encode`d token; a token that is not one is a 400
    (each list's `rows_after` refuses a well-formed token with odd values)."""
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except (binascii.Error, ValueError, TypeError, UnicodeError, RecursionError) as exc:
        raise _not_a_position() from exc


def _not_a_position():
    return ValidationError(
        {"after": "Not a position from a previous page's `next` link."}
    )


def after(day, slug):
    """Documents after (day, slug) in the default order, newest first, ties by
    slug; undated documents come first on PostgreSQL and last on SQLite."""
    undated_first = connection.vendor == "postgresql"
    if day is None:
        later = Q(signed_on__isnull=True, slug__gt=slug)
        return later | Q(signed_on__isnull=False) if undated_first else later
    later = Q(signed_on__lt=day) | Q(signed_on=day, slug__gt=slug)
    return later if undated_first else later | Q(signed_on__isnull=True)


class KeysetPagination(PageNumberPagination):
    """Page numbers, or keyset paging with `after` (empty for the first page):
    no total, no offset, and no repeats or gaps while rows are added. A
    subclass says where a row stands (`position`) and what comes after a
    position (`rows_after`), in the list's one order."""

    extra_query_parameters = ("after",)
    clashes = ("page",)  # parameters that keyset paging cannot honour

    def position(self, row):
        raise NotImplementedError

    def rows_after(self, key):
        raise NotImplementedError

    def paginate_queryset(self, queryset, request, view=None):
        self.keyset = "after" in request.query_params
        if not self.keyset:
            return super().paginate_queryset(queryset, request, view)
        for clash in self.clashes:
            if clash in request.query_params:
                raise ValidationError(
                    {"after": f"Keyset paging keeps the default order; drop `{clash}`."}
                )
        self.request = request
        token = request.query_params["after"]
        if token:
            try:
                queryset = queryset.filter(self.rows_after(_decode(token)))
            except (ValueError, TypeError, KeyError) as exc:
                raise _not_a_position() from exc
        size = self.get_page_size(request)
        rows = list(queryset[: size + 1])
        self.next_token = (
            _encode(self.position(rows[size - 1])) if len(rows) > size else None
        )
        return rows[:size]

    def get_paginated_response(self, data):
        if not self.keyset:
            response = super().get_paginated_response(data)
            if self.page.paginator.estimated:
                response.data["count_estimated"] = True
            if self.page.paginator.capped:
                response.data["count_capped"] = True
            return response
        url = self.request.build_absolute_uri()
        next_url = self.next_token and replace_query_param(
            url, "after", self.next_token
        )
        return Response({"next": next_url, "results": data})

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count"]["description"] = (
            "Absent in keyset paging (`after`). Exact, except: PostgreSQL's "
            "estimate when a list without `q` is large (see `count_estimated`); "
            "the cap when a search (`q`) finds more (see `count_capped`)."
        )
        schema["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "Present (true) when `count` is the planner's estimate.",
        }
        schema["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "Present (true) when a search found more documents than "
            "it counts (the server's SEARCH_COUNT_CAP, 10,000 by default): "
            "`count` is then that cap, and the pages go no further.",
        }
        schema["required"] = ["results"]
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": "after",
                "in": "query",
                "required": False,
                "description": "Keyset paging for sync clients: empty for the first "
                "page, then the `after` of the `next` link. No total; not with "
                + ", ".join(f"`{name}`" for name in self.clashes)
                + ".",
                "schema": {"type": "string"},
            },
        ]


class DocumentPagination(KeysetPagination):
    """Documents newest first, ties by slug (`after`)."""

    clashes = ("ordering", "q", "page")

    def position(self, document):
        return [document.signed_on and document.signed_on.isoformat(), document.slug]

    def rows_after(self, key):
        day, slug = key
        if not (isinstance(slug, str) and slug_re.match(slug)):
            raise ValueError(slug)
        return after(None if day is None else datetime.date.fromisoformat(day), slug)


class DeletionPagination(KeysetPagination):
    """Tombstones oldest first, ties by id: a sync client pages through the
    deletions as through the documents."""

    def position(self, tombstone):
        return [tombstone.deleted_at.isoformat(), tombstone.pk]

    def rows_after(self, key):
        moment, pk = datetime.datetime.fromisoformat(key[0]), key[1]
        if type(pk) is not int or not 0 < pk < 2**63:
            raise ValueError(pk)
        return Q(deleted_at__gt=moment) | Q(deleted_at=moment, pk__gt=pk)
