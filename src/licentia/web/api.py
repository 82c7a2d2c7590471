"""The JSON API under /api/v1: one NinjaAPI, one error table, routers per domain."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema

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


@api.exception_handler(LicentiaError)
def licentia_error(request: HttpRequest, exc: LicentiaError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": exc.code, "message": exc.message, "details": exc.details},
        status=exc.status,
    )
