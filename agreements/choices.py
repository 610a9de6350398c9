"""Every fixed list of values a record field takes, in one place.

The models expose each under the name their callers use (`Document.Kind`,
`Citation.Confidence`…); the lifecycle rule reads `Status` and `EventKind`.
Nothing here imports models.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# Documents


class DocumentKind(models.TextChoices):
    TREATY = "treaty", _("treaty")
    AGREEMENT = "agreement", _("agreement")
    MEMORANDUM = "memorandum", _("memorandum of understanding")
    JOINT_STATEMENT = "joint_statement", _("joint statement")
    ACTION_PLAN = "action_plan", _("action plan or roadmap")
    PROGRAMME = "programme", _("programme")
    PROTOCOL = "protocol", _("protocol")
    CONTRACT = "contract", _("commercial contract")
    CONTRACT_PACKAGE = "contract_package", _("package of agreements and contracts")
    UNKNOWN = "unknown", _("unknown")


class LegalLevel(models.TextChoices):
    INTERSTATE = "interstate", _("interstate")
    INTERGOVERNMENTAL = "intergovernmental", _("intergovernmental")
    INTERDEPARTMENTAL = "interdepartmental", _("interdepartmental")
    INTERREGIONAL = "interregional", _("interregional")
    CORPORATE = "corporate", _("corporate")
    MIXED = "mixed", _("mixed")
    UNKNOWN = "unknown", _("unknown")


class TitleStatus(models.TextChoices):
    OFFICIAL = "official", _("official title")
    REPORTED = "reported", _("title as reported; official wording may differ")
    DESCRIPTIVE = "descriptive", _("description, not a title")
    UNKNOWN = "unknown", _("title unknown")


class Status(models.TextChoices):
    """Where a document stands; derived from its lifecycle events."""

    UNKNOWN = "unknown", _("no events recorded")
    SIGNED = "signed", _("signed")
    ADOPTED = "adopted", _("adopted")
    PROVISIONALLY_APPLIED = "provisionally_applied", _("provisionally applied")
    IN_FORCE = "in_force", _("in force")
    SUSPENDED = "suspended", _("suspended")
    TERMINATED = "terminated", _("terminated")
    EXPIRED = "expired", _("expired")
    # A party's own standing (`Participation.status`): it has done what its law
    # asks before the document binds it; it has left the document.
    DOMESTIC_PROCEDURES_DONE = (
        "domestic_procedures_done",
        _("domestic procedures completed"),
    )
    WITHDRAWN = "withdrawn", _("denounced or withdrew")


class EventKind(models.TextChoices):
    SIGNED = "signed", _("signed")
    ADOPTED = "adopted", _("adopted (reported)")
    RATIFIED = "ratified", _("ratified")
    APPROVED = "approved", _("approved")
    ACCEPTED = "accepted", _("accepted")
    ACCEDED = "acceded", _("acceded")
    NOTIFIED = "notified", _("notified completion of domestic procedures")
    WITHDRAWN = "withdrawn", _("denounced or withdrew")
    PROVISIONALLY_APPLIED = "provisionally_applied", _("provisionally applied")
    ENTERED_INTO_FORCE = "entered_into_force", _("entered into force")
    SUSPENDED = "suspended", _("suspended")
    RESUMED = "resumed", _("resumed")
    TERMINATED = "terminated", _("terminated")
    EXPIRED = "expired", _("expired")


class ActKind(models.TextChoices):
    """The domestic act by which a party ratified, approved or accepted."""

    LAW = "law", _("law")
    DECREE = "decree", _("decree")
    RESOLUTION = "resolution", _("resolution")
    ORDER = "order", _("order")
    OTHER = "other", _("other")


class EntryIntoForceRule(models.TextChoices):
    """When the document says it enters into force (its final clauses)."""

    UNKNOWN = "unknown", _("not known")
    ON_SIGNATURE = "on_signature", _("on signature")
    ON_DATE = "on_date", _("on a fixed date")
    LAST_NOTIFICATION = "last_notification", _("on the last notification")
    DAYS_AFTER_LAST_NOTIFICATION = (
        "days_after_last_notification",
        _("a number of days after the last notification"),
    )
    RATIFICATION_BY_ALL = "ratification_by_all", _("on ratification by all parties")


class IdentifierScheme(models.TextChoices):
    """Registers and publications that number documents
    (`DocumentIdentifier.scheme`)."""

    ADILET = "adilet", _("Adilet (Kazakhstan legal database) document code")
    KZ_BULLETIN = (
        "kz_bulletin",
        _("Bulletin of International Treaties of the Republic of Kazakhstan"),
    )
    RU_PRAVO = "ru_pravo", _("official publication number (publication.pravo.gov.ru)")
    RU_SZ = "ru_sz", _("Collected Legislation of the Russian Federation")
    UN_TREATY = "un_treaty", _("UN treaty registration number")
    WIKIDATA = "wikidata", _("Wikidata item")
    OTHER = "other", _("other")


class ParticipationRole(models.TextChoices):
    PARTY = "party", _("party")
    SIGNATORY = "signatory", _("signatory side")
    AUTHORISED = "authorised", _("authorised organisation")
    # A package (contract_package) is not signed as a whole: its documents are.
    IN_PACKAGE = "in_package", _("party to a document of the package")
    OTHER = "other", _("other")


class RelationKind(models.TextChoices):
    IMPLEMENTS = "implements", _("implements")
    AMENDS = "amends", _("amends")
    SUPERSEDES = "supersedes", _("supersedes")
    PART_OF = "part_of", _("is part of the package")
    FOLLOWS = "follows", _("follows (came after, no stated link)")
    RELATED = "related", _("is related to")


class TextKind(models.TextChoices):
    OFFICIAL = "official", _("official text")
    TRANSLATION = "translation", _("unofficial translation")
    ANNEX = "annex", _("annex")


class TextLanguage(models.TextChoices):
    RU = "ru", _("Russian")
    KK = "kk", _("Kazakh")
    EN = "en", _("English")


# The records documents point at


class PartyKind(models.TextChoices):
    STATE = "state", _("state")
    GOVERNMENT = "government", _("government")
    MINISTRY = "ministry", _("ministry or government body")
    COMPANY = "company", _("company")
    REGION = "region", _("region")
    ORGANISATION = "organisation", _("organisation")


class OccasionKind(models.TextChoices):
    OFFICIAL_VISIT = "official_visit", _("official visit")
    STATE_VISIT = "state_visit", _("state visit")
    WORKING_VISIT = "working_visit", _("working visit")
    SUMMIT = "summit", _("summit")
    FORUM = "forum", _("forum")
    OTHER = "other", _("other")


# Sources and citations


class SourcePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")
    UNDATED = "undated", _("undated")


class CitationKind(models.TextChoices):
    SOURCED = "sourced", _("sourced")
    EDITORIAL = "editorial", _("editorial — the editors' classification")


class Confidence(models.TextChoices):
    HIGH = "high", _("high — stated plainly by the source")
    MEDIUM = "medium", _("medium — wording or date reconstructed from context")
    LOW = "low", _("low — inferred")
    # The source states it, and the editors judge it mistaken (say why in the
    # note): shown with its source, never counted as a dispute.
    UNRELIABLE = "unreliable", _("states it; judged unreliable")


# Research


class QuestionStatus(models.TextChoices):
    OPEN = "open", _("open")
    SETTLED = "settled", _("settled")
    ABANDONED = "abandoned", _("set aside")
