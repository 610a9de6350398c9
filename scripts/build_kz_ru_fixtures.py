"""Write the Kazakhstan–Russia fixtures from the research notes.

The notes (fixtures/research/kz-ru-*.yaml) are what a researcher reads and
reviews: per document its facts, each with the source and the verbatim passage
that gives it. This script turns them into Django fixtures with natural keys,
one file per source collection, so that the notes stay short and every
citation, event and identifier row is written the same way:

- fixtures/kz-ru-<collection>.yaml: loadable now (sources, parties, documents,
  participations, lifecycle events, relations, citations);
- fixtures/kz-ru-<collection>-acts.yaml: what needs issue 25's models (each
  event's domestic act, citations of events, identifiers, people): loaded once
  those models exist (`seed`).

Run from the repository root: `python scripts/build_kz_ru_fixtures.py`.
It refuses notes that break the promise (a fact without a citation, a long
passage, a source without address or reading date), like the tests do.
"""

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTES = ROOT / "fixtures" / "research"
OUT = ROOT / "fixtures"
COLLECTIONS = ["adilet", "pravo", "occasions"]
STAMP = "2026-12-07T23:00:00Z"  # when the records were entered here

MAX_QUOTE = 600
MAX_SENTENCES = 4

# Document fields a note may give, and the fact (citation field) each belongs to.
FACT_OF = {
    "title_ru": "title_ru",
    "title_en": "title_en",
    "title_kk": "title_kk",
    "kind": "kind",
    "legal_level": "legal_level",
    "signed_on": "signed_on",
    "place_ru": "place",
    "place_en": "place",
    "occasion": "occasion",
    "term_years": "term_years",
    "entry_into_force_rule": "entry_into_force_rule",
    "entry_into_force_days": "entry_into_force_rule",
    "entry_into_force_on": "entry_into_force_rule",
    "valid_until": "valid_until",
    "full_text_url": "full_text_url",
}
ACT_FIELDS = (
    "act_kind",
    "act_number",
    "act_date",
    "act_title_ru",
    "act_title_en",
    "published_in_ru",
    "published_in_en",
    "act_url",
)


def sentences(text):
    import re

    return len(
        [s for s in re.split(r"(?<=[.!?])\s+(?=[А-ЯЁA-ZӘҒҚҢӨҰҮҺІ«\"(])", text) if s]
    )


def quote_problems(quote):
    problems = []
    if len(quote) > MAX_QUOTE:
        problems.append(f"longer than {MAX_QUOTE} characters")
    if sentences(quote) > MAX_SENTENCES:
        problems.append(f"more than {MAX_SENTENCES} sentences")
    return problems


def rec(model, **fields):
    return {"model": f"agreements.{model}", "fields": fields}


