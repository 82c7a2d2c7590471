"""The JSON API under /api/v1: one NinjaAPI, one error table, routers per domain."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError

from licentia import __version__
from licentia.controllists.api import router as controls_router
from licentia.errors import LicentiaError
from licentia.products.api import router as products_router

DESCRIPTION = """
Licentia's API: the EU dual-use control list (Annex I to Regulation (EU) 2021/821) and other
regimes' lists, versioned; search; the classification assistant; the exporter's product
catalogue. Every answer cites the list version and entry it relies on.

Errors have one shape, `{"code": ..., "message": ..., "details": {...}}`, with the HTTP status
of the error: 404 unknown entry or version, 409 conflict with stored data, 422 invalid input.
"""


class ErrorOut(Schema):
    code: str
    message: str
    details: dict[str, object]


api = NinjaAPI(
    title="Licentia API",
    version=__version__,
    description=DESCRIPTION,
    urls_namespace="api",
)
api.add_router("/controls/", controls_router, tags=["Control lists"])
api.add_router("/products/", products_router, tags=["Product catalogue"])
api.add_router("/lists/", "licentia.partylists.api.router", tags=["Restricted-party lists"])
api.add_router("/determinations", "licentia.determinations.api.router", tags=["Determinations"])
api.add_router("/screenings", "licentia.screenings.api.router", tags=["Party screening"])
api.add_router("/indicators/", "licentia.indicators.api.router", tags=["Human-rights indicators"])
api.add_router("/risk-assessments", "licentia.riskassessments.api.router", tags=["Risk"])
api.add_router("/licences/", "licentia.licences.api.router", tags=["Licences"])
api.add_router("/cases/", "licentia.cases.api.router", tags=["Cases (authority)"])
api.add_router("/applications/", "licentia.applications.api.router", tags=["Applications"])
api.add_router("/parties/", "licentia.applications.api.parties_router", tags=["Parties"])
api.add_router("/registrations/", "licentia.applications.api.registrations_router", tags=["UGEA"])
api.add_router("/exchange/", "licentia.exchange.api.router", tags=["Exchange between deployments"])
api.add_router("/coordination/", "licentia.coordination.api.router", tags=["Coordination"])


# Errors the framework raises, in the same shape as ours.
_FRAMEWORK_CODES = {
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}


def _error(
    request: HttpRequest, status: int, code: str, message: str, details: dict[str, object]
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "details": details}, status=status
    )


@api.exception_handler(LicentiaError)
def licentia_error(request: HttpRequest, exc: LicentiaError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.details)


@api.exception_handler(ValidationError)
def payload_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = [
        f"{'.'.join(str(part) for part in error.get('loc', ()))}: {error.get('msg', 'invalid')}"
        for error in exc.errors
    ]
    first = list(exc.errors[0].get("loc", ())) if exc.errors else []
    # The field as the caller wrote it: without the source ("body", "query") or body parameter.
    field = ".".join(str(part) for part in first[2 if first[:1] == ["body"] else 1 :])
    return _error(
        request,
        422,
        "invalid_payload",
        "; ".join(problems),
        {"field": field or "body", "errors": list(exc.errors)},
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code = _FRAMEWORK_CODES.get(exc.status_code, "error")
    return _error(request, exc.status_code, code, str(exc), {})


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "no such resource", {})


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return _error(request, 413, "too_large", "the request body is larger than allowed", {})
