"""The security matrix: every page and API route, tried by users of the unit itself, its parent,
a sibling and a child unit, and by an anonymous client, reading (GET) and writing (POST).

Only what ``matrix.py`` declares (after DESIGN.md, "Who sees what") may succeed: out of scope is
404, visible but not for the role is 403, anonymous is sent to log in (pages) or 401 (API). A
refused write leaves no audit entry, nothing answers with a server error, and no answer given
to the sibling county contains the county's marked data. A route added to the URL configuration
or the OpenAPI document without an entry in ``matrix.py`` fails ``test_every_route_has_an_entry``.
"""

from __future__ import annotations

import fnmatch
import json
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from luoshi.audit.models import AuditEntry
from luoshi.core.tests.test_routes import PUBLIC

from .matrix import ACTORS, ALL, API, NOWRITE, PAGES, PENDING, Case, Op
from .world import MARKERS, World

LOGIN = "/accounts/login/"


def _walk(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{namespace}{p.name}", prefix + str(p.pattern)


def page_routes() -> dict[str, str]:
    """Every named page route of the URL configuration (the API is listed by its document)."""
    return {
        name: pattern
        for name, pattern in _walk(get_resolver().url_patterns)
        if name not in PUBLIC and not name.startswith("api:")
    }


def api_operations() -> list[str]:
    from luoshi.api.api import api

    schema = api.get_openapi_schema()
    return sorted(f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops)


# --- Coverage: a route without an entry fails -------------------------------------------------


def test_every_route_has_an_entry():
    missing_pages = sorted(set(page_routes()) - set(PAGES) - PENDING)
    missing_ops = sorted(set(api_operations()) - set(API) - PENDING)
    assert not missing_pages and not missing_ops, (
        "Routes without an entry in luoshi/trust/tests/matrix.py (say who may read and write them): "
        + "; ".join([f"PAGES[{n!r}]" for n in missing_pages] + [f"API[{o!r}]" for o in missing_ops])
    )


def test_every_api_url_is_in_the_openapi_document():
    """The API's URL patterns and its document list the same paths (no undocumented route)."""
    documented = {op.split(" ", 1)[1] for op in api_operations()}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.startswith("api:") and name not in PUBLIC:
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", pattern)
            assert path in documented, f"{name} ({path}) is served but not in the OpenAPI document"


# --- Expectations ---------------------------------------------------------------------------------


def _matches(actor: str, patterns) -> bool:
    return any(fnmatch.fnmatchcase(actor, p) for p in patterns)


def expected(entry: Case | Op, allowed, actor: str, see=None) -> str:
    """ "ok", "403", "404", "405" or NOWRITE for ``actor`` given who is ``allowed``."""
    if allowed is None:
        return "405"
    unit, role = actor.rsplit("-", 1)
    see = see or entry.see
    hidden = see != ALL and unit not in see and not _matches(actor, see)
    gated = bool(entry.gate) and role not in entry.gate
    if getattr(entry, "scope_first", False) and hidden:
        refusal = "404"
    elif gated:
        refusal = "403"
    elif hidden:
        refusal = "404"
    elif allowed == ALL or _matches(actor, allowed):
        return "ok"
    else:
        refusal = "403"
    return NOWRITE if _matches(actor, entry.soft) else refusal


def _actors(entry: Case | Op, *patterns) -> list[str]:
    named = [p for group in patterns if group and group != ALL for p in group if "*" not in p]
    return list(dict.fromkeys([*ACTORS, *entry.actors, *named]))


def _check(response, want: str, *, method: str, where: str, logs_out: bool = False) -> None:
    status = response.status_code
    assert status < 500, f"{where}: server error {status}"
    if want == "ok":
        refused = status in (401, 403, 404, 405) or (
            status == 302 and response["Location"].startswith(LOGIN) and not logs_out
        )
        allowed = {200, 201, 204, 302, 303, 400, 409, 422} if method == "post" else {200, 302}
        assert status in allowed and not refused, f"{where}: expected to be allowed, got {status}"
    elif want == NOWRITE:
        pass
    else:
        assert str(status) == want, f"{where}: expected {want}, got {status}"


def _leaks(response) -> list[str]:
    kind = response.get("Content-Type", "")
    if not kind.startswith(("text/", "application/json")) or getattr(response, "streaming", False):
        return []
    body = response.content.decode("utf-8", "replace")
    return [m for m in MARKERS if m in body]


def _login(world: World, actor: str) -> Client:
    client = Client()
    client.force_login(world.user(actor), backend="django.contrib.auth.backends.ModelBackend")
    return client


def _run(world, entry, *, url, method, allowed, api, body=None, headers=None, see=None) -> None:
    """Try ``method`` on ``url`` as every actor (refused ones first) and anonymously."""
    actors = _actors(entry, allowed if isinstance(allowed, tuple) else ())
    wants = {a: expected(entry, allowed, a, see) for a in actors}
    order = sorted(actors, key=lambda a: wants[a] == "ok")
    headers = headers or {}
    anonymous = getattr(Client(), method)(url, **headers)
    if api:
        assert anonymous.status_code in (401, 405), (
            f"anonymous {method.upper()} {url}: {anonymous.status_code}"
        )
    else:
        assert anonymous.status_code in (302, 405), (
            f"anonymous {method.upper()} {url}: {anonymous.status_code}"
        )
        if anonymous.status_code == 302:
            assert anonymous["Location"].startswith(LOGIN)
    done = False
    for actor in order:
        client = _login(world, actor)
        before = AuditEntry.objects.count()
        if method == "get":
            response = client.get(url, **headers)
        elif api:
            response = client.post(url, json.dumps(body or {}), content_type="application/json", **headers)
        else:
            response = client.post(url, body or {}, **headers)
        where = f"{actor} {method.upper()} {url}"
        if getattr(entry, "once", False) and wants[actor] == "ok" and done:
            assert response.status_code == 404, (
                f"{where}: gone after the first write, got {response.status_code}"
            )
            continue
        _check(response, wants[actor], method=method, where=where, logs_out=getattr(entry, "logs_out", False))
        done = done or (wants[actor] == "ok" and method == "post")
        if wants[actor] != "ok":
            assert AuditEntry.objects.count() == before, (
                f"{where}: refused ({response.status_code}) but wrote"
            )
        if actor.startswith("sibling-"):
            assert not _leaks(response), f"{where}: the sibling county sees {_leaks(response)}"


def _page_url(world: World, name: str, case: Case) -> str:
    kwargs = case.args(world) if case.args else {}
    return reverse(name, kwargs=kwargs) + case.query


@pytest.mark.parametrize("name", sorted(PAGES))
def test_page_matrix(db, request, name):
    if name not in page_routes():
        pytest.skip("no such route (yet)")
    case = PAGES[name]
    world = World(request)
    url = _page_url(world, name, case)
    headers = {"HTTP_HX_REQUEST": "true"} if case.htmx else {}
    _run(world, case, url=url, method="get", allowed=case.read, api=False, headers=headers, see=case.read_see)
    write = case.read if case.write == "read" else case.write
    body = case.data(world) if case.data else {}
    _run(world, case, url=url, method="post", allowed=write, api=False, body=body, headers=headers)


@pytest.mark.parametrize("operation", sorted(API))
def test_api_matrix(db, request, operation):
    if operation not in api_operations():
        pytest.skip("no such operation (yet)")
    op = API[operation]
    method, path = operation.split(" ", 1)
    world = World(request)
    url = path.format(**(op.args(world) if op.args else {})) + op.query
    body = op.body(world) if op.body else {}
    _run(world, op, url=url, method=method.lower(), allowed=op.ok, api=True, body=body)
