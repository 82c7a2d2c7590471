"""The exporter's pages: applications, parties, registrations. Thin views over the services.

Every view asks `licentia.accounts.access` who the user is and what they may see (404
outside it), renders exporter-only templates, and turns a service error into a message on
the field it names, with the error's HTTP status.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from licentia.accounts import access
from licentia.applications import registrations, services
from licentia.applications.forms import (
    AppealForm,
    ApplicationPartyForm,
    DocumentForm,
    DraftCreateForm,
    GoodsLineForm,
    HeaderForm,
    InformationForm,
    PartyForm,
    RegistrationForm,
    RemoveForm,
    UsageReportForm,
    VersionedForm,
    WithdrawForm,
)
from licentia.applications.models import Application, GeneralAuthorisationRegistration
from licentia.applications.states import APPLICATION, ApplicationState, ApplicationTransition
from licentia.controllists.views import shows_errors
from licentia.errors import LicentiaError, NotFound, StaleObject
from licentia.products.models import Product

View = Callable[..., HttpResponse]


def exporter_page(view: View) -> View:
    """Signed in, acting for an exporter; service errors become an error page."""

    @login_required
    @shows_errors
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, access.require_exporter(request.user), *args, **kwargs)

    return wrapper


def _attempt(form: forms.Form, action: Callable[[], Any]) -> tuple[Any, int]:
    """Run a service call; on a refusal put its message on the field it names."""
    try:
        return action(), 200
    except StaleObject as error:
        form.add_error(None, f"Not saved: {error.message}.")
        return None, error.status
    except LicentiaError as error:
        if error.status in (401, 403):
            raise
        field = str(error.details.get("field", ""))
        form.add_error(field if field in form.fields else None, error.message)
        return None, error.status


def _with_errors(form: forms.Form) -> list[forms.Form]:
    return [form] if form.errors else []


# -- applications -----------------------------------------------------------------------------


@exporter_page
def application_list(request: HttpRequest, actor: access.Actor) -> HttpResponse:
    applications = access.applications_for(request.user).order_by("-updated_at", "-pk")
    return render(request, "applications/list.html", {"applications": applications})


@exporter_page
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest, actor: access.Actor) -> HttpResponse:
    form = DraftCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            draft, status = _attempt(
                form,
                lambda: services.create_draft(
                    organisation=actor.organisation, user=actor.user, **form.cleaned_data
                ),
            )
            if draft is not None:
                messages.success(request, f"Draft “{draft.title}” created.")
                return redirect("applications:detail", pk=draft.pk)
        else:
            status = 422
    return render(
        request,
        "applications/create.html",
        {"form": form, "forms_with_errors": _with_errors(form)},
        status=status,
    )


_EDITOR_ACTIONS = ("header", "goods", "party", "document", "remove-goods", "remove-party")


@exporter_page
@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, actor: access.Actor, pk: int) -> HttpResponse:
    application = access.get_application(request.user, pk)
    if application.state != ApplicationState.DRAFT:
        return _submitted(request, actor, application)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in (*_EDITOR_ACTIONS, "remove-document"):
            raise NotFound(f"no action {action!r} on a draft")
        return _edit(request, actor, application, action)
    return _editor(request, application, {})


def _edit(
    request: HttpRequest, actor: access.Actor, application: Application, action: str
) -> HttpResponse:
    user = actor.user
    bound: dict[str, forms.Form]
    if action == "header":
        form: VersionedForm = HeaderForm(request.POST, prefix="header")
        bound = {"header": form}

        def run() -> Any:
            data = dict(form.cleaned_data)
            version = data.pop("version")
            return services.update_header(
                application=application, version=version, header=services.Header(**data), user=user
            )

        done = "The application's details were saved."
    elif action == "goods":
        form = GoodsLineForm(request.POST, prefix="goods", products=_products(application))
        bound = {"goods": form}

        def run() -> Any:
            data = form.cleaned_data
            return services.add_goods_line(
                application=application,
                version=data["version"],
                details=services.GoodsLineDetails(
                    quantity=data["quantity"],
                    value_eur=data["value_eur"],
                    product_id=data["product"],
                    description=data["description"],
                    control_entry=data["control_entry"],
                    cyber_surveillance=data["cyber_surveillance"],
                    unit=data["unit"],
                ),
                user=user,
            )

        done = "The goods line was added."
    elif action == "party":
        form = ApplicationPartyForm(request.POST, prefix="party", parties=_parties(request))
        bound = {"party": form}

        def run() -> Any:
            data = dict(form.cleaned_data)
            version = data.pop("version")
            data["party_id"] = data.pop("party")
            return services.add_party(
                application=application,
                version=version,
                details=services.ApplicationPartyDetails(**data),
                user=user,
            )

        done = "The party was added."
    elif action == "document":
        form = DocumentForm(request.POST, request.FILES, prefix="document")
        bound = {"document": form}

        def run() -> Any:
            upload = form.cleaned_data["file"]
            return services.upload_document(
                application=application,
                version=form.cleaned_data["version"],
                kind=form.cleaned_data["kind"],
                upload=services.Upload(upload.name, upload.chunks()),
                user=user,
            )

        done = "The document was uploaded."
    else:
        form = RemoveForm(request.POST)
        bound = {"remove": form}
        remove = {
            "remove-goods": lambda v, i: services.remove_goods_line(
                application=application, version=v, line_id=i, user=user
            ),
            "remove-party": lambda v, i: services.remove_party(
                application=application, version=v, party_id=i, user=user
            ),
            "remove-document": lambda v, i: services.remove_document(
                application=application, version=v, document_id=i, user=user
            ),
        }[action]

        def run() -> Any:
            return remove(form.cleaned_data["version"], form.cleaned_data["item"])

        done = "Removed."
    if not form.is_valid():
        return _editor(request, application, bound, status=422)
    result, status = _attempt(form, run)
    if result is None:
        application.refresh_from_db()
        return _editor(request, application, bound, status=status)
    messages.success(request, done)
    return redirect("applications:detail", pk=application.pk)


def _editor(
    request: HttpRequest,
    application: Application,
    bound: dict[str, forms.Form],
    *,
    status: int = 200,
) -> HttpResponse:
    version = {"version": application.version}
    header = {
        "kind": application.kind,
        "title": application.title,
        "activity": application.activity,
        "destinations": ", ".join(application.destinations),
        "end_use": application.end_use,
        "purpose": application.purpose,
        "informed": application.informed,
        "aware": application.aware,
        "internal_compliance_programme": application.internal_compliance_programme,
        "large_project": application.large_project,
        "requested_validity_months": application.requested_validity_months,
    }
    context = {
        "application": application,
        "header_form": bound.get("header") or HeaderForm(prefix="header", initial=header | version),
        "goods_form": bound.get("goods")
        or GoodsLineForm(prefix="goods", initial=version, products=_products(application)),
        "party_form": bound.get("party")
        or ApplicationPartyForm(prefix="party", initial=version, parties=_parties(request)),
        "document_form": bound.get("document") or DocumentForm(prefix="document", initial=version),
        "remove_form": bound.get("remove"),
        "forms_with_errors": [f for f in bound.values() if f.errors],
        "goods_lines": application.goods_lines.all(),
        "parties": application.parties.all(),
        "documents": application.documents.all(),
        "end_use_statement_needed": services.needs_end_use_statement(application),
    }
    return render(request, "applications/editor.html", context, status=status)


def _products(application: Application) -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in Product.objects.filter(organisation=application.organisation)]


def _parties(request: HttpRequest) -> list[tuple[int, str]]:
    return [(p.pk, str(p)) for p in access.parties_for(request.user)]


@exporter_page
@require_http_methods(["GET", "POST"])
def application_review(request: HttpRequest, actor: access.Actor, pk: int) -> HttpResponse:
    application = access.get_application(request.user, pk)
    if application.state != ApplicationState.DRAFT:
        return redirect("applications:detail", pk=application.pk)
    form = VersionedForm(request.POST or None, initial={"version": application.version})
    status = 200
    if request.method == "POST" and form.is_valid():
        submitted, status = _attempt(
            form,
            lambda: services.submit(
                application=application, version=form.cleaned_data["version"], user=actor.user
            ),
        )
        if submitted is not None:
            messages.success(
                request,
                f"Application {submitted.reference} was submitted to the competent authority.",
            )
            return redirect("applications:detail", pk=application.pk)
        application.refresh_from_db()
    context = {
        "application": application,
        "form": form,
        "problems": services.validate_for_submission(application),
        "goods_lines": application.goods_lines.all(),
        "parties": application.parties.all(),
        "documents": application.documents.all(),
    }
    return render(request, "applications/review.html", context, status=status)


def _submitted(
    request: HttpRequest,
    actor: access.Actor,
    application: Application,
    bound: dict[str, forms.Form] | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    bound = bound or {}
    version = {"version": application.version}
    state = ApplicationState(application.state)
    allowed = APPLICATION.allowed(state)
    exporter_status = services.exporter_status(application)
    appeal_open = ApplicationTransition.APPEAL in allowed
    context = {
        "application": application,
        "status": exporter_status,
        "goods_lines": application.goods_lines.all(),
        "parties": application.parties.all(),
        "documents": application.documents.all(),
        "information_form": bound.get("information") or InformationForm(initial=version)
        if state is ApplicationState.INFORMATION_REQUESTED
        else None,
        "withdraw_form": bound.get("withdraw") or WithdrawForm(initial=version)
        if ApplicationTransition.WITHDRAW in allowed
        else None,
        "appeal_form": bound.get("appeal") or AppealForm(initial=version) if appeal_open else None,
        "forms_with_errors": [f for f in bound.values() if f.errors],
    }
    return render(request, "applications/detail.html", context, status=status)


@exporter_page
@require_POST
def application_withdraw(request: HttpRequest, actor: access.Actor, pk: int) -> HttpResponse:
    application = access.get_application(request.user, pk)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        done, status = _attempt(
            form,
            lambda: services.withdraw(
                application=application,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                user=actor.user,
            ),
        )
        if done:
            messages.success(request, "The application was withdrawn.")
            return redirect("applications:detail", pk=application.pk)
    else:
        status = 422
    application.refresh_from_db()
    if application.state == ApplicationState.DRAFT:
        return _editor(request, application, {"remove": form}, status=status)
    return _submitted(request, actor, application, {"withdraw": form}, status=status)


@exporter_page
@require_POST
def application_answer(request: HttpRequest, actor: access.Actor, pk: int) -> HttpResponse:
    application = access.get_application(request.user, pk)
    form = InformationForm(request.POST, request.FILES)
    status = 422
    if form.is_valid():
        upload = form.cleaned_data["file"]
        done, status = _attempt(
            form,
            lambda: services.provide_information(
                application=application,
                version=form.cleaned_data["version"],
                answer=form.cleaned_data["answer"],
                user=actor.user,
                upload=services.Upload(upload.name, upload.chunks()) if upload else None,
            ),
        )
        if done:
            messages.success(request, "Your answer was sent to the authority.")
            return redirect("applications:detail", pk=application.pk)
        application.refresh_from_db()
    return _submitted(request, actor, application, {"information": form}, status=status)


@exporter_page
@require_POST
def application_appeal(request: HttpRequest, actor: access.Actor, pk: int) -> HttpResponse:
    application = access.get_application(request.user, pk)
    form = AppealForm(request.POST)
    status = 422
    if form.is_valid():
        done, status = _attempt(
            form,
            lambda: services.appeal(
                application=application,
                version=form.cleaned_data["version"],
                grounds=form.cleaned_data["grounds"],
                user=actor.user,
            ),
        )
        if done:
            messages.success(request, "Your appeal was sent to the authority.")
            return redirect("applications:detail", pk=application.pk)
        application.refresh_from_db()
    return _submitted(request, actor, application, {"appeal": form}, status=status)


@login_required
@shows_errors
def document_download(request: HttpRequest, pk: int, document_id: int) -> FileResponse:
    """A document of an application the user may see (the exporter's own, or the competent
    authority's cases): sent as an attachment under its cleaned name, never rendered inline."""
    document = access.get_document(request.user, document_id)
    if document.application_id != pk:
        raise NotFound(f"no document {document_id} on application {pk}")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# -- reusable parties -------------------------------------------------------------------------


@exporter_page
def party_list(request: HttpRequest, actor: access.Actor) -> HttpResponse:
    return render(
        request, "applications/parties.html", {"parties": access.parties_for(request.user)}
    )


@exporter_page
@require_http_methods(["GET", "POST"])
def party_edit(
    request: HttpRequest, actor: access.Actor, party_id: int | None = None
) -> HttpResponse:
    party = access.get_party(request.user, party_id) if party_id is not None else None
    initial = (
        {
            "name": party.name,
            "type": party.type,
            "country": party.country,
            "address": party.address,
            "website": party.website,
            "identifiers": "\n".join(party.identifiers),
        }
        if party
        else None
    )
    form = PartyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            details = services.PartyDetails(**form.cleaned_data)
            saved, status = _attempt(
                form,
                lambda: (
                    services.update_party(party=party, details=details, user=actor.user)
                    if party
                    else services.create_party(
                        organisation=actor.organisation, details=details, user=actor.user
                    )
                ),
            )
            if saved is not None:
                messages.success(request, f"Party “{saved.name}” saved.")
                return redirect("applications:parties")
        else:
            status = 422
    return render(
        request,
        "applications/party_form.html",
        {"form": form, "party": party, "forms_with_errors": _with_errors(form)},
        status=status,
    )


@exporter_page
@require_POST
def party_delete(request: HttpRequest, actor: access.Actor, party_id: int) -> HttpResponse:
    party = access.get_party(request.user, party_id)
    services.delete_party(party=party, user=actor.user)
    messages.success(request, f"Party “{party.name}” deleted; applications keep their copy.")
    return redirect("applications:parties")


# -- general authorisations -------------------------------------------------------------------


def _registration(actor: access.Actor, pk: int) -> GeneralAuthorisationRegistration:
    found = registrations.registrations_of(organisation=actor.organisation).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"no registration {pk} that you may see")
    return found


