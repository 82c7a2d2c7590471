"""Business rules of the exporter's side: reusable parties, drafts, submission and after.

Every change to a draft names the `version` the exporter read; a draft that changed since is
refused with `StaleObject` (409), and each accepted change moves the version on. State changes
go through `licentia.audit.services.apply_transition` and nothing else. Services take
keyword-only arguments and never read a request.

What the authority holds about a case (notes, assessments, recommendations, the dossier) is
never read here: `exporter_status` gives the exporter the requests for information, the
decision and the licence, and nothing more.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F, Max, QuerySet
from django.utils import timezone

from licentia.accounts.models import Organisation
from licentia.applications import uploads
from licentia.applications.models import (
    Application,
    ApplicationDocument,
    ApplicationKind,
    ApplicationParty,
    DocumentKind,
    GoodsLine,
    Party,
    ReferenceCounter,
)
from licentia.applications.states import APPLICATION, ApplicationState, ApplicationTransition
from licentia.audit.services import apply_transition, record
from licentia.controllists import services as controls
from licentia.controls.cyber import is_cyber_surveillance
from licentia.controls.model import Regime
from licentia.errors import Conflict, InvalidInput, NotFound, StaleObject
from licentia.products.models import NOT_LISTED, Product
from licentia.reference.countries import country, eu_code
from licentia.reference.eu import is_member_state, member_state
from licentia.rules.model import Activity, Concern, PartyRole, PartyType, Purpose

# Bounds beyond which a figure is a typing error, not a transaction.
MAX_QUANTITY = Decimal("1000000000")  # a billion units
MAX_VALUE_EUR = Decimal("10000000000")  # ten billion euros for one line
MAX_DESTINATIONS = 50
MAX_DOCUMENTS = 30
MAX_VALIDITY_MONTHS = {
    ApplicationKind.INDIVIDUAL: 24,
    ApplicationKind.GLOBAL: 24,
    ApplicationKind.LARGE_PROJECT: 48,
    ApplicationKind.BROKERING: 24,
    ApplicationKind.TECHNICAL_ASSISTANCE: 24,
}

# The activities each kind of authorisation is for (Art 2, 6, 8, 11, 12).
_ACTIVITIES = {
    ApplicationKind.INDIVIDUAL: (
        Activity.EXPORT,
        Activity.RE_EXPORT,
        Activity.INTANGIBLE_TRANSFER,
        Activity.INTRA_EU_TRANSFER,
    ),
    ApplicationKind.GLOBAL: (
        Activity.EXPORT,
        Activity.RE_EXPORT,
        Activity.INTANGIBLE_TRANSFER,
        Activity.INTRA_EU_TRANSFER,
    ),
    ApplicationKind.LARGE_PROJECT: (
        Activity.EXPORT,
        Activity.RE_EXPORT,
        Activity.INTANGIBLE_TRANSFER,
    ),
    ApplicationKind.BROKERING: (Activity.BROKERING,),
    ApplicationKind.TECHNICAL_ASSISTANCE: (Activity.TECHNICAL_ASSISTANCE,),
}
# Kinds that name one transaction, so the end user is known and must be given.
_NAMES_END_USER = frozenset(
    {
        ApplicationKind.INDIVIDUAL,
        ApplicationKind.LARGE_PROJECT,
        ApplicationKind.BROKERING,
        ApplicationKind.TECHNICAL_ASSISTANCE,
    }
)


class Incomplete(InvalidInput):
    """The draft cannot be submitted yet: `details["problems"]` lists what is missing."""

    code = "incomplete"


User = AbstractBaseUser


# -- reusable parties -------------------------------------------------------------------------


@dataclass(frozen=True)
class PartyDetails:
    name: str
    country: str
    type: str
    address: str = ""
    website: str = ""
    identifiers: Sequence[str] = ()


def parties_of(*, organisation: Organisation) -> QuerySet[Party]:
    return Party.objects.filter(organisation=organisation)


def create_party(*, organisation: Organisation, details: PartyDetails, user: User) -> Party:
    party = Party.objects.create(organisation=organisation, **_party_fields(details))
    record(actor=user, action="party.create", obj=party, payload={"name": party.name})
    return party


def update_party(*, party: Party, details: PartyDetails, user: User) -> Party:
    for name, value in _party_fields(details).items():
        setattr(party, name, value)
    party.save()
    record(actor=user, action="party.update", obj=party, payload={"name": party.name})
    return party


def delete_party(*, party: Party, user: User) -> None:
    """Applications keep their own copy of the party, so a deleted party changes none of them."""
    with transaction.atomic():
        record(actor=user, action="party.delete", obj=party, payload={"name": party.name})
        party.delete()


def _party_fields(details: PartyDetails) -> dict[str, Any]:
    name = details.name.strip()
    if not name:
        raise InvalidInput("give the party's name", details={"field": "name"})
    if len(name) > 300:
        raise InvalidInput("the name is longer than 300 characters", details={"field": "name"})
    website = details.website.strip()
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except ValidationError:
            raise InvalidInput(
                "the website must be a web address starting with https:// or http://",
                details={"field": "website"},
            ) from None
    identifiers = [i.strip() for i in details.identifiers if i.strip()]
    if len(identifiers) > 20 or any(len(i) > 100 for i in identifiers):
        raise InvalidInput(
            "give at most 20 identifiers of at most 100 characters each",
            details={"field": "identifiers"},
        )
    return {
        "name": name,
        "address": details.address.strip()[:2000],
        "country": _country(details.country, "country"),
        "type": _choice(details.type, PartyType, "type"),
        "website": website,
        "identifiers": identifiers,
    }


# -- drafts -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Header:
    """What the exporter says about the application as a whole."""

    kind: str
    title: str
    activity: str = Activity.EXPORT.value
    destinations: Sequence[str] = ()
    end_use: str = ""
    purpose: str = Purpose.STANDARD.value
    informed: Sequence[str] = ()
    aware: Sequence[str] = ()
    internal_compliance_programme: bool = False
    large_project: str = ""
    requested_validity_months: int | None = None


def create_draft(
    *,
    organisation: Organisation,
    kind: str,
    title: str,
    user: User,
    goods_located_in: str = "",
) -> Application:
    """A new draft, made to the authority of the exporter's Member State (Art 12(2)).

    An exporter not established in the Union applies where its items are: `goods_located_in`.
    """
    checked_kind = _choice(kind, ApplicationKind, "kind")
    application = Application(
        organisation=organisation,
        kind=checked_kind,
        title=_title(title),
        member_state=licensing_state(organisation=organisation, goods_located_in=goods_located_in),
        activity=_ACTIVITIES[ApplicationKind(checked_kind)][0].value,
        created_by=user,
    )
    with transaction.atomic():
        application.save()
        record(actor=user, action="application.create", obj=application, payload={"kind": kind})
    return application


def licensing_state(*, organisation: Organisation, goods_located_in: str = "") -> str:
    """The Member State whose authority decides: establishment, else where the items are."""
    if organisation.member_state and is_member_state(organisation.member_state, date.today()):
        return member_state(organisation.member_state).alpha2
    if not goods_located_in.strip():
        raise InvalidInput(
            "your organisation is not established in a Member State: say in which Member "
            "State the items are located; its authority decides (Art 12(2))",
            details={"field": "goods_located_in"},
        )
    try:
        return member_state(goods_located_in).alpha2
    except InvalidInput as error:
        raise InvalidInput(error.message, details={"field": "goods_located_in"}) from None


def update_header(
    *, application: Application, version: int, header: Header, user: User
) -> Application:
    kind = ApplicationKind(_choice(header.kind, ApplicationKind, "kind"))
    validity = header.requested_validity_months
    if validity is not None and not 1 <= validity <= MAX_VALIDITY_MONTHS[kind]:
        raise InvalidInput(
            f"a {kind.label.split(' (')[0].lower()} is valid for 1 to "
            f"{MAX_VALIDITY_MONTHS[kind]} months (Art 12)",
            details={"field": "requested_validity_months"},
        )
    destinations = list(dict.fromkeys(_country(d, "destinations") for d in header.destinations))
    if len(destinations) > MAX_DESTINATIONS:
        raise InvalidInput(
            f"give at most {MAX_DESTINATIONS} destinations", details={"field": "destinations"}
        )
    if len(header.end_use) > 5000:
        raise InvalidInput(
            "describe the end use in at most 5,000 characters", details={"field": "end_use"}
        )
    if len(header.large_project) > 300:
        raise InvalidInput(
            "the project name is longer than 300 characters", details={"field": "large_project"}
        )
    changes = {
        "kind": kind.value,
        "title": _title(header.title),
        "activity": _choice(header.activity, Activity, "activity"),
        "destinations": destinations,
        "end_use": header.end_use.strip(),
        "purpose": _choice(header.purpose, Purpose, "purpose"),
        "informed": sorted({_choice(c, Concern, "informed") for c in header.informed}),
        "aware": sorted({_choice(c, Concern, "aware") for c in header.aware}),
        "internal_compliance_programme": header.internal_compliance_programme,
        "large_project": header.large_project.strip(),
        "requested_validity_months": validity,
    }
    with transaction.atomic():
        _touch(application, version, changes)
        record(actor=user, action="application.update", obj=application, payload=changes)
    return application


@dataclass(frozen=True)
class GoodsLineDetails:
    quantity: Decimal
    value_eur: Decimal
    product_id: int | None = None
    description: str = ""
    control_entry: str = ""
    cyber_surveillance: bool = False
    unit: str = "units"


def add_goods_line(
    *, application: Application, version: int, details: GoodsLineDetails, user: User
) -> GoodsLine:
    """A line from a catalogue product (its current classification) or described here."""
    description = details.description.strip()
    entry = details.control_entry.strip()
    list_version = ""
    if details.product_id is not None:
        product = Product.objects.filter(
            organisation=application.organisation, pk=details.product_id
        ).first()
        if product is None:
            raise NotFound(
                f"no product {details.product_id} in your catalogue",
                details={"field": "product"},
            )
        description = description or f"{product.name}: {product.description}"
        classification = product.current_classification
        if not entry and classification is not None and classification.entry_path != NOT_LISTED:
            entry = classification.entry_path
    if not description:
        raise InvalidInput(
            "describe the item, or choose a product from your catalogue",
            details={"field": "description"},
        )
    if entry.upper() == NOT_LISTED:
        entry = ""
    if entry:
        entry, list_version = control_entry(entry)
    quantity = checked_amount(
        details.quantity, "quantity", places=3, bound=MAX_QUANTITY, positive=True
    )
    value = checked_amount(details.value_eur, "value_eur", places=2, bound=MAX_VALUE_EUR)
    unit = details.unit.strip() or "units"
    if len(unit) > 20:
        raise InvalidInput("the unit is longer than 20 characters", details={"field": "unit"})
    with transaction.atomic():
        _touch(application, version)
        position = (application.goods_lines.aggregate(n=Max("position"))["n"] or 0) + 1
        line = GoodsLine.objects.create(
            application=application,
            position=position,
            product_id=details.product_id,
            description=description[:5000],
            control_entry=entry,
            list_version=list_version,
            cyber_surveillance=details.cyber_surveillance and not entry,
            quantity=quantity,
            unit=unit,
            value_eur=value,
        )
        record(
            actor=user,
            action="application.goods-line.add",
            obj=application,
            payload={"position": position, "control_entry": entry, "value_eur": value},
        )
    return line


def remove_goods_line(
    *, application: Application, version: int, line_id: int, user: User
) -> Application:
    with transaction.atomic():
        line = _child(application.goods_lines.all(), line_id, "goods line")
        _touch(application, version)
        line.delete()
        record(
            actor=user,
            action="application.goods-line.remove",
            obj=application,
            payload={"position": line.position},
        )
    return application


def control_entry(path: str, *, field: str = "control_entry") -> tuple[str, str]:
    """The entry as the EU control list in force writes it, with that list's version."""
    try:
        list_version = controls.get_version(regime=Regime.EU_ANNEX_I)
        entry = controls.get_entry(list_version=list_version, path=path)
    except NotFound as error:
        raise InvalidInput(
            error.message, details={**error.details, "field": field, "entry": path}
        ) from None
    return entry.path, list_version.version


