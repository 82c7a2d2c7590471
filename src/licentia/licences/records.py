"""Export records (Art 27 of Regulation (EU) 2021/821): retention and customs-style exports.

Records of an export are kept at least five years from the end of the calendar year of the
export: a shipment made in 2026 is kept until 31 December 2031 (`Shipment.keep_until`). Until
then neither the shipment nor what it was made under (its licence, the decision and the
application behind the licence) may be deleted. `ensure_deletable` is the check services run
before deleting; shipments run it before every deletion, of an instance or a queryset, and a
licence before its own (`models.py`), before anything is deleted. In the database, shipments
protect their licence lines, licences their decision, and decisions their case and application.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Max, Model, QuerySet
from django.utils import timezone

from licentia.applications.models import Application
from licentia.cases.models import Decision
from licentia.errors import Conflict
from licentia.licences.models import Licence, Shipment


class RecordRetained(Conflict):
    """Art 27: an export record may not be deleted before its retention period ends."""

    code = "record_retained"


def retained_until(obj: Model) -> date | None:
    """The last day `obj` must be kept for the shipments it holds, or None if it holds none."""
    shipments = _shipments_of(obj)
    if shipments is None:
        return None
    latest: date | None = shipments.aggregate(latest=Max("keep_until"))["latest"]
    return latest


def ensure_shipments_deletable(shipments: QuerySet[Shipment]) -> None:
    """`RecordRetained` if any of `shipments` is still in its retention period."""
    kept = shipments.filter(keep_until__gte=timezone.localdate()).order_by("-keep_until").first()
    if kept is not None:
        ensure_deletable(kept)


def ensure_deletable(obj: Model, *, today: date | None = None) -> None:
    """`RecordRetained` (409) while `obj` holds export records still in their retention period."""
    until = retained_until(obj)
    if until is not None and (today or timezone.localdate()) <= until:
        raise RecordRetained(
            f"{obj._meta.verbose_name} {obj} holds export records that must be kept until "
            f"{until} (Art 27 of Regulation (EU) 2021/821: five years from the end of the "
            "calendar year of the export)",
            details={"object": obj._meta.label_lower, "id": obj.pk, "keep_until": until},
        )


def _shipments_of(obj: Model) -> QuerySet[Shipment] | None:
    if isinstance(obj, Shipment):
        return Shipment.objects.filter(pk=obj.pk)
    if isinstance(obj, Licence):
        return Shipment.objects.filter(line__licence=obj)
    if isinstance(obj, Decision):
        return Shipment.objects.filter(line__licence__decision=obj)
    if isinstance(obj, Application):
        return Shipment.objects.filter(line__licence__decision__case__application=obj)
    return None


# -- customs-style exports -----------------------------------------------------------------

FIELDS = (
    "licence_number",
    "holder",
    "holder_eori",
    "line",
    "control_entry",
    "description",
    "quantity",
    "unit",
    "value_eur",
    "shipped_on",
    "destination",
    "consignee",
    "customs_reference",
    "keep_until",
)


@dataclass(frozen=True)
class ShipmentRecord:
    """One export as customs and the authority read it: which licence, line and entry."""

    licence_number: str
    holder: str
    holder_eori: str
    line: int
    control_entry: str
    description: str
    quantity: Decimal
    unit: str
    value_eur: Decimal
    shipped_on: date
    destination: str
    consignee: str
    customs_reference: str
    keep_until: date


def shipment_records(
    *, licences: QuerySet[Licence], since: date | None = None, until: date | None = None
) -> list[ShipmentRecord]:
    """The shipments under `licences` (already limited to what the caller may see)."""
    shipments = Shipment.objects.filter(line__licence__in=licences).select_related(
        "line__licence__holder"
    )
    if since is not None:
        shipments = shipments.filter(shipped_on__gte=since)
    if until is not None:
        shipments = shipments.filter(shipped_on__lte=until)
    return [
        ShipmentRecord(
            licence_number=s.line.licence.number,
            holder=s.line.licence.holder.name,
            holder_eori=s.line.licence.holder.eori,
            line=s.line.position,
            control_entry=s.line.control_entry,
            description=s.line.description,
            quantity=s.quantity,
            unit=s.line.unit,
            value_eur=s.value_eur,
            shipped_on=s.shipped_on,
            destination=s.destination,
            consignee=s.consignee,
            customs_reference=s.customs_reference,
            keep_until=s.keep_until,
        )
        for s in shipments.order_by("line__licence__number", "shipped_on", "pk")
    ]


def records_csv(records: list[ShipmentRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for item in records:
        writer.writerow([_safe_cell(str(value)) for value in asdict(item).values()])
    return out.getvalue()


def records_json(records: list[ShipmentRecord]) -> str:
    return json.dumps(
        {"fields": list(FIELDS), "records": [asdict(item) for item in records]},
        default=str,
        indent=2,
        ensure_ascii=False,
    )


def _safe_cell(value: str) -> str:
    """A cell a spreadsheet would run as a formula is written as text."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
