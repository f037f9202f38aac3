"""CSRF on every form, the session and password settings, and the security headers."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from luoshi.core.tests.test_routes import ARGS

from .matrix import PAGES
from .test_matrix import page_routes

POSTABLE = sorted(name for name, case in PAGES.items() if case.write is not None)
TOKEN = "a" * 32  # an unmasked CSRF secret: the cookie and the form field must agree


@pytest.fixture
def operator(db):
    """A superuser of the province: passes every role check, so only CSRF can refuse."""
    from luoshi.accounts.services import user_create
    from luoshi.units.services import unit_create

    province = unit_create(actor=None, code="130000000000", name="河北省", level="province", parent=None)
    user, _ = user_create(
        actor=None, username="operator", unit=province, roles=["supervisor", "admin"], password="x" * 12
    )
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    return user


def _url(name: str) -> str:
    pattern = page_routes()[name]
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(ARGS[m.group(1)]), pattern)


@pytest.mark.parametrize("name", POSTABLE)
def test_every_form_refuses_a_post_without_the_csrf_token(operator, name):
    if name not in page_routes():
        pytest.skip("no such route (yet)")
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    url = _url(name)
    refused = client.post(url, {"x": "1"})
    assert refused.status_code == 403, (name, refused.status_code)
    client.cookies[settings.CSRF_COOKIE_NAME] = TOKEN
    accepted = client.post(url, {"x": "1", "csrfmiddlewaretoken": TOKEN})
    assert accepted.status_code != 403, (name, "refused with a valid token")


def test_every_route_that_accepts_a_post_is_listed_as_a_form():
    """A route whose entry says it takes no POST really refuses one (so the CSRF list is complete)."""
    silent = [n for n, c in PAGES.items() if c.write is None and c.read is not None]
    get_only = {"dashboard:unit", "dashboard:geo", "dashboard:export"}
    get_only |= {f"assessment:{n}" for n in ("list", "scheme", "run", "explanation", "export")}
    assert set(silent) <= get_only, silent


def test_the_api_refuses_a_session_post_without_the_csrf_token(operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(
        "/api/v1/sources", {"title": "x", "date": "2026-03-01"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)


def test_a_bearer_token_needs_no_csrf_token(operator):
    from luoshi.accounts.services import token_create

    _token, key = token_create(actor=operator, user=operator, name="t")
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/api/v1/sources",
        {"title": "会", "date": "2026-03-01"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.content


# --- Session, password and lockout settings --------------------------------------------------------


def test_the_session_cookie_is_http_only_same_site_and_short_lived():
    assert settings.SESSION_COOKIE_HTTPONLY is True
    assert settings.SESSION_COOKIE_SAMESITE in ("Lax", "Strict")
    assert settings.CSRF_COOKIE_SAMESITE in ("Lax", "Strict")
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.CSRF_COOKIE_SECURE == settings.SESSION_COOKIE_SECURE


def test_passwords_are_hashed_with_argon2_and_checked_by_the_validators():
    from luoshi import settings as production

    # The tests swap in a cheap hasher: read the project's own list.
    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert {
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    } <= names
    length = next(
        v for v in settings.AUTH_PASSWORD_VALIDATORS if v["NAME"].endswith("MinimumLengthValidator")
    )
    assert length["OPTIONS"]["min_length"] >= 10


def test_an_account_is_locked_after_repeated_failures(tree, client):
    from luoshi.accounts.services import user_create

    user_create(
        actor=None, username="clerk", unit=tree.county, roles=["reporter"], password="correct-horse-battery"
    )
    assert settings.AXES_FAILURE_LIMIT <= 10
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username"]
    login = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": "clerk", "password": "wrong-password"})
    locked = client.post(login, {"username": "clerk", "password": "correct-horse-battery"})
    assert locked.status_code in (403, 429) and "_auth_user_id" not in client.session


def test_the_cookies_become_secure_behind_https(monkeypatch):
    import importlib

    from luoshi import settings as production

    monkeypatch.setenv("LUOSHI_SECURE_COOKIES", "1")
    try:
        reloaded = importlib.reload(production)
        assert reloaded.SESSION_COOKIE_SECURE and reloaded.CSRF_COOKIE_SECURE
    finally:
        monkeypatch.delenv("LUOSHI_SECURE_COOKIES")
        importlib.reload(production)


# --- Security headers ----------------------------------------------------------------------------------


def _assert_headers(response) -> None:
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"  # no inline or eval'd script
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "default-src" in directives and "base-uri" in directives and "form-action" in directives
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_api_answers_and_errors_carry_the_security_headers(tree, login, client):
    _assert_headers(client.get(reverse("accounts:login")))
    _assert_headers(client.get("/api/v1/units"))  # 401
    user = login(tree.user("county", "reporter"))
    _assert_headers(user.get(reverse("home")))
    _assert_headers(user.get("/api/v1/units"))
    _assert_headers(user.get(reverse("units:detail", args=[tree.sibling.code])))  # 404
    _assert_headers(user.get(reverse("audit:list")))  # 403
    _assert_headers(user.get("/api/v1/openapi.json"))
