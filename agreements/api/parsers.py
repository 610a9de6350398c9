from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from ..params import json_shape_problem


class BoundedJSONParser(JSONParser):
    """JSON bodies within JSON_MAX_DEPTH and JSON_MAX_ITEMS, else a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            problem = "nested too deeply"
        else:
            problem = json_shape_problem(data)
        if problem:
            raise ParseError(f"JSON parse error - the body is {problem}.")
        return data
