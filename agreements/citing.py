"""How a document page cites itself: plain text, BibTeX, CSL-JSON and JSON-LD,
each with the version and its date and the permanent address (`SITE_URL`)."""

import datetime
import json

import yaml
from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .lifecycle import Status
from .models.base import wikidata_url

# As django.utils.html.json_script escapes, so the JSON cannot end the <script>.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def permanent_url(request, path):
    """The address to cite: on SITE_URL when set (not the host a reader used)."""
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/") + path
    return request.build_absolute_uri(path)


# BibTeX ends a value at its matching brace whatever precedes it (`\{` counts
# too), so braces become commands with balanced braces; the other characters
# LaTeX gives a meaning to are escaped, and line breaks become spaces.
BIBTEX_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "%": r"\%",
        "#": r"\#",
        "&": r"\&",
        "$": r"\$",
        "_": r"\_",
        "^": r"\textasciicircum{}",
        "~": r"\textasciitilde{}",
        "@": r"{@}",
    }
)


def bibtex_value(text):
    """`text` as the inside of a braced BibTeX value: one line, never closing it."""
    return " ".join(text.split()).translate(BIBTEX_ESCAPES)


def cited_title(doc):
    return doc.title.text or f"{_('Title unknown')} ({doc.slug})"


# A treaty binds states or governments; a memorandum, a plan, a statement or a
# contract does not, so it is cited as a document, not as a treaty or legislation.
TREATY_KINDS = {"treaty", "protocol"}
TREATY_LEVELS = {"interstate", "intergovernmental"}
SIGNING_ROLES = {"party", "signatory"}


def is_treaty(doc):
    return doc.kind in TREATY_KINDS or (
        doc.kind == "agreement" and doc.legal_level in TREATY_LEVELS
    )


def date_parts(doc):
    """The signing date as CSL date-parts, as far as it is known: [[2023, 6]] for
    June 2023, never the 1st of the month it is stored as."""
    length = {"day": 3, "month": 2, "year": 1}.get(doc.signed_precision, 0)
    day = doc.signed_on
    return [[day.year, day.month, day.day][:length]] if day and length else None


def citation_formats(doc, url, release=None, release_url=None):
    """[(format name, text)] for the "Cite this record" box; with `release`, of
    `doc` as it stood in that release (`changelog.as_released`), citing it."""
    site = _("Agreement Tracker")
    title = cited_title(doc)
    version_on = doc.updated_at.date()
    today = datetime.date.today()
    plain = _(
        "%(site)s. “%(title)s”. Version %(version)s of %(date)s. %(url)s "
        "(accessed %(today)s)."
    ) % {
        "site": site,
        "title": title,
        "version": doc.version,
        "date": version_on.isoformat(),
        "url": url,
        "today": today.isoformat(),
    }
    if release is not None:
        plain += " " + _("In: %(reference)s") % {
            "reference": release_reference(release, release_url)
        }
    bibtex = "\n".join(
        [
            f"@misc{{{doc.slug.replace('-', '_')}_v{doc.version},",
            f"  title = {{{{{bibtex_value(title)}}}}},",
            f"  author = {{{{{bibtex_value(site)}}}}},",
            f"  year = {{{version_on.year}}},",
            f"  version = {{{doc.version}}},",
            f"  date = {{{version_on.isoformat()}}},",
            f"  url = {{{url}}},",
            f"  urldate = {{{today.isoformat()}}}",
            *(
                [
                    f"  note = {{{bibtex_value(release_reference(release, release_url))}}}"
                ]
                if release
                else []
            ),
            "}",
        ]
    )
    csl = {
        "id": f"{doc.slug}-v{doc.version}",
        "type": "treaty" if is_treaty(doc) else "document",
        "genre": str(doc.get_kind_display()),
        "title": title,
        "publisher": site,
        "version": str(doc.version),
        "available-date": {
            "date-parts": [[version_on.year, version_on.month, version_on.day]]
        },
        "accessed": {"date-parts": [[today.year, today.month, today.day]]},
        "URL": url,
    }
    if signed := date_parts(doc):
        csl["issued"] = {"date-parts": signed}
    if release is not None:
        csl["collection-title"] = _("Agreement Tracker: the whole dataset")
        csl["collection-number"] = str(release.number)
        csl["note"] = release_reference(release, release_url)
    return [
        (_("Plain text"), plain),
        ("BibTeX", bibtex),
        ("CSL-JSON", json.dumps(csl, ensure_ascii=False, indent=2)),
    ]


LEGAL_FORCE = {
    Status.IN_FORCE: "InForce",
    Status.PROVISIONALLY_APPLIED: "PartiallyInForce",
    Status.SUSPENDED: "NotInForce",
    Status.TERMINATED: "NotInForce",
    Status.EXPIRED: "NotInForce",
}


