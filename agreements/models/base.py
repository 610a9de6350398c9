"""Abstract building blocks shared by every record."""

import functools
import gettext
import re
from typing import NamedTuple

import pycountry
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..languages import preferred_languages, reader_language
from ..plaintext import validate_plain_text
from ..querysets import RecordQuerySet, normalize

# A summary, note or quotation: about four pages. Bounded so that a request
# that can never be stored (a tsvector over 1 MB) is a 400 naming the field.
LONG_TEXT = 10_000


class URLField(models.URLField):
    """A URLField whose form field assumes https for scheme-less input."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def validate_country(code):
    """An assigned ISO 3166-1 alpha-2 code; the database checks only its shape."""
    if not (code.isupper() and pycountry.countries.get(alpha_2=code)):
        raise ValidationError(
            _("«%(code)s» is not an ISO 3166-1 alpha-2 country code, e.g. RU."),
            params={"code": code},
        )


WIKIDATA_ID = r"^Q[1-9][0-9]{0,18}$"


def validate_wikidata_id(value):
    """A Wikidata item id (Q and digits); the database checks the same shape."""
    if not re.fullmatch(WIKIDATA_ID, value):
        raise ValidationError(
            _("«%(value)s» is not a Wikidata item id, e.g. Q159."),
            params={"value": value},
        )


def wikidata_field():
    """The optional Wikidata item of a record (Q159: Russia), for joining it
    with other datasets; empty when not known."""
    return models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[validate_wikidata_id],
        help_text=_("The Wikidata item, e.g. Q159; empty when not known."),
    )


def wikidata_url(item):
    """The Wikidata page of an item id, or "" without one."""
    return f"https://www.wikidata.org/wiki/{item}" if item else ""


def wikidata_constraint(model):
    return models.CheckConstraint(
        condition=models.Q(wikidata_id="") | models.Q(wikidata_id__regex=WIKIDATA_ID),
        name=f"{model}_wikidata_id_shape",
    )


def country_name(code):
    """The country's name in the reader's language (ISO 3166 names), or the code."""
    country = pycountry.countries.get(alpha_2=code) if code else None
    if country is None:
        return code
    name = getattr(country, "common_name", country.name)
    language = reader_language()
    if language == "en":
        return name
    return _iso3166(language).gettext(name)


@functools.cache
def _iso3166(language):
    return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])


def validate_currency(code):
    """An ISO 4217 currency code; the database checks only its shape."""
    if not (code.isupper() and pycountry.currencies.get(alpha_3=code)):
        raise ValidationError(
            _("«%(code)s» is not an ISO 4217 currency code, e.g. USD."),
            params={"code": code},
        )


def format_partial_date(day, precision):
    """2023-11-09, 2023-11 or 2023, as far as the date is known; "" if not."""
    fmt = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}.get(precision)
    return day.strftime(fmt) if day and fmt else ""


def optional_link(to, related_name, on_delete=models.PROTECT, **options):
    """A foreign key that may be empty (null, and blank in forms); by default the
    record it points at cannot be deleted while something links to it."""
    return models.ForeignKey(
        to,
        null=True,
        blank=True,
        on_delete=on_delete,
        related_name=related_name,
        **options,
    )


class Localized(NamedTuple):
    """A text in the reader's language, or in the other one, marked as fallback."""

    text: str
    lang: str
    is_fallback: bool

    def __str__(self):
        return self.text


class Bilingual(models.Model):
    """Fields come in `<name>_ru` / `<name>_en` pairs (and `<name>_kk` where a
    source gives Kazakh); `localized()` picks one."""

    class Meta:
        abstract = True

    def localized(self, field):
        """The text in the reader's language, else in the next one they read
        (`languages.FALLBACKS`), marked as a fallback."""
        wanted = preferred_languages()
        for lang in wanted:
            text = getattr(self, f"{field}_{lang}", "")
            if text:
                return Localized(text, lang, lang != wanted[0])
        return Localized("", wanted[0], False)


