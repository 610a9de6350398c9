"""The analysts' screens; importing the package registers them all."""

from . import documents, files, people, records, releases, tokens, webhooks  # noqa: F401