def same_as(*links):
    """schema.org `sameAs`: one link as itself, several as a list, none left out."""
    links = [link for link in links if link]
    if not links:
        return {}
    return {"sameAs": links[0] if len(links) == 1 else links}


def json_ld(doc, url):
    """schema.org data for search engines and citation tools, ready for a
    <script type="application/ld+json"> element: a treaty is `Legislation`, any
    other document a `CreativeWork` of its kind; dates as far as they are known."""
    # Those who signed or adopted it: not an authorised organisation, nor a party
    # to only one document of a package.
    parties = [
        {"@type": "Organization", "name": p.party.name.text}
        | same_as(wikidata_url(p.party.wikidata_id))
        for p in doc.participations.all()
        if p.role in SIGNING_ROLES
    ]
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation" if is_treaty(doc) else "CreativeWork",
        "@id": url,
        "url": url,
        "name": cited_title(doc),
        "inLanguage": doc.title.lang,
        "version": str(doc.version),
        "dateModified": doc.updated_at.isoformat(),
        "about": [s.name.text for s in doc.sectors.all()],
        "publisher": {"@type": "Organization", "name": _("Agreement Tracker")},
    }
    kind, signed = str(doc.get_kind_display()), doc.signed_display
    if is_treaty(doc):
        data.update(legislationType=kind, legislationPassedBy=parties)
        if signed:
            data["legislationDate"] = signed
        if doc.status in LEGAL_FORCE:
            data["legislationLegalForce"] = LEGAL_FORCE[doc.status]
    else:
        data.update(genre=kind, creator=parties)
        if signed:
            data["dateCreated"] = signed
    identifiers = doc.identifiers.all()
    links = [doc.full_text_url, *(i.url for i in identifiers)]
    links += [wikidata_url(i.value) for i in identifiers if i.scheme == "wikidata"]
    data |= same_as(*dict.fromkeys(filter(None, links)))
    if identifiers:
        data["identifier"] = [
            {"@type": "PropertyValue", "propertyID": i.scheme, "value": i.value}
            | ({"url": i.url} if i.url else {})
            for i in identifiers
        ]
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - escaped above like json_script


# A release of the whole dataset: cited as a data set, in English in its files
# (CITATION.cff, DataCite JSON), in the reader's language on the page.
DATASET_TITLE = "Agreement Tracker: the whole dataset"


def site_url(path):
    """`path` on SITE_URL, or None when SITE_URL is not set (nothing invented)."""
    return settings.SITE_URL.rstrip("/") + path if settings.SITE_URL else None


def release_reference(release, url):
    """How to cite a release, as plain text in the reader's language."""
    return _(
        "%(site)s (%(year)s). %(title)s, release %(number)s of %(date)s "
        "[data set]. %(url)s"
    ) % {
        "site": _("Agreement Tracker"),
        "year": release.published_at.year,
        "title": _("Agreement Tracker: the whole dataset"),
        "number": release.number,
        "date": release.published_at.date().isoformat(),
        "url": url,
    }


def citation_cff(number, published_on, url, licence):
    """CITATION.cff (Citation File Format 1.2.0) of release `number`."""
    data = {
        "cff-version": "1.2.0",
        "message": "If you use this dataset, please cite it as below.",
        "type": "dataset",
        "title": DATASET_TITLE,
        "version": str(number),
        "date-released": published_on.isoformat(),
        "authors": [{"name": licence["attribution"]}],
        "license": "CC-BY-4.0",
    }
    if url:
        data["url"] = url
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def datacite(number, published_on, url, licence, archive):
    """DataCite metadata (the REST API's JSON) of release `number`: what a DOI
    registration sends, less the DOI itself, which only a registration gives."""
    attributes = {
        "titles": [{"title": f"{DATASET_TITLE}, release {number}"}],
        "creators": [{"name": licence["attribution"], "nameType": "Organizational"}],
        "publisher": licence["attribution"],
        "publicationYear": published_on.year,
        "types": {"resourceTypeGeneral": "Dataset", "resourceType": "Data release"},
        "version": str(number),
        "dates": [{"date": published_on.isoformat(), "dateType": "Issued"}],
        "formats": ["application/zip"],
        "sizes": [f"{archive['size']} bytes"],
        "rightsList": [
            {
                "rights": licence["name"],
                "rightsUri": licence["url"],
                "rightsIdentifier": "cc-by-4.0",
            }
        ],
    }
    if url:
        attributes["url"] = url
    return json.dumps({"data": {"type": "dois", "attributes": attributes}}, indent=2)
