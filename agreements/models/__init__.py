"""The domain model, split by concept; import from here (`agreements.models`)."""

from ..lifecycle import Status
from .base import (
    Bilingual,
    Localized,
    Searchable,
    SlugKeyed,
    Timestamped,
    URLField,
    format_partial_date,
    validate_country,
    validate_currency,
)
from .documents import (
    Document,
    DocumentRelation,
    LifecycleEvent,
    Participation,
    StaleVersion,
)
from .records import Occasion, Party, Sector
from .sources import Citation, Source
from .texts import ArchivedCopy, DocumentText, StoredFile

__all__ = [
    "ArchivedCopy",
    "Bilingual",
    "Citation",
    "Document",
    "DocumentRelation",
    "DocumentText",
    "LifecycleEvent",
    "Localized",
    "Occasion",
    "Participation",
    "Party",
    "Searchable",
    "Sector",
    "SlugKeyed",
    "Source",
    "StaleVersion",
    "StoredFile",
    "Status",
    "Timestamped",
    "URLField",
    "format_partial_date",
    "validate_country",
    "validate_currency",
]
