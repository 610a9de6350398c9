from rest_framework import pagination

from ..params import parse_int


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers with a bounded, client-chosen page size; bad values are a 400
    (`params.parse_int`, like every numeric parameter)."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        return parse_int(raw, self.page_size_query_param, 1, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        page, size = super().get_schema_operation_parameters(view)
        page["schema"] = {"type": "integer", "minimum": 1}
        size["schema"] = {
            "type": "integer",
            "minimum": 1,
            "maximum": self.max_page_size,
        }
        return [page, size]

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw != "last":
            parse_int(raw, self.page_query_param)
        return super().paginate_queryset(queryset, request, view)
