from django.db.backends.sqlite3 import base

from ..deriving import DerivingWrapper


class DatabaseWrapper(DerivingWrapper, base.DatabaseWrapper):
    pass
