"""The public "Do I need a licence?" page: thin, the services decide."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from licentia.controllists import services as controls
from licentia.controllists.views import shows_errors
from licentia.controls.model import Regime
from licentia.determinations import services
from licentia.determinations.forms import CheckForm
from licentia.errors import InvalidInput
from licentia.rules.model import Certainty


@shows_errors
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    versions = controls.list_versions(regime=Regime.EU_ANNEX_I)
    form = CheckForm(request.POST or None, versions=versions)
    context: dict[str, object] = {
        "form": form,
        "versions": versions,
        "certainties": [(c.value, c.description) for c in Certainty],
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        document = form.document()
        try:
            context["answer"] = services.determine(data=document)
        except InvalidInput as error:
            form.add_determination_error(error)
            status = error.status
        context["document"] = document
    elif request.method == "POST":
        status = 422
    return render(request, "determinations/check.html", context, status=status)