def build(collection, notes, owner, errors):
    """The rows of one collection's notes: (file, the records each names, row),
    file "base" or "acts"; a row goes to the file of the last collection it
    names a record of, so that each file loads after those before it."""
    rows = []

    def collection_row(kind):
        return lambda row, *names: rows.append((kind, {collection, *names}, row))

    base_row = collection_row("base")

    for slug, s in notes.get("sources", {}).items():
        if not s.get("url") or not s.get("read_on"):
            errors.append(f"source {slug}: needs url and read_on")
        owner[slug] = collection
        base_row(
            rec(
                "source",
                slug=slug,
                label="",
                title=s["title"],
                publisher=s["publisher"],
                url=s["url"],
                language=s["language"],
                published_on=s.get("published_on"),
                published_precision=s.get("precision", "undated")
                if not s.get("published_on")
                else s.get("precision", "day"),
                accessed_on=s["read_on"],
                note_ru=s.get("note_ru", ""),
                note_en=s.get("note_en", ""),
            )
        )
    for p in notes.get("parties", []):
        owner[p["slug"]] = collection
        base_row(rec("party", **{k: v for k, v in p.items() if k != "editorial"}))
        for field, (note_en, note_ru) in p.get("editorial", {}).items():
            base_row(
                rec(
                    "citation",
                    kind="editorial",
                    source=None,
                    party=[p["slug"]],
                    field=field,
                    claim_ru="",
                    claim_en="",
                    quote="",
                    confidence="high",
                    note_ru=note_ru,
                    note_en=note_en,
                )
            )
    for o in notes.get("occasions", []):
        owner[o["slug"]] = collection
        base_row(rec("occasion", **{k: v for k, v in o.items() if k != "cite"}))
        for c in o.get("cite", []):
            for field in c["facts"]:
                row = citation(c, {"occasion": [o["slug"]]}, field, errors)
                base_row(row, c.get("source"))
    for d in notes.get("documents", []):
        slug = d["slug"]
        # Where the document loads: its notes' file, or its occasion's if later.
        owner[slug] = {collection, d.get("occasion")}

        def base_row(row, *names, _slug=slug):
            rows.append(("base", {collection, _slug, *names}, row))

        def acts_row(row, *names, _slug=slug):
            rows.append(("acts", {collection, _slug, *names}, row))

        fields = {
            "created_at": STAMP,
            "updated_at": STAMP,
            "slug": slug,
            "kind": d.get("kind", "unknown"),
            "legal_level": d.get("legal_level", "unknown"),
            "title_status": d.get("title_status", "official"),
            "title_ru": d.get("title_ru", ""),
            "title_en": d.get("title_en", ""),
            "title_kk": d.get("title_kk", ""),
            "signed_on": d.get("signed_on"),
            "signed_precision": d.get("signed_precision", "day"),
            "place_ru": d.get("place_ru", ""),
            "place_en": d.get("place_en", ""),
            "occasion": [d["occasion"]] if d.get("occasion") else None,
            "summary_ru": d.get("summary_ru", ""),
            "summary_en": d.get("summary_en", ""),
            "term_years": d.get("term_years"),
            # The final clause, e.g. "enters into force on the date of receipt
            # of the last written notification": choices.EntryIntoForceRule.
            "entry_into_force_rule": d.get("entry_into_force_rule", "unknown"),
            "entry_into_force_days": d.get("entry_into_force_days"),
            "entry_into_force_on": d.get("entry_into_force_on"),
            "valid_until": d.get("valid_until"),
            "full_text_url": d.get("full_text_url", ""),
            "sectors": [],
        }
        base_row(rec("document", **fields))
        cited = set()
        for c in d.get("cite", []):
            for field in c["facts"]:
                cited.add(field)
                row = citation(c, {"document": [slug]}, field, errors)
                base_row(row, c.get("source"))
        for name, fact in FACT_OF.items():
            value = fields.get(name)
            if name == "kind" and value == "unknown":
                continue
            if name in ("legal_level", "entry_into_force_rule") and value == "unknown":
                continue
            if value and fact not in cited and name not in cited:
                errors.append(f"{slug}: {name} is given but not cited")
        for n, party in enumerate(d.get("parties", []), start=1):
            # A party, or {party, signatory_ru, signatory_en, person}: the
            # signatory as the source writes it and, with issue 25, as a person.
            given = party if isinstance(party, dict) else {"party": party}
            party = given["party"]
            participation = dict(
                document=[slug],
                party=[party],
                role="party",
                position=n,
                signatory_ru=given.get("signatory_ru", ""),
                signatory_en=given.get("signatory_en", ""),
            )
            base_row(rec("participation", **participation), party)
            person = given.get("person")
            if person:
                acts_row(rec("person", **person_fields(person)))
                acts_row(rec("position", **position_fields(person, party)))
                acts_row(
                    rec(
                        "participation",
                        **participation,
                        person=[person["slug"]],
                        person_position=[person["slug"], person["position_ru"], None],
                    ),
                    party,
                )
        if d.get("parties") and "participations" not in cited:
            errors.append(f"{slug}: parties are given but not cited")
        by_source = {}
        for e in d.get("events", []) + signing(d):
            key = [slug, e["kind"], str(e["date"]), e.get("party")]
            event = dict(
                document=[slug],
                kind=e["kind"],
                occurred_on=e["date"],
                party=[e["party"]] if e.get("party") else None,
                note_ru=e.get("note_ru", ""),
                note_en=e.get("note_en", ""),
            )
            base_row(rec("lifecycleevent", **event))
            act = {f: e[f] for f in ACT_FIELDS if e.get(f)}
            acts_row(rec("lifecycleevent", **event, **act))
            # The passage cites the event itself (issue 25) and, loadable now,
            # the document's events: one citation per source, its passages joined.
            acts_row(citation(e, {"event": key}, "", errors), e["source"])
            by_source.setdefault(e["source"], []).append(e)
        for source, events in by_source.items():
            joined = {
                "source": source,
                "quote": "\n[…]\n".join(dict.fromkeys(e["quote"] for e in events)),
                "confidence": min(
                    (e.get("confidence", "high") for e in events), key=CONFIDENCE.index
                ),
                "note_en": " ".join(e["note_en"] for e in events if e.get("note_en")),
                "note_ru": " ".join(e["note_ru"] for e in events if e.get("note_ru")),
            }
            row = citation(
                joined, {"document": [slug]}, "events", errors, bounded=False
            )
            base_row(row, source)
        for i in d.get("identifiers", []):
            acts_row(
                rec(
                    "documentidentifier",
                    document=[slug],
                    scheme=i["scheme"],
                    value=i["value"],
                    url=i.get("url", ""),
                )
            )
        if d.get("identifiers"):
            acts_row(identifiers_citation(d, slug, errors))
        for r in d.get("relations", []):
            base_row(
                rec(
                    "documentrelation",
                    from_document=[slug],
                    to_document=[r["to"]],
                    kind=r["kind"],
                    note_ru=r.get("note_ru", ""),
                    note_en=r.get("note_en", ""),
                ),
                r["to"],
            )
    return rows