@dataclass(frozen=True)
class ApplicationPartyDetails:
    """A party of the application: copied from a reusable party, or entered here."""

    role: str
    party_id: int | None = None
    name: str = ""
    country: str = ""
    type: str = ""
    address: str = ""
    intra_group: bool = False


def add_party(
    *, application: Application, version: int, details: ApplicationPartyDetails, user: User
) -> ApplicationParty:
    role = _choice(details.role, PartyRole, "role")
    if details.party_id is not None:
        source = parties_of(organisation=application.organisation).filter(pk=details.party_id)
        party = source.first()
        if party is None:
            raise NotFound(
                f"no party {details.party_id} in your parties", details={"field": "party"}
            )
        fields = {
            "name": party.name,
            "address": party.address,
            "country": party.country,
            "type": party.type,
        }
    else:
        party = None
        checked = _party_fields(
            PartyDetails(details.name, details.country, details.type, details.address)
        )
        fields = {key: checked[key] for key in ("name", "address", "country", "type")}
    with transaction.atomic():
        _touch(application, version)
        added = ApplicationParty.objects.create(
            application=application,
            source=party,
            role=role,
            intra_group=details.intra_group,
            **fields,
        )
        record(
            actor=user,
            action="application.party.add",
            obj=application,
            payload={"role": role, "name": added.name, "country": added.country},
        )
    return added


