"""The analysts' forms: partial dates, a reason for each change, a lock against
overwriting a newer version, a document entered from its source."""

import datetime
import re
from typing import NamedTuple

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.utils.translation import gettext_lazy as _

from ..admin_site import picker_label
from ..models import Citation, Document, Participation, Party, Sector, Source
from ..models.base import format_partial_date

PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


class PartialDate(NamedTuple):
    day: datetime.date
    precision: str  # "day", "month" or "year", as in the models' precision fields


class PartialDateField(forms.CharField):
    """ "2023-11-09", "2023-11" or "2023": the first day of what is known, and how
    precisely it is known."""

    default_error_messages = {
        "invalid": _("Enter a date as YYYY-MM-DD, YYYY-MM or YYYY, e.g. 2023-06."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", _("YYYY-MM-DD, or YYYY-MM / YYYY when only that is known.")
        )
        super().__init__(max_length=10, **kwargs)
        self.widget.attrs.update(placeholder="YYYY-MM-DD", size=10)

    def prepare_value(self, value):
        if isinstance(value, PartialDate):
            return format_partial_date(value.day, value.precision)
        if isinstance(value, datetime.date):
            return value.isoformat()
        return value

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = PARTIAL_DATE.match(value)
        if not match:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        year, month, day = match.groups()
        precision = "day" if day else "month" if month else "year"
        try:
            first = datetime.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            raise forms.ValidationError(
                self.error_messages["invalid"], code="invalid"
            ) from None
        return PartialDate(first, precision)


class RecordAdminForm(forms.ModelForm):
    """Asks why (kept in the history) and takes partial dates: `partial_dates`
    maps a date field to the precision field it sets."""

    partial_dates = {}
    change_reason = forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=100,
        help_text=_("Optional; shown in the history, e.g. «second source found»."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for date_field, precision_field in self.partial_dates.items():
            if date_field not in self.fields:
                continue
            old = self.fields[date_field]
            self.fields[date_field] = PartialDateField(
                label=old.label, required=old.required
            )
            self.fields[precision_field].widget = forms.HiddenInput()
            self.initial[date_field] = format_partial_date(
                getattr(self.instance, date_field),
                getattr(self.instance, precision_field),
            )

    def clean(self):
        cleaned = super().clean()
        for date_field, precision_field in self.partial_dates.items():
            value = cleaned.get(date_field)
            if isinstance(value, PartialDate):
                cleaned[date_field], cleaned[precision_field] = value
            elif date_field in cleaned and precision_field in self.fields:
                cleaned[precision_field] = "day"  # the model's default: no date
        return cleaned


class VersionedAdminForm(RecordAdminForm):
    """Carries the version the analyst started from; refuses to overwrite a newer one."""

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # the stored version, also when reverting to an old one
            self.fields["seen_version"].initial = self._stored().values_list(
                "version", flat=True
            )[0]

    def _stored(self):
        return type(self.instance)._base_manager.filter(pk=self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        current = self._stored().select_for_update().first()
        seen = cleaned.get("seen_version")
        if current is None or seen == current.version:
            return cleaned
        # Let the analyst merge: keep their input, show what changed meanwhile, and
        # take the new version so that saving again is a conscious decision.
        self.data = self.data.copy()
        self.data[self.add_prefix("seen_version")] = current.version
        last = current.history.first()
        changed = []
        base = current.history.filter(version=seen).first()
        if base and last:
            changed = [c.field for c in last.diff_against(base).changes]
        raise forms.ValidationError(
            _(
                "%(user)s saved this record at %(when)s, after you opened it. Nothing "
                "of yours was saved. Fields they changed: %(fields)s. Their values are in "
                "the history; your edits are still in the form. Review them and save "
                "again to keep yours."
            ),
            params={
                "user": getattr(last, "history_user", None) or _("Someone"),
                "when": f"{current.updated_at:%Y-%m-%d %H:%M:%S} UTC",
                "fields": ", ".join(changed) or _("related records only"),
            },
            code="stale",
        )


class DocumentAdminForm(VersionedAdminForm):
    partial_dates = {"signed_on": "signed_precision"}


class BulkChoiceForm(forms.Form):
    """The second step of a bulk action: the record to apply to the selection."""

    choice = forms.ModelChoiceField(queryset=Sector.objects.none())

    def __init__(self, *args, queryset, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].queryset = queryset
        self.fields["choice"].label = label


# The facts the "new document from a source" form asks for, with their citation field.
FROM_SOURCE_FACTS = [
    ("title_ru", "title_ru"),
    ("title_en", "title_en"),
    ("signed_on", "signed_on"),
    ("place_ru", "place_ru"),
    ("place_en", "place_en"),
    ("occasion", "occasion"),
    ("parties", "participations"),
    ("sectors", "sectors"),
    ("summary_ru", "summary"),
    ("summary_en", "summary"),
    ("value_amount", "value_amount"),
]


def autocomplete(model, field, multiple=False):
    """The admin's search-as-you-type picker for the target of `model.field`."""
    widget = AutocompleteSelectMultiple if multiple else AutocompleteSelect
    return widget(model._meta.get_field(field), admin.site)


class DocumentFromSourceForm(RecordAdminForm):
    """One source, the document's facts, and a quote per fact: every fact given
    is cited to the source in the same save."""

    source = forms.ModelChoiceField(
        Source.objects.all(),
        label=_("Source"),
        required=False,
        widget=autocomplete(Citation, "source"),
        help_text=_("An existing source, or describe a new one below."),
    )
    source.label_from_instance = picker_label  # as the picker suggests it: "S7 · …"
    source_url = forms.URLField(
        label=_("New source: address"), required=False, assume_scheme="https"
    )
    source_title = forms.CharField(
        label=_("New source: title"), required=False, max_length=500
    )
    source_publisher = forms.CharField(
        label=_("New source: publisher"), required=False, max_length=200
    )
    source_language = forms.CharField(
        label=_("New source: language"),
        required=False,
        max_length=10,
        help_text=_("e.g. ru, en, ru/en"),
    )
    source_published = PartialDateField(
        label=_("New source: published"), required=False
    )
    parties = forms.ModelMultipleChoiceField(
        Party.objects.all(),
        label=_("Parties"),
        required=False,
        widget=autocomplete(Participation, "party", multiple=True),
    )
    confidence = forms.ChoiceField(
        label=_("Confidence"),
        choices=Citation.Confidence.choices,
        initial=Citation.Confidence.HIGH,
    )
    partial_dates = {"signed_on": "signed_precision"}

    class Meta:
        model = Document
        fields = [
            "slug",
            "kind",
            "legal_level",
            "title_status",
            "title_ru",
            "title_en",
            "signed_on",
            "signed_precision",
            "place_ru",
            "place_en",
            "occasion",
            "sectors",
            "summary_ru",
            "summary_en",
            "value_amount",
            "value_currency",
        ]
        widgets = {
            "occasion": autocomplete(Document, "occasion"),
            "sectors": autocomplete(Document, "sectors", multiple=True),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, _field in FROM_SOURCE_FACTS:
            self.fields[f"quote_{name}"] = forms.CharField(
                label=_("quote"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
            )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("source") and not (
            cleaned.get("source_title") and cleaned.get("source_language")
        ):
            raise forms.ValidationError(
                _("Choose a source, or give the new source's title and language.")
            )
        slug = f"{cleaned.get('slug')}-source"
        if not cleaned.get("source") and Source.objects.filter(slug=slug).exists():
            raise forms.ValidationError(
                _("A source «%(slug)s» exists already: choose it."),
                params={"slug": slug},
            )
        return cleaned

    def source_rows(self):
        names = ["source", "source_url", "source_title", "source_publisher"]
        names += ["source_language", "source_published", "confidence"]
        return [self[name] for name in names]

    def document_rows(self):
        names = ["slug", "kind", "legal_level", "title_status", "value_currency"]
        return [self[name] for name in [*names, "change_reason"]]

    def fact_rows(self):
        """(fact field, its quote field) pairs, in the order the page shows them."""
        return [(self[name], self[f"quote_{name}"]) for name, _f in FROM_SOURCE_FACTS]

    def source_instance(self):
        """The chosen source, or the new one described (unsaved)."""
        data = self.cleaned_data
        if data.get("source"):
            return data["source"]
        published = data.get("source_published")
        return Source(
            slug=f"{data['slug']}-source",  # checked in clean()
            url=data["source_url"],
            title=data["source_title"],
            publisher=data["source_publisher"],
            language=data["source_language"],
            published_on=published.day if published else None,
            published_precision=published.precision if published else "undated",
        )

    def citations(self, document, source):
        """One citation per fact given, with its quote; facts that share a citation
        field (the two summaries) share the citation. None given: the record."""
        by_field = {}
        for name, field in FROM_SOURCE_FACTS:
            value = self.cleaned_data.get(name)
            if (
                value is None
                or value == ""
                or (name in ("parties", "sectors") and not value)
            ):
                continue
            quote = self.cleaned_data.get(f"quote_{name}", "")
            citation = by_field.setdefault(
                field,
                Citation(
                    source=source,
                    document=document,
                    field=field,
                    confidence=self.cleaned_data["confidence"],
                ),
            )
            citation.quote = "\n".join(filter(None, [citation.quote, quote]))
        return list(by_field.values()) or [
            Citation(source=source, document=document, field="")
        ]
