"""The domain model, split by concept; import from here (`agreements.models`)."""

from ..lifecycle import Status
from .alerts import Digest, Subscriber, Subscription
from .base import (
    Bilingual,
    Localized,
    Searchable,
    SlugKeyed,
    StaleVersion,
    Timestamped,
    URLField,
    Versioned,
    format_partial_date,
    validate_country,
    validate_currency,
)
from .documents import DeletedDocument, Document, FacetCount
from .people import Person, Position
from .records import Occasion, Party, Sector
from .releases import Immutable, Release
from .research import ResearchQuestion
from .rows import DocumentIdentifier, DocumentRelation, LifecycleEvent, Participation
from .sources import Citation, Source
from .texts import ArchivedCopy, DocumentText, StoredFile
from .webhooks import Delivery, Webhook
from .words import DocumentWords

__all__ = [
    "Webhook",
    "Subscription",
    "Subscriber",
    "Digest",
    "Delivery",
    "ArchivedCopy",
    "Bilingual",
    "Citation",
    "DeletedDocument",
    "Document",
    "DocumentIdentifier",
    "DocumentRelation",
    "DocumentText",
    "Immutable",
    "DocumentWords",
    "FacetCount",
    "LifecycleEvent",
    "Localized",
    "Occasion",
    "Participation",
    "Release",
    "Party",
    "Person",
    "Position",
    "ResearchQuestion",
    "Searchable",
    "Sector",
    "SlugKeyed",
    "Source",
    "StaleVersion",
    "StoredFile",
    "Status",
    "Timestamped",
    "URLField",
    "Versioned",
    "format_partial_date",
    "validate_country",
    "validate_currency",
]