def remove_party(
    *, application: Application, version: int, party_id: int, user: User
) -> Application:
    with transaction.atomic():
        party = _child(application.parties.all(), party_id, "party")
        _touch(application, version)
        party.delete()
        record(
            actor=user,
            action="application.party.remove",
            obj=application,
            payload={"role": party.role, "name": party.name},
        )
    return application


# -- documents --------------------------------------------------------------------------------

_ALLOWED_TYPES = {
    DocumentKind.END_USE_STATEMENT: frozenset(
        {uploads.FileType.PDF, uploads.FileType.PNG, uploads.FileType.JPEG}
    ),
    DocumentKind.SUPPORTING: frozenset(uploads.FileType),
    DocumentKind.INFORMATION: frozenset(uploads.FileType),
}


@dataclass(frozen=True)
class Upload:
    """An uploaded file as the web layer received it: its name and its content in chunks."""

    name: str
    chunks: Iterable[bytes]


def upload_document(
    *, application: Application, version: int, kind: str, upload: Upload, user: User
) -> ApplicationDocument:
    """An end-use statement or supporting document of a draft."""
    checked_kind = DocumentKind(_choice(kind, DocumentKind, "kind"))
    if checked_kind is DocumentKind.INFORMATION:
        raise InvalidInput(
            "documents answering a request for information go with the answer",
            details={"field": "kind"},
        )
    with transaction.atomic():
        _touch(application, version)
        return _store(application, checked_kind, upload, user)


