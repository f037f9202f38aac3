"""API authentication: a bearer token, or the browser's session (with CSRF for writes)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from luoshi.accounts.services import token_user


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


class UnitSessionAuth(SessionAuth):
    """Django's session, for pages that call the API from the browser."""


auth = [TokenAuth(), UnitSessionAuth()]
