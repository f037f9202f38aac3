"""/api/v1/ledgers: scoping, masking, submitting a row, the aggregate."""

import pytest

from luoshi.accounts.services import token_create
from luoshi.ledgers.tests.test_services import HOUSEHOLD


@pytest.fixture
def api(client):
    def _as(user):
        _token, key = token_create(actor=None, user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return _as


def test_a_village_lists_its_ledgers_and_submits_a_row(poverty, village_users, api):
    tree = village_users
    client = api(tree.user("village", "reporter"))
    listing = client.get("/api/v1/ledgers").json()
    assert [item["key"] for item in listing["items"]] == ["poverty-households"]
    detail = client.get(f"/api/v1/ledgers/{poverty.pk}").json()
    assert detail["row_key"] == "id_number" and detail["columns"][1]["type"] == "resident_id"
    url = f"/api/v1/ledgers/{poverty.pk}/units/{tree.village.code}/rows"
    created = client.post(url, {"values": HOUSEHOLD}, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "created"
    same = client.post(url, {"values": HOUSEHOLD}, content_type="application/json")
    assert same.status_code == 200 and same.json()["status"] == "unchanged"
    bad = client.post(url, {"values": {**HOUSEHOLD, "id_number": "1"}}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_row"
    assert bad.json()["details"][0].startswith("「身份证号」：")
    rows = client.get(url).json()
    assert rows["count"] == 1 and rows["items"][0]["values"]["id_number"] == "11010519491231002X"


def test_a_leader_sees_masked_ids_and_cannot_submit(poverty, village_users, api):
    tree = village_users
    api(tree.user("village", "reporter")).post(
        f"/api/v1/ledgers/{poverty.pk}/units/{tree.village.code}/rows",
        {"values": HOUSEHOLD},
        content_type="application/json",
    )
    client = api(tree.user("county", "leader"))
    url = f"/api/v1/ledgers/{poverty.pk}/units/{tree.village.code}/rows"
    assert client.get(url).json()["items"][0]["values"]["id_number"] == "110105********002X"
    assert client.post(url, {"values": HOUSEHOLD}, content_type="application/json").status_code == 403


def test_a_sibling_gets_404(poverty, village_users, api):
    tree = village_users
    client = api(tree.user("sibling", "supervisor"))
    assert client.get(f"/api/v1/ledgers/{poverty.pk}").status_code == 404
    assert client.get(f"/api/v1/ledgers/{poverty.pk}/units/{tree.village.code}/rows").status_code == 404
    other = api(tree.user("village2", "reporter"))
    url = f"/api/v1/ledgers/{poverty.pk}/units/{tree.village.code}/rows"
    assert other.get(url).status_code == 404
    assert other.post(url, {"values": HOUSEHOLD}, content_type="application/json").status_code == 404


def test_the_aggregate_an_indicator_binds_to(poverty, village_users, api):
    tree = village_users
    api(tree.user("village", "reporter")).post(
        f"/api/v1/ledgers/{poverty.pk}/units/{tree.village.code}/rows",
        {"values": HOUSEHOLD},
        content_type="application/json",
    )
    client = api(tree.user("county", "supervisor"))
    body = client.get(f"/api/v1/ledgers/{poverty.pk}/aggregate", {"column": "income", "agg": "sum"}).json()
    assert body["value"] == "5000.5" and body["under"] == tree.county.code
    count = client.get(
        f"/api/v1/ledgers/{poverty.pk}/aggregate", {"agg": "count", "under": tree.village.code}
    ).json()
    assert count["value"] == 1
    assert (
        client.get(
            f"/api/v1/ledgers/{poverty.pk}/aggregate", {"agg": "sum", "under": tree.sibling.code}
        ).status_code
        == 404
    )
