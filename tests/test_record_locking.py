"""Every editable record is locked optimistically (API and admin), and deleting a
record that is still used is refused with what uses it."""

import pytest
from django.urls import reverse

from agreements.models import Occasion, Party, Sector, Source, StaleVersion

from .conftest import ASTANA, api_as
from .test_admin import change_form_data

pytestmark = pytest.mark.django_db

# (model, collection, slug of a seeded record that documents use, a text field)
RECORDS = [
    (Party, "parties", "russia", "name_en"),
    (Occasion, "occasions", ASTANA, "name_en"),
    (Source, "sources", "astana-2023-s2", "title"),
    (Sector, "sectors", "energy", "name_en"),
]
IDS = [collection for _m, collection, _s, _f in RECORDS]


@pytest.fixture
def api(analyst):
    return api_as(analyst)


@pytest.mark.parametrize("model, collection, slug, field", RECORDS, ids=IDS)
def test_a_stale_copy_of_any_record_cannot_be_saved(
    seeded, model, collection, slug, field
):
    first, second = model.objects.get(slug=slug), model.objects.get(slug=slug)
    setattr(first, field, "First")
    first.save()
    setattr(second, field, "Second")
    with pytest.raises(StaleVersion):
        second.save()
    assert getattr(model.objects.get(slug=slug), field) == "First"


@pytest.mark.parametrize("model, collection, slug, field", RECORDS, ids=IDS)
def test_api_writes_to_any_record_need_the_current_etag(
    api, seeded, model, collection, slug, field
):
    url = f"/api/v1/{collection}/{slug}/"
    etag = api.get(url)["ETag"]
    assert api.patch(url, {field: "No precondition"}, format="json").status_code == 428
    first = api.patch(url, {field: "First"}, format="json", HTTP_IF_MATCH=etag)
    assert first.status_code == 200 and first.json()["version"] == 2
    second = api.patch(url, {field: "Second"}, format="json", HTTP_IF_MATCH=etag)
    assert second.status_code == 412
    assert getattr(model.objects.get(slug=slug), field) == "First"
    assert api.delete(url, HTTP_IF_MATCH=etag).status_code == 412
    assert api.delete(url).status_code == 428
    again = api.patch(
        url, {field: "Second"}, format="json", HTTP_IF_MATCH=first["ETag"]
    )
    assert again.status_code == 200


@pytest.mark.parametrize("model, collection, slug, field", RECORDS, ids=IDS)
def test_two_clients_with_the_same_etag_never_both_win(
    api, seeded, model, collection, slug, field
):
    """The race the If-Match check alone cannot close: both read version 1 before
    either writes; the version condition in the UPDATE refuses the second."""
    url = f"/api/v1/{collection}/{slug}/"
    etag = api.get(url)["ETag"]
    codes = sorted(
        api.patch(
            url, {field: f"Client {n}"}, format="json", HTTP_IF_MATCH=etag
        ).status_code
        for n in (1, 2)
    )
    assert codes == [200, 412]
    assert model.objects.get(slug=slug).version == 2


@pytest.mark.parametrize("model, collection, slug, field", RECORDS, ids=IDS)
def test_second_admin_save_of_any_record_is_refused_with_a_merge_message(
    analyst_client,
    second_analyst_client,
    seeded,
    model,
    collection,
    slug,
    field,  # noqa: F811
):
    record = model.objects.get(slug=slug)
    url = reverse(f"admin:agreements_{model._meta.model_name}_change", args=[record.pk])
    mine = change_form_data(analyst_client, url)
    theirs = change_form_data(second_analyst_client, url)
    theirs[field] = "Their text"
    assert second_analyst_client.post(url, theirs).status_code == 302

    mine[field] = "My text"
    response = analyst_client.post(url, mine, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "analyst2 saved this record" in page and field in page
    assert getattr(model.objects.get(slug=slug), field) == "Their text"

    mine["seen_version"] = response.context["adminform"].form.data["seen_version"]
    assert analyst_client.post(url, mine).status_code == 302
    assert getattr(model.objects.get(slug=slug), field) == "My text"


# (collection, slug, model name of what still uses it)
STILL_USED = [
    ("parties", "russia", "participation"),
    ("occasions", ASTANA, "document"),
    ("sources", "astana-2023-s2", "citation"),
]


@pytest.mark.parametrize("collection, slug, used_by", STILL_USED)
def test_api_delete_of_a_record_still_used_is_a_409_naming_the_users(
    api, seeded, collection, slug, used_by
):
    url = f"/api/v1/{collection}/{slug}/"
    response = api.delete(url, HTTP_IF_MATCH=api.get(url)["ETag"])
    assert response.status_code == 409
    assert "Still in use" in response.json()["detail"]
    assert used_by in response.json()["detail"]
    assert api.get(url).status_code == 200


def test_a_party_with_member_parties_is_protected_too(api, seeded):
    state = Party.objects.create(slug="a-state", name_en="A state", kind="state")
    Party.objects.create(
        slug="its-ministry", name_en="Ministry", kind="ministry", parent=state
    )
    url = "/api/v1/parties/a-state/"
    response = api.delete(url, HTTP_IF_MATCH=api.get(url)["ETag"])
    assert response.status_code == 409 and "Ministry" in response.json()["detail"]


def test_an_unused_record_is_deleted(api, seeded):
    Sector.objects.create(slug="unused", name_ru="Ничего", name_en="Nothing")
    url = "/api/v1/sectors/unused/"
    assert api.delete(url, HTTP_IF_MATCH=api.get(url)["ETag"]).status_code == 204


@pytest.mark.parametrize(
    "model, used_by",
    [(Party, "participation"), (Occasion, "document"), (Source, "citation")],
)
def test_admin_delete_of_a_record_still_used_lists_the_protected_objects(
    analyst_client, seeded, model, used_by
):
    record = model.objects.filter(**{f"{used_by}s__isnull": False}).first()
    url = reverse(f"admin:agreements_{model._meta.model_name}_delete", args=[record.pk])
    page = analyst_client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "would require deleting the following protected related objects" in page
    analyst_client.post(url, {"post": "yes"})
    assert model.objects.filter(pk=record.pk).exists()
    # The bulk action refuses the same way.
    changelist = reverse(f"admin:agreements_{model._meta.model_name}_changelist")
    response = analyst_client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [record.pk], "post": "yes"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "protected" in response.content.decode()
    assert model.objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_a_party_parent_cycle_is_refused_at_any_length(api, seeded, depth):
    chain = [
        Party.objects.create(slug=f"p{n}", name_en=f"P{n}", kind="company")
        for n in range(depth)
    ]
    for child, parent in zip(chain[1:], chain[:-1], strict=False):
        child.parent = parent
        child.save()
    url = f"/api/v1/parties/{chain[0].slug}/"
    response = api.patch(
        url,
        {"parent": chain[-1].slug},
        format="json",
        HTTP_IF_MATCH=api.get(url)["ETag"],
    )
    assert response.status_code == 400
    assert "cannot belong to itself" in str(response.json()["errors"])
    assert Party.objects.get(slug="p0").parent is None
