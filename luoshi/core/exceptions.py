"""The one error type a service raises when it refuses an action.

Views show `message` to the person (it is Chinese through gettext), the API returns
`{"code": ..., "message": ...}` and the CLI prints it and exits non-zero.
"""

from __future__ import annotations


class DomainError(Exception):
    """A refusal by a business rule, with a stable machine code and a readable message."""

    status = 400

    def __init__(self, message: str, *, code: str = "invalid", details: list[str] | None = None):
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.details = details or []


class NotFound(DomainError):
    """The object does not exist or lies outside the actor's scope (the two look the same)."""

    status = 404

    def __init__(self, message: str, *, code: str = "not_found"):
        super().__init__(message, code=code)


class Forbidden(DomainError):
    """The object is visible, but the actor's role does not allow this action."""

    status = 403

    def __init__(self, message: str, *, code: str = "forbidden"):
        super().__init__(message, code=code)