@exporter_page
@require_http_methods(["GET", "POST"])
def registration_list(request: HttpRequest, actor: access.Actor) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            made, status = _attempt(
                form,
                lambda: registrations.register(
                    organisation=actor.organisation, user=actor.user, **form.cleaned_data
                ),
            )
            if made is not None:
                messages.success(
                    request,
                    f"Registered for {made.code}; acknowledgement number R-{made.pk:06d}.",
                )
                return redirect("applications:registration", pk=made.pk)
        else:
            status = 422
    context = {
        "registrations": registrations.registrations_of(organisation=actor.organisation),
        "form": form,
        "forms_with_errors": _with_errors(form),
    }
    return render(request, "applications/registrations.html", context, status=status)


@exporter_page
@require_http_methods(["GET", "POST"])
def registration_detail(request: HttpRequest, actor: access.Actor, pk: int) -> HttpResponse:
    registration = _registration(actor, pk)
    form = UsageReportForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            report, status = _attempt(
                form,
                lambda: registrations.submit_report(
                    registration=registration, user=actor.user, **form.cleaned_data
                ),
            )
            if report is not None:
                messages.success(request, "The usage report was submitted.")
                return redirect("applications:registration", pk=registration.pk)
        else:
            status = 422
    context = {
        "registration": registration,
        "rule": registrations.rule_of(registration.code),
        "reports": registration.reports.order_by("-period_end"),
        "form": form,
        "forms_with_errors": _with_errors(form),
    }
    return render(request, "applications/registration.html", context, status=status)


@exporter_page
@require_POST
def registration_withdraw(request: HttpRequest, actor: access.Actor, pk: int) -> HttpResponse:
    registration = registrations.withdraw_registration(
        registration=_registration(actor, pk), user=actor.user
    )
    messages.success(request, f"The registration for {registration.code} was withdrawn.")
    return redirect("applications:registrations")