def remove_document(
    *, application: Application, version: int, document_id: int, user: User
) -> Application:
    with transaction.atomic():
        document = _child(application.documents.all(), document_id, "document")
        _touch(application, version)
        document.delete()
        record(
            actor=user,
            action="application.document.remove",
            obj=application,
            payload={"name": document.original_name, "sha256": document.sha256},
        )
        transaction.on_commit(lambda: document.file.delete(save=False))
    return application


def _store(
    application: Application, kind: DocumentKind, upload: Upload, user: User
) -> ApplicationDocument:
    if application.documents.count() >= MAX_DOCUMENTS:
        raise InvalidInput(
            f"an application holds at most {MAX_DOCUMENTS} documents; remove one first",
            details={"field": "file"},
        )
    checked = uploads.check(name=upload.name, chunks=upload.chunks, allowed=_ALLOWED_TYPES[kind])
    document = ApplicationDocument(
        application=application,
        kind=kind.value,
        original_name=checked.display_name,
        content_type=checked.file_type.value,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        uploaded_by=user,
    )
    document.file.save(secrets.token_hex(16), ContentFile(checked.content), save=False)
    try:
        document.save()
        record(
            actor=user,
            action="application.document.upload",
            obj=application,
            payload={"kind": kind.value, "name": document.original_name, "sha256": document.sha256},
        )
    except BaseException:
        document.file.delete(save=False)
        raise
    return document


