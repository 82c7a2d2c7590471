"""Risk assessments over the stored indicators, with an authority's own configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from licentia.accounts.models import Membership, Organisation, OrganisationKind
from licentia.errors import InvalidInput
from licentia.risk.assess import Assessment, RiskRequest, request_from
from licentia.risk.assess import assess as assess_risk
from licentia.risk.config import DEFAULT_CONFIG, RiskConfig
from licentia.risk.model import IndicatorStore
from licentia.risk.store import MemoryStore
from licentia.riskassessments.models import RiskConfiguration, RiskConfigurationChange

MAX_REASON = 2000


def indicator_store() -> IndicatorStore:
    """The indicators loaded in the database; with the indicators app absent an empty store,
    so that every assessment says "insufficient data" (no indicators loaded)."""
    if not apps.is_installed("licentia.indicators"):
        return MemoryStore()
    from licentia.indicators.services import store

    return store()


def authority_of(user: AbstractBaseUser | None) -> Organisation | None:
    """The competent authority the user acts for, or None (exporters use the defaults)."""
    if user is None or not user.is_authenticated:
        return None
    membership = Membership.objects.select_related("organisation").filter(user=user).first()
    if membership is None or membership.organisation.kind != OrganisationKind.AUTHORITY:
        return None
    return membership.organisation


def configuration(*, authority: Organisation | None) -> RiskConfig:
    """The authority's configuration, or the defaults when it has set none."""
    if authority is None:
        return DEFAULT_CONFIG
    stored = RiskConfiguration.objects.filter(authority=authority).first()
    if stored is None or stored.revision == 0:
        return DEFAULT_CONFIG
    return RiskConfig.from_dict({**stored.settings, "version": stored.version})


def history(*, authority: Organisation) -> list[RiskConfigurationChange]:
    return list(
        RiskConfigurationChange.objects.filter(configuration__authority=authority)
        .select_related("changed_by")
        .order_by("-revision")
    )


def change_configuration(
    *,
    authority: Organisation,
    changes: Mapping[str, Any],
    user: AbstractBaseUser,
    reason: str,
) -> RiskConfiguration:
    """Apply `changes` (settings of `RiskConfig`) to the authority's configuration and log them.

    Nothing is written unless every value is valid; the change log records each setting's old
    and new value, the user, the time and the reason.
    """
    if authority.kind != OrganisationKind.AUTHORITY:
        raise InvalidInput(
            f"authority: {authority} is not a competent authority", details={"field": "authority"}
        )
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason: say why the configuration changes", details={"field": "reason"})
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"reason: longer than {MAX_REASON} characters", details={"field": "reason"}
        )
    if "version" in changes:
        raise InvalidInput(
            "changes.version: the version is set by Licentia at each change",
            details={"field": "version"},
        )
    if not changes:
        raise InvalidInput("changes: nothing to change", details={"field": "changes"})
    with transaction.atomic():
        stored, _ = RiskConfiguration.objects.select_for_update().get_or_create(authority=authority)
        current = RiskConfig.from_dict(stored.settings).to_dict()
        updated = RiskConfig.from_dict({**stored.settings, **changes}).to_dict()
        diff = {
            key: {"from": current[key], "to": updated[key]}
            for key in changes
            if current[key] != updated[key]
        }
        if not diff:
            raise InvalidInput(
                "changes: every value given is already the configured one",
                details={"field": "changes"},
            )
        stored.settings = {**stored.settings, **{key: updated[key] for key in diff}}
        stored.revision += 1
        stored.save()
        RiskConfigurationChange.objects.create(
            configuration=stored,
            revision=stored.revision,
            changed_by=user,
            changes=diff,
            reason=reason,
        )
    return stored


def assess(
    *,
    request_data: Mapping[str, Any] | RiskRequest,
    authority: Organisation | None = None,
    store: IndicatorStore | None = None,
) -> Assessment:
    """Assess one transaction with the authority's configuration over the stored indicators."""
    request = request_data if isinstance(request_data, RiskRequest) else request_from(request_data)
    return assess_risk(
        request,
        store if store is not None else indicator_store(),
        configuration(authority=authority),
    )
