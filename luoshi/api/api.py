"""/api/v1: one NinjaAPI, one error shape ``{"code", "message"}``, routers per domain."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from luoshi.core.exceptions import DomainError

from .assessment import router as assessment_router
from .auth import auth
from .dashboard import router as dashboard_router
from .indicators import router as indicators_router
from .inspections import router as inspections_router
from .ledgers import router as ledgers_router
from .readouts import router as readouts_router
from .supervision import router as supervision_router
from .tasks import router as tasks_router
from .units import router as units_router

api = NinjaAPI(
    title="luoshi API",
    version="1",
    description="落实 — tasks, reports and units, scoped to the caller's unit.",
    auth=auth,
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    body = {"code": exc.code, "message": exc.message}
    if exc.details:
        body["details"] = exc.details
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"code": "not_found", "message": _("Not found.")}, status=404)


@api.exception_handler(AuthenticationError)
def unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "unauthorized", "message": _("Authentication required: send a valid token.")},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "invalid", "message": _("The request is not valid."), "details": exc.errors},
        status=422,
    )


api.add_router("/units", units_router)
api.add_router("/readouts", readouts_router)
api.add_router("/indicators", indicators_router)
api.add_router("/assessment", assessment_router)
api.add_router("/dashboard", dashboard_router)
api.add_router("/ledgers", ledgers_router)
api.add_router("/inspections", inspections_router)
api.add_router("/supervision", supervision_router)
api.add_router("/", tasks_router)