# -- submission -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason the draft cannot be submitted yet, on the field to fix."""

    field: str
    message: str


def validate_for_submission(application: Application) -> list[Problem]:
    """Everything that keeps the draft from being submitted, each on its field.

    The rules (documented in docs/exporter-guide.md):
    - the kind of authorisation fits the activity (brokering, technical assistance, export);
    - at least one destination, each outside the Union unless it is an intra-EU transfer;
    - the end use is described; at least one goods line, each with a known control entry of
      the list in force, or marked as a non-listed item sought under the catch-all provisions;
    - an end user for individual, large-project, brokering and technical-assistance
      applications, in one of the destinations; a consignee for a physical export;
    - a global licence needs an internal compliance programme (Art 12(4), 15(2));
    - a large project needs the project's name; the validity asked for fits the kind;
    - an end-use statement for every application except a global one when an item is a
      cyber-surveillance item (listed ones per Recommendation (EU) 2024/2659, or non-listed
      per Art 2(20)) or an end user is a police, intelligence or military body.
    """
    problems: list[Problem] = []
    kind = ApplicationKind(application.kind)
    activity = Activity(application.activity) if application.activity in Activity else None
    if activity is None or activity not in _ACTIVITIES[kind]:
        allowed = ", ".join(a.value for a in _ACTIVITIES[kind])
        problems.append(
            Problem(
                "activity",
                f"a {kind.label} is for these activities: {allowed}; change the kind of "
                "authorisation or the activity",
            )
        )
    problems += _destination_problems(application, activity)
    if not application.end_use.strip():
        problems.append(Problem("end_use", "describe the end use of the items"))
    lines = list(application.goods_lines.all())
    problems += _goods_problems(application, lines)
    parties = list(application.parties.all())
    problems += _party_problems(application, kind, activity, parties)
    if kind is ApplicationKind.GLOBAL and not application.internal_compliance_programme:
        problems.append(
            Problem(
                "internal_compliance_programme",
                "a global authorisation needs an internal compliance programme: confirm that "
                "you run one (Art 12(4), Art 15(2))",
            )
        )
    if kind is ApplicationKind.LARGE_PROJECT and not application.large_project.strip():
        problems.append(
            Problem("large_project", "name the large project the authorisation is for (Art 2(15))")
        )
    validity = application.requested_validity_months
    if validity is not None and validity > MAX_VALIDITY_MONTHS[kind]:
        problems.append(
            Problem(
                "requested_validity_months",
                f"a {kind.label} is valid for at most {MAX_VALIDITY_MONTHS[kind]} months",
            )
        )
    if (
        needs_end_use_statement(application, lines, parties)
        and not application.documents.filter(kind=DocumentKind.END_USE_STATEMENT).exists()
    ):
        problems.append(
            Problem(
                "documents",
                "upload the end-use statement signed by the end user: it is required for "
                "cyber-surveillance items and for police, intelligence or military end users",
            )
        )
    return problems


def needs_end_use_statement(
    application: Application,
    lines: Sequence[GoodsLine] | None = None,
    parties: Sequence[ApplicationParty] | None = None,
) -> bool:
    if application.kind == ApplicationKind.GLOBAL:
        return False
    lines = list(application.goods_lines.all()) if lines is None else lines
    parties = list(application.parties.all()) if parties is None else parties
    cyber = any(
        line.cyber_surveillance
        or (line.control_entry and is_cyber_surveillance(line.control_entry))
        for line in lines
    )
    security_end_user = any(
        p.role == PartyRole.END_USER
        and p.type in PartyType
        and PartyType(p.type).is_security_service
        for p in parties
    )
    return cyber or security_end_user


