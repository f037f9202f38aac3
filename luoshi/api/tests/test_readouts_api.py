"""/api/v1/readouts: parse with the caller's gazetteer; draft and confirm as the wizard does."""

import pytest

from luoshi.accounts.services import token_create
from luoshi.readouts import services
from luoshi.readouts.tests.test_wizard_flow import READOUT
from luoshi.tasks.models import Source
from luoshi.units.services import unit_alias_add


@pytest.fixture
def as_user(client):
    def _as(user):
        _token, key = token_create(actor=None, user=user, name="test")
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {key}"
        return client

    return _as


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_parse_returns_the_json_contract(tree, as_user):
    client = as_user(tree.user("province", "supervisor"))
    response = post(client, "/api/v1/readouts/parse", {"text": READOUT})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"meeting", "items", "notes"}
    assert body["meeting"] == {"date": "03-02", "place": "石家庄市", "video": True}
    assert body["items"][0]["units"] == ["石家庄市", "定州市"]
    assert body["items"][0]["targets"][0]["value"] == 1200
    assert set(body["items"][0]) == {"text", "units", "deadline", "targets"}


def test_parse_resolves_units_through_the_callers_units_table(tree, as_user):
    unit_alias_add(actor=None, unit=tree.county, name="长安老城")
    client = as_user(tree.user("city", "reporter"))
    body = post(client, "/api/v1/readouts/parse", {"text": "会议强调，长安老城要加快改造。"}).json()
    assert body["items"][0]["units"] == ["长安区"]


def test_parse_refuses_anonymous_callers_and_huge_texts(tree, client, as_user):
    assert post(client, "/api/v1/readouts/parse", {"text": READOUT}).status_code == 401
    client = as_user(tree.user("province", "reporter"))
    response = post(client, "/api/v1/readouts/parse", {"text": "会" * (2 * 1024 * 1024)})
    assert response.status_code == 400 and response.json()["code"] == "too_large"


def test_a_supervisor_drafts_and_confirms_through_the_api(tree, as_user):
    client = as_user(tree.user("province", "supervisor"))
    created = post(client, "/api/v1/readouts/drafts", {"text": READOUT})
    assert created.status_code == 201
    draft = created.json()
    assert draft["issuer_code"] == "130000000000" and len(draft["data"]["rows"]) == 3
    assert client.get(f"/api/v1/readouts/drafts/{draft['id']}").status_code == 200
    confirmed = post(client, f"/api/v1/readouts/drafts/{draft['id']}/confirm", {})
    assert confirmed.status_code == 200, confirmed.json()
    assert confirmed.json()["tasks"] == 3
    assert Source.objects.get().pk == confirmed.json()["source_id"]


def test_drafts_are_for_supervisors_of_the_unit_only(tree, as_user):
    draft = post(as_user(tree.user("county", "supervisor")), "/api/v1/readouts/drafts", {"text": READOUT})
    assert draft.status_code == 201
    # A provincial readout seen from a county: the cities it names are not the county's to assign.
    rows = draft.json()["data"]["rows"]
    assert all(r["lead"] == [] for r in rows) and rows[0]["unmatched"] == ["石家庄市", "定州市"]
    reporter = as_user(tree.user("county", "reporter"))
    assert post(reporter, "/api/v1/readouts/drafts", {"text": READOUT}).status_code == 403


def test_a_draft_with_problems_is_refused_with_details(tree, as_user):
    actor = tree.user("province", "supervisor")
    draft = services.draft_create(actor=actor, text=READOUT)
    draft.data["rows"][0]["lead"] = []
    draft.save()
    client = as_user(actor)
    assert client.get(f"/api/v1/readouts/drafts/{draft.pk}").status_code == 200
    other = as_user(tree.user("city", "supervisor"))
    assert other.get(f"/api/v1/readouts/drafts/{draft.pk}").status_code == 404
    client = as_user(actor)
    response = post(client, f"/api/v1/readouts/drafts/{draft.pk}/confirm", {})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "draft_invalid" and any(d.startswith("row-0-lead") for d in body["details"])
    assert Source.objects.count() == 0
