"""The report service: decision facts from the database, the report engine, the cache.

The Python API the public portal uses:

- `report(year=, filters=)` -> `licentia.reports.model.Report` (tables of rows with cells,
  totals, suppressed cells with their reason, provenance);
- `tables()` -> the tables' stable ids, titles and descriptions;
- `data_dictionary()` -> the columns of every download;
- `publications()` -> what was published when (for the Atom feed), after the delay;
- `export(table, fmt, year=)` -> bytes of one table in CSV, JSON or Parquet;
- `render(year=, fmt=, filters=)` -> bytes of the whole report in any format (the CLI);
- `delay_days` -> the default publication delay in days.

Settings (Django settings or environment variables of the same name):
LICENTIA_REPORT_DELAY_DAYS (90), LICENTIA_REPORT_RELEASE_DAYS (7), LICENTIA_REPORT_MIN_COUNT (3),
LICENTIA_REPORT_DOMINANCE_N (2), LICENTIA_REPORT_DOMINANCE_K (85),
LICENTIA_REPORT_CACHE_SECONDS (3600).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from licentia.errors import InvalidInput, NotFound
from licentia.reports import formats, taxonomy
from licentia.reports.build import Cube, build_report, count_table, filter_report, with_tables
from licentia.reports.model import Cell, Column, Provenance, Report, Row, Rules, Table, TableInfo
from licentia.reports.tables import COUNT_TABLES, DATA_DICTIONARY, FULL_PUBLICATION, SPECS
from licentia.transparency.models import DecisionFact, FullPublication, PublicationSettings

SOURCE = "Licentia: decisions of the competent authorities under Regulation (EU) 2021/821"
EPOCH = dt.date(2020, 1, 6)  # a Monday: releases fall on the same weekday
OUTCOMES = {"grant": "granted", "refuse": "refused", "no-licence-required": "no-licence-required"}
DOWNLOAD_FORMATS = ("csv", "json", "parquet")


def _setting(name: str, default: float) -> float:
    found = getattr(settings, name, None)
    if found is None:
        found = os.environ.get(name, default)
    return float(found)


def default_delay_days() -> int:
    return int(_setting("LICENTIA_REPORT_DELAY_DAYS", 90))


def release_days() -> int:
    return max(1, int(_setting("LICENTIA_REPORT_RELEASE_DAYS", 7)))


def rules() -> Rules:
    return Rules(
        min_count=int(_setting("LICENTIA_REPORT_MIN_COUNT", 3)),
        dominance_n=int(_setting("LICENTIA_REPORT_DOMINANCE_N", 2)),
        dominance_k=_setting("LICENTIA_REPORT_DOMINANCE_K", 85),
    )


def __getattr__(name: str) -> Any:
    if name == "delay_days":
        return default_delay_days()
    raise AttributeError(name)


# -- facts -----------------------------------------------------------------------------------


def _delays() -> tuple[dict[int, int], set[int]]:
    delays: dict[int, int] = {}
    in_full: set[int] = set()
    for row in PublicationSettings.objects.all():
        if row.delay_days is not None:
            delays[row.authority_id] = row.delay_days
        if row.publish_all_in_full:
            in_full.add(row.authority_id)
    return delays, in_full


def _facts_of(decision: Any, delays: Mapping[int, int], in_full: set[int]) -> list[DecisionFact]:
    case = decision.case
    application = case.application
    decided_on = timezone.localdate(decision.decided_at)
    delay = delays.get(case.authority_id, default_delay_days())
    licence_values: dict[int, Decimal] = {}
    licence = getattr(decision, "licence", None) if decision.outcome == "grant" else None
    if licence is not None:
        for line in licence.lines.all():
            licence_values[line.goods_line_id] = line.value_eur
    by_type: dict[str, tuple[str, Decimal]] = {}
    for line in application.goods_lines.all():
        code = taxonomy.item_type(line.control_entry, non_listed_cyber=line.cyber_surveillance)
        entry, value = by_type.get(code, (line.control_entry, Decimal(0)))
        by_type[code] = (entry, value + licence_values.get(line.pk, line.value_eur))
    end_users = [p for p in application.parties.all() if p.role == "end-user"]
    destinations = [str(d).upper() for d in application.destinations] or sorted(
        {p.country for p in end_users}
    )
    public = (
        case.authority_id in in_full
        or FullPublication.objects.filter(decision_id=decision.pk).exists()
    )
    facts = []
    for destination in destinations or ["ZZ"]:
        in_destination = [p for p in end_users if p.country == destination]
        chosen = (in_destination or end_users)[:1]
        for code, (entry, value) in sorted(by_type.items()):
            facts.append(
                DecisionFact(
                    decision_id=decision.pk,
                    authority_id=case.authority_id,
                    exporter_id=application.organisation_id,
                    year=decided_on.year,
                    decided_on=decided_on,
                    publish_on=decided_on + dt.timedelta(days=delay),
                    member_state=application.member_state,
                    destination=destination,
                    item_category=code,
                    control_entry=entry,
                    licence_type=application.kind,
                    outcome=OUTCOMES[decision.outcome],
                    end_user_type=chosen[0].type if chosen else "unknown",
                    value_eur=(value / len(destinations or ["ZZ"])).quantize(Decimal("0.01")),
                    public=public,
                )
            )
    return facts


def sync_facts(*, rebuild: bool = False) -> int:
    """Derive the facts of decisions that have none (all of them with `rebuild`)."""
    from licentia.cases.models import Decision

    with transaction.atomic():
        if rebuild:
            DecisionFact.objects.filter(decision__isnull=False).delete()
        pending = (
            Decision.objects.filter(facts__isnull=True)
            .select_related("case", "case__application", "licence")
            .prefetch_related(
                "case__application__goods_lines", "case__application__parties", "licence__lines"
            )
        )
        delays, in_full = _delays()
        created = []
        for decision in pending:
            created += _facts_of(decision, delays, in_full)
        DecisionFact.objects.bulk_create(created, batch_size=2000)
    return len(created)


def publish_in_full(*, decision: Any, user: Any = None) -> None:
    """The authority publishes one decision in full (exporter named)."""
    FullPublication.objects.get_or_create(decision=decision, defaults={"decided_by": user})
    DecisionFact.objects.filter(decision=decision).update(public=True)


def set_delay(*, authority: Any, days: int | None) -> None:
    """Change an authority's delay; the publication dates of its facts follow."""
    if days is not None and not 0 <= days <= 3650:
        raise InvalidInput("the delay must be between 0 and 3650 days")
    PublicationSettings.objects.update_or_create(authority=authority, defaults={"delay_days": days})
    delay = default_delay_days() if days is None else days
    for fact in DecisionFact.objects.filter(authority=authority).only("pk", "decided_on"):
        DecisionFact.objects.filter(pk=fact.pk).update(
            publish_on=fact.decided_on + dt.timedelta(days=delay)
        )


