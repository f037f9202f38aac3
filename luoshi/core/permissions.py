"""Role checks for views, API and CLI (scope is ``accounts.scoping``; this is the role)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from .exceptions import Forbidden


def require_role(user: Any, *roles: str) -> None:
    """Raise Forbidden unless ``user`` holds one of ``roles`` (superusers hold all)."""
    if getattr(user, "is_superuser", False):
        return
    held = set(getattr(user, "roles", None) or [])
    if not held & set(roles):
        raise Forbidden(_("Your role does not allow this action."))


def acts_for(user: Any, unit: Any, *roles: str) -> bool:
    """True when ``user`` belongs to ``unit`` itself and holds one of ``roles`` (or is a superuser).

    Acting (reporting, reviewing, decomposing) is for the unit's own people; seeing is wider
    (the subtree, through ``accounts.scoping``).
    """
    if getattr(user, "is_superuser", False):
        return True
    if getattr(user, "unit_id", None) != getattr(unit, "pk", None):
        return False
    return bool(set(getattr(user, "roles", None) or []) & set(roles))


def require_acts_for(user: Any, unit: Any, *roles: str) -> None:
    if not acts_for(user, unit, *roles):
        raise Forbidden(
            _("Only %(roles)s of %(unit)s may do this.")
            % {
                "roles": "、".join(_role_label(r) for r in roles),
                "unit": getattr(unit, "name", unit),
            }
        )


def _role_label(role: str) -> str:
    from luoshi.accounts.models import Role

    return str(Role(role).label) if role in Role.values else role
