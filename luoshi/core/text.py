"""Checks on free text that every service shares."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .exceptions import DomainError


def clean_text(value: str, label: str, max_length: int, *, required: bool = True) -> str:
    """``value`` stripped; DomainError naming ``label`` when it is empty (if required) or too long."""
    value = (value or "").strip()
    if required and not value:
        raise DomainError(_("%(field)s must not be empty.") % {"field": label}, code="required")
    if len(value) > max_length:
        raise DomainError(
            _("%(field)s is too long (at most %(n)d characters).") % {"field": label, "n": max_length},
            code="too_long",
        )
    return value
