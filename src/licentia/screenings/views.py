"""The screening page: a form, then the hits with their explanations and the lists checked."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from licentia.errors import LicentiaError
from licentia.screening import PROFILES
from licentia.screenings import services

FIELDS = ("name", "country", "birth_date", "type", "profile")


@login_required
@require_http_methods(["GET", "POST"])
def screen_page(request: HttpRequest) -> HttpResponse:
    form = {key: request.POST.get(key, "").strip() for key in FIELDS}
    context: dict[str, object] = {
        "form": form,
        "profiles": PROFILES.values(),
        "current": "screenings:screen",
    }
    status = 200
    if request.method == "POST":
        try:
            query = services.make_query(
                name=form["name"],
                country=form["country"] or None,
                birth_date=form["birth_date"] or None,
                party_type=form["type"] or None,
            )
            context["screening"] = services.screen_party(
                query=query, profile_name=form["profile"] or "standard"
            )
        except LicentiaError as exc:
            context["error"] = exc
            status = exc.status
    return render(request, "screenings/screen.html", context, status=status)
