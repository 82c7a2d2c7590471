"""What the public portal shows: the report engine's published tables, shaped for pages.

The portal publishes nothing of its own. Counts, suppression and the publication delay come
from the report engine (`licentia.transparency.services`); the portal groups its tables into
pages (per destination, Member State and item category, and exports to destinations rated high
risk), adds the destination's human-rights indicators with their sources and the risk model's
rating of its record, and passes the engine's downloads and publications through.

A suppressed cell stays suppressed here: the portal never adds published cells up into a
figure the engine did not publish. Pages are cached per data version (the latest publication),
so a new publication is shown at once and an unchanged one is served from the cache.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, TypeVar

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from licentia.errors import InvalidInput, LicentiaError, NotFound
from licentia.reference.countries import country
from licentia.risk.assess import AssessmentStatus, FactorKind, RiskRequest
from licentia.risk.assess import assess as assess_risk
from licentia.risk.config import DEFAULT_CONFIG, Rating
from licentia.risk.technology import TechnologyCategory
from licentia.rules.model import PartyType

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "parquet": "application/vnd.apache.parquet",
}
DIMENSIONS = {
    "destination": "Destination",
    "member_state": "Member State",
    "item_category": "Item category",
    "end_user_type": "End-user type",
}
_BY = {
    "destination": "destination",
    "member_state": "issuing Member State",
    "item_category": "item category",
    "end_user_type": "end-user type",
}
GRANTED, REFUSED = "granted", "refused"
COUNT = "decisions"
HIGH_RATINGS = (Rating.HIGH, Rating.VERY_HIGH)
T = TypeVar("T")


class PortalUnavailable(LicentiaError):
    """The report engine is not installed, so there is nothing to publish."""

    status = 503
    code = "unavailable"


# -- the report engine -----------------------------------------------------------------------


def engine() -> ModuleType:
    """The report engine's service module (`licentia.transparency.services`)."""
    if not apps.is_installed("licentia.transparency"):
        raise PortalUnavailable("the report engine (licentia.transparency) is not installed")
    return importlib.import_module("licentia.transparency.services")


@dataclass(frozen=True)
class Publication:
    id: str
    year: int
    title: str
    summary: str
    published_at: dt.datetime
    data_version: str


def publications(*, now: dt.datetime | None = None) -> list[Publication]:
    """What the engine has published up to now (never an entry dated later), newest first.

    Published data change on the engine's release days: the list is kept per release date,
    for at most LICENTIA_PORTAL_CACHE_SECONDS.
    """
    moment = now or dt.datetime.now(dt.UTC)
    key = f"portal:publications:{engine().release_date()}"
    found: list[Publication] | None = cache.get(key)
    if found is None:
        found = [
            Publication(
                id=str(p.id),
                year=int(p.year),
                title=str(p.title),
                summary=str(p.summary),
                published_at=p.published_at,
                data_version=str(p.data_version),
            )
            for p in engine().publications()
        ]
        cache.set(key, found, settings.LICENTIA_PORTAL_CACHE_SECONDS)
    return sorted(
        (p for p in found if p.published_at <= moment),
        key=lambda p: (p.published_at, p.id),
        reverse=True,
    )


def years() -> list[int]:
    """The years with a publication, newest first."""
    return sorted({p.year for p in publications()}, reverse=True)


def data_version() -> str:
    """Changes with every publication: the cache key of every page."""
    found = publications()
    return found[0].data_version if found else "none"


def _cached(key: str, build: Callable[[], T]) -> T:
    full = f"portal:{data_version()}:{key}"
    found = cache.get(full)
    if found is None:
        found = build()
        cache.set(full, found, settings.LICENTIA_PORTAL_CACHE_SECONDS)
    return found


def _year(year: int | None) -> int:
    published = years()
    if not published:
        raise NotFound("nothing is published yet")
    if year is None:
        return published[0]
    if year not in published:
        raise NotFound(
            f"nothing is published for {year}; published years: "
            + ", ".join(str(y) for y in published)
        )
    return year


# -- tables as the pages show them -----------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    value: float | None
    reason: str = ""  # why the value is withheld; empty for a published value

    @property
    def suppressed(self) -> bool:
        return bool(self.reason)


