"""Until a signed-in user who needs the second factor has passed it in this session, they reach
only the second-factor pages and sign-out: pages redirect there, the API answers 403."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from licentia.accounts import mfa

# The views a user who owes the second factor may still open.
ALLOWED_VIEWS = frozenset({"accounts:mfa-verify", "accounts:mfa-enrol", "logout"})


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name in ALLOWED_VIEWS:
            return None
        api = match.namespace == "api" or match.namespace.startswith("api:")
        if api and "authorization" in request.headers:
            return None  # judged by the token (licentia.accounts.api_auth), not the session
        user = request.user
        if not isinstance(user, AbstractBaseUser) or not mfa.pending(request.session, user):
            return None
        if api:
            return JsonResponse(
                {
                    "code": "second_factor_required",
                    "message": "finish signing in with your authenticator app at /accounts/mfa/",
                    "details": {},
                },
                status=403,
            )
        target = "accounts:mfa-verify" if mfa.is_enrolled(user) else "accounts:mfa-enrol"
        return HttpResponseRedirect(
            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        )
