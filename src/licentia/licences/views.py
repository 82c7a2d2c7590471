"""Licence pages: the exporter's licences and the authority's, and the public verification.

Thin: they read forms, ask `licentia.accounts.access` what the user may see, and call the
services; an error of a service shows on the form's field or as an error page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from licentia.accounts import access
from licentia.audit.services import history
from licentia.controllists.views import shows_errors
from licentia.errors import LicentiaError, NotFound
from licentia.licences import records, services, verification
from licentia.licences.forms import (
    AmendForm,
    LicenceFilterForm,
    ReasonForm,
    ShipmentForm,
    SurrenderForm,
    VerifyForm,
)
from licentia.licences.models import Licence
from licentia.licences.pdf import licence_pdf
from licentia.licences.states import LICENCE, LicenceTransition

_AUTHORITY_ACTIONS: dict[str, Callable[..., Licence]] = {
    LicenceTransition.SUSPEND: services.suspend_licence,
    LicenceTransition.REINSTATE: services.reinstate_licence,
    LicenceTransition.ANNUL: services.annul_licence,
    LicenceTransition.REVOKE: services.revoke_licence,
}


@login_required
@shows_errors
@require_GET
def licence_list(request: HttpRequest) -> HttpResponse:
    actor = access.actor_of(request.user)
    form = LicenceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    licences = services.filter_licences(
        access.licences_for(request.user),
        state=filters.get("state", ""),
        kind=filters.get("kind", ""),
        text=filters.get("q", ""),
    )
    return render(
        request,
        "licences/list.html",
        {"licences": licences[:500], "form": form, "authority": actor.is_authority},
    )


@login_required
@shows_errors
@require_GET
def licence_detail(request: HttpRequest, licence_id: int) -> HttpResponse:
    licence = access.get_licence(request.user, licence_id)
    return _detail(request, licence)


@login_required
@shows_errors
@require_POST
def record_shipment(request: HttpRequest, licence_id: int) -> HttpResponse:
    licence = access.get_licence(request.user, licence_id)
    usage = services.line_usage(licence)
    form = ShipmentForm(request.POST, licence=licence, usage=usage)
    if not form.is_valid():
        return _detail(request, licence, shipment_form=form, status=422)
    data = form.cleaned_data
    try:
        shipment = services.record_shipment(
            licence,
            actor=request.user,
            position=data["line"],
            quantity=data["quantity"],
            value_eur=data["value_eur"],
            shipped_on=data["shipped_on"],
            consignee=data["consignee"],
            destination=data["destination"],
            customs_reference=data["customs_reference"],
            version=data["version"],
        )
    except LicentiaError as error:
        _add_error(form, error)
        return _detail(request, licence, shipment_form=form, status=error.status)
    messages.success(request, f"The shipment of {shipment.quantity.normalize():f} was recorded.")
    return redirect("licences:detail", licence_id=licence.pk)


@login_required
@shows_errors
@require_POST
def surrender(request: HttpRequest, licence_id: int) -> HttpResponse:
    licence = access.get_licence(request.user, licence_id)
    form = SurrenderForm(request.POST)
    if not form.is_valid():
        return _detail(request, licence, surrender_form=form, status=422)
    services.surrender_licence(
        services.as_seen(licence, form.cleaned_data["version"]),
        actor=request.user,
        reason=form.cleaned_data["reason"],
    )
    messages.success(request, f"Licence {licence.number} was surrendered.")
    return redirect("licences:detail", licence_id=licence.pk)


@login_required
@shows_errors
@require_POST
def act(request: HttpRequest, licence_id: int, action: str) -> HttpResponse:
    """Suspend, reinstate, annul or revoke, with the reason the officer gives."""
    licence = access.get_licence(request.user, licence_id)
    apply = _AUTHORITY_ACTIONS.get(action)
    if apply is None:
        raise NotFound(f"no licence action {action!r}")
    form = ReasonForm(request.POST, prefix=action)
    if not form.is_valid():
        return _detail(request, licence, reason_forms={action: form}, status=422)
    extra = {"criteria": form.cleaned_data["criteria"].split()}
    try:
        apply(
            services.as_seen(licence, form.cleaned_data["version"]),
            actor=request.user,
            reason=form.cleaned_data["reason"],
            **({} if action == LicenceTransition.REINSTATE else extra),
        )
    except LicentiaError as error:
        _add_error(form, error)
        return _detail(request, licence, reason_forms={action: form}, status=error.status)
    messages.success(request, f"Licence {licence.number} is now {licence.state}.")
    return redirect("licences:detail", licence_id=licence.pk)


@login_required
@shows_errors
@require_POST
def amend(request: HttpRequest, licence_id: int) -> HttpResponse:
    licence = access.get_licence(request.user, licence_id)
    form = AmendForm(request.POST, licence=licence, usage=services.line_usage(licence))
    if not form.is_valid():
        return _detail(request, licence, amend_form=form, status=422)
    data = form.cleaned_data
    try:
        services.amend_licence(
            services.as_seen(licence, data["version"]),
            actor=request.user,
            reason=data["reason"],
            conditions=data["conditions"],
            valid_until=data["valid_until"],
            lines=[
                services.LineChange(
                    position, data[f"line_{position}_quantity"], data[f"line_{position}_value"]
                )
                for position in form.positions
            ],
            substantial_limitation=data["substantial_limitation"],
        )
    except LicentiaError as error:
        _add_error(form, error)
        return _detail(request, licence, amend_form=form, status=error.status)
    messages.success(request, f"Licence {licence.number}: amendment {licence.amendment} made.")
    return redirect("licences:detail", licence_id=licence.pk)


@login_required
@shows_errors
@require_GET
def download_pdf(request: HttpRequest, licence_id: int) -> HttpResponse:
    licence = access.get_licence(request.user, licence_id)
    content = licence_pdf(licence, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="licence-{licence.number}.pdf"'
    return response


@login_required
@shows_errors
@require_GET
def export_records(request: HttpRequest, fmt: str) -> HttpResponse:
    """The shipments under the licences the user may see, as CSV or JSON (Art 27 records)."""
    found = records.shipment_records(licences=access.licences_for(request.user))
    if fmt == "csv":
        response = HttpResponse(records.records_csv(found), content_type="text/csv")
    else:
        response = HttpResponse(records.records_json(found), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="export-records.{fmt}"'
    return response


@shows_errors
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """Public: anyone checks a licence by number and code (no sign-in)."""
    data = request.POST if request.method == "POST" else request.GET
    form = VerifyForm(data if "number" in data else None)
    context: dict[str, Any] = {"form": form, "checked": False}
    status = 200
    if form.is_bound and form.is_valid():
        try:
            context["result"] = verification.verify_licence(
                number=form.cleaned_data["number"],
                code=form.cleaned_data["code"],
                client=verification.client_key(request.META.get("REMOTE_ADDR", "")),
            )
            context["checked"] = True
        except verification.TooManyAttempts as error:
            context["limited"] = error.message
            status = error.status
    elif form.is_bound:
        status = 422
    context["no_match"] = verification.NO_MATCH
    response = render(request, "licences/verify.html", context, status=status)
    if status == 429:
        response["Retry-After"] = str(int(verification.WINDOW.total_seconds()))
    return response


def _detail(
    request: HttpRequest,
    licence: Licence,
    *,
    shipment_form: ShipmentForm | None = None,
    surrender_form: SurrenderForm | None = None,
    amend_form: AmendForm | None = None,
    reason_forms: dict[str, ReasonForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    actor = access.actor_of(request.user)
    usage = services.line_usage(licence)
    allowed = {str(name) for name in LICENCE.allowed(licence.status)}
    context: dict[str, Any] = {
        "licence": licence,
        "usage": usage,
        "shipments": services.shipments_of(licence),
        "history": history(licence),
        "authority": actor.is_authority,
        "allowed": allowed,
    }
    if actor.is_exporter:
        if shipment_form is not None:  # a refused one, with its errors
            context["shipment_form"] = shipment_form
        elif licence.status.usable and any(not u.used_up for u in usage):
            context["shipment_form"] = ShipmentForm(licence=licence, usage=usage)
        if LicenceTransition.SURRENDER in allowed:
            context["surrender_form"] = surrender_form or SurrenderForm(
                initial={"version": licence.version}
            )
    if actor.is_authority:
        given = reason_forms or {}
        context["reason_forms"] = [
            (
                name,
                given.get(name) or ReasonForm(prefix=name, initial={"version": licence.version}),
            )
            for name in _AUTHORITY_ACTIONS
            if name in allowed
        ]
        if LicenceTransition.AMEND in allowed:
            context["amend_form"] = amend_form or AmendForm(licence=licence, usage=usage)
    return render(request, "licences/detail.html", context, status=status)


def _add_error(form: forms.Form, error: LicentiaError) -> None:
    """Show a refusal (422) or conflict (409) on the form; anything else is an error page."""
    if error.status not in (409, 422):
        raise error
    field = error.details.get("field")
    form.add_error(str(field) if field in form.fields else None, error.message)
