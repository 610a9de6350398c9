"""How a document page cites itself: plain text, BibTeX, CSL-JSON and JSON-LD,
each with the version and its date and the permanent address (`SITE_URL`)."""

import datetime
import json

from django.conf import settings
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from .lifecycle import Status

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


def citation_formats(doc, url):
    """[(format name, text)] for the "Cite this record" box."""
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
            "}",
        ]
    )
    csl = {
        "id": f"{doc.slug}-v{doc.version}",
        "type": "treaty",
        "title": title,
        "publisher": site,
        "version": str(doc.version),
        "issued": {"date-parts": [[version_on.year, version_on.month, version_on.day]]},
        "accessed": {"date-parts": [[today.year, today.month, today.day]]},
        "URL": url,
    }
    if doc.signed_on:
        csl["event-date"] = {
            "date-parts": [[doc.signed_on.year, doc.signed_on.month, doc.signed_on.day]]
        }
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


def json_ld(doc, url):
    """schema.org `Legislation` for search engines and citation tools, ready for a
    <script type="application/ld+json"> element."""
    data = {
        "@context": "https://schema.org",
        "@type": "Legislation",
        "@id": url,
        "url": url,
        "name": cited_title(doc),
        "inLanguage": doc.title.lang,
        "legislationType": str(doc.get_kind_display()),
        "version": str(doc.version),
        "dateModified": doc.updated_at.isoformat(),
        "legislationPassedBy": [
            {"@type": "Organization", "name": p.party.name.text}
            for p in doc.participations.all()
        ],
        "about": [s.name.text for s in doc.sectors.all()],
        "publisher": {"@type": "Organization", "name": _("Agreement Tracker")},
    }
    if doc.signed_on:
        data["legislationDate"] = doc.signed_on.isoformat()
    if doc.status in LEGAL_FORCE:
        data["legislationLegalForce"] = LEGAL_FORCE[doc.status]
    if doc.full_text_url:
        data["sameAs"] = doc.full_text_url
    text = json.dumps(data, ensure_ascii=False, indent=1).translate(SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - escaped above like json_script
