"""Product catalogue endpoints. Each call is scoped to the caller's organisation."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from licentia.accounts.api_auth import token_or_session
from licentia.accounts.services import organisation_of
from licentia.controllists import services as controls
from licentia.controllists.api import ClassificationOut, classification_out
from licentia.controls.model import Regime
from licentia.products import services
from licentia.products.models import Product, ProductClassification

router = Router(auth=token_or_session)


class ProductIn(Schema):
    name: str = Field(..., max_length=200)
    description: str = Field(..., max_length=5000)
    internal_reference: str = Field("", max_length=100)


class ClassificationRecordIn(Schema):
    entry_path: str = Field(..., max_length=40, description="Control entry path or NOT_LISTED")
    regime: Regime = Regime.EU_ANNEX_I
    version: str | None = None
    answers: dict[str, Any] = Field(default_factory=dict)
    rationale: str = Field("", max_length=5000)


class ClassificationRecordOut(Schema):
    entry_path: str
    regime: str
    list_version: str
    excerpt: bool
    answers: dict[str, Any]
    rationale: str
    classified_at: datetime
    needs_review: bool
    review_reason: str


class ProductOut(Schema):
    id: int
    name: str
    description: str
    internal_reference: str
    classification: ClassificationRecordOut | None


def _record_out(record: ProductClassification) -> ClassificationRecordOut:
    return ClassificationRecordOut(
        entry_path=record.entry_path,
        regime=record.list_version.regime,
        list_version=record.list_version.version,
        excerpt=record.list_version.excerpt,
        answers=record.answers,
        rationale=record.rationale,
        classified_at=record.classified_at,
        needs_review=record.needs_review,
        review_reason=record.review_reason,
    )


def _product_out(product: Product) -> ProductOut:
    current = product.current_classification
    return ProductOut(
        id=product.pk,
        name=product.name,
        description=product.description,
        internal_reference=product.internal_reference,
        classification=_record_out(current) if current else None,
    )


@router.get("", response=list[ProductOut], summary="Your organisation's products")
def list_products(request: HttpRequest) -> list[ProductOut]:
    organisation = organisation_of(request.user)
    return [_product_out(p) for p in services.products_of(organisation=organisation)]


@router.post("", response={201: ProductOut}, summary="Add a product to the catalogue")
def create_product(request: HttpRequest, payload: ProductIn) -> Status:
    product = services.create_product(organisation=organisation_of(request.user), **payload.dict())
    return Status(201, _product_out(product))


@router.get("/{product_id}", response=ProductOut, summary="One product")
def get_product(request: HttpRequest, product_id: int) -> ProductOut:
    return _product_out(
        services.get_product(organisation=organisation_of(request.user), product_id=product_id)
    )


@router.post(
    "/{product_id}/suggestions",
    response=ClassificationOut,
    summary="Run the classification assistant on the product's description",
)
def suggest(
    request: HttpRequest, product_id: int, regime: Regime = Regime.EU_ANNEX_I
) -> ClassificationOut:
    product = services.get_product(
        organisation=organisation_of(request.user), product_id=product_id
    )
    list_version = controls.get_version(regime=regime)
    return classification_out(
        controls.classify(description=product.description, list_version=list_version)
    )


@router.post(
    "/{product_id}/classifications",
    response={201: ClassificationRecordOut},
    summary="Record the chosen classification with its list version and answers",
)
def record(request: HttpRequest, product_id: int, payload: ClassificationRecordIn) -> Status:
    product = services.get_product(
        organisation=organisation_of(request.user), product_id=product_id
    )
    list_version = controls.get_version(regime=payload.regime, version=payload.version)
    recorded = services.record_classification(
        product=product,
        list_version=list_version,
        entry_path=payload.entry_path,
        answers=payload.answers,
        rationale=payload.rationale,
        user=request.user if request.user.is_authenticated else None,
    )
    return Status(201, _record_out(recorded))
