"""Writes to accounts: users with roles at a unit, API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from luoshi.audit.models import Action
from luoshi.audit.services import record
from luoshi.core import clock
from luoshi.core.exceptions import DomainError
from luoshi.units.models import Unit

from .models import ApiToken, Role, User, hash_token

USER_AUDIT_FIELDS = ("username", "display_name", "unit", "roles", "is_active")


def _user_snapshot(user: User) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "unit": user.unit_id,
        "roles": list(user.roles or []),
        "is_active": user.is_active,
    }


def _check_roles(roles: Iterable[str]) -> list[str]:
    roles = list(dict.fromkeys(roles))
    bad = [r for r in roles if r not in Role.values]
    if bad:
        raise DomainError(_("Unknown role: %(roles)s") % {"roles": ", ".join(bad)}, code="bad_role")
    return roles


def generate_password() -> str:
    """A password that is easy to read out over the phone: four groups of four."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    unit: Unit | None,
    roles: Iterable[str],
    password: str | None = None,
    display_name: str = "",
    post: str = "",
    is_superuser: bool = False,
) -> tuple[User, str]:
    """Create a user; returns the user and the password (generated when not given)."""
    username = (username or "").strip()
    if not username:
        raise DomainError(_("The user name must not be empty."), code="empty_name")
    if User.objects.filter(username=username).exists():
        raise DomainError(_("The user name “%(name)s” is taken.") % {"name": username}, code="duplicate")
    if unit is None and not is_superuser:
        raise DomainError(_("A user must belong to a unit."), code="no_unit")
    roles = _check_roles(roles)
    password = password or generate_password()
    user = User(
        username=username,
        unit=unit,
        roles=roles,
        display_name=display_name,
        post=post,
        is_superuser=is_superuser,
        is_staff=is_superuser,
    )
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password") from exc
    user.set_password(password)
    user.full_clean()
    user.save()
    record(
        actor=actor,
        action=Action.CREATE,
        obj=user,
        after=_user_snapshot(user),
        unit_path=unit.path if unit else "",
    )
    return user, password


@transaction.atomic
def user_set_password(*, actor: Any, user: User, password: str | None = None) -> str:
    password = password or generate_password()
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), code="weak_password") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    record(
        actor=actor,
        action=Action.UPDATE,
        obj=user,
        message=_("Password reset"),
        unit_path=user.unit.path if user.unit else "",
    )
    return password


@transaction.atomic
def token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``; the key is returned once and only its hash is kept."""
    name = (name or "").strip() or "api"
    key = "ls_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name[:60], prefix=key[3:11], key_hash=hash_token(key))
    record(
        actor=actor,
        action=Action.CREATE,
        obj=token,
        after={"user": user.pk, "name": token.name, "prefix": token.prefix},
        unit_path=user.unit.path if user.unit else "",
        related=user,
    )
    return token, key


def token_user(key: str) -> User | None:
    """The active user behind an API key, or None; marks the token used."""
    if not key or not key.startswith("ls_"):
        return None
    token = (
        ApiToken.objects.select_related("user", "user__unit")
        .filter(key_hash=hash_token(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    now = clock.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def token_revoke(*, actor: Any, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action=Action.UPDATE,
            obj=token,
            message=_("Token revoked"),
            unit_path=token.user.unit.path if token.user.unit else "",
            related=token.user,
        )
