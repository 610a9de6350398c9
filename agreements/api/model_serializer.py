"""The model serializer every serializer of the API builds on."""

import copy

from rest_framework import serializers


class ModelSerializer(serializers.ModelSerializer):
    """DRF works out a model serializer's fields (model introspection, field
    arguments, validators) for every instance, nested ones included; here once
    per class, then copied as DRF copies declared fields."""

    def get_fields(self):
        built = type(self).__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            type(self)._built_fields = built
        return copy.deepcopy(built)
