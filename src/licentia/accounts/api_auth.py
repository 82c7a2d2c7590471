"""Authentication for the JSON API: an API token (`Authorization: Bearer lic_...`) or the web
session (with the CSRF token on unsafe methods, as django-ninja checks for cookies).

Use it on a router or an operation, then ask `licentia.accounts.access` with `request.user`::

    from licentia.accounts.api_auth import token_or_session

    router = Router(auth=token_or_session)

    @router.get("/{pk}")
    def one(request, pk: int):
        case = access.get_case(request.user, pk)

With a token, `request.user` is the token's user. A request that sends a bearer token is
judged by the token alone: a wrong token is refused (401) even if a session cookie came too.
A session whose user still owes the second factor is refused (403 `second_factor_required`).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from licentia.accounts import mfa
from licentia.accounts.tokens import user_for_token


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer lic_...`: a personal API token made on the account pages."""

    def authenticate(self, request: HttpRequest, token: str) -> AbstractBaseUser:
        user = user_for_token(token)
        request.user = user
        return user


class SessionWithSecondFactor(SessionAuth):
    """The signed-in web session, once the second factor is passed where it is needed."""

    def authenticate(self, request: HttpRequest, key: str | None) -> AbstractBaseUser | None:
        user = request.user
        if not isinstance(user, AbstractBaseUser):
            return None
        if mfa.pending(request.session, user):
            raise mfa.SecondFactorRequired(
                "finish signing in with your authenticator app at /accounts/mfa/ first"
            )
        return user


api_token = ApiTokenAuth()
session = SessionWithSecondFactor()
# Tried in order: a bearer token if the request sends one, else the session.
token_or_session = [api_token, session]
