"""The exporter's API: applications, parties, general-authorisation registrations.

The schemas here are the exporter's own: they carry the application as the exporter made
it, the requests for information, the decision and the licence number, and no field of the
authority's work (notes, assessments, recommendations, dossier, officers). Access goes
through `licentia.accounts.access`; anything outside the caller's organisation is a 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from licentia.accounts import access
from licentia.accounts.api_auth import token_or_session
from licentia.applications import registrations as ugea
from licentia.applications import services
from licentia.applications.models import (
    Application,
    ApplicationDocument,
    ApplicationParty,
    GeneralAuthorisationRegistration,
    GoodsLine,
    Party,
    UsageReport,
)
from licentia.errors import NotFound

router = Router(auth=token_or_session)
parties_router = Router(auth=token_or_session)
registrations_router = Router(auth=token_or_session)


# -- schemas ----------------------------------------------------------------------------------


class VersionIn(Schema):
    version: int = Field(..., ge=1, description="The version of the application you read")


class DraftIn(Schema):
    kind: str = Field(..., description="individual, global, large-project, brokering, ...")
    title: str = Field(..., max_length=200)
    goods_located_in: str = Field("", max_length=3, description="Non-EU exporters only")


class HeaderIn(VersionIn):
    kind: str
    title: str = Field(..., max_length=200)
    activity: str = "export"
    destinations: list[str] = Field(default_factory=list, max_length=50)
    end_use: str = Field("", max_length=5000)
    purpose: str = "standard"
    informed: list[str] = Field(default_factory=list, max_length=10)
    aware: list[str] = Field(default_factory=list, max_length=10)
    internal_compliance_programme: bool = False
    large_project: str = Field("", max_length=300)
    requested_validity_months: int | None = None


class GoodsLineIn(VersionIn):
    product_id: int | None = None
    description: str = Field("", max_length=5000)
    control_entry: str = Field("", max_length=40)
    cyber_surveillance: bool = False
    quantity: Decimal
    unit: str = Field("units", max_length=20)
    value_eur: Decimal


class ApplicationPartyIn(VersionIn):
    role: str = Field(..., description="end-user, consignee or intermediary")
    party_id: int | None = Field(None, description="Copy one of your parties")
    name: str = Field("", max_length=300)
    country: str = Field("", max_length=3)
    type: str = ""
    address: str = Field("", max_length=2000)
    intra_group: bool = False


class WithdrawIn(VersionIn):
    reason: str = Field("", max_length=2000)


class AppealIn(VersionIn):
    grounds: str = Field(..., max_length=10000)


class GoodsLineOut(Schema):
    id: int
    position: int
    product_id: int | None
    description: str
    control_entry: str
    list_version: str
    cyber_surveillance: bool
    quantity: Decimal
    unit: str
    value_eur: Decimal


class ApplicationPartyOut(Schema):
    id: int
    role: str
    type: str
    name: str
    address: str
    country: str
    intra_group: bool


class DocumentOut(Schema):
    id: int
    kind: str
    name: str
    content_type: str
    size: int
    sha256: str
    uploaded_at: datetime
    download: str


class RequestOut(Schema):
    id: int
    question: str
    asked_at: datetime
    answer: str
    answered_at: datetime | None


class CriterionOut(Schema):
    code: str
    description: str


class DecisionOut(Schema):
    outcome: str
    reasoning: str
    conditions: str
    refusal_criteria: list[CriterionOut]
    decided_at: datetime
    appeal_until: date | None


class LicenceRefOut(Schema):
    id: int
    number: str
    state: str
    valid_until: date


class ProblemOut(Schema):
    field: str
    message: str


class ApplicationSummaryOut(Schema):
    id: int
    reference: str | None
    kind: str
    title: str
    state: str
    version: int
    member_state: str
    updated_at: datetime


class ApplicationOut(ApplicationSummaryOut):
    activity: str
    destinations: list[str]
    end_use: str
    purpose: str
    informed: list[str]
    aware: list[str]
    internal_compliance_programme: bool
    large_project: str
    requested_validity_months: int | None
    submitted_at: datetime | None
    goods_lines: list[GoodsLineOut]
    parties: list[ApplicationPartyOut]
    documents: list[DocumentOut]
    requests_for_information: list[RequestOut]
    decision: DecisionOut | None
    licence: LicenceRefOut | None


class PartyIn(Schema):
    name: str = Field(..., max_length=300)
    country: str = Field(..., max_length=3)
    type: str
    address: str = Field("", max_length=2000)
    website: str = Field("", max_length=200)
    identifiers: list[str] = Field(default_factory=list, max_length=20)


class PartyOut(Schema):
    id: int
    name: str
    country: str
    type: str
    address: str
    website: str
    identifiers: list[str]


class RegistrationIn(Schema):
    code: str = Field(..., max_length=5, description="EU001 to EU008")
    first_use_on: date | None = None


class ReportLineIn(Schema):
    item: str = Field(..., max_length=500)
    entry: str = Field(..., max_length=40)
    quantity: Decimal
    value_eur: Decimal
    consignee: str = Field(..., max_length=300)
    destination: str = Field(..., max_length=3)


class ReportIn(Schema):
    period_start: date
    period_end: date
    lines: list[ReportLineIn] = Field(default_factory=list, max_length=ugea.MAX_LINES)


class ReportOut(Schema):
    id: int
    period_start: date
    period_end: date
    lines: list[dict[str, Any]]
    submitted_at: datetime


class RegistrationOut(Schema):
    id: int
    code: str
    acknowledgement: str
    registered_at: datetime
    acknowledged_at: datetime | None
    first_use_on: date | None
    withdrawn_at: datetime | None
    reports: list[ReportOut]


# -- conversions ------------------------------------------------------------------------------


def _line_out(line: GoodsLine) -> GoodsLineOut:
    return GoodsLineOut(
        id=line.pk,
        position=line.position,
        product_id=line.product_id,
        description=line.description,
        control_entry=line.control_entry,
        list_version=line.list_version,
        cyber_surveillance=line.cyber_surveillance,
        quantity=line.quantity,
        unit=line.unit,
        value_eur=line.value_eur,
    )


def _party_on_application_out(party: ApplicationParty) -> ApplicationPartyOut:
    return ApplicationPartyOut(
        id=party.pk,
        role=party.role,
        type=party.type,
        name=party.name,
        address=party.address,
        country=party.country,
        intra_group=party.intra_group,
    )


def _document_out(document: ApplicationDocument) -> DocumentOut:
    return DocumentOut(
        id=document.pk,
        kind=document.kind,
        name=document.original_name,
        content_type=document.content_type,
        size=document.size,
        sha256=document.sha256,
        uploaded_at=document.uploaded_at,
        download=f"/applications/{document.application_id}/documents/{document.pk}/",
    )


def _summary(application: Application) -> ApplicationSummaryOut:
    return ApplicationSummaryOut(
        id=application.pk,
        reference=application.reference,
        kind=application.kind,
        title=application.title,
        state=application.state,
        version=application.version,
        member_state=application.member_state,
        updated_at=application.updated_at,
    )


def _application_out(application: Application) -> ApplicationOut:
    application.refresh_from_db()
    status = services.exporter_status(application)
    decision = status.decision
    licence = status.licence
    return ApplicationOut(
        **_summary(application).dict(),
        activity=application.activity,
        destinations=application.destinations,
        end_use=application.end_use,
        purpose=application.purpose,
        informed=application.informed,
        aware=application.aware,
        internal_compliance_programme=application.internal_compliance_programme,
        large_project=application.large_project,
        requested_validity_months=application.requested_validity_months,
        submitted_at=application.submitted_at,
        goods_lines=[_line_out(line) for line in application.goods_lines.all()],
        parties=[_party_on_application_out(p) for p in application.parties.all()],
        documents=[_document_out(d) for d in application.documents.all()],
        requests_for_information=[
            RequestOut(
                id=r.id,
                question=r.question,
                asked_at=r.asked_at,
                answer=r.answer,
                answered_at=r.answered_at,
            )
            for r in status.requests
        ],
        decision=DecisionOut(
            outcome=decision.outcome,
            reasoning=decision.reasoning,
            conditions=decision.conditions,
            refusal_criteria=[
                CriterionOut(code=code, description=label)
                for code, label in decision.refusal_criteria
            ],
            decided_at=decision.decided_at,
            appeal_until=decision.appeal_until,
        )
        if decision
        else None,
        licence=LicenceRefOut(
            id=licence.id,
            number=licence.number,
            state=licence.state,
            valid_until=licence.valid_until,
        )
        if licence
        else None,
    )


def _application(request: HttpRequest, application_id: int) -> tuple[access.Actor, Application]:
    actor = access.require_exporter(request.user)
    return actor, access.get_application(request.user, application_id)


# -- applications -----------------------------------------------------------------------------


@router.get("", response=list[ApplicationSummaryOut], summary="Your organisation's applications")
def list_applications(request: HttpRequest) -> list[ApplicationSummaryOut]:
    access.require_exporter(request.user)
    return [_summary(a) for a in access.applications_for(request.user)]


@router.post("", response={201: ApplicationOut}, summary="Start a draft")
def create_draft(request: HttpRequest, payload: DraftIn) -> Status:
    actor = access.require_exporter(request.user)
    draft = services.create_draft(
        organisation=actor.organisation, user=actor.user, **payload.dict()
    )
    return Status(201, _application_out(draft))


@router.get("/{application_id}", response=ApplicationOut, summary="One application")
def get_application(request: HttpRequest, application_id: int) -> ApplicationOut:
    return _application_out(_application(request, application_id)[1])


@router.put("/{application_id}", response=ApplicationOut, summary="Change a draft's details")
def update_header(request: HttpRequest, application_id: int, payload: HeaderIn) -> ApplicationOut:
    actor, application = _application(request, application_id)
    data = payload.dict()
    version = data.pop("version")
    services.update_header(
        application=application, version=version, header=services.Header(**data), user=actor.user
    )
    return _application_out(application)


@router.post(
    "/{application_id}/goods-lines", response={201: ApplicationOut}, summary="Add a goods line"
)
def add_goods_line(request: HttpRequest, application_id: int, payload: GoodsLineIn) -> Status:
    actor, application = _application(request, application_id)
    data = payload.dict()
    version = data.pop("version")
    services.add_goods_line(
        application=application,
        version=version,
        details=services.GoodsLineDetails(**data),
        user=actor.user,
    )
    return Status(201, _application_out(application))


@router.delete(
    "/{application_id}/goods-lines/{line_id}",
    response=ApplicationOut,
    summary="Remove a goods line",
)
def remove_goods_line(
    request: HttpRequest, application_id: int, line_id: int, version: int
) -> ApplicationOut:
    actor, application = _application(request, application_id)
    services.remove_goods_line(
        application=application, version=version, line_id=line_id, user=actor.user
    )
    return _application_out(application)


@router.post("/{application_id}/parties", response={201: ApplicationOut}, summary="Add a party")
def add_party(request: HttpRequest, application_id: int, payload: ApplicationPartyIn) -> Status:
    actor, application = _application(request, application_id)
    data = payload.dict()
    version = data.pop("version")
    services.add_party(
        application=application,
        version=version,
        details=services.ApplicationPartyDetails(**data),
        user=actor.user,
    )
    return Status(201, _application_out(application))


@router.delete(
    "/{application_id}/parties/{party_id}", response=ApplicationOut, summary="Remove a party"
)
def remove_party(
    request: HttpRequest, application_id: int, party_id: int, version: int
) -> ApplicationOut:
    actor, application = _application(request, application_id)
    services.remove_party(
        application=application, version=version, party_id=party_id, user=actor.user
    )
    return _application_out(application)


@router.post(
    "/{application_id}/documents",
    response={201: DocumentOut},
    summary="Upload an end-use statement or supporting document (multipart)",
)
def upload_document(
    request: HttpRequest,
    application_id: int,
    version: Form[int],
    kind: Form[str],
    file: File[UploadedFile],
) -> Status:
    actor, application = _application(request, application_id)
    document = services.upload_document(
        application=application,
        version=version,
        kind=kind,
        upload=services.Upload(file.name or "", file.chunks()),
        user=actor.user,
    )
    return Status(201, _document_out(document))


@router.delete(
    "/{application_id}/documents/{document_id}",
    response=ApplicationOut,
    summary="Remove a document",
)
def remove_document(
    request: HttpRequest, application_id: int, document_id: int, version: int
) -> ApplicationOut:
    actor, application = _application(request, application_id)
    services.remove_document(
        application=application, version=version, document_id=document_id, user=actor.user
    )
    return _application_out(application)


@router.get(
    "/{application_id}/problems",
    response=list[ProblemOut],
    summary="What keeps the draft from being submitted (empty: ready)",
)
def problems(request: HttpRequest, application_id: int) -> list[ProblemOut]:
    application = _application(request, application_id)[1]
    return [
        ProblemOut(field=p.field, message=p.message)
        for p in services.validate_for_submission(application)
    ]


@router.post(
    "/{application_id}/submit",
    response=ApplicationOut,
    summary="Submit: 422 with every problem when incomplete, 409 when stale",
)
def submit(request: HttpRequest, application_id: int, payload: VersionIn) -> ApplicationOut:
    actor, application = _application(request, application_id)
    return _application_out(
        services.submit(application=application, version=payload.version, user=actor.user)
    )


@router.post("/{application_id}/withdraw", response=ApplicationOut, summary="Withdraw")
def withdraw(request: HttpRequest, application_id: int, payload: WithdrawIn) -> ApplicationOut:
    actor, application = _application(request, application_id)
    services.withdraw(
        application=application, version=payload.version, reason=payload.reason, user=actor.user
    )
    return _application_out(application)


@router.post(
    "/{application_id}/information",
    response=ApplicationOut,
    summary="Answer the authority's request for information (multipart, optional file)",
)
def provide_information(
    request: HttpRequest,
    application_id: int,
    version: Form[int],
    answer: Form[str],
    file: File[UploadedFile | None] = None,
) -> ApplicationOut:
    actor, application = _application(request, application_id)
    services.provide_information(
        application=application,
        version=version,
        answer=answer,
        user=actor.user,
        upload=services.Upload(file.name or "", file.chunks()) if file is not None else None,
    )
    return _application_out(application)


@router.post("/{application_id}/appeal", response=ApplicationOut, summary="Appeal a refusal")
def appeal(request: HttpRequest, application_id: int, payload: AppealIn) -> ApplicationOut:
    actor, application = _application(request, application_id)
    services.appeal(
        application=application, version=payload.version, grounds=payload.grounds, user=actor.user
    )
    return _application_out(application)


# -- reusable parties -------------------------------------------------------------------------


def _party_out(party: Party) -> PartyOut:
    return PartyOut(
        id=party.pk,
        name=party.name,
        country=party.country,
        type=party.type,
        address=party.address,
        website=party.website,
        identifiers=list(party.identifiers),
    )


@parties_router.get("", response=list[PartyOut], summary="Your organisation's parties")
def list_parties(request: HttpRequest) -> list[PartyOut]:
    access.require_exporter(request.user)
    return [_party_out(p) for p in access.parties_for(request.user)]


@parties_router.post("", response={201: PartyOut}, summary="Add a party")
def create_party(request: HttpRequest, payload: PartyIn) -> Status:
    actor = access.require_exporter(request.user)
    party = services.create_party(
        organisation=actor.organisation,
        details=services.PartyDetails(**payload.dict()),
        user=actor.user,
    )
    return Status(201, _party_out(party))


@parties_router.get("/{party_id}", response=PartyOut, summary="One party")
def get_party(request: HttpRequest, party_id: int) -> PartyOut:
    access.require_exporter(request.user)
    return _party_out(access.get_party(request.user, party_id))


@parties_router.put("/{party_id}", response=PartyOut, summary="Change a party")
def update_party(request: HttpRequest, party_id: int, payload: PartyIn) -> PartyOut:
    actor = access.require_exporter(request.user)
    party = services.update_party(
        party=access.get_party(request.user, party_id),
        details=services.PartyDetails(**payload.dict()),
        user=actor.user,
    )
    return _party_out(party)


@parties_router.delete("/{party_id}", response={204: None}, summary="Delete a party")
def delete_party(request: HttpRequest, party_id: int) -> Status:
    actor = access.require_exporter(request.user)
    services.delete_party(party=access.get_party(request.user, party_id), user=actor.user)
    return Status(204, None)


# -- general authorisations -------------------------------------------------------------------


def _report_out(report: UsageReport) -> ReportOut:
    return ReportOut(
        id=report.pk,
        period_start=report.period_start,
        period_end=report.period_end,
        lines=report.lines,
        submitted_at=report.submitted_at,
    )


def _registration_out(registration: GeneralAuthorisationRegistration) -> RegistrationOut:
    return RegistrationOut(
        id=registration.pk,
        code=registration.code,
        acknowledgement=f"R-{registration.pk:06d}",
        registered_at=registration.registered_at,
        acknowledged_at=registration.acknowledged_at,
        first_use_on=registration.first_use_on,
        withdrawn_at=registration.withdrawn_at,
        reports=[_report_out(r) for r in registration.reports.order_by("period_start")],
    )


def _registration(request: HttpRequest, pk: int) -> GeneralAuthorisationRegistration:
    actor = access.require_exporter(request.user)
    found = ugea.registrations_of(organisation=actor.organisation).filter(pk=pk).first()
    if found is None:
        raise NotFound(f"no registration {pk} that you may see")
    return found


@registrations_router.get("", response=list[RegistrationOut], summary="Your registrations")
def list_registrations(request: HttpRequest) -> list[RegistrationOut]:
    actor = access.require_exporter(request.user)
    return [_registration_out(r) for r in ugea.registrations_of(organisation=actor.organisation)]


@registrations_router.post(
    "", response={201: RegistrationOut}, summary="Register for EU001-EU008 (409 if registered)"
)
def register(request: HttpRequest, payload: RegistrationIn) -> Status:
    actor = access.require_exporter(request.user)
    made = ugea.register(organisation=actor.organisation, user=actor.user, **payload.dict())
    return Status(201, _registration_out(made))


@registrations_router.get("/{registration_id}", response=RegistrationOut, summary="One")
def get_registration(request: HttpRequest, registration_id: int) -> RegistrationOut:
    return _registration_out(_registration(request, registration_id))


@registrations_router.post(
    "/{registration_id}/withdraw", response=RegistrationOut, summary="Withdraw a registration"
)
def withdraw_registration(request: HttpRequest, registration_id: int) -> RegistrationOut:
    registration = _registration(request, registration_id)
    return _registration_out(
        ugea.withdraw_registration(
            registration=registration, user=access.require_exporter(request.user).user
        )
    )


@registrations_router.post(
    "/{registration_id}/reports", response={201: ReportOut}, summary="Submit a usage report"
)
def submit_report(request: HttpRequest, registration_id: int, payload: ReportIn) -> Status:
    registration = _registration(request, registration_id)
    report = ugea.submit_report(
        registration=registration,
        period_start=payload.period_start,
        period_end=payload.period_end,
        lines=[line.dict() for line in payload.lines],
        user=access.require_exporter(request.user).user,
    )
    return Status(201, _report_out(report))