def either_language(field):
    """A read/write attribute for code written before `<field>` was split into
    `<field>_ru` / `<field>_en`: reads the English text, else the Russian one;
    writes the English one. Kept for one version of the API and the fixtures."""

    def get(self):
        return getattr(self, f"{field}_en") or getattr(self, f"{field}_ru")

    def set(self, value):
        setattr(self, f"{field}_en", value)

    return property(get, set)


def localized_property(field):
    """A read-only attribute for a `<field>_ru` / `<field>_en` pair:
    `title = localized_property("title")` gives `self.localized("title")`."""
    return property(lambda self: self.localized(field))


def also_update(save_kwargs, field):
    """save()'s keyword arguments with `field`, which save() sets itself, added
    to `update_fields` when the caller saves only some fields."""
    if save_kwargs.get("update_fields") is not None:
        save_kwargs["update_fields"] = {*save_kwargs["update_fields"], field}
    return save_kwargs


class Timestamped(models.Model):
    # Defaults rather than auto_now: fixtures load with raw saves, which skip auto_now.
    created_at = models.DateTimeField(
        _("created"), default=timezone.now, editable=False
    )
    updated_at = models.DateTimeField(
        _("updated"), default=timezone.now, editable=False, db_index=True
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        super().save(*args, **also_update(kwargs, "updated_at"))


class StaleVersion(Exception):
    """The record was saved by someone else since this copy was read."""


class Versioned(models.Model):
    """Optimistic locking: a save succeeds only if nobody saved since `version`
    was read; otherwise StaleVersion (the API answers 412, the admin explains)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._state.adding:
            return super().save(*args, **kwargs)
        model = type(self)._base_manager
        with transaction.atomic():
            bumped = model.filter(pk=self.pk, version=self.version).update(
                version=F("version") + 1
            )
            if not bumped:
                raise StaleVersion(
                    f"{self._meta.model_name} {self.pk} changed since version "
                    f"{self.version}."
                )
            self.version += 1
            super().save(*args, **kwargs)


class Searchable(models.Model):
    """Keeps a case-folded copy of `search_source` fields for portable search."""

    search_source = ()
    search_text = models.TextField(editable=False, default="")

    class Meta:
        abstract = True

    def build_search_text(self):
        return normalize(
            " ".join(filter(None, (getattr(self, f) for f in self.search_source)))
        )

    def save(self, *args, **kwargs):
        self.search_text = self.build_search_text()
        super().save(*args, **also_update(kwargs, "search_text"))


def follow(record, path):
    """The value at the end of a lookup path (`document__slug`) from `record`;
    None where a link on the way is empty."""
    for name in path.split("__"):
        if record is None:
            return None
        record = getattr(record, name)
    return record


class PlainText(models.Model):
    """Every text field a person edits holds plain text only
    (`plaintext.validate_plain_text`), checked in `clean_fields`, which the
    admin, the API and the importer all run; derived fields (an extracted
    text) are not input and keep what the file held."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            value = getattr(self, field.attname)
            if (
                field.name in (exclude or ())
                or field.name in errors
                or not field.editable
            ):
                continue
            if isinstance(field, models.CharField | models.TextField) and value:
                try:
                    validate_plain_text(value)
                except ValidationError as exc:
                    errors[field.name] = exc.error_list
        if errors:
            raise ValidationError(errors)


class NaturalKeyed(PlainText):
    """Fixtures and backups name the record by the values at its
    `natural_key_lookups` instead of its primary key. No `dependencies` are
    declared: dumpdata already writes the records a foreign key points at first."""

    natural_key_lookups = ()
    objects = RecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def natural_key(self):
        return tuple(follow(self, path) for path in self.natural_key_lookups)


class SlugKeyed(NaturalKeyed, Searchable):
    """Records addressed by a stable human slug, which is also their natural key."""

    slug = models.SlugField(
        _("identifier"),
        max_length=120,
        unique=True,
        help_text=_(
            "Stable, lowercase, used in URLs and fixtures. Do not change once published."
        ),
    )
    search_source = ("slug", "name_ru", "name_en")
    natural_key_lookups = ("slug",)

    class Meta:
        abstract = True

    def get_absolute_url(self):
        """The record's public page, the URL named after its model (`agreements:party`)."""
        return reverse(f"agreements:{self._meta.model_name}", args=[self.slug])