@dataclass(frozen=True)
class GridRow:
    key: str
    label: str
    link: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Grid:
    """One published table, pivoted for reading: rows by one dimension, columns by decision."""

    id: str
    caption: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[GridRow, ...]
    chart: str = "bar"  # the Chart.js type

    @property
    def suppressed_reasons(self) -> list[str]:
        return sorted({c.reason for r in self.rows for c in r.cells if c.suppressed})

    @property
    def summary(self) -> str:
        """What the chart shows, in words, from published values only."""
        if not self.rows:
            return f"{self.caption}: no decisions published."
        parts = [f"{self.caption}: {len(self.rows)} {self.row_header.lower()} value(s)."]
        for index, column in enumerate(self.columns):
            known = [(r.cells[index].value, r.label) for r in self.rows if r.cells[index].value]
            if known:
                value, label = max(known, key=lambda pair: pair[0] or 0)
                parts.append(f"Most {column.lower()}: {label} ({value:,.0f}).")
        hidden = sum(1 for r in self.rows for c in r.cells if c.suppressed)
        if hidden:
            parts.append(f"{hidden} cell(s) suppressed to protect confidentiality.")
        return " ".join(parts)

    def chart_data(self) -> dict[str, Any]:
        """The chart's data for the page's script; a suppressed value is a gap (null)."""
        return {
            "type": self.chart,
            "title": self.caption,
            "labels": [r.label for r in self.rows],
            "datasets": [
                {"label": column, "data": [r.cells[i].value for r in self.rows]}
                for i, column in enumerate(self.columns)
            ],
        }


def label(dimension: str, value: str) -> str:
    """How a dimension's value reads on a page: country names for countries."""
    if dimension in {"destination", "member_state"}:
        try:
            return country(value).name
        except InvalidInput:
            return value
    if dimension == "end_user_type":
        try:
            return PartyType(value).description
        except ValueError:
            return value
    return value


def _link(dimension: str, value: str, year: int) -> str:
    route = {
        "destination": "portal:destination",
        "member_state": "portal:member-state",
        "item_category": "portal:item-category",
    }.get(dimension)
    return reverse(route, args=[year, value]) if route else ""


def _reason(code: str) -> str:
    """The engine's description of a suppression reason code (the code if it has none)."""
    try:
        return str(importlib.import_module("licentia.reports.model").Reason(code).description)
    except (ImportError, ValueError):
        return code or "withheld"


def _cell(raw: Any) -> Cell:
    if raw is None:
        return Cell(None)
    if raw.suppressed:
        return Cell(None, _reason(str(raw.reason)))
    return Cell(raw.value)


def _table(report: Any, table_id: str) -> Any:
    for table in report.tables:
        if table.id == table_id:
            return table
    raise NotFound(f"the report has no table {table_id!r}")


def _decision(table: Any, row: Any) -> str:
    """The row's decision: a column of the table, or fixed for the whole table."""
    return str(row.keys.get("decision") or dict(table.info.fixed).get("decision", ""))


def _pivot(table: Any, *, caption: str, by: str, year: int) -> Grid:
    """Rows by `by`, one column per decision (granted, refused...), cells as published."""
    present = {_decision(table, row) for row in table.rows}
    decisions = [d for d in (GRANTED, REFUSED) if d in present or not present]
    decisions += sorted(present - set(decisions))
    cells: dict[str, dict[str, Cell]] = {}
    for row in table.rows:
        cells.setdefault(str(row.keys[by]), {})[_decision(table, row)] = _cell(row.cells.get(COUNT))
    rows = tuple(
        GridRow(
            key=key,
            label=label(by, key),
            link=_link(by, key, year),
            cells=tuple(values.get(d, Cell(0)) for d in decisions),
        )
        for key, values in sorted(cells.items(), key=lambda kv: label(by, kv[0]))
    )
    return Grid(
        id=table.id,
        caption=caption,
        row_header=DIMENSIONS[by],
        columns=tuple(d.replace("-", " ").capitalize() for d in decisions),
        rows=rows,
    )


def _over_time(dimension: str | None, code: str | None, what: str) -> Grid:
    """Granted and refused decisions per published year, oldest first."""
    filters = {dimension: code} if dimension and code else {}
    table_id = f"by-{dimension.replace('_', '-')}" if dimension else "decisions"
    rows = []
    for year in sorted(years()):
        table = _table(engine().report(year=year, filters=filters), table_id)
        by_decision = {_decision(table, r): _cell(r.cells.get(COUNT)) for r in table.rows}
        rows.append(
            GridRow(
                str(year),
                str(year),
                "",
                (by_decision.get(GRANTED, Cell(0)), by_decision.get(REFUSED, Cell(0))),
            )
        )
    return Grid(
        id=table_id,
        caption=f"Licences granted and refused per year, {what}",
        row_header="Year",
        columns=("Granted", "Refused"),
        rows=tuple(rows),
        chart="line" if len(rows) > 2 else "bar",
    )


