"""Catalogue rules: products belong to one organisation; classifications cite a list version."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from licentia.accounts.models import Organisation
from licentia.controllists.models import ControlListVersion
from licentia.controllists.services import core_list, get_entry
from licentia.controls.diff import ChangeKind, ListDiff, affected_classifications
from licentia.controls.model import Regime
from licentia.errors import InvalidInput, NotFound
from licentia.products.models import NOT_LISTED, Product, ProductClassification


def products_of(*, organisation: Organisation) -> QuerySet[Product]:
    return Product.objects.filter(organisation=organisation).prefetch_related(
        "classifications__list_version"
    )


def get_product(*, organisation: Organisation, product_id: int) -> Product:
    # Another organisation's product is reported as absent, not forbidden: no existence leak.
    product = products_of(organisation=organisation).filter(pk=product_id).first()
    if product is None:
        raise NotFound(f"no product {product_id} in your catalogue")
    return product


def create_product(
    *, organisation: Organisation, name: str, description: str, internal_reference: str = ""
) -> Product:
    if not name.strip():
        raise InvalidInput("a product needs a name", details={"field": "name"})
    if not description.strip():
        raise InvalidInput(
            "describe what the product is and does", details={"field": "description"}
        )
    return Product.objects.create(
        organisation=organisation,
        name=name.strip(),
        description=description.strip(),
        internal_reference=internal_reference.strip(),
    )


def record_classification(
    *,
    product: Product,
    list_version: ControlListVersion,
    entry_path: str,
    answers: dict[str, Any],
    rationale: str,
    user: AbstractBaseUser | None,
) -> ProductClassification:
    path = entry_path.strip()
    if path.upper() == NOT_LISTED:
        path = NOT_LISTED
    else:
        path = get_entry(list_version=list_version, path=path).path
    return ProductClassification.objects.create(
        product=product,
        list_version=list_version,
        entry_path=path,
        answers=answers,
        rationale=rationale.strip(),
        classified_by=user,
    )


def flag_for_review(*, list_version: ControlListVersion, diff: ListDiff | None) -> int:
    """Mark the current classifications that a newly imported list version puts in doubt.

    Every current classification under the same regime made with another, earlier list
    version is checked, whether that was the full list or the curated excerpt: its entry
    changed or is gone, or (for NOT_LISTED) the new version adds entries.
    """
    new_list = core_list(list_version=list_version)
    current = {
        product.current_classification
        for product in Product.objects.filter(
            classifications__list_version__regime=list_version.regime
        ).distinct()
    }
    earlier = [
        c
        for c in current
        if c is not None
        and c.list_version_id != list_version.pk
        and c.list_version.valid_from <= list_version.valid_from
    ]
    described_list = f"{Regime(list_version.regime).description} version {list_version.version}"
    added = diff.of_kind(ChangeKind.ADDED) if diff else []
    touched = affected_classifications(diff, {c.entry_path for c in earlier}) if diff else {}
    flagged = 0
    for classification in earlier:
        path = classification.entry_path
        if path == NOT_LISTED:
            reason = (
                f"{described_list} adds {len(added)} entries; confirm the product is still "
                "not listed"
                if added
                else ""
            )
        elif path not in new_list:
            reason = f"{described_list} has no entry {path}; classify the product again"
        elif changes := touched.get(path):
            described = "; ".join(f"{c.path} {c.kind.value}" for c in changes[:5])
            reason = f"{described_list} changed entries this classification relies on: {described}"
        else:
            reason = ""
        if reason:
            classification.needs_review = True
            classification.review_reason = reason
            classification.save(update_fields=["needs_review", "review_reason"])
            flagged += 1
    return flagged
