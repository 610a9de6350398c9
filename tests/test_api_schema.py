"""What the API returns is what its OpenAPI schema says, nulls included."""

import pytest
from rest_framework.test import APIClient

from agreements.models import Document, Occasion, Party, Person, Sector, Source

pytestmark = pytest.mark.django_db


def undeclared_nulls(value, schema, components, where="$"):
    """Paths in `value` holding a null where `schema` does not allow one."""
    while "$ref" in schema or "allOf" in schema:
        if "$ref" in schema:
            schema = {**components[schema["$ref"].rsplit("/", 1)[1]], **schema}
            del schema["$ref"]
        else:
            (part,) = schema.pop("allOf")
            schema = {**part, **schema}
    if value is None:
        allowed = schema.get("nullable") or any(
            "null" in str(s.get("type")) or s.get("nullable")
            for s in schema.get("oneOf", []) + schema.get("anyOf", [])
        )
        return [] if allowed else [where]
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key in schema.get("properties", {}):
                found += undeclared_nulls(
                    item, dict(schema["properties"][key]), components, f"{where}.{key}"
                )
    elif isinstance(value, list) and "items" in schema:
        for n, item in enumerate(value):
            found += undeclared_nulls(
                item, dict(schema["items"]), components, f"{where}[{n}]"
            )
    return found


def record_urls():
    for model, path in [
        (Document, "documents"),
        (Source, "sources"),
        (Party, "parties"),
        (Person, "people"),
        (Sector, "sectors"),
        (Occasion, "occasions"),
    ]:
        yield f"/api/v1/{path}/", f"/api/v1/{path}/{{slug}}/", None
        for slug in model.objects.values_list("slug", flat=True):
            yield f"/api/v1/{path}/{slug}/", f"/api/v1/{path}/{{slug}}/", slug


def test_every_null_a_read_returns_is_declared_nullable(seeded):
    api = APIClient()
    schema = api.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    found = {}
    for url, template, slug in record_urls():
        template = template if slug else url
        response = api.get(url)
        assert response.status_code == 200, url
        body = (
            response["content-type"].startswith("application/json") and response.json()
        )
        declared = schema["paths"][template]["get"]["responses"]["200"]
        declared = declared["content"]["application/json"]["schema"]
        if missing := undeclared_nulls(body, dict(declared), components):
            found[url] = missing
    assert not found