def _destination_problems(application: Application, activity: Activity | None) -> list[Problem]:
    if not application.destinations:
        return [Problem("destinations", "give at least one country of destination")]
    if activity is Activity.INTRA_EU_TRANSFER:
        outside = [d for d in application.destinations if not is_member_state(d, date.today())]
        if outside:
            return [
                Problem(
                    "destinations",
                    f"an intra-EU transfer goes to Member States only; {', '.join(outside)} "
                    "is not one",
                )
            ]
        return []
    inside = [d for d in application.destinations if is_member_state(d, date.today())]
    if inside:
        return [
            Problem(
                "destinations",
                f"{', '.join(eu_code(d) for d in inside)} is in the Union: a transfer there "
                "is not an export; remove it, or choose the intra-EU transfer activity",
            )
        ]
    return []


def _goods_problems(application: Application, lines: Sequence[GoodsLine]) -> list[Problem]:
    if not lines:
        return [Problem("goods_lines", "add at least one goods line")]
    problems = []
    catch_all = bool(application.informed or application.aware)
    for line in lines:
        where = f"goods_lines[{line.position}]"
        if line.control_entry:
            try:
                control_entry(line.control_entry)
            except InvalidInput as error:
                problems.append(
                    Problem(
                        f"{where}.control_entry",
                        f"line {line.position}: {error.message}; remove the line and add it "
                        "with an entry of the list in force",
                    )
                )
        elif not (line.cyber_surveillance or catch_all):
            problems.append(
                Problem(
                    f"{where}.control_entry",
                    f"line {line.position} has no control entry: give the entry, or say why a "
                    "licence is sought for a non-listed item (a cyber-surveillance item, or "
                    "what the authority informed you of or you are aware of)",
                )
            )
        if line.quantity <= 0:
            problems.append(
                Problem(f"{where}.quantity", f"line {line.position}: the quantity must be above 0")
            )
    return problems


def _party_problems(
    application: Application,
    kind: ApplicationKind,
    activity: Activity | None,
    parties: Sequence[ApplicationParty],
) -> list[Problem]:
    problems = []
    end_users = [p for p in parties if p.role == PartyRole.END_USER]
    if kind in _NAMES_END_USER and not end_users:
        problems.append(Problem("parties", "add the end user (the party that will use the items)"))
    physical = activity in (Activity.EXPORT, Activity.RE_EXPORT) and kind in (
        ApplicationKind.INDIVIDUAL,
        ApplicationKind.LARGE_PROJECT,
    )
    if physical and not any(p.role == PartyRole.CONSIGNEE for p in parties):
        problems.append(
            Problem(
                "parties",
                "add the consignee (the party that receives the items; it may be the end user)",
            )
        )
    destinations = set(application.destinations)
    for party in end_users:
        if destinations and party.country not in destinations:
            problems.append(
                Problem(
                    "parties",
                    f"the end user {party.name} is in {party.country}, which is not among the "
                    "destinations; add the country or correct the party",
                )
            )
    return problems


def submit(*, application: Application, version: int, user: User) -> Application:
    """Validate, number and submit the draft, and open the authority's case; all or nothing."""
    from licentia.cases.services import open_case, prepare_dossier

    with transaction.atomic():
        current = Application.objects.select_for_update().get(pk=application.pk)
        _expect(current, version)
        problems = validate_for_submission(current)
        if problems:
            raise Incomplete(
                "the application is not complete: " + "; ".join(p.message for p in problems),
                details={
                    "field": problems[0].field,
                    "problems": [{"field": p.field, "message": p.message} for p in problems],
                },
            )
        # The automatic checks only read: run them before the reference counter and the audit
        # chain are locked, which every other submission waits for until this one commits.
        built = prepare_dossier(current)
        now = timezone.now()
        reference = next_reference(
            member_state=current.member_state, year=timezone.localdate(now).year
        )
        apply_transition(
            current,
            APPLICATION,
            ApplicationTransition.SUBMIT,
            actor=user,
            payload={"reference": reference},
            changes={"reference": reference, "submitted_at": now},
        )
        open_case(current, actor=user, built=built)
    for name in ("state", "version", "reference", "submitted_at"):
        setattr(application, name, getattr(current, name))
    return current


def next_reference(*, member_state: str, year: int) -> str:
    """The next reference of a Member State and year, e.g. `DE-2026-000123`.

    The counter row is locked until the caller's transaction ends, so concurrent submissions
    queue for it; a submission that fails gives its number back.
    """
    with transaction.atomic():
        counter, _ = ReferenceCounter.objects.select_for_update().get_or_create(
            member_state=member_state, year=year
        )
        ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
        counter.refresh_from_db(fields=["last"])
    return f"{eu_code(member_state)}-{year}-{counter.last:06d}"


