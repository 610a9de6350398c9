from django.apps import apps
from django.conf import settings
from django.contrib.postgres.search import SearchRank
from django.db import OperationalError, connection, connections, models, transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, Value
from django.db.models.functions import Coalesce, NullIf
from psycopg.errors import QueryCanceled

from .lifecycle import LINE_LOOKUP
from .lifecycle_queries import LifecycleQueries
from .marks import MarkingQuerySet
from .search_index import ranks_by_index
from .search_query import (  # normalize: imported from here across the project
    WEB_SEARCH_OPERATORS,
    RankDistance,
    normalize,
    search_query,
)
from .text_search import has_lexemes, text_snippets

# At most this many near-misses of a search that matched nothing.
NEAR_MISSES = 1000

# What a document is shown as, stored (renderings.py, derive.py).
RENDERINGS = ["export_line", "api_record", "api_row", "rendered_by", "facet_keys"]
# A document's columns derived for search and display: as long as all its texts,
# shown on no page as such, kept out of its history.
DERIVED_COLUMNS = ["search_text", "search_vector", *RENDERINGS]


def within_time_limit(compute, milliseconds):
    """`compute()`, or False if it ran out of time (PostgreSQL: a statement
    timeout inside a savepoint, so the request carries on)."""
    if connection.vendor != "postgresql":
        return compute()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL statement_timeout = {int(milliseconds)}")
            value = compute()
            cursor.execute("SET LOCAL statement_timeout TO DEFAULT")
            return value
    except OperationalError as exc:
        if isinstance(exc.__cause__, QueryCanceled):
            return False
        raise


class RecordQuerySet(MarkingQuerySet):
    def get_by_natural_key(self, *key):
        """Look a record up by the lookups its model names in `natural_key_lookups`."""
        lookups = self.model.natural_key_lookups
        return self.get(**dict(zip(lookups, key, strict=True)))

    def search(self, query):
        """Records whose text contains every word of `query`, in any case."""
        qs = self
        for word in normalize(query).split():
            qs = qs.filter(search_text__contains=word)
        return qs


class PartyQuerySet(RecordQuerySet):
    def below(self, party):
        """Every party that belongs to `party` directly or through others (a
        ministry to its state, a subsidiary to its company): one query a level."""
        found, level = {party.pk}, [party.pk]
        while level:
            level = list(
                self.filter(parent__in=level)
                .exclude(pk__in=found)
                .values_list("pk", flat=True)
            )
            found.update(level)
        return self.filter(pk__in=found - {party.pk})


# The claim compared across sources: English where given (`Citation.claim`).
CLAIM = Coalesce(NullIf("claim_en", Value("")), "claim_ru")


class CitationQuerySet(RecordQuerySet):
    def disputes(self):
        """(document, field) pairs whose cited sources give different claims (a
        claim the editors judge unreliable aside): the SQL form of
        `Document.disputed_fields`. Rows: {document, field, claims}."""
        return (
            self.exclude(field="")
            .exclude(claim_ru="", claim_en="")
            .exclude(confidence="unreliable")
            .filter(document__isnull=False)
            .values("document", "field")
            .annotate(claims=models.Count(CLAIM, distinct=True))
            .filter(claims__gt=1)
            .order_by("document", "field")
        )


class SourceQuerySet(RecordQuerySet):
    def without_archived_copy(self):
        """Sources nobody has saved a copy of yet: their page may still vanish."""
        copies = self.model._meta.get_field("archived_copies").related_model.objects
        return self.exclude(Exists(copies.filter(source=OuterRef("pk"))))


