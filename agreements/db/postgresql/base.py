from django.db.backends.postgresql import base

from ..deriving import DerivingWrapper


class DatabaseWrapper(DerivingWrapper, base.DatabaseWrapper):
    pass