def withdraw(
    *, application: Application, version: int, user: User, reason: str = ""
) -> Application:
    """Withdraw a draft or a submitted application; the authority's case is closed with it."""
    from licentia.cases.services import close_on_withdrawal

    with transaction.atomic():
        _expect(application, version)
        submitted = application.state != ApplicationState.DRAFT
        apply_transition(
            application, APPLICATION, ApplicationTransition.WITHDRAW, actor=user, reason=reason
        )
        if submitted:
            close_on_withdrawal(application.case, actor=user)
    return application


def provide_information(
    *,
    application: Application,
    version: int,
    answer: str,
    user: User,
    upload: Upload | None = None,
) -> Application:
    """The exporter's answer to the authority's open request, with a document if one helps.

    The cases service stores the answer and moves the case and the application back to
    assessment (the case clock resumes).
    """
    from licentia.cases.services import receive_information

    answer = answer.strip()
    if not answer:
        raise InvalidInput("write your answer to the request", details={"field": "answer"})
    if len(answer) > 10000:
        raise InvalidInput(
            "the answer is longer than 10,000 characters; attach a document for the rest",
            details={"field": "answer"},
        )
    with transaction.atomic():
        _expect(application, version)
        if application.state != ApplicationState.INFORMATION_REQUESTED:
            raise Conflict(
                "the authority has no open request for information on this application",
                details={"state": application.state},
            )
        if upload is not None:
            _store(application, DocumentKind.INFORMATION, upload, user)
        receive_information(application.case, answer=answer, actor=user)
    application.refresh_from_db(fields=["state", "version"])
    return application


def appeal(*, application: Application, version: int, grounds: str, user: User) -> Application:
    """Appeal a refusal within the period the decision gives; the case is reviewed again."""
    from licentia.cases.services import reopen_on_appeal

    grounds = grounds.strip()
    if not grounds:
        raise InvalidInput("give the grounds of your appeal", details={"field": "grounds"})
    if len(grounds) > 10000:
        raise InvalidInput(
            "the grounds are longer than 10,000 characters", details={"field": "grounds"}
        )
    with transaction.atomic():
        _expect(application, version)
        if application.state != ApplicationState.REFUSED:
            raise Conflict(
                "only a refused application can be appealed", details={"state": application.state}
            )
        reopen_on_appeal(application.case, reason=grounds, actor=user)
    return application


# -- what the exporter sees after submission --------------------------------------------------


@dataclass(frozen=True)
class RequestForInformation:
    id: int
    question: str
    asked_at: Any
    answer: str
    answered_at: Any


@dataclass(frozen=True)
class DecisionForExporter:
    outcome: str
    outcome_label: str
    reasoning: str
    conditions: str
    refusal_criteria: list[tuple[str, str]]
    decided_at: Any
    appeal_until: date | None


@dataclass(frozen=True)
class LicenceForExporter:
    id: int
    number: str
    state: str
    valid_until: date


@dataclass(frozen=True)
class ExporterStatus:
    """Only what the authority sends the exporter: requests, the decision, the licence."""

    requests: list[RequestForInformation] = field(default_factory=list)
    decision: DecisionForExporter | None = None
    licence: LicenceForExporter | None = None

    @property
    def open_request(self) -> RequestForInformation | None:
        return next((r for r in self.requests if not r.answered_at), None)

    @property
    def appeal_until(self) -> date | None:
        return self.decision.appeal_until if self.decision else None