def _ensure_synced() -> None:
    from licentia.cases.models import Decision

    latest = Decision.objects.aggregate(m=Max("pk"))["m"] or 0
    done = DecisionFact.objects.aggregate(m=Max("decision_id"))["m"] or 0
    if latest > done:
        sync_facts()


# -- releases --------------------------------------------------------------------------------


def release_date(today: dt.date | None = None) -> dt.date:
    """The latest release on or before `today`: published data change only on release days."""
    day = today or timezone.localdate()
    period = release_days()
    return day - dt.timedelta(days=(day - EPOCH).days % period)


def data_version(year: int, as_of: dt.date) -> str:
    found = DecisionFact.objects.filter(year=year, publish_on__lte=as_of).aggregate(
        n=Count("pk"), m=Max("pk"), p=Max("publish_on"), f=Count("pk", filter=Q(public=True))
    )
    raw = (
        f"{year}:{as_of}:{found['n']}:{found['m']}:{found['p']}:{found['f']}:"
        f"{rules().describe()}:{default_delay_days()}"
    )
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


# -- the report ------------------------------------------------------------------------------

_FACT_SQL = (
    "SELECT member_state, item_category, destination, licence_type, end_user_type, outcome, "
    "COALESCE(exporter_id, 0), public, number, value_eur "
    "FROM transparency_decisionfact WHERE year = %s AND publish_on <= %s"
)
_CODED = (
    "member_state",
    "item_category",
    "destination",
    "licence_type",
    "end_user_type",
    "decision",
)


