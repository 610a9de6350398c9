"""The dataset's words for its readers: what the codebook says of a column
where the model's own field does not say enough (`DESCRIPTIONS`, `SLUG`), and
the release README's text (`README`, `COLLECTION`: what the collection is and
is not).

Text only, kept apart from dataset.py (which builds the tables, the codebook
and the files, and fills README in: `dataset.readme`) so that the words can be
read and edited without the code around them.
"""

SLUG = "The record's stable identifier; other tables refer to it by this."

# Where the model's own words are not enough for a reader of the files, by
# table and column; "slug" is described once for every table.
DESCRIPTIONS = {
    "documents": {
        "status": "Where the document stands today, derived from its "
        "lifecycle events (events table), never typed in.",
        "signed_on": "Date of signing. With signed_precision month or "
        "year, the first day of that month or year.",
        "version": "Incremented by every editorial save of the "
        "document; a citation of the record names it.",
        "created_at": "When the record was created (UTC).",
        "updated_at": "When the record or one of its rows (parties, "
        "events, citations, relations) last changed (UTC).",
        "value_amount": "Stated value, in value_currency; empty when "
        "unknown or when the sources disagree (see citations).",
        "expected_in_force_on": "The day the entry-into-force rule gives from "
        "the events recorded (all parties notified, say): computed, expected, "
        "never a fact a source gives. Empty while the rule or the steps it "
        "names are not known.",
    },
    "document_sectors": {
        "document": "The document (documents.slug).",
        "sector": "A sector it touches (sectors.slug).",
    },
    "occasions": {
        "started_on": "First (or only) day of the occasion.",
    },
    "events": {
        "occurred_on": "When the event happened.",
        "party": "The party whose step it is (parties.slug): its ratification, "
        "notification or withdrawal; empty for all parties.",
    },
    "participations": {
        "status": "Where this party stands on the document today, derived "
        "from the events (its own and those for all parties) and the "
        "document's entry-into-force rule, never typed in. One row per "
        "document and party.",
        "position": "Order of the party on the document (0 first).",
        "role": "The party's role in the document.",
        "person": "The person who signed (people.slug), where a source names them.",
        "person_position_title_ru": "The post the person signed in (positions: "
        "person, title_ru, held_from), in Russian.",
        "person_position_title_en": "The post the person signed in, in English.",
        "person_position_held_from": "Since when the person held that post "
        "(positions.held_from).",
    },
    "positions": {
        "person": "Who held the post (people.slug).",
        "party": "The state, government or ministry the post belongs to "
        "(parties.slug).",
    },
    "document_identifiers": {
        "document": "The document (documents.slug).",
        "value": "The identifier as the register or publication writes it; "
        "unique within its scheme.",
    },
    "relations": {
        "from_document": "The document the relation is stated on "
        "(documents.slug); it reads «from_document kind to_document».",
        "to_document": "The other document (documents.slug).",
    },
    "citations": {
        "source": "The source cited (sources.slug); empty for an "
        "editorial citation (kind = editorial).",
        "document": "The document whose fact is supported "
        "(documents.slug); exactly one of document, occasion, party, event and "
        "person is set.",
        "occasion": "The occasion whose fact is supported (occasions.slug).",
        "party": "The party whose fact is supported (parties.slug).",
        "event_document": "With event_kind, event_on and event_party: the "
        "event (events table) whose date or domestic act is supported; exactly "
        "one of document, occasion, party, event and person is set.",
        "event_kind": "The kind of the event supported (events.kind).",
        "event_on": "The date of the event supported (events.occurred_on).",
        "event_party": "The party of the event supported (events.party); empty "
        "for an event of all parties.",
        "person": "The person whose fact is supported (people.slug).",
        "field": "Which fact of that record the citation supports: a "
        "column name of its table, or a wider fact (empty: the record as a whole).",
        "claim_en": "What the source says the value is, where it "
        "differs from others; two citations of one fact with different claims "
        "(compared in English, else in Russian) mark it disputed, unless one is "
        "judged unreliable (confidence = unreliable).",
        "claim_ru": "The claim in Russian.",
    },
}

# What the collection is and is not: the release's README and JSON say it,
# so that no count in it is read as the whole relationship.
COLLECTION = """\
The records are the Kazakhstan–Russia documents that a researcher could source
fact by fact from the stored public pages read for them (fixtures/README.md):
the Kazakh legal database Adilet (ratification laws and government resolutions
with the agreement's title, place and date of signature and its entry into
force with the Bulletin of International Treaties reference), Russian federal
ratification laws and reference systems, and news reports of the occasions at
which documents were signed. Every fact is quoted from its source, marked
editorial with a note, or left empty as unknown.

Limits. This is a sample, not the treaty register. No source read gives the
number of documents the two states have concluded since 1992, so the share of
the whole relationship is unknown; where a source counts the documents of one
occasion, the records hold 3 of the 14 signed in Moscow on 12 November 2025
(Kazinform) and 1 of the joint statement and 20 agreements of 27 November 2024
(CMN.KZ). What decided inclusion was what the pages read give, not a
document's importance: Kazakh acts are better covered than Russian ones (most
records have Kazakhstan's ratification or approval and its entry into force, few
have Russia's), documents known only from another document's preamble have no
events, and a document reported by the news has only what the report says. An
empty cell means "not found in the sources read", never "did not happen".
"""

README = """# Agreement Tracker: the whole dataset

Generated {generated_at}. Licence: {licence[name]}, {licence[url]}.
Attribute it as "{licence[attribution]}" with a link to the site.

One CSV file per table, UTF-8 with a byte order mark, comma-separated, one
header row. Rows refer to each other by slug (e.g. participations.party is a
parties.slug). A cell that would start with = + - @ or a tab is prefixed with
a single quote, so that no spreadsheet runs it as a formula.

Every column of every file is explained in codebook.csv.

## The collection and its limits

{collection}
## Tables

{tables}
"""