def exporter_status(application: Application) -> ExporterStatus:
    from licentia.cases.models import Criterion, Decision, InformationRequest, Outcome
    from licentia.cases.services import appeal_days
    from licentia.licences.models import Licence

    if application.state == ApplicationState.DRAFT:
        return ExporterStatus()
    requests = [
        RequestForInformation(r.pk, r.question, r.asked_at, r.answer, r.answered_at)
        for r in InformationRequest.objects.filter(case__application=application).order_by(
            "asked_at", "pk"
        )
    ]
    found = (
        Decision.objects.filter(case__application=application)
        .order_by("-decided_at", "-pk")
        .first()
    )
    decision = None
    if found is not None:
        labels = dict(Criterion.choices)
        appeal_until = None
        if found.outcome == Outcome.REFUSE:
            appeal_until = found.appeal_until or timezone.localdate(found.decided_at) + timedelta(
                days=appeal_days(application.case.authority_id)
            )
        decision = DecisionForExporter(
            outcome=found.outcome,
            outcome_label=Outcome(found.outcome).label,
            reasoning=found.reasoning,
            conditions=found.conditions,
            refusal_criteria=[(c, labels.get(c, c)) for c in found.refusal_criteria],
            decided_at=found.decided_at,
            appeal_until=appeal_until,
        )
    issued = (
        Licence.objects.filter(decision__case__application=application)
        .order_by("-issued_at")
        .first()
    )
    licence = (
        LicenceForExporter(issued.pk, issued.number, issued.state, issued.valid_until)
        if issued is not None
        else None
    )
    return ExporterStatus(requests, decision, licence)


# -- helpers ----------------------------------------------------------------------------------


def _expect(application: Application, version: int) -> None:
    if application.version != version:
        raise StaleObject(
            f"{application} was changed since you opened it (you had version {version}, it is "
            f"now at version {application.version}); reload it, check the changes and try again",
            details={"field": "version", "current_version": application.version},
        )


def _touch(application: Application, version: int, changes: dict[str, Any] | None = None) -> None:
    """Apply a draft change if the draft is still at `version`, and move the version on."""
    if application.state != ApplicationState.DRAFT:
        raise Conflict(
            f"{application} is {ApplicationState(application.state).value}: only a draft can be "
            "changed",
            details={"state": application.state},
        )
    updated = Application.objects.filter(
        pk=application.pk, version=version, state=ApplicationState.DRAFT
    ).update(version=F("version") + 1, updated_at=timezone.now(), **(changes or {}))
    if updated != 1:
        application.refresh_from_db(fields=["version", "state"])
        _expect(application, version)
        raise Conflict(f"{application} is no longer a draft", details={"state": application.state})
    application.version = version + 1
    for name, value in (changes or {}).items():
        setattr(application, name, value)


def _child(queryset: QuerySet[Any], pk: int, what: str) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"no {what} {pk} on this application")
    return found


def _title(title: str) -> str:
    title = title.strip()
    if not title:
        raise InvalidInput(
            "give the application a title you will recognise", details={"field": "title"}
        )
    if len(title) > 200:
        raise InvalidInput("the title is longer than 200 characters", details={"field": "title"})
    return title


def _country(code: str, field_name: str) -> str:
    try:
        return country(code).alpha2
    except InvalidInput as error:
        raise InvalidInput(error.message, details={**error.details, "field": field_name}) from None


def _choice(value: str, choices: Any, field_name: str) -> str:
    known = [str(getattr(c, "value", c)) for c in choices]
    if value not in known:
        raise InvalidInput(
            f"unknown {field_name.replace('_', ' ')} {value!r}; choose one of {', '.join(known)}",
            details={"field": field_name},
        )
    return value


def checked_amount(
    value: Decimal | str | int | float,
    field_name: str,
    *,
    places: int,
    bound: Decimal,
    positive: bool = False,
) -> Decimal:
    label = "the value in euros" if field_name == "value_eur" else f"the {field_name}"
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise InvalidInput(f"{label} must be a number", details={"field": field_name}) from None
    if not amount.is_finite():
        raise InvalidInput(f"{label} must be a number", details={"field": field_name})
    if amount < 0 or (positive and amount == 0):
        above = "above 0" if positive else "0 or more"
        raise InvalidInput(f"{label} must be {above}", details={"field": field_name})
    if amount > bound:
        raise InvalidInput(
            f"{label} {amount:,} is above {bound:,}; check the figure (a typing error?)",
            details={"field": field_name},
        )
    exponent = amount.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise InvalidInput(
            f"{label} has more than {places} decimal places", details={"field": field_name}
        )
    return amount