# -- the destination's human-rights record -----------------------------------------------------


@dataclass(frozen=True)
class Source:
    title: str
    value: str
    year: int | None
    edition: str
    licence: str
    url: str


@dataclass(frozen=True)
class DestinationRisk:
    """The risk model's destination factor: the record alone, on the rating bands."""

    code: str
    name: str
    rating: Rating | None  # None: too few current indicators to rate
    score: float | None
    summary: str
    sources: tuple[Source, ...]
    as_of: dt.date

    @property
    def high(self) -> bool:
        return self.rating in HIGH_RATINGS


def destination_risk(code: str, *, year: int, today: dt.date | None = None) -> DestinationRisk:
    """Rate a destination's record as of the end of `year` (or today, if earlier).

    The risk model rates transactions; its destination factor is the record alone. It is put
    on the model's rating bands as the most exposed transaction (intrusive technology to a
    security service) would be rated on it, and cites every indicator used.
    """
    day = today or dt.date.today()
    as_of = min(dt.date(year, 12, 31), day)
    found = country(code)
    store = _indicator_store()
    request = RiskRequest(
        destination=found.alpha2,
        date=as_of,
        end_user_type=PartyType.INTELLIGENCE,
        categories=(TechnologyCategory.INTRUSION,),
    )
    try:
        assessment = assess_risk(request, store, DEFAULT_CONFIG, today=day)
    except InvalidInput as exc:  # e.g. a year before the earliest indicator data
        return DestinationRisk(found.alpha2, found.name, None, None, exc.message, (), as_of)
    factor = assessment.factor(FactorKind.DESTINATION)
    rated = assessment.status is AssessmentStatus.ASSESSED and factor.score is not None
    sources = tuple(
        Source(
            title=e.title,
            value=f"{e.value:g}" if e.value is not None else "no value",
            year=e.year,
            edition=e.edition.label if e.edition else "",
            licence=e.edition.licence if e.edition else "",
            url=e.edition.url if e.edition else "",
        )
        for e in factor.indicators
    )
    return DestinationRisk(
        code=found.alpha2,
        name=found.name,
        rating=DEFAULT_CONFIG.bands.rating(factor.score)
        if rated and factor.score is not None
        else None,
        score=factor.score if rated else None,
        summary=factor.summary,
        sources=sources,
        as_of=as_of,
    )


def _indicator_store() -> Any:
    from licentia.riskassessments.services import indicator_store

    return indicator_store()


# -- pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Download:
    table: str
    title: str
    description: str
    urls: Mapping[str, str]


@dataclass(frozen=True)
class Page:
    title: str
    year: int
    years: tuple[int, ...]
    grids: tuple[Grid, ...]
    published_until: dt.date | None = None
    code: str = ""
    risk: DestinationRisk | None = None
    indicators: Any = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def index(*, year: int | None = None) -> Page:
    chosen = _year(year)

    def build() -> Page:
        report = engine().report(year=chosen, filters={})
        grids = (
            _over_time(None, None, "all destinations"),
            _pivot(
                _table(report, "by-destination"),
                caption=f"Decisions by destination, {chosen}",
                by="destination",
                year=chosen,
            ),
            _pivot(
                _table(report, "by-member-state"),
                caption=f"Decisions by issuing Member State, {chosen}",
                by="member_state",
                year=chosen,
            ),
            _pivot(
                _table(report, "by-item-category"),
                caption=f"Decisions by item category, {chosen}",
                by="item_category",
                year=chosen,
            ),
        )
        return Page(
            title=f"Export-control decisions, {chosen}",
            year=chosen,
            years=tuple(years()),
            grids=grids,
            published_until=report.published_until,
        )

    return _cached(f"index:{chosen}", build)


