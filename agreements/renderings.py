"""What a document is shown as, stored beside it, and the code version that made it.

A rendering (the API record and list row, the CSV export line) has exactly one
implementation, in the layer that owns the output (`api/stored.py`,
`export.py`); it registers here (`register`), so that the derivation, which
sits below those layers, stores its output without importing them.

Each stored rendering carries `Document.rendered_by`, the version of the code
that made it: a hash of the source of every project module its renderer
reaches. A deploy that changes a serializer, a CSV column or a model gives a new
version, and a rendering of another version is never served (readers build it
again; `manage.py check_derived --fix` stores the new ones).
"""

import functools
import hashlib
import sys
import types

PACKAGE = "agreements"
# (column, …) -> function(ids, overrides, documents) -> {pk: {column: text}}
RENDERERS = {}


def register(*columns):
    """Declare `function(ids, overrides, documents=None)` as the one renderer of
    `columns`: it returns {pk: {column: text}}; `overrides` ({pk: {field:
    value}}) are values the derivation is about to store with them (status,
    updated_at); `documents`, if given, are these documents already read with
    `Document.objects.with_details()` (the derivation's one read of them)."""

    def decorator(function):
        RENDERERS[columns] = function
        version.cache_clear()
        return function

    return decorator


def apply(document, overrides):
    """Give a document read for rendering the values the derivation is about
    to store: its own columns, and its participations' statuses
    (`party_statuses`: {participation pk: status})."""
    overrides = dict(overrides)
    statuses = overrides.pop("party_statuses", {})
    for name, value in overrides.items():
        setattr(document, name, value)
    for participation in document.participations.all():
        participation.status = statuses.get(participation.pk, participation.status)


def columns():
    """Every stored rendering's column, in a fixed order."""
    return [column for group in RENDERERS for column in group]


def render(ids, overrides, documents=None):
    """{pk: {column: text}} of every registered rendering of these documents
    (`documents`: see `register`)."""
    rendered = {pk: {} for pk in ids}
    for function in RENDERERS.values():
        for pk, texts in function(ids, overrides, documents).items():
            rendered[pk].update(texts)
    return rendered


def _reached(module, seen):
    """The project's modules `module` uses, itself included, transitively."""
    if module is None or module.__name__ in seen:
        return
    seen[module.__name__] = module
    for value in vars(module).values():
        if isinstance(value, types.ModuleType):
            if hasattr(module, "__path__") and value.__name__.startswith(
                module.__name__ + "."
            ):
                continue  # a package's submodules, loaded by anyone: not its code
            used = value
        else:
            used = sys.modules.get(getattr(value, "__module__", None) or "")
        if used is not None and used.__name__.split(".")[0] == PACKAGE:
            _reached(used, seen)


@functools.cache
def version():
    """The version of the code behind every registered rendering (12 hex digits)."""
    seen = {}
    for function in RENDERERS.values():
        _reached(sys.modules[function.__module__], seen)
    digest = hashlib.sha256()
    for name in sorted(seen):
        digest.update(name.encode())
        path = getattr(seen[name], "__file__", None)
        if path:
            with open(path, "rb") as source:
                digest.update(source.read())
    return digest.hexdigest()[:12]