def signing(d):
    """The signature as an event, when the notes date it to the day and give
    no such event: cited by the first sourced passage that gives the date."""
    given = d.get("events", [])
    if d.get("signed_precision", "day") != "day" or not d.get("signed_on"):
        return []
    if any(e["kind"] == "signed" for e in given):
        return []
    for c in d.get("cite", []):
        if "signed_on" in c["facts"] and c.get("source"):
            passage = {k: c[k] for k in ("source", "quote", "confidence") if k in c}
            return [{**passage, "kind": "signed", "date": d["signed_on"]}]
    return []


def person_fields(person):
    return {
        "slug": person["slug"],
        "name_ru": person["name_ru"],
        "name_en": person.get("name_en", ""),
        "wikidata_id": "",
    }


def position_fields(person, party):
    """The post as the source names it, held on the day of signature; when
    it began and ended is not known (null)."""
    return {
        "person": [person["slug"]],
        "title_ru": person["position_ru"],
        "title_en": person.get("position_en", ""),
        "party": [party],
        "held_from": None,
        "held_until": None,
    }


def place(name, owner):
    """The index of the file a record loads from: a collection's own, the
    collection that defines a name, or for a document the latest of its
    collection and its occasion's. A name no notes define is astana-2023's
    (a party or occasion), loaded first."""
    if name in COLLECTIONS:
        return COLLECTIONS.index(name)
    found = owner.get(name)
    if found is None:
        return 0
    if isinstance(found, set):
        return max(place(n, owner) for n in found if n)
    return COLLECTIONS.index(found)


CONFIDENCE = ["low", "medium", "high"]


