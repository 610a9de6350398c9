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
from .records import Occasion, Party, Sector
from .research import ResearchQuestion
from .rows import DocumentRelation, LifecycleEvent, Participation
from .sources import Citation, Source
from .texts import ArchivedCopy, DocumentText, StoredFile
from .webhooks import Delivery, Webhook

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
    "DocumentRelation",
    "DocumentText",
    "FacetCount",
    "LifecycleEvent",
    "Localized",
    "Occasion",
    "Participation",
    "Party",
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