def fact_cube(year: int, as_of: dt.date) -> Cube:
    """The year's published facts as a cube; on PostgreSQL through COPY and Arrow.

    The facts are read as they are stored (no grouping in the database: grouping a million rows
    by eight keys costs more in PostgreSQL than summing them in numpy), as CSV parsed by Arrow
    straight into dictionary-encoded columns.
    """
    if connection.vendor != "postgresql":
        return Cube.from_rows(fact_rows(year, as_of))
    import pyarrow as pa
    import pyarrow.csv as pacsv

    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        sql = cursor.mogrify(_FACT_SQL, [year, as_of])
        sql = sql.decode() if isinstance(sql, bytes) else sql
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
    if not buffer.tell():
        return Cube.from_rows([])
    names = [*_CODED, "exporter", "public", "number", "value"]
    coded = pa.dictionary(pa.int32(), pa.string())
    table = pacsv.read_csv(
        io.BytesIO(buffer.getvalue()),
        read_options=pacsv.ReadOptions(column_names=names),
        convert_options=pacsv.ConvertOptions(
            column_types={
                **dict.fromkeys(_CODED, coded),
                "exporter": pa.int64(),
                "public": pa.bool_(),
                "number": pa.int64(),
                "value": pa.float64(),
            },
            true_values=["t"],
            false_values=["f"],
        ),
    )
    vocab: dict[str, list[str]] = {}
    codes = {}
    for name in _CODED:
        encoded = table.column(name).unify_dictionaries().combine_chunks()
        vocab[name] = encoded.dictionary.to_pylist()
        codes[name] = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    return Cube.from_codes(
        vocab,
        codes,
        exporter=table.column("exporter").to_numpy().astype(np.int64),
        public=table.column("public").to_numpy(zero_copy_only=False).astype(np.bool_),
        number=table.column("number").to_numpy().astype(np.int64),
        value=table.column("value").to_numpy().astype(np.float64),
    )


def fact_rows(year: int, as_of: dt.date) -> list[tuple[Any, ...]]:
    """The year's published facts (one query)."""
    with connection.cursor() as cursor:
        cursor.execute(_FACT_SQL, [year, as_of])
        return list(cursor.fetchall())


def report(
    *, year: int, filters: Mapping[str, str | None] | None = None, today: dt.date | None = None
) -> Report:
    """The year's report as published on `today` (default: now), sliced by `filters`."""
    if not 1990 <= year <= 2200:
        raise InvalidInput(f"no report for year {year}")
    _ensure_synced()
    as_of = release_date(today)
    version = data_version(year, as_of)
    key = f"transparency:report:{year}:{as_of}:{version}"
    full = cache.get(key)
    if full is None:
        full = _compute(year, as_of, version)
        cache.set(key, full, int(_setting("LICENTIA_REPORT_CACHE_SECONDS", 3600)))
    return filter_report(full, filters or {})


def _compute(year: int, as_of: dt.date, version: str) -> Report:
    chosen = rules()
    cube = fact_cube(year, as_of)
    provenance = Provenance(
        source=SOURCE,
        generated_at=timezone.now(),
        data_as_of=as_of,
        data_version=version,
        rules=chosen.describe(),
        publication_delay_days=default_delay_days(),
        notes=(
            f"Decisions are published {default_delay_days()} days after they are taken "
            "(an authority may set its own delay), in releases every "
            f"{release_days()} days.",
            "No exporter is named, except in decisions their authority published in full.",
            "Values in EUR; a decision for several destinations is shared equally between them.",
        ),
    )
    built = build_report(cube, year=year, rules=chosen, provenance=provenance)
    return with_tables(built, [*_count_tables(year, as_of, chosen), _in_full(year, as_of)])


def _count_tables(year: int, as_of: dt.date, chosen: Rules) -> list[Table]:
    from licentia.applications.models import GeneralAuthorisationRegistration
    from licentia.cases.models import RestrictiveDecision

    end = min(dt.date(year, 12, 31), as_of)
    registrations: dict[tuple[str, ...], int] = defaultdict(int)
    live = GeneralAuthorisationRegistration.objects.filter(registered_at__date__lte=end).exclude(
        withdrawn_at__date__lte=end
    )
    for code, state in live.values_list("code", "organisation__member_state"):
        registrations[(code, state)] += 1
    criteria: dict[tuple[str, ...], int] = defaultdict(int)
    restrictive: dict[tuple[str, ...], int] = defaultdict(int)
    cutoff = as_of - dt.timedelta(days=default_delay_days())
    for kind, state, cited, decided in RestrictiveDecision.objects.filter(
        decided_at__year=year
    ).values_list("kind", "authority__member_state", "criteria", "decided_at"):
        if timezone.localdate(decided) > cutoff:
            continue
        if kind == "refusal":
            for criterion in set(cited or []):
                criteria[(str(criterion), state)] += 1
        else:
            restrictive[(kind, state)] += 1
    info = {t.id: t for t in COUNT_TABLES}
    return [
        count_table(info["s5-general-authorisation-registrations"], registrations, chosen),
        count_table(info["s6-refusal-criteria"], criteria, chosen),
        count_table(info["s6-restrictive-decisions"], restrictive, chosen),
    ]


