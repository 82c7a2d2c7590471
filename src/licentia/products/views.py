"""Product catalogue pages, scoped to the signed-in user's organisation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from licentia.accounts.services import organisation_of
from licentia.controllists import services as controls
from licentia.controllists.models import ControlListVersion
from licentia.controllists.views import parse_regime, shows_errors
from licentia.controls.classify import Classification
from licentia.errors import InvalidInput, LicentiaError
from licentia.products import services
from licentia.products.forms import ClassificationRecordForm, ProductForm
from licentia.products.models import NOT_LISTED, Product


@login_required
@shows_errors
def product_list(request: HttpRequest) -> HttpResponse:
    products = services.products_of(organisation=organisation_of(request.user))
    return render(request, "products/list.html", {"products": products})


@login_required
@shows_errors
@require_http_methods(["GET", "POST"])
def product_create(request: HttpRequest) -> HttpResponse:
    organisation = organisation_of(request.user)
    form = ProductForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            product = services.create_product(organisation=organisation, **form.cleaned_data)
        except InvalidInput as error:
            field = error.details.get("field")
            form.add_error(str(field) if field in form.fields else None, error.message)
            status = error.status
        else:
            messages.success(request, f"“{product.name}” was added to your catalogue.")
            return redirect("products:detail", product_id=product.pk)
    elif request.method == "POST":
        status = 422
    return render(request, "products/create.html", {"form": form}, status=status)


@login_required
@shows_errors
@require_http_methods(["GET", "POST"])
def product_detail(request: HttpRequest, product_id: int) -> HttpResponse:
    product = services.get_product(
        organisation=organisation_of(request.user), product_id=product_id
    )
    if request.method == "POST":
        return _record(request, product)
    regime = parse_regime(request.GET.get("regime"))
    suggestion = None
    list_version = None
    questions: tuple[str, ...] = ()
    chosen = request.GET.get("choose", "").strip()[:40]
    if "suggest" in request.GET:
        list_version = controls.get_version(regime=regime)
        suggestion = controls.classify(description=product.description, list_version=list_version)
        questions = _questions_for(suggestion, chosen)
    form = ClassificationRecordForm(
        initial={"regime": regime.value, "entry_path": chosen}, questions=questions
    )
    return _detail(request, product, form, suggestion, list_version)


def _record(request: HttpRequest, product: Product) -> HttpResponse:
    form = ClassificationRecordForm(
        request.POST, questions=ClassificationRecordForm.questions_in(request.POST)
    )
    if not form.is_valid():
        return _detail(request, product, form, None, None, status=422)
    try:
        list_version = controls.get_version(regime=parse_regime(form.cleaned_data["regime"]))
        recorded = services.record_classification(
            product=product,
            list_version=list_version,
            entry_path=form.cleaned_data["entry_path"],
            answers=form.answers(),
            rationale=form.cleaned_data["rationale"],
            user=request.user if request.user.is_authenticated else None,
        )
    except LicentiaError as error:
        form.add_error("entry_path", error.message)
        return _detail(request, product, form, None, None, status=error.status)
    messages.success(
        request,
        f"Classification {recorded.entry_path} recorded under {list_version}.",
    )
    return redirect(reverse("products:detail", kwargs={"product_id": product.pk}))


def _detail(
    request: HttpRequest,
    product: Product,
    form: ClassificationRecordForm,
    suggestion: Classification | None,
    suggestion_version: ControlListVersion | None,
    *,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "products/detail.html",
        {
            "product": product,
            "history": product.classifications.all(),
            "form": form,
            "result": suggestion,
            "result_version": suggestion_version,
            "not_listed": NOT_LISTED,
        },
        status=status,
    )


def _questions_for(suggestion: Classification, chosen: str) -> tuple[str, ...]:
    """The questions of the candidate the exporter chose from the suggestion."""
    if not chosen:
        return ()
    if chosen.upper() == NOT_LISTED:
        return suggestion.questions
    for candidate in (*suggestion.candidates, *suggestion.released):
        if candidate.path == chosen:
            return candidate.questions
    return ()
