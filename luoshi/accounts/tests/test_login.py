"""Logging in and out, lockout after repeated failures, password hashing."""

from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings
from django.urls import reverse

from conftest import PASSWORD


def _post_login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_a_user_logs_in_and_lands_on_the_home_page(client, tree):
    page = _post_login(client, "county-reporter", PASSWORD)
    assert page.status_code == 302 and page["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_a_wrong_password_shows_a_chinese_error(client, tree):
    page = _post_login(client, "county-reporter", "wrong-password")
    assert page.status_code == 200
    assert "用户名或密码不正确" in page.content.decode()


def test_repeated_bad_logins_lock_the_account_even_for_the_right_password(client, tree, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _post_login(client, "county-reporter", "wrong-password")
    page = _post_login(client, "county-reporter", PASSWORD)
    assert page.status_code == 429
    assert "登录失败次数过多" in page.content.decode()
    # Another account from the same address is not affected.
    assert _post_login(client, "sibling-reporter", PASSWORD).status_code == 302


def test_logout_needs_a_post(client, tree, login):
    login(tree.user("county", "reporter"))
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_passwords_are_hashed_with_argon2_outside_tests(db):
    from luoshi.accounts.services import user_create
    from luoshi.units.services import unit_create

    unit = unit_create(actor=None, code="130000000000", name="河北省", level="province", parent=None)
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.Argon2PasswordHasher"]):
        user, _ = user_create(actor=None, username="x", unit=unit, roles=["reporter"], password=PASSWORD)
        assert identify_hasher(user.password).algorithm == "argon2"
        assert user.check_password(PASSWORD)


def test_a_weak_password_is_refused(db):
    import pytest

    from luoshi.accounts.services import user_create
    from luoshi.core.exceptions import DomainError
    from luoshi.units.services import unit_create

    unit = unit_create(actor=None, code="130000000000", name="河北省", level="province", parent=None)
    with pytest.raises(DomainError) as err:
        user_create(actor=None, username="weak", unit=unit, roles=["reporter"], password="12345")
    assert err.value.code == "weak_password"


def test_an_unknown_role_is_refused(tree):
    import pytest

    from luoshi.accounts.services import user_create
    from luoshi.core.exceptions import DomainError

    with pytest.raises(DomainError) as err:
        user_create(actor=None, username="boss", unit=tree.county, roles=["emperor"])
    assert "emperor" in err.value.message


def test_api_tokens_are_created_once_and_can_be_revoked(client, tree, login):
    from luoshi.accounts.models import ApiToken

    login(tree.user("county", "reporter"))
    page = client.post(reverse("accounts:tokens"), {"name": "对接系统"})
    key = page.context["new_key"]
    assert key.startswith("ls_")
    token = ApiToken.objects.get()
    assert token.key_hash != key and key not in token.key_hash
    assert client.get(reverse("accounts:tokens")).context["new_key"] is None
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_user_cannot_revoke_someone_elses_token(client, tree, login):
    from luoshi.accounts.services import token_create

    token, _ = token_create(actor=None, user=tree.user("sibling", "reporter"), name="x")
    login(tree.user("county", "reporter"))
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