def identifiers_citation(d, slug, errors):
    """The identifiers' citation: the passage of the page they come from that
    gives the Bulletin reference (the entry into force), else the passage of
    the act whose page the Adilet code addresses."""
    events = [e for e in d.get("events", []) if e.get("source")]
    given = [e for e in events if e.get("published_in_ru")]
    given += [e for e in events if e.get("act_url")] + events
    # Else a passage of the page an Adilet code addresses (its source's slug
    # carries the code: adilet-p100000891-ru for P100000891_).
    codes = [i["value"].rstrip("_").lower() for i in d["identifiers"]]
    given += [
        c
        for c in d.get("cite", [])
        if c.get("source") and any(code in c["source"] for code in codes)
    ]
    if not given:
        errors.append(f"{slug} identifiers: no passage of their page")
        return None
    event = given[0]
    note = {
        "note_en": "An Adilet code is the address (URL) of the page this passage "
        "is from; a Bulletin reference is the one the passage gives.",
        "note_ru": "Код «Әділет» — адрес (URL) страницы, откуда этот отрывок; "
        "ссылка на Бюллетень — та, что в отрывке.",
    }
    cited = {"source": event["source"], "quote": event["quote"], **note}
    return citation(cited, {"document": [slug]}, "identifiers", errors)


def citation(c, subject, field, errors, bounded=True):
    if c.get("editorial"):
        return rec(
            "citation",
            kind="editorial",
            source=None,
            **subject,
            field=field,
            claim_ru="",
            claim_en="",
            quote="",
            confidence=c.get("confidence", "high"),
            note_ru=c.get("note_ru", c["editorial"]),
            note_en=c["editorial"],
        )
    quote = c.get("quote", "")
    if not quote:
        errors.append(f"{subject} {field}: a sourced citation needs its passage")
    for problem in quote_problems(quote) if bounded else []:
        errors.append(f"{subject} {field}: passage {problem}")
    return rec(
        "citation",
        kind="sourced",
        source=[c["source"]],
        **subject,
        field=field,
        claim_ru=c.get("claim", ""),
        claim_en=c.get("claim", ""),
        quote=quote,
        confidence=c.get("confidence", "high"),
        note_ru=c.get("note_ru", ""),
        note_en=c.get("note_en", ""),
    )


ORDER = [
    "source",
    "party",
    "occasion",
    "person",
    "position",
    "document",
    "participation",
    "lifecycleevent",
    "documentrelation",
    "documentidentifier",
    "citation",
]


def unique(rows):
    """Each row once (a person who signed several documents is one record)."""
    seen, kept = set(), []
    for row in rows:
        key = yaml.safe_dump(row, sort_keys=True)
        if key not in seen:
            seen.add(key)
            kept.append(row)
    return kept


def model_order(row):
    """Records before the rows that name them, within a file."""
    return ORDER.index(row["model"].split(".")[1])


HEADER = """\
# Kazakhstan–Russia documents: the {collection} collection (issue 27).
# WRITTEN BY scripts/build_kz_ru_fixtures.py from fixtures/research/kz-ru-{collection}.yaml:
# edit the notes, then run the script. Every fact is cited with a verbatim passage
# of its source (or marked editorial with a note); what no source gives is empty.
# Natural keys throughout: loads after {after}.
"""


def main():
    errors, owner, rows = [], {}, []
    for collection in COLLECTIONS:
        notes = yaml.safe_load((NOTES / f"kz-ru-{collection}.yaml").read_text("utf-8"))
        rows += build(collection, notes, owner, errors)
    files = {}
    for kind, names, row in rows:
        last = max(place(n, owner) for n in names)
        files.setdefault((COLLECTIONS[last], kind), []).append(row)
    for n, collection in enumerate(COLLECTIONS):
        after = ", ".join(["astana-2023", *(f"kz-ru-{c}" for c in COLLECTIONS[:n])])
        for name, kind, extra in [
            (f"kz-ru-{collection}.yaml", "base", ""),
            (
                f"kz-ru-{collection}-acts.yaml",
                "acts",
                "# Needs issue 25's models: domestic acts, event citations, identifiers.\n",
            ),
        ]:
            found = sorted(unique(files.get((collection, kind), [])), key=model_order)
            text = yaml.safe_dump(found, allow_unicode=True, sort_keys=False, width=100)
            header = HEADER.format(collection=collection, after=after) + extra
            (OUT / name).write_text(header + text, encoding="utf-8")
    if errors:
        sys.exit("\n".join(errors))


if __name__ == "__main__":
    main()
