"""Licence endpoints under /api/v1/licences/: thin over the services and the access rules.

Exporters see their organisation's licences, authorities those they issued (404 otherwise).
`GET /verify` is public and shows only what the verification page shows.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from licentia.accounts import access
from licentia.accounts.api_auth import token_or_session
from licentia.licences import records, services, verification
from licentia.licences.models import Licence, Shipment
from licentia.licences.pdf import licence_pdf
from licentia.licences.states import LICENCE

router = Router(auth=token_or_session)


class LicenceOut(Schema):
    id: int
    number: str
    kind: str
    state: str
    state_description: str
    version: int = Field(description="Send it back with a change: a stale one is a 409")
    amendment: int
    holder: str
    holder_eori: str
    authority: str
    member_state: str
    issued_at: datetime
    valid_from: date
    valid_until: date
    destinations: list[str]
    end_users: list[dict[str, str]]
    conditions: str
    verification_code: str
    allowed: list[str] = Field(description="Transitions the licence's state allows now")
    case_id: int | None = Field(None, description="The authority's case (authorities only)")


class LineOut(Schema):
    position: int
    description: str
    control_entry: str
    unit: str
    quantity: Decimal
    value_eur: Decimal
    used_quantity: Decimal
    used_value: Decimal
    remaining_quantity: Decimal
    remaining_value: Decimal
    used_up: bool


class LicenceDetailOut(LicenceOut):
    lines: list[LineOut]


class ShipmentIn(Schema):
    line: int = Field(..., ge=1, description="Position of the licence line")
    quantity: Decimal = Field(..., gt=0, max_digits=14, decimal_places=3)
    value_eur: Decimal = Field(..., ge=0, max_digits=16, decimal_places=2)
    shipped_on: date
    consignee: str = Field(..., min_length=1, max_length=300)
    destination: str = Field(..., min_length=2, max_length=2, description="ISO alpha-2")
    customs_reference: str = Field("", max_length=60)
    version: int | None = None


class ShipmentOut(Schema):
    id: int
    line: int
    quantity: Decimal
    value_eur: Decimal
    shipped_on: date
    consignee: str
    destination: str
    customs_reference: str
    keep_until: date
    recorded_at: datetime


class ReasonIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5000)
    criteria: list[str] = Field(default_factory=list, description="Criterion codes relied on")
    version: int | None = None


class SurrenderIn(Schema):
    reason: str = Field("", max_length=5000)
    version: int | None = None


class LineChangeIn(Schema):
    position: int
    quantity: Decimal = Field(..., gt=0, max_digits=14, decimal_places=3)
    value_eur: Decimal = Field(..., ge=0, max_digits=16, decimal_places=2)


class AmendIn(Schema):
    reason: str = Field(..., min_length=1, max_length=5000)
    conditions: str | None = Field(None, max_length=20000)
    valid_until: date | None = None
    lines: list[LineChangeIn] = Field(default_factory=list)
    substantial_limitation: bool = False
    criteria: list[str] = Field(default_factory=list)
    version: int | None = None


class VerifiedOut(Schema):
    number: str
    kind: str
    state: str
    state_description: str
    in_force: bool
    valid_from: date
    valid_until: date
    amendment: int
    authority: str
    member_state: str
    holder: str


class VerificationOut(Schema):
    match: bool
    message: str
    licence: VerifiedOut | None


class RecordFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


class RecordsQuery(Schema):
    format: RecordFormat = RecordFormat.JSON
    since: date | None = None
    until: date | None = None


@router.get(
    "/verify",
    auth=None,
    response={200: VerificationOut},
    summary="Check a licence by number and verification code (public, rate limited)",
)
def verify(request: HttpRequest, number: str, code: str) -> VerificationOut:
    found = verification.verify_licence(
        number=number[:40],
        code=code[:40],
        client=verification.client_key(request.META.get("REMOTE_ADDR", "")),
    )
    if found is None:
        return VerificationOut(match=False, message=verification.NO_MATCH, licence=None)
    return VerificationOut(
        match=True,
        message="The licence exists; its state is below.",
        licence=VerifiedOut(**found.__dict__),
    )


@router.get("", response=list[LicenceOut], summary="The licences you may see")
def list_licences(
    request: HttpRequest, state: str = "", kind: str = "", q: str = ""
) -> list[LicenceOut]:
    licences = services.filter_licences(
        access.licences_for(request.user), state=state, kind=kind, text=q
    )
    authority = access.actor_of(request.user).is_authority
    return [_out(licence, authority=authority) for licence in licences[:500]]


@router.get("/records", summary="Export records of shipments (Art 27), CSV or JSON")
def export_records(request: HttpRequest, filters: Query[RecordsQuery]) -> HttpResponse:
    found = records.shipment_records(
        licences=access.licences_for(request.user), since=filters.since, until=filters.until
    )
    if filters.format is RecordFormat.CSV:
        return HttpResponse(records.records_csv(found), content_type="text/csv")
    return HttpResponse(records.records_json(found), content_type="application/json")


@router.get("/{licence_id}", response=LicenceDetailOut, summary="One licence with its use")
def get_licence(request: HttpRequest, licence_id: int) -> LicenceDetailOut:
    return _detail(request, access.get_licence(request.user, licence_id))


@router.get("/{licence_id}/pdf", summary="The licence document (PDF)")
def get_pdf(request: HttpRequest, licence_id: int) -> HttpResponse:
    licence = access.get_licence(request.user, licence_id)
    response = HttpResponse(
        licence_pdf(licence, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
    )
    response["Content-Disposition"] = f'attachment; filename="licence-{licence.number}.pdf"'
    return response


@router.get("/{licence_id}/shipments", response=list[ShipmentOut], summary="Shipments made")
def list_shipments(request: HttpRequest, licence_id: int) -> list[ShipmentOut]:
    licence = access.get_licence(request.user, licence_id)
    return [_shipment_out(s) for s in services.shipments_of(licence)]


@router.post(
    "/{licence_id}/shipments",
    response={201: ShipmentOut},
    summary="Record a shipment against a licence line (the holder)",
)
def record_shipment(request: HttpRequest, licence_id: int, payload: ShipmentIn) -> Status:
    licence = access.get_licence(request.user, licence_id)
    shipment = services.record_shipment(
        licence,
        actor=request.user,
        position=payload.line,
        quantity=payload.quantity,
        value_eur=payload.value_eur,
        shipped_on=payload.shipped_on,
        consignee=payload.consignee,
        destination=payload.destination,
        customs_reference=payload.customs_reference,
        version=payload.version,
    )
    return Status(201, _shipment_out(shipment))


@router.post("/{licence_id}/amend", response=LicenceDetailOut, summary="Amend (the authority)")
def amend(request: HttpRequest, licence_id: int, payload: AmendIn) -> LicenceDetailOut:
    licence = access.get_licence(request.user, licence_id)
    services.amend_licence(
        services.as_seen(licence, payload.version),
        actor=request.user,
        reason=payload.reason,
        conditions=payload.conditions,
        valid_until=payload.valid_until,
        lines=[services.LineChange(c.position, c.quantity, c.value_eur) for c in payload.lines],
        substantial_limitation=payload.substantial_limitation,
        criteria=payload.criteria,
    )
    return _detail(request, licence)


@router.post("/{licence_id}/suspend", response=LicenceDetailOut, summary="Suspend (Art 16)")
def suspend(request: HttpRequest, licence_id: int, payload: ReasonIn) -> LicenceDetailOut:
    licence = access.get_licence(request.user, licence_id)
    services.suspend_licence(
        services.as_seen(licence, payload.version),
        actor=request.user,
        reason=payload.reason,
        criteria=payload.criteria,
    )
    return _detail(request, licence)


@router.post("/{licence_id}/reinstate", response=LicenceDetailOut, summary="End a suspension")
def reinstate(request: HttpRequest, licence_id: int, payload: ReasonIn) -> LicenceDetailOut:
    licence = access.get_licence(request.user, licence_id)
    services.reinstate_licence(
        services.as_seen(licence, payload.version), actor=request.user, reason=payload.reason
    )
    return _detail(request, licence)


@router.post("/{licence_id}/annul", response=LicenceDetailOut, summary="Annul (Art 16)")
def annul(request: HttpRequest, licence_id: int, payload: ReasonIn) -> LicenceDetailOut:
    licence = access.get_licence(request.user, licence_id)
    services.annul_licence(
        services.as_seen(licence, payload.version),
        actor=request.user,
        reason=payload.reason,
        criteria=payload.criteria,
    )
    return _detail(request, licence)


@router.post("/{licence_id}/revoke", response=LicenceDetailOut, summary="Revoke (Art 16)")
def revoke(request: HttpRequest, licence_id: int, payload: ReasonIn) -> LicenceDetailOut:
    licence = access.get_licence(request.user, licence_id)
    services.revoke_licence(
        services.as_seen(licence, payload.version),
        actor=request.user,
        reason=payload.reason,
        criteria=payload.criteria,
    )
    return _detail(request, licence)


@router.post(
    "/{licence_id}/surrender", response=LicenceDetailOut, summary="Give up the licence (holder)"
)
def surrender(request: HttpRequest, licence_id: int, payload: SurrenderIn) -> LicenceDetailOut:
    licence = access.get_licence(request.user, licence_id)
    services.surrender_licence(
        services.as_seen(licence, payload.version), actor=request.user, reason=payload.reason
    )
    return _detail(request, licence)


def _out(licence: Licence, *, authority: bool) -> LicenceOut:
    return LicenceOut(**_fields(licence, authority=authority))


def _fields(licence: Licence, *, authority: bool) -> dict[str, object]:
    return {
        "id": licence.pk,
        "number": licence.number,
        "kind": licence.kind,
        "state": licence.state,
        "state_description": licence.status.description,
        "version": licence.version,
        "amendment": licence.amendment,
        "holder": licence.holder.name,
        "holder_eori": licence.holder.eori,
        "authority": licence.authority.name,
        "member_state": licence.authority.member_state,
        "issued_at": licence.issued_at,
        "valid_from": licence.valid_from,
        "valid_until": licence.valid_until,
        "destinations": licence.destinations,
        "end_users": licence.end_users,
        "conditions": licence.conditions,
        "verification_code": licence.verification_code,
        "allowed": [str(name) for name in LICENCE.allowed(licence.status)],
        "case_id": licence.decision.case_id if authority else None,
    }


def _detail(request: HttpRequest, licence: Licence) -> LicenceDetailOut:
    authority = access.actor_of(request.user).is_authority
    return LicenceDetailOut(
        **_fields(licence, authority=authority),
        lines=[
            LineOut(
                position=u.line.position,
                description=u.line.description,
                control_entry=u.line.control_entry,
                unit=u.line.unit,
                quantity=u.line.quantity,
                value_eur=u.line.value_eur,
                used_quantity=u.used_quantity,
                used_value=u.used_value,
                remaining_quantity=u.remaining_quantity,
                remaining_value=u.remaining_value,
                used_up=u.used_up,
            )
            for u in services.line_usage(licence)
        ],
    )


def _shipment_out(shipment: Shipment) -> ShipmentOut:
    return ShipmentOut(
        id=shipment.pk,
        line=shipment.line.position,
        quantity=shipment.quantity,
        value_eur=shipment.value_eur,
        shipped_on=shipment.shipped_on,
        consignee=shipment.consignee,
        destination=shipment.destination,
        customs_reference=shipment.customs_reference,
        keep_until=shipment.keep_until,
        recorded_at=shipment.recorded_at,
    )
