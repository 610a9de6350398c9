from drf_spectacular import openapi
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What was wrong, in one sentence.")
    errors = serializers.DictField(
        required=False, help_text="Per parameter or field: the list of problems."
    )


class AutoSchema(openapi.AutoSchema):
    """Documents the error responses every endpoint can give."""

    def get_auth(self):
        # Reads are public: invalid credentials are simply ignored there, so
        # only writes declare (and enforce) authentication.
        return [] if self.method == "GET" else super().get_auth()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["400", "401", "403", "404", "406", "414", "429"]
        if self.method in ("POST", "PUT", "PATCH"):
            codes += ["413"]
        if self.method in ("PUT", "PATCH", "DELETE"):
            codes += ["412", "428"]
        if self.method == "DELETE":
            codes += ["409"]
        for code in codes:
            responses.setdefault(
                code, self._get_response_for_code(ErrorSerializer, code)
            )
        if self.method == "GET":
            responses.setdefault(
                "304",
                {
                    "description": "Not modified (If-None-Match, or else If-Modified-Since)."
                },
            )
        return responses


def allow_empty_query_values(result, generator, request, public):
    """Postprocessing hook: an empty filter (`?sector=`) means "no filter", as in
    HTML forms; say so in the schema rather than refuse it."""
    for path in result.get("paths", {}).values():
        for operation in path.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and not parameter.get("required"):
                    parameter["allowEmptyValue"] = True
    return result


def rows_are_any_of_their_shapes(result, generator, request, public):
    """A list row is the short shape or, with `expand=details`, the whole
    record; the record has every field of the row, so it matches both: anyOf,
    not oneOf (which means exactly one)."""
    row = result.get("components", {}).get("schemas", {}).get("DocumentListRow")
    if row and "oneOf" in row:
        row["anyOf"] = row.pop("oneOf")
    return result
