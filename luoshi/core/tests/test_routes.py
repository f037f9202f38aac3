"""Every URL the configuration lists is guarded: anonymous clients are sent to log in (pages)
or refused (API), and a new route without an entry here fails this test."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Routes open without logging in, on purpose.
PUBLIC = {"accounts:login", "health", "set_language", "api:openapi-json", "api:openapi-view", "api:api-root"}
# Sample arguments for routes that take some.
ARGS = {
    "code": "130102000000",
    "pk": 1,
    "source_id": 1,
    "task_id": 1,
    "assignment_id": 1,
    "report_id": 1,
    "table": "children",
    "item_id": 1,
    "checklist_id": 1,
    "self_check_id": 1,
    "draw_id": 1,
    "finding_id": 1,
    "notice_id": 1,
    "message_id": 1,
}


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", prefix + str(p.pattern)


def _routes():
    return sorted(set(_walk(get_resolver().url_patterns)))


def _url(pattern: str) -> str:
    import re

    url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ARGS[m.group(1)]), pattern)
    return "/" + url.lstrip("^").rstrip("$")


@pytest.mark.parametrize(("name", "pattern"), _routes())
def test_anonymous_clients_cannot_use_any_private_route(client, db, name, pattern):
    if name in PUBLIC:
        pytest.skip("public route")
    url = _url(pattern)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        if name.startswith("api:"):
            assert response.status_code in (401, 405), (method, url, response.status_code)
        else:
            assert response.status_code in (302, 405), (method, url, response.status_code)
            if response.status_code == 302:
                assert "/accounts/login/" in response["Location"]


def test_the_public_routes_still_exist():
    names = {name for name, _ in _routes()}
    assert PUBLIC <= names
