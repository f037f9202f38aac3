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
