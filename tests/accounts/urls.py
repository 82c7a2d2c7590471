"""The product's URLs plus a small API that uses `token_or_session`, for the auth tests."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from licentia.accounts.api_auth import token_or_session
from licentia.errors import LicentiaError
from licentia.web.urls import urlpatterns as product_urlpatterns

api = NinjaAPI(urls_namespace="auth-test-api", auth=token_or_session)


@api.exception_handler(LicentiaError)
def licentia_error(request: HttpRequest, exc: LicentiaError) -> HttpResponse:
    body = {"code": exc.code, "message": exc.message, "details": exc.details}
    return api.create_response(request, body, status=exc.status)


@api.get("/whoami")
def whoami(request: HttpRequest) -> dict[str, str]:
    return {"username": request.user.get_username()}


@api.post("/whoami")
def whoami_post(request: HttpRequest) -> dict[str, str]:
    return {"username": request.user.get_username()}


urlpatterns = [path("auth-test-api/", api.urls), *product_urlpatterns]
