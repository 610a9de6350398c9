"""What the API's record serializers share: the model's own validation on
write, and the link to the record's public page."""

import copy

from rest_framework import serializers


class ModelValidationMixin:
    """Run the model's own validation (fields, clean(), check constraints) so a
    write the database would refuse is a 400 with a message, never an IntegrityError.
    Text fields take JSON strings only (DRF would turn 0 into "0"), and their
    length limit applies to the text as sent, before surrounding whitespace is
    trimmed, as the schema's maxLength says. A whole number is a JSON integer,
    as the schema says (DRF would take 1.0, "1" or true). A link to a record is
    a slug or null, never "" (which DRF would read as null)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            texts = [
                (name, field, data[name])
                for name, field in self.fields.items()
                if isinstance(field, serializers.CharField)
                and not field.read_only
                and data.get(name) is not None
            ]
            for name, field, value in texts:
                limit = field.max_length
                if not isinstance(value, str):
                    errors[name] = ["Not a valid string."]
                elif limit is not None and len(value) > limit:
                    errors[name] = [
                        f"Ensure this field has no more than {limit} characters."
                    ]
            errors.update(
                (name, ["A valid integer is required."])
                for name, field in self.fields.items()
                if isinstance(field, serializers.IntegerField)
                and not field.read_only
                and data.get(name) is not None
                and (not isinstance(data[name], int) or isinstance(data[name], bool))
            )
            errors.update(
                (name, ["Give a slug, or null for none."])
                for name, field in self.fields.items()
                if isinstance(field, serializers.RelatedField)
                and not field.read_only
                and data.get(name) == ""
            )
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        instance = copy.copy(self.instance) if self.instance else model()
        many = {f.name for f in model._meta.many_to_many}
        for name, value in attrs.items():
            if name not in many:
                setattr(instance, name, value)
        instance.full_clean(exclude=many, validate_unique=False)
        return attrs


class HtmlUrlMixin(serializers.Serializer):
    url = serializers.SerializerMethodField(help_text="The public HTML page.")

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        path = obj.get_absolute_url()
        return request.build_absolute_uri(path) if request else path
