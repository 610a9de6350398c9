"""The analysts' screens; importing the package registers them all."""

from . import documents, files, records, tokens, webhooks  # noqa: F401
