from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers with a bounded, client-chosen page size; bad values are a 400."""

    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {"page_size": f"Must be a whole number from 1 to {self.max_page_size}."}
            )
        return int(raw)

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
        if raw != "last" and not (raw.isdigit() and int(raw) >= 1):
            raise ValidationError(
                {"page": "Must be a page number (1, 2, …) or 'last'."}
            )
        return super().paginate_queryset(queryset, request, view)