def breakdown(dimension: str, code: str, *, year: int | None = None) -> Page:
    """A destination's, Member State's or item category's page for one year, with history.

    Every published table that has the page's dimension and one other (besides the decision)
    is shown, sliced to the page's value and pivoted by the other dimension.
    """
    if dimension not in _BY or dimension == "end_user_type":
        raise NotFound(f"no portal page per {dimension}")
    code = _code(dimension, code)
    chosen = _year(year)

    def build() -> Page:
        name = label(dimension, code)
        report = engine().report(year=chosen, filters={dimension: code})
        grids = [_over_time(dimension, code, name)]
        for table in report.tables:
            others = [d for d in table.dimensions if d not in (dimension, "decision")]
            if dimension not in table.dimensions or len(others) != 1 or others[0] not in _BY:
                continue
            if table.id == grids[0].id:
                continue
            grids.append(
                _pivot(table, caption=f"{table.title}, {name}, {chosen}", by=others[0], year=chosen)
            )
        risk = indicators = None
        if dimension == "destination":
            risk = destination_risk(code, year=chosen)
            indicators = _country_indicators(code)
        return Page(
            title=f"{name}: export-control decisions, {chosen}",
            year=chosen,
            years=tuple(years()),
            grids=tuple(grids),
            published_until=report.published_until,
            code=code,
            risk=risk,
            indicators=indicators,
            extra={"dimension": DIMENSIONS[dimension]},
        )

    return _cached(f"{dimension}:{code}:{chosen}", build)


def _code(dimension: str, code: str) -> str:
    if dimension in {"destination", "member_state"}:
        try:
            return country(code).alpha2
        except InvalidInput as exc:
            raise NotFound(exc.message) from None
    return code.strip()


def _country_indicators(code: str) -> Any:
    if not apps.is_installed("licentia.indicators"):
        return None
    from licentia.indicators.services import country_series

    return country_series(code)


@dataclass(frozen=True)
class HighRiskRow:
    risk: DestinationRisk
    granted: Cell
    refused: Cell
    link: str


def high_risk(*, year: int | None = None) -> Page:
    """Licences granted to destinations whose record the risk model rates high or very high."""
    chosen = _year(year)

    def build() -> Page:
        report = engine().report(year=chosen, filters={})
        grid = _pivot(
            _table(report, "by-destination"),
            caption=f"Decisions by destination, {chosen}",
            by="destination",
            year=chosen,
        )
        rows = []
        unrated = []
        for row in grid.rows:
            risk = destination_risk(row.key, year=chosen)
            if risk.high:
                rows.append(HighRiskRow(risk, row.cells[0], row.cells[1], row.link))
            elif risk.rating is None:
                unrated.append(risk)
        rows.sort(key=lambda r: (-(r.risk.score or 0), r.risk.name))
        table = Grid(
            id="high-risk",
            caption=f"Licences granted to destinations rated high risk, {chosen}",
            row_header="Destination",
            columns=("Granted", "Refused"),
            rows=tuple(
                GridRow(r.risk.code, r.risk.name, r.link, (r.granted, r.refused)) for r in rows
            ),
        )
        return Page(
            title=f"Exports to destinations rated high risk, {chosen}",
            year=chosen,
            years=tuple(years()),
            grids=(table,),
            published_until=report.published_until,
            extra={"rows": rows, "unrated": unrated, "bands": DEFAULT_CONFIG.bands},
        )

    return _cached(f"high-risk:{chosen}", build)


def downloads(*, year: int | None = None) -> tuple[int, list[Download]]:
    chosen = _year(year)
    return chosen, [
        Download(
            table=str(t.id),
            title=str(t.title),
            description=str(t.description),
            urls={fmt: reverse("portal:table", args=[chosen, t.id, fmt]) for fmt in FORMATS},
        )
        for t in engine().tables()
    ]


def data_dictionary() -> list[Any]:
    return list(engine().data_dictionary())


@dataclass(frozen=True)
class Export:
    content: bytes
    content_type: str
    filename: str


def export(*, year: int, table: str, fmt: str) -> Export:
    """One table of one year's publication as the engine exports it."""
    if fmt not in FORMATS:
        raise NotFound(f"no format {fmt!r}; choose one of " + ", ".join(FORMATS))
    chosen = _year(year)
    if table not in {str(t.id) for t in engine().tables()}:
        raise NotFound(f"no table {table!r}")
    content = _cached(
        f"export:{chosen}:{table}:{fmt}",
        lambda: bytes(engine().export(table, fmt, year=chosen)),
    )
    return Export(content, FORMATS[fmt], f"licentia-{chosen}-{table}.{fmt}")


def delay_days() -> int:
    """How many days after a decision it is published (the report engine's setting)."""
    return int(engine().delay_days)
