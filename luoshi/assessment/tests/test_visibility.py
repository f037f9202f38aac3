"""Who sees what of a result: the one selector, tested directly and through the pages."""

import pytest
from django.urls import reverse

from luoshi.assessment import selectors, services
from luoshi.core.exceptions import NotFound

from .conftest import END, add


@pytest.fixture
def published(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "on_time_rate", 60)
    add(scheme, boss, "return_rate", 40)
    run = services.run_compute(actor=boss, scheme=scheme, as_of=END)
    services.run_publish(actor=boss, run=run)
    run.refresh_from_db()
    return run


def _codes(user, run):
    return sorted(s.unit_code for s in selectors.scores_visible_to(user, selectors.run_for(user, run.pk)))


def test_a_county_sees_its_own_score_and_explanation_only(tree, published):
    user = tree.user("county", "reporter")
    assert _codes(user, published) == [tree.county.code]
    run = selectors.run_for(user, published.pk)
    assert selectors.explanation_for(user, run, tree.county.code).rank == 1
    with pytest.raises(NotFound):
        selectors.explanation_for(user, run, tree.sibling.code)


def test_public_ranks_show_peers_totals_but_not_their_explanations(tree, published):
    services.scheme_set_visibility(
        actor=tree.user("city", "supervisor"),
        scheme=published.scheme,
        ranks_public=True,
        explanations_public=False,
    )
    user = tree.user("county", "reporter")
    run = selectors.run_for(user, published.pk)
    assert _codes(user, published) == [tree.county.code, tree.sibling.code]
    with pytest.raises(NotFound):
        selectors.explanation_for(user, run, tree.sibling.code)
    # A township of 长安区 belongs to the assessed county: it sees the county's peer group too.
    assert _codes(tree.user("township", "reporter"), published) == [tree.county.code, tree.sibling.code]


def test_public_explanations_open_peers_explanations(tree, published):
    services.scheme_set_visibility(
        actor=tree.user("city", "supervisor"),
        scheme=published.scheme,
        ranks_public=True,
        explanations_public=True,
    )
    user = tree.user("county", "reporter")
    run = selectors.run_for(user, published.pk)
    assert selectors.explanation_for(user, run, tree.sibling.code).unit_code == tree.sibling.code


def test_explanations_are_never_public_without_public_ranks(tree, published):
    scheme = services.scheme_set_visibility(
        actor=tree.user("city", "supervisor"),
        scheme=published.scheme,
        ranks_public=False,
        explanations_public=True,
    )
    assert scheme.explanations_public is False


def test_the_owners_supervisors_and_leaders_and_those_above_see_everything(tree, published):
    for user in (
        tree.user("city", "leader"),
        tree.user("city", "supervisor"),
        tree.user("province", "leader"),
    ):
        assert _codes(user, published) == [tree.county.code, tree.sibling.code]
        assert selectors.sees_all(user, published.scheme)


def test_an_unpublished_run_is_hidden_from_the_assessed(tree, work, scheme):
    boss = tree.user("city", "supervisor")
    add(scheme, boss, "on_time_rate", 100)
    run = services.run_compute(actor=boss, scheme=scheme, as_of=END)
    with pytest.raises(NotFound):
        selectors.run_for(tree.user("county", "supervisor"), run.pk)
    assert selectors.run_for(tree.user("city", "leader"), run.pk) == run


def test_a_scheme_outside_the_users_line_is_not_found(tree, published):
    other = services.scheme_create(
        actor=tree.user("sibling", "supervisor"),
        owner=tree.sibling,
        name="乡镇考核",
        period_label="2026年",
        period_start=END.replace(month=1, day=1),
        period_end=END,
        level="township",
    )
    with pytest.raises(NotFound):
        selectors.scheme_for(tree.user("county", "supervisor"), other.pk)
    assert selectors.scheme_for(tree.user("county", "reporter"), published.scheme_id)  # issued from above


def test_pages_follow_the_same_rules(tree, published, login):
    client = login(tree.user("county", "reporter"))
    page = client.get(reverse("assessment:run", args=[published.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and "长安区" in body and "桥西区" not in body
    own = reverse("assessment:explanation", args=[published.pk, tree.county.code])
    sibling = reverse("assessment:explanation", args=[published.pk, tree.sibling.code])
    assert client.get(own).status_code == 200
    assert client.get(sibling).status_code == 404
    services.scheme_set_visibility(
        actor=tree.user("city", "supervisor"),
        scheme=published.scheme,
        ranks_public=True,
        explanations_public=False,
    )
    assert "桥西区" in client.get(reverse("assessment:run", args=[published.pk])).content.decode()
    assert client.get(sibling).status_code == 404
    api = client.get(reverse("api:run_detail", args=[published.pk])).json()
    rows = {r["unit_code"]: r for r in api["scores"]}
    assert rows[tree.sibling.code]["total"] is not None and rows[tree.sibling.code]["criteria"] is None
    assert rows[tree.county.code]["criteria"][0]["kind"] == "on_time_rate"
    assert client.get(reverse("api:explanation", args=[published.pk, tree.sibling.code])).status_code == 404
