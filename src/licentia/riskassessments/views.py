"""The risk page: a form, then the assessment panel (the same panel the case dossier embeds)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from licentia.errors import LicentiaError
from licentia.risk.flags import CATALOGUE
from licentia.risk.technology import TechnologyCategory
from licentia.riskassessments import services
from licentia.rules.model import PartyType

TEXT_FIELDS = ("destination", "date", "end_user_type", "end_user", "items", "end_use")


@login_required
@require_http_methods(["GET", "POST"])
def risk_page(request: HttpRequest) -> HttpResponse:
    form: dict[str, object] = {key: request.POST.get(key, "").strip() for key in TEXT_FIELDS}
    form["date"] = form["date"] or dt.date.today().isoformat()
    form["categories"] = request.POST.getlist("categories")
    form["flags"] = request.POST.getlist("flags")
    context: dict[str, object] = {
        "form": form,
        "end_user_types": list(PartyType),
        "categories": list(TechnologyCategory),
        "flags": CATALOGUE,
    }
    status = 200
    if request.method == "POST":
        items = [i.strip() for i in str(form["items"]).replace(",", " ").split() if i.strip()]
        try:
            context["assessment"] = services.assess(
                request_data={**form, "items": items},
                authority=services.authority_of(request.user),
            )
        except LicentiaError as exc:
            context["error"] = exc
            context["error_field"] = str(exc.details.get("field", "")).split("[")[0]
            status = exc.status
    return render(request, "riskassessments/risk.html", context, status=status)