class DocumentQuerySet(LifecycleQueries, RecordQuerySet):
    def search(self, query):
        """The one search of documents (list page, API, admin): whole words.

        PostgreSQL: full-text search in Russian and English (stemmed, so
        «соглашения» finds «соглашение»; web-search syntax: "quoted phrases",
        -exclusions, or; the last plain word also as a word's start), best
        matches first, in the order of the RUM index where there is one
        (`search_index.py`); plain words that match nothing find near-misses
        by trigram word similarity instead. SQLite: the same stemming in its
        FTS5 index (`stemmed`), best matches first. A query with no word to look
        for (`-`, `😀`, stop words only) finds nothing, at once; an empty one,
        everything.
        """
        if not (query or "").strip():
            return self  # no search (the admin's search box left empty)
        if not has_lexemes(query, self.db):
            return self.none()
        if connections[self.db].vendor != "postgresql":
            return self.stemmed(query)
        wanted = search_query(query)
        found = Q(search_vector=wanted)
        if not WEB_SEARCH_OPERATORS.search(query) and not self.filter(found).exists():
            # Plain words that match nothing: near-misses (spelling variants),
            # as many as are found within the time limit.
            near = self.filter(
                search_text__trigram_strict_word_similar=normalize(query)
            )
            ids = within_time_limit(
                lambda: list(near.values_list("pk", flat=True)[:NEAR_MISSES]),
                settings.NEAR_MISS_TIME_LIMIT_MS,
            )
            if not ids:
                return self.none()
            found = Q(pk__in=ids)
        found = self.filter(found)
        if ranks_by_index(connections[self.db]):
            # Nothing after the rank: PostgreSQL reads an order from an index's
            # operator only for the whole ORDER BY. Equal ranks come in the
            # order the index returns them (not newest first).
            rank = RankDistance(models.F("search_vector"), wanted)
            return found.alias(search_rank=rank).order_by("search_rank")
        rank = SearchRank(models.F("search_vector"), wanted)
        return found.alias(search_rank=rank).order_by(
            models.F("search_rank").desc(), *self.model._meta.ordering
        )

    def stemmed(self, query):
        """SQLite: documents with every word of `query` in one of its forms (the
        last also as the start of a word), best matches first (bm25: title,
        summary, names, texts); none when it has no word to look for."""
        from .stemming import match_expression

        expression = match_expression(query)
        if not expression:
            return self.none()
        # bm25: the smaller, the better (as RUM's distance), `search_rank` as
        # on PostgreSQL (the capped count knows a search by it).
        return (
            self.filter(words__index__matches=expression)
            .alias(search_rank=models.F("words__rank"))
            .order_by("search_rank", *self.model._meta.ordering)
        )

    def _rows(self, relation):
        """The queryset of a related model (`events` → LifecycleEvent objects)."""
        return self.model._meta.get_field(relation).related_model.objects

    def _back(self, relation):
        """The lookup from a related model's rows to the document (`events` →
        "document", `sectors` → "documents")."""
        field = self.model._meta.get_field(relation)
        return field.field.name if field.auto_created else field.related_query_name()

    def last_changed(self):
        """When the data last changed, editorially: the latest save of a document
        or of anything shown on one (which touches it), or the latest deletion;
        None when nothing is recorded. Fixture rows carry their editorial dates."""
        tombstones = apps.get_model("agreements", "DeletedDocument").objects
        deleted = tombstones.aggregate(m=models.Max("deleted_at"))
        saved = self.aggregate(m=models.Max("updated_at"))
        return max(filter(None, [saved["m"], deleted["m"]]), default=None)

    def with_related(self):
        """Everything a list row shows, in a fixed number of queries."""
        return self.select_related("occasion").prefetch_related(
            "sectors",
            Prefetch(
                "participations",
                queryset=self._rows("participations").select_related(
                    "party", "person", "person_position__party"
                ),
            ),
        )

    def lean(self):
        """The documents' own columns a list shows, with their occasion: none of
        the long texts no list shows (each column not read is a value not
        converted); `for_list` adds their sectors and parties, for the rows the API
        renders per request (`api.stored.StoredRowsSerializer`)."""
        return self.select_related("occasion").defer(
            *DERIVED_COLUMNS,
            "summary_ru",
            "summary_en",
            "occasion__search_text",
            "occasion__summary_ru",
            "occasion__summary_en",
        )

    def stored_rows(self):
        """Of each document, its stored API list row and what tells whether it
        is current (`api.stored.StoredRowsSerializer`), and the keyset paging
        position."""
        return self.only(
            "slug", "signed_on", "status", "updated_at", "api_row", "rendered_by"
        )

    def for_list(self):
        """A list page's rows (`lean`) with, of their sectors and parties, only
        the slugs and names (a page of 50 rows builds some 250 model instances)."""
        names = ("slug", "name_ru", "name_en")
        return self.lean().prefetch_related(
            Prefetch("sectors", queryset=self._rows("sectors").only(*names)),
            Prefetch(
                "participations",
                queryset=self._rows("participations")
                .select_related("party")
                .only("document", "party", "role", *(f"party__{n}" for n in names)),
            ),
        )

    def _detail_lookups(self, archived_copies=True):
        """{relation: prefetch lookup} of everything a detail page or API record
        shows; the citations' sources with their archived copies or not."""
        sources = self._rows("citations").select_related("source")
        if archived_copies:
            sources = sources.prefetch_related("source__archived_copies")
        return {
            "sectors": "sectors",
            "participations": Prefetch(
                "participations",
                queryset=self._rows("participations").select_related(
                    LINE_LOOKUP, "person", "person_position__party"
                ),
            ),
            "events": Prefetch(
                "events",
                queryset=self._rows("events")
                .select_related(LINE_LOOKUP)
                .prefetch_related(Prefetch("citations", queryset=sources)),
            ),
            "citations": Prefetch("citations", queryset=sources),
            "research_questions": "research_questions",
            "identifiers": "identifiers",
            "texts": Prefetch(
                "texts", queryset=self._rows("texts").defer("extracted_text")
            ),
            **{
                f"relations_{way}": Prefetch(
                    f"relations_{way}",
                    # The other document: its title and slug, not its
                    # derived columns (its stored records among them).
                    queryset=self._rows(f"relations_{way}")
                    .select_related(other)
                    .defer(*(f"{other}__{c}" for c in DERIVED_COLUMNS)),
                )
                for way, other in [("out", "to_document"), ("in", "from_document")]
            },
        }

    def with_details(self, extracted_text=False):
        """Everything a detail page or API record shows (not the search columns,
        derived from it and as long as all its texts); with `extracted_text`,
        the attached texts' too (what the derivation reads: `derive.computed`)."""
        lookups = self._detail_lookups()
        if extracted_text:
            lookups["texts"] = "texts"
        return (
            self.select_related("occasion")
            .defer(*DERIVED_COLUMNS)
            .prefetch_related(*lookups.values())
        )

    def with_detail_flags(self):
        """A document to show alone: its own columns (as `with_details`) and,
        for each set of related rows it shows, whether it has any
        (`has_<relation>`, `has_archived_copies`), so that the detail page
        (`views.documents.prefetch_details`) reads only the sets it has: most
        documents have no texts, relations, research questions or archived
        sources."""
        flags = {
            f"has_{name}": Exists(
                self._rows(name).filter(**{self._back(name): OuterRef("pk")})
            )
            for name in self._detail_lookups()
        }
        copies = apps.get_model("agreements", "ArchivedCopy").objects
        flags["has_archived_copies"] = Exists(
            copies.filter(source__citations__document=OuterRef("pk"))
        )
        return self.select_related("occasion").defer(*DERIVED_COLUMNS).annotate(**flags)

    def of_parties(self, parties):
        """Documents to which any of `parties` (a queryset or list) is a party."""
        return self.filter(
            Exists(
                self._rows("participations").filter(
                    document=OuterRef("pk"), party__in=parties
                )
            )
        )

    def of_country(self, code):
        """Documents with a party of country `code` (its state, bodies, companies)."""
        return self.filter(
            Exists(
                self._rows("participations").filter(
                    document=OuterRef("pk"), party__country=code
                )
            )
        )

    def with_text_snippets(self, query):
        """Each document fetched gets `text_snippet`: a passage of a text where
        `query` occurs (`text_search.text_snippets`). Like `prefetch_related`,
        one more query for the rows fetched (a page's), none for the rows a
        paginated query skips or a count."""
        clone = self._chain()
        clone._snippets_of = query
        return clone

    def _clone(self):
        clone = super()._clone()
        clone._snippets_of = getattr(self, "_snippets_of", None)
        return clone

    def _fetch_all(self):
        fetching = self._result_cache is None
        super()._fetch_all()
        query = getattr(self, "_snippets_of", None)
        if fetching and query and self._iterable_class is models.query.ModelIterable:
            text_snippets(self._result_cache, query)

    # The data-quality rules: what is not known yet about a document.
    def disputed(self):
        return self.filter(pk__in=self._rows("citations").disputes().values("document"))

    def title_unknown(self):
        TitleStatus = self.model.TitleStatus
        return self.filter(
            title_status__in=[TitleStatus.UNKNOWN, TitleStatus.DESCRIPTIVE]
        )

    def title_reported(self):
        return self.filter(title_status=self.model.TitleStatus.REPORTED)

    def without_parties(self):
        return self.exclude(
            Exists(self._rows("participations").filter(document=OuterRef("pk")))
        )

    def undated(self):
        return self.filter(signed_on__isnull=True)

    def without_english_title(self):
        return self.filter(title_en="")

    def without_events(self):
        """No dated lifecycle event, so the status cannot be derived (unknown)."""
        return self.exclude(
            Exists(self._rows("events").filter(document=OuterRef("pk")))
        )

    def uncited(self):
        return self.exclude(
            Exists(self._rows("citations").filter(document=OuterRef("pk")))
        )
