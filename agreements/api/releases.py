"""Releases in the API: each with its files (size, SHA-256, download URL), how
to cite it and its changelog, read-only, as published."""

import re

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets

from ..citing import permanent_url, release_reference
from ..models import Release
from .model_serializer import ModelSerializer
from .views import EnglishApiMixin


class ReleaseFileSerializer(serializers.Serializer):
    name = serializers.CharField()
    size = serializers.IntegerField(help_text="In bytes.")
    sha256 = serializers.CharField(help_text="SHA-256 of the file's bytes, in hex.")
    url = serializers.SerializerMethodField(help_text="Where to download it.")

    def get_url(self, entry) -> str:
        path = reverse("release-file", args=[self.context["number"], entry["name"]])
        return self.context["request"].build_absolute_uri(path)


class ChangelogEntrySerializer(serializers.Serializer):
    slug = serializers.CharField()
    title_ru = serializers.CharField()
    title_en = serializers.CharField()


class ChangedEntrySerializer(ChangelogEntrySerializer):
    fields = serializers.ListField(
        child=serializers.CharField(),
        allow_null=True,
        help_text="What changed: the document's field names (as in the CSV), "
        "`sectors`, or a kind of its rows (`participation`, `lifecycleevent`, …); "
        "null when its earlier state is not recorded in the history.",
    )


class ChangelogSerializer(serializers.Serializer):
    first = serializers.BooleanField(
        help_text="The first release: every document is new, none is listed."
    )
    added = ChangelogEntrySerializer(many=True)
    removed = ChangelogEntrySerializer(many=True)
    changed = ChangedEntrySerializer(many=True)


class ReleaseSerializer(ModelSerializer):
    url = serializers.SerializerMethodField(help_text="The release on the site.")
    files = serializers.SerializerMethodField(
        help_text="Every file as published (empty once withdrawn): the dataset's "
        "zip first, then changelog.json, CITATION.cff, datacite.json and "
        "manifest.json (the checksums of the others and of each file in the zip)."
    )
    citation = serializers.SerializerMethodField(help_text="How to cite it.")
    changelog = ChangelogSerializer(
        help_text="Documents added, removed and changed since the release before."
    )

    class Meta:
        model = Release
        fields = [
            "number",
            "url",
            "published_at",
            "data_version",
            "documents",
            "withdrawn_at",
            "files",
            "citation",
            "changelog",
        ]

    def _url(self, release):
        return permanent_url(self.context["request"], release.get_absolute_url())

    def get_url(self, release) -> str:
        return self._url(release)

    @extend_schema_field(ReleaseFileSerializer(many=True))
    def get_files(self, release):
        if release.withdrawn_at:
            return []
        context = {**self.context, "number": release.number}
        return ReleaseFileSerializer(release.files, many=True, context=context).data

    def get_citation(self, release) -> str:
        return release_reference(release, self._url(release))


class ReleaseViewSet(EnglishApiMixin, viewsets.ReadOnlyModelViewSet):
    """Numbered releases of the whole dataset, newest first; a release's files
    and checksums never change."""

    queryset = Release.objects.all()
    serializer_class = ReleaseSerializer
    lookup_field = "number"
    lookup_value_regex = "[^/]+"

    def get_object(self):
        # Digits only, and few enough for the database's integer (MAX_NUMBER).
        if not re.fullmatch(r"[0-9]{1,9}", self.kwargs["number"]):
            raise Http404("No such release.")
        return super().get_object()