def _in_full(year: int, as_of: dt.date) -> Table:
    """Decisions their authority published in full: one query of plain values (no models)."""
    facts = (
        DecisionFact.objects.filter(year=year, publish_on__lte=as_of, public=True)
        .order_by("decided_on", "pk")
        .values_list(
            "decision__case__application__reference",
            "exporter__name",
            "member_state",
            "destination",
            "item_category",
            "control_entry",
            "licence_type",
            "end_user_type",
            "outcome",
            "decided_on",
            "number",
            "value_eur",
        )
    )
    names = FULL_PUBLICATION.dimensions
    rows = []
    for *keys, decided_on, number, value in facts:
        texts = [str(k or "") for k in keys]
        rows.append(
            Row(
                keys=dict(zip(names, [*texts, decided_on.isoformat()], strict=True)),
                cells={"decisions": Cell(number), "value_eur": Cell(float(value))},
            )
        )
    return Table(FULL_PUBLICATION, tuple(rows), ())


# -- the portal's API ------------------------------------------------------------------------


def tables() -> list[TableInfo]:
    """Every table of the report, in report order, with its stable id and title."""
    return [spec.info for spec in SPECS] + list(COUNT_TABLES) + [FULL_PUBLICATION]


def data_dictionary() -> list[Column]:
    return list(DATA_DICTIONARY)


@dataclass(frozen=True)
class Publication:
    id: str
    year: int
    title: str
    summary: str
    published_at: dt.datetime
    data_version: str


def publications(*, today: dt.date | None = None) -> list[Publication]:
    """One publication per release that made new decisions public, newest first."""
    _ensure_synced()
    last = release_date(today)
    published = (
        DecisionFact.objects.filter(publish_on__lte=last)
        .values_list("year", "publish_on")
        .distinct()
    )
    releases = sorted({(int(year), _next_release(day)) for year, day in published})
    out = []
    for year, when in releases:
        if when > last:
            continue
        out.append(
            Publication(
                id=f"{year}-{when.isoformat()}",
                year=year,
                title=f"Export-control report {year}: release of {when.isoformat()}",
                summary=f"Decisions of {year} taken up to "
                f"{(when - dt.timedelta(days=default_delay_days())).isoformat()} "
                "are published in the report's tables.",
                published_at=dt.datetime.combine(when, dt.time(6, 0), tzinfo=dt.UTC),
                data_version=data_version(year, when),
            )
        )
    return sorted(out, key=lambda p: (p.published_at, p.id), reverse=True)


def _next_release(day: dt.date) -> dt.date:
    start = release_date(day)
    return start if start == day else start + dt.timedelta(days=release_days())


def export(
    table: str,
    fmt: str,
    *,
    year: int,
    filters: Mapping[str, str | None] | None = None,
    today: dt.date | None = None,
) -> bytes:
    """One table as bytes: CSV, JSON or Parquet, with data dictionary and provenance."""
    if fmt not in DOWNLOAD_FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; formats: {', '.join(DOWNLOAD_FORMATS)}")
    found = report(year=year, filters=filters, today=today)
    chosen = [t for t in found.tables if t.id == table]
    if not chosen:
        raise NotFound(f"the report has no table {table!r}")
    return formats.render(found, fmt, chosen)


def render(
    *,
    year: int,
    fmt: str,
    filters: Mapping[str, str | None] | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The whole report (or its filtered slice) in any of the formats."""
    if fmt not in formats.FORMATS:
        raise InvalidInput(f"unknown format {fmt!r}; formats: {', '.join(formats.FORMATS)}")
    return formats.render(report(year=year, filters=filters, today=today), fmt)


def all_fact_rows(facts: Iterable[DecisionFact]) -> list[tuple[Any, ...]]:
    """Fact rows as `fact_rows` gives them, for a chosen set (tests and benchmarks)."""
    return [
        (
            f.member_state,
            f.item_category,
            f.destination,
            f.licence_type,
            f.end_user_type,
            f.outcome,
            f.exporter_id or 0,
            f.public,
            f.number,
            f.value_eur,
        )
        for f in facts
    ]
