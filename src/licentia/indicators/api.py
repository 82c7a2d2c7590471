"""Indicator endpoints: editions with provenance, and one country's indicators over time."""

from __future__ import annotations

from datetime import date, datetime

from django.http import HttpRequest
from ninja import Router, Schema

from licentia.indicators import services
from licentia.indicators.models import IndicatorEdition
from licentia.risk.model import Edition

router = Router()


class FailureOut(Schema):
    name: str
    position: str
    reason: str


class EditionOut(Schema):
    id: int
    source: str
    format: str
    label: str
    licence: str
    url: str
    retrieved_on: date
    checksum: str
    file_name: str
    imported_at: datetime
    status: str
    value_count: int
    country_count: int
    first_year: int | None
    last_year: int | None
    failure_count: int
    previous_id: int | None


class EditionDetailOut(EditionOut):
    indicators: list[str]
    failures: list[FailureOut]


class ProvenanceOut(Schema):
    source: str
    label: str
    licence: str
    url: str
    retrieved_on: date
    checksum: str


class ValueOut(Schema):
    year: int
    value: float
    risk: float  # 0 (best) .. 1 (worst) on the indicator's scale


class SeriesOut(Schema):
    indicator: str
    title: str
    best: float
    worst: float
    description: str
    edition: ProvenanceOut | None
    values: list[ValueOut]


class CountryOut(Schema):
    country: str
    name: str
    series: list[SeriesOut]
    no_data: list[str]  # active indicators with no value for this country


def _edition_out(edition: IndicatorEdition) -> EditionOut:
    return EditionOut(
        id=edition.pk,
        source=edition.source,
        format=edition.format,
        label=edition.label,
        licence=edition.licence,
        url=edition.url,
        retrieved_on=edition.retrieved_on,
        checksum=edition.checksum,
        file_name=edition.file_name,
        imported_at=edition.imported_at,
        status=edition.status,
        value_count=edition.value_count,
        country_count=edition.country_count,
        first_year=edition.first_year,
        last_year=edition.last_year,
        failure_count=len(edition.failures),
        previous_id=edition.previous_id,
    )


def _provenance(edition: Edition | None) -> ProvenanceOut | None:
    if edition is None:
        return None
    return ProvenanceOut(
        source=edition.source,
        label=edition.label,
        licence=edition.licence,
        url=edition.url,
        retrieved_on=edition.retrieved_on,
        checksum=edition.checksum,
    )


@router.get("/editions", response=list[EditionOut], summary="Stored indicator editions")
def editions(request: HttpRequest, source: str | None = None) -> list[EditionOut]:
    return [_edition_out(e) for e in services.editions(source=source)]


@router.get(
    "/editions/{pk}", response=EditionDetailOut, summary="One edition with its mapping failures"
)
def edition(request: HttpRequest, pk: int) -> EditionDetailOut:
    found = services.get_edition(pk=pk)
    return EditionDetailOut(
        **_edition_out(found).model_dump(),
        indicators=list(found.indicators.values_list("key", flat=True)),
        failures=[FailureOut(**failure) for failure in found.failures],
    )


@router.get(
    "/countries/{code}",
    response=CountryOut,
    summary="The active indicators of one country over time, each with its edition",
)
def country(request: HttpRequest, code: str) -> CountryOut:
    found = services.country_series(code)
    return CountryOut(
        country=found.code,
        name=found.name,
        series=[
            SeriesOut(
                indicator=h.indicator.key,
                title=h.indicator.title,
                best=h.indicator.best,
                worst=h.indicator.worst,
                description=h.indicator.description,
                edition=_provenance(h.edition),
                values=[
                    ValueOut(year=o.year, value=o.value, risk=h.indicator.risk(o.value))
                    for o in h.observations
                ],
            )
            for h in found.with_data
        ],
        no_data=[h.indicator.key for h in found.without_data],
    )
