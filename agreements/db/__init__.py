"""Database backends: Django's PostgreSQL and SQLite backends, each deriving the
documents a transaction changed before it commits (`deriving.py`)."""
