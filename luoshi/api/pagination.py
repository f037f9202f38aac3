"""Limit/offset pagination with bounded numbers: an offset past what the database's integers hold
(schemathesis sent 10**31) made SQLite and PostgreSQL fail with a server error instead of a 422."""

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination as _LimitOffsetPagination

MAX_OFFSET = 2**31 - 1


class LimitOffsetPagination(_LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.PAGINATION_PER_PAGE, ge=1, le=settings.PAGINATION_MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
