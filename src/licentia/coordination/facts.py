"""The facts of a transaction that Member States exchange: items with their key parameters,
end users, consignees, destinations and the exporter, as plain JSON-ready values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from licentia.applications.models import Application, ApplicationParty, GoodsLine
from licentia.cases.models import Case
from licentia.coordination.matching import ItemRecord, PartyRecord, Transaction
from licentia.coordination.models import DenialNotice
from licentia.rules.model import PartyRole

ROLES = (PartyRole.END_USER, PartyRole.CONSIGNEE)


def item(line: GoodsLine, *, values: bool = True) -> dict[str, Any]:
    """A goods line: control entry and the parameters that identify the item (Art 2(22))."""
    product = line.product
    recorded = product.current_classification if product is not None else None
    out: dict[str, Any] = {
        "entry": line.control_entry,
        "list_version": line.list_version,
        "description": line.description,
        "cyber_surveillance": line.cyber_surveillance,
        # The classification's answers are the item's technical parameters where recorded.
        "parameters": dict(recorded.answers) if recorded is not None else {},
    }
    if values:
        out |= {"quantity": str(line.quantity), "unit": line.unit, "value_eur": str(line.value_eur)}
    return out


def party(application_party: ApplicationParty, *, address: bool = True) -> dict[str, Any]:
    source = application_party.source
    return {
        "name": application_party.name,
        "country": application_party.country,
        "type": application_party.type,
        "address": application_party.address if address else "",
        "identifiers": list(source.identifiers) if source is not None else [],
    }


def parties(application: Application, role: PartyRole, *, address: bool = True) -> list[dict]:
    return [
        party(p, address=address)
        for p in application.parties.select_related("source").filter(role=role).order_by("pk")
    ]


def items(application: Application, *, values: bool = True) -> list[dict[str, Any]]:
    lines = application.goods_lines.select_related("product").order_by("position")
    return [item(line, values=values) for line in lines]


def exporter(application: Application) -> dict[str, Any]:
    organisation = application.organisation
    return {
        "name": organisation.name,
        "member_state": organisation.member_state,
        "eori": organisation.eori,
    }


def subject(case: Case, *, share_exporter: bool) -> dict[str, Any]:
    """What a consultation is about: the case's transaction."""
    application = case.application
    return {
        "reference": str(application),
        "items": items(application),
        "end_users": parties(application, PartyRole.END_USER),
        "consignees": parties(application, PartyRole.CONSIGNEE),
        "destinations": list(application.destinations),
        "end_use": application.end_use,
        "exporter": exporter(application) if share_exporter else None,
    }


def transaction(
    key: str,
    *,
    items: Iterable[Mapping[str, Any]],
    end_users: Iterable[Mapping[str, Any]],
    consignees: Iterable[Mapping[str, Any]],
    destinations: Iterable[str],
) -> Transaction:
    """The matcher's view of a transaction."""
    return Transaction(
        key=key,
        parties=tuple(PartyRecord.of(PartyRole.END_USER, p) for p in end_users)
        + tuple(PartyRecord.of(PartyRole.CONSIGNEE, p) for p in consignees),
        items=tuple(ItemRecord.of(i) for i in items),
        destinations=tuple(destinations),
    )


def denied_transaction(notice: DenialNotice) -> Transaction:
    """The matcher's view of a denial notice, keyed by its uid."""
    return transaction(
        str(notice.uid),
        items=notice.items,
        end_users=notice.end_users,
        consignees=notice.consignees,
        destinations=notice.destinations,
    )


def case_transaction(case: Case) -> Transaction:
    application = case.application
    return transaction(
        f"case:{case.pk}",
        items=items(application, values=False),
        end_users=parties(application, PartyRole.END_USER),
        consignees=parties(application, PartyRole.CONSIGNEE),
        destinations=application.destinations,
    )
