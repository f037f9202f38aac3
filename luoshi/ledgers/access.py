"""Who may do what with a ledger (scope is ``accounts.scoping``; this is the role on top).

- Manage a ledger (create, revise, assign): a supervisor or administrator of the owner unit
  or of one of its ancestors.
- Fill rows (grid, upload, API): a reporter of the filling unit itself.
- Verify a change (退出验收): a supervisor or administrator of the verifying unit or above.
- See resident IDs and phone numbers unmasked: a supervisor or administrator of the row's
  unit or of an ancestor, and a reporter of the row's own unit (who entered them and must
  be able to correct and re-upload them). Leaders, and reporters looking at other units'
  rows, see them masked (130102********123X, 138****5678), in pages, exports and the API.

``actor=None`` is the system (CLI, demo, migrations) and may do everything; so may a
superuser.
"""

from __future__ import annotations

from typing import Any

from luoshi.accounts.models import Role
from luoshi.units.paths import is_within

MANAGERS = (Role.SUPERVISOR, Role.ADMIN)


def _roles(user: Any) -> set[str]:
    return set(getattr(user, "roles", None) or [])


def _unit_path(user: Any) -> str | None:
    unit = getattr(user, "unit", None)
    return unit.path if unit is not None else None


def is_system(user: Any) -> bool:
    return user is None or bool(getattr(user, "is_superuser", False))


def can_manage(user: Any, owner_path: str) -> bool:
    if is_system(user):
        return True
    own = _unit_path(user)
    return own is not None and bool(_roles(user) & set(MANAGERS)) and is_within(owner_path, own)


def can_fill(user: Any, unit: Any) -> bool:
    if is_system(user):
        return True
    return Role.REPORTER in _roles(user) and getattr(user, "unit_id", None) == unit.pk


def can_verify(user: Any, verifier_path: str) -> bool:
    return can_manage(user, verifier_path)


def can_see_sensitive(user: Any, unit_path: str) -> bool:
    if is_system(user):
        return True
    own = _unit_path(user)
    if own is None:
        return False
    roles = _roles(user)
    if roles & set(MANAGERS) and is_within(unit_path, own):
        return True
    return Role.REPORTER in roles and unit_path == own
