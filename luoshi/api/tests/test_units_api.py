"""/api/v1/units: token auth, scoping, filters, pagination, the OpenAPI document."""

import pytest

from luoshi.accounts.services import token_create


@pytest.fixture
def api(client):
    def _as(user):
        _token, key = token_create(actor=None, user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return _as


def test_it_refuses_a_request_without_a_token(client, tree):
    response = client.get("/api/v1/units")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthorized"


def test_it_refuses_a_revoked_token(client, tree):
    from luoshi.accounts.services import token_revoke

    token, key = token_create(actor=None, user=tree.user("county", "reporter"), name="t")
    token_revoke(actor=None, token=token)
    assert client.get("/api/v1/units", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_a_county_lists_only_its_subtree(api, tree):
    body = api(tree.user("county", "reporter")).get("/api/v1/units").json()
    assert body["count"] == 3
    assert [u["name"] for u in body["items"]] == ["长安区", "建北街道", "建北社区"]


def test_a_county_gets_404_for_a_sibling_county_object(api, tree):
    client = api(tree.user("county", "reporter"))
    response = client.get(f"/api/v1/units/{tree.sibling.code}")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "未找到该单位。"}
    assert client.get(f"/api/v1/units/{tree.sibling.code}/children").status_code == 404


def test_detail_and_children(api, tree):
    client = api(tree.user("city", "reporter"))
    detail = client.get(f"/api/v1/units/{tree.county.code}").json()
    assert detail["parent_code"] == tree.city.code
    assert detail["path"] == "13/1301/130102"
    assert detail["children_count"] == 1
    assert "长安" in detail["aliases"]
    children = client.get(f"/api/v1/units/{tree.city.code}/children").json()
    assert [c["name"] for c in children["items"]] == ["长安区", "桥西区"]


def test_path_prefix_level_filters_and_pagination(api, tree):
    client = api(tree.user("province", "leader"))
    counties = client.get("/api/v1/units", {"level": "county"}).json()
    assert {u["name"] for u in counties["items"]} == {"长安区", "桥西区", "定州市", "雄县"}
    under = client.get("/api/v1/units", {"path": "13/1331"}).json()
    assert [u["name"] for u in under["items"]] == ["雄安新区", "雄县"]
    page = client.get("/api/v1/units", {"limit": 2, "offset": 2}).json()
    assert page["count"] == 10 and len(page["items"]) == 2
    assert client.get("/api/v1/units", {"level": "planet"}).status_code == 422


def test_the_path_filter_cannot_widen_the_scope(api, tree):
    body = api(tree.user("county", "reporter")).get("/api/v1/units", {"path": "13"}).json()
    assert {u["name"] for u in body["items"]} == {"长安区", "建北街道", "建北社区"}


def test_the_openapi_document_lists_the_unit_routes(client, db):
    doc = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/units", "/api/v1/units/{code}", "/api/v1/units/{code}/children"} <= set(doc["paths"])


def test_the_browser_session_works_for_reads(tree, login):
    client = login(tree.user("county", "reporter"))
    assert client.get("/api/v1/units").status_code == 200
