"""Unit pages: the home page, a unit's page, the browser; scoped by the user's unit."""

import pytest
from django.urls import reverse


def test_the_home_page_shows_the_county_its_breadcrumb_and_children(tree, login):
    client = login(tree.user("county", "reporter"))
    page = client.get(reverse("home"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "长安区" in html and "建北街道" in html
    # The breadcrumb names the ancestors, but links only what the user may open.
    assert "河北省" in html and "石家庄市" in html
    assert reverse("units:detail", args=["130100000000"]) not in html
    assert "桥西区" not in html


def test_a_county_user_gets_404_for_a_sibling_county(tree, login):
    client = login(tree.user("county", "supervisor"))
    assert client.get(reverse("units:detail", args=[tree.sibling.code])).status_code == 404
    assert client.get(reverse("units:detail", args=[tree.city.code])).status_code == 404
    assert client.get(reverse("units:detail", args=[tree.township.code])).status_code == 200


def test_the_city_sees_both_counties_with_counts(tree, login):
    client = login(tree.user("city", "leader"))
    page = client.get(reverse("units:detail", args=[tree.city.code]))
    assert page.status_code == 200
    assert "长安区" in page.content.decode() and "桥西区" in page.content.decode()
    row = page.context["divisions"][0]
    assert (row.name, row.n_townships, row.n_villages) == ("长安区", 1, 1)


def test_the_children_counts_take_a_fixed_number_of_queries(tree, login, django_assert_max_num_queries):
    from luoshi.units.services import departments_add

    departments_add(actor=None, division=tree.province)
    client = login(tree.user("province", "leader"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("query", ["长安", "长安区", "130102", "长安区"])
def test_the_browser_finds_units_by_name_short_name_or_code(tree, login, query):
    client = login(tree.user("city", "reporter"))
    page = client.get(reverse("units:list"), {"q": query})
    assert "长安区" in [u.name for u in page.context["page"]]


def test_the_browser_finds_units_by_alias(tree, login):
    from luoshi.units.services import unit_alias_add

    unit_alias_add(actor=None, unit=tree.county, name="长安")
    unit_alias_add(actor=None, unit=tree.sibling, name="桥西老区")
    client = login(tree.user("city", "reporter"))
    page = client.get(reverse("units:list"), {"q": "老区"})
    assert [u.name for u in page.context["page"]] == ["桥西区"]


def test_the_browser_never_lists_a_sibling(tree, login):
    client = login(tree.user("county", "reporter"))
    page = client.get(reverse("units:list"), {"q": "桥西"})
    assert list(page.context["page"]) == []
    page = client.get(reverse("units:list"))
    assert {u.name for u in page.context["page"]} == {"长安区", "建北街道", "建北社区"}


def test_the_browser_answers_htmx_with_the_results_fragment(tree, login):
    client = login(tree.user("city", "reporter"))
    page = client.get(reverse("units:list"), {"q": "长安"}, HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert 'id="results"' in html and "<html" not in html


def test_pages_require_login(client, tree):
    page = client.get(reverse("units:detail", args=[tree.county.code]))
    assert page.status_code == 302 and reverse("accounts:login") in page["Location"]


def test_a_unit_name_with_markup_is_escaped(tree, login):
    from luoshi.units.services import unit_rename

    unit_rename(actor=None, unit=tree.township, name="<script>alert(1)</script>")
    page = login(tree.user("county", "reporter")).get(reverse("home"))
    assert b"<script>alert(1)</script>" not in page.content
    assert b"&lt;script&gt;" in page.content


def test_the_page_is_chinese_by_default_and_english_on_request(tree, login):
    client = login(tree.user("county", "reporter"))
    assert "下级区划" in client.get(reverse("home")).content.decode()
    # The browser's own language does not switch the site; the person's choice does.
    browser_english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")
    assert "下级区划" in browser_english.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "Subordinate divisions" in client.get(reverse("home")).content.decode()
