"""Benchmark: the full yearly report over 1,000,000 decisions on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python benchmarks/reports/run.py

Creates (or reuses) the database `licentia_bench_reports` beside the one named, migrates it,
loads N decision facts with COPY into `transparency_decisionfact` (the table the product
computes its report from; `sync_facts` fills it from decisions), then times, cold (no cache):

- Licentia: `services` path, COPY to Arrow + the engine (aggregation, minimum count,
  dominance, complementary suppression, tables) = the full yearly report;
- peer A: pyarrow group-by of the same facts into the same cells, no confidentiality rules;
- peer B: naive ORM aggregation, one `values().annotate()` query per table, no rules.

Options: --decisions N (1,000,000), --runs R (3), --reload.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))
YEAR = 2026
BENCH_DB = "licentia_bench_reports"
STATES = [
    "DE",
    "FR",
    "IT",
    "NL",
    "ES",
    "SE",
    "BE",
    "AT",
    "PL",
    "DK",
    "FI",
    "IE",
    "CZ",
    "PT",
    "RO",
    "HU",
    "SK",
    "BG",
    "HR",
    "SI",
    "LT",
    "LV",
    "EE",
    "LU",
    "CY",
    "MT",
    "EL",
]
DESTINATIONS = [
    "US",
    "CN",
    "GB",
    "CH",
    "JP",
    "KR",
    "IN",
    "TR",
    "AE",
    "SA",
    "RU",
    "BR",
    "MX",
    "CA",
    "AU",
    "SG",
    "IL",
    "EG",
    "ZA",
    "NG",
    "MA",
    "DZ",
    "TH",
    "VN",
    "ID",
    "MY",
    "PH",
    "PK",
    "BD",
    "KZ",
    "UA",
    "RS",
    "NO",
    "QA",
    "KW",
    "OM",
    "BH",
    "JO",
    "LB",
    "IQ",
    "IR",
    "AZ",
    "GE",
    "AM",
    "BY",
    "UZ",
    "TM",
    "KG",
    "TJ",
    "MN",
    "LK",
    "NP",
    "MM",
    "KH",
    "LA",
    "HK",
    "TW",
    "NZ",
    "AR",
    "CL",
    "CO",
    "PE",
    "EC",
    "VE",
    "BO",
    "PY",
    "UY",
    "CR",
    "PA",
    "GT",
    "HN",
    "SV",
    "NI",
    "DO",
    "CU",
    "JM",
    "TT",
    "KE",
    "ET",
    "TZ",
    "UG",
    "RW",
    "GH",
    "CI",
    "SN",
    "CM",
    "AO",
    "ZM",
    "ZW",
    "MZ",
    "BW",
    "NA",
    "MU",
    "TN",
    "LY",
    "SD",
    "SY",
    "YE",
    "AF",
    "IS",
    "ME",
    "MK",
    "AL",
    "BA",
    "MD",
]
END_USERS = [
    "private",
    "private",
    "private",
    "telecom-operator",
    "other-government",
    "police",
    "military",
    "intelligence",
    "academic",
    "unknown",
]
LICENCES = ["individual", "global", "large-project", "brokering", "technical-assistance"]


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL server (postgres://...)")
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if not found:
            conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    return urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licentia.web.settings")
    os.environ.setdefault("LICENTIA_REPORT_CACHE_SECONDS", "1")
    os.environ.setdefault("LICENTIA_DEMO", "1")  # a throwaway secret key for this process
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def generate(n: int, seed: int = 2026) -> tuple[list[int], dict[str, np.ndarray]]:
    """Facts with the structure of real licensing: exporters of one state, a few item types."""
    from licentia.accounts.models import Organisation
    from licentia.reports.taxonomy import ITEM_TYPES

    rng = np.random.default_rng(seed)
    n_exporters = 20_000
    Organisation.objects.filter(name__startswith="bench exporter ").delete()
    state_w = 1 / np.arange(1, len(STATES) + 1) ** 0.9
    home = rng.choice(len(STATES), size=n_exporters, p=state_w / state_w.sum())
    orgs = Organisation.objects.bulk_create(
        Organisation(name=f"bench exporter {i}", kind="exporter", member_state=STATES[home[i]])
        for i in range(n_exporters)
    )
    ids = np.array([o.pk for o in orgs])
    items = [t.code for t in ITEM_TYPES]
    item_w = np.array([0.3 if t.cyber_surveillance else 1.0 for t in ITEM_TYPES])
    own_items = rng.choice(len(items), size=(n_exporters, 3), p=item_w / item_w.sum())
    own_licence = rng.choice(len(LICENCES), size=n_exporters, p=[0.7, 0.2, 0.04, 0.03, 0.03])
    exp_w = 1 / np.arange(1, n_exporters + 1) ** 0.8
    exporter = rng.choice(n_exporters, size=n, p=exp_w / exp_w.sum())
    dest_w = 1 / np.arange(1, len(DESTINATIONS) + 1) ** 1.1
    destination = rng.choice(len(DESTINATIONS), size=n, p=dest_w / dest_w.sum())
    item = own_items[exporter, rng.integers(0, 3, size=n)]
    licence = np.where(
        rng.random(n) < 0.85, own_licence[exporter], rng.integers(0, len(LICENCES), size=n)
    )
    decision = rng.choice(3, size=n, p=[0.88, 0.04, 0.08])
    end_user = rng.integers(0, len(END_USERS), size=n)
    value = np.round(rng.lognormal(11, 1.6, size=n), 2)
    day = rng.integers(0, 365, size=n)
    public = rng.random(n) < 0.005
    columns = {
        "exporter_id": ids[exporter],
        "member_state": np.array(STATES)[home[exporter]],
        "destination": np.array(DESTINATIONS)[destination],
        "item_category": np.array(items)[item],
        "licence_type": np.array(LICENCES)[licence],
        "outcome": np.array(["granted", "refused", "no-licence-required"])[decision],
        "end_user_type": np.array(END_USERS)[end_user],
        "value_eur": value,
        "day": day,
        "public": public,
    }
    return list(ids), columns


def load(n: int) -> None:
    import pyarrow as pa
    import pyarrow.csv as pacsv
    from django.db import connection

    from licentia.transparency.models import DecisionFact

    started = time.perf_counter()
    _, c = generate(n)
    decided = np.datetime64(f"{YEAR}-01-01") + c["day"].astype("timedelta64[D]")
    table = pa.table(
        {
            "exporter_id": c["exporter_id"],
            "year": np.full(n, YEAR),
            "decided_on": decided,
            "publish_on": decided + np.timedelta64(90, "D"),
            "member_state": c["member_state"],
            "destination": c["destination"],
            "item_category": c["item_category"],
            "control_entry": np.full(n, ""),
            "licence_type": c["licence_type"],
            "outcome": c["outcome"],
            "end_user_type": c["end_user_type"],
            "number": np.ones(n, dtype=np.int64),
            "value_eur": c["value_eur"],
            "public": c["public"],
        }
    )
    buffer = io.BytesIO()
    pacsv.write_csv(table, buffer)
    DecisionFact.objects.all().delete()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY transparency_decisionfact ({', '.join(table.column_names)}) "
            "FROM STDIN WITH (FORMAT csv, HEADER true)"
        ) as copy:
            copy.write(buffer.getvalue())
        cursor.execute("ANALYZE transparency_decisionfact")
    print(f"loaded {n:,} decision facts with COPY in {time.perf_counter() - started:.1f} s")


def licentia_report(as_of) -> tuple[float, object]:
    from django.core.cache import cache

    from licentia.transparency import services

    cache.clear()
    started = time.perf_counter()
    report = services._compute(YEAR, as_of, "bench")
    return time.perf_counter() - started, report


def breakdown(as_of) -> dict[str, float]:
    """Where the time goes: fetch, aggregation with primary rules, complementary, tables."""
    from licentia.reports import build as engine
    from licentia.reports import protect
    from licentia.transparency import services

    started = time.perf_counter()
    cube = services.fact_cube(YEAR, as_of)
    fetched = time.perf_counter()
    rules = engine.Rules()
    stats = engine._aggregate(cube, rules)
    by_kind = engine._by_kind(stats)
    shown = {spec.info.id: engine._published_keys(spec, by_kind) for spec in engine.SPECS}
    published = {key for keys in shown.values() for key, _ in keys}
    cells = engine._Cells(stats={k: stats[k] for k in published})
    for key in published:
        reason = engine._sensitive(stats[key], rules)
        if reason is not None:
            cells.reasons[key] = reason
    primary = time.perf_counter()
    values = {key: figures.conf_value for key, figures in cells.stats.items()}
    protect.complementary(cube, published, cells.reasons, values, list(engine._kinds()))
    protected = time.perf_counter()
    for spec in engine.SPECS:
        engine._table(spec, shown[spec.info.id], cells, cube)
    done = time.perf_counter()
    return {
        "fetch (COPY, Arrow CSV, dictionary codes)": fetched - started,
        "aggregation + min-count + dominance": primary - fetched,
        "complementary suppression": protected - primary,
        "tables": done - protected,
        "fact rows": float(len(cube)),
    }


def shares(report) -> list[tuple[str, int, int, int, int]]:
    """Per table: cells, withheld, Union-level totals, Union-level totals withheld."""
    found = []
    for table in report.tables:
        rows = [*table.rows, *table.totals]
        if not rows or "decisions" not in rows[0].cells:
            continue
        union = [
            r
            for r in rows
            if r.keys.get("member_state", "total") == "total"
            and any(v != "total" for k, v in r.keys.items() if k != "decision")
        ]
        found.append(
            (
                table.id,
                len(rows),
                sum(r.cells["decisions"].suppressed for r in rows),
                len(union),
                sum(r.cells["decisions"].suppressed for r in union),
            )
        )
    return found


def peer_arrow(as_of) -> float:
    """Fetch the same facts and group them into the same cells with pyarrow, no rules."""
    import pyarrow.compute as pc

    from licentia.transparency import services

    started = time.perf_counter()
    cube = services.fact_cube(YEAR, as_of)  # the same fetch as Licentia (SQL + COPY + Arrow)
    import pyarrow as pa

    cyber = cube.cyber
    table = pa.table(
        {
            "s": cube.member_state,
            "x0": cube.rows[0],
            "x1": cube.rows[1],
            "x2": cube.rows[2],
            "x3": cube.rows[3],
            "d": cube.decision,
            "cy": cyber,
            "n": cube.number,
            "v": cube.value,
        }
    )
    aggs = [("n", "sum"), ("v", "sum")]
    for x in ("x0", "x1", "x2", "x3"):
        table.group_by([x, "s", "d", "cy"]).aggregate(aggs)
        table.group_by([x, "d", "cy"]).aggregate(aggs)
        table.group_by([x, "d"]).aggregate(aggs)
    table.group_by(["x1", "s", "d"]).aggregate(aggs)
    table.group_by(["s", "d", "cy"]).aggregate(aggs)
    table.group_by(["s", "d"]).aggregate(aggs)
    table.group_by(["d", "cy"]).aggregate(aggs)
    pc.sum(table.column("v"))
    return time.perf_counter() - started


def peer_orm(as_of) -> float:
    """One ORM aggregation query per table shape, as a straightforward implementation would."""
    from django.db.models import Count, Sum

    from licentia.transparency.models import DecisionFact

    started = time.perf_counter()
    base = DecisionFact.objects.filter(year=YEAR, publish_on__lte=as_of)
    shapes = []
    for x in ("item_category", "destination", "licence_type", "end_user_type"):
        shapes += [(x, "member_state", "outcome"), (x, "outcome")]
    shapes += [
        ("destination", "member_state", "outcome"),
        ("member_state", "outcome"),
        ("outcome",),
    ]
    for shape in shapes:
        list(base.values(*shape).annotate(n=Count("pk"), v=Sum("value_eur")))
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--reload", action="store_true")
    args = parser.parse_args()
    setup(database_url())
    import datetime as dt

    from licentia.transparency.models import DecisionFact

    if args.reload or DecisionFact.objects.count() != args.decisions:
        load(args.decisions)
    as_of = dt.date(YEAR + 1, 12, 31)
    print(f"load average (1, 5, 15 min) at the start: {os.getloadavg()}")
    ours, arrow, orm = [], [], []
    report = None
    for _ in range(args.runs):
        seconds, report = licentia_report(as_of)
        ours.append(seconds)
        arrow.append(peer_arrow(as_of))
        orm.append(peer_orm(as_of))
    assert report is not None
    cells = sum(len(t.rows) + len(t.totals) for t in report.tables)
    withheld = sum(len(t.suppressed()) for t in report.tables) // 2
    reasons: dict[str, int] = {}
    for t in report.tables:
        for _, name, cell in t.suppressed():
            if name == "decisions":
                reasons[cell.reason] = reasons.get(cell.reason, 0) + 1
    print(f"\n{args.decisions:,} decisions, year {YEAR}, PostgreSQL; {args.runs} cold runs each")
    print(f"report: {len(report.tables)} tables, {cells:,} rows, {withheld:,} withheld ({reasons})")
    print(f"{'':44} {'median s':>9} {'best s':>8} {'ratio':>7}")
    rows = [
        ("Licentia full report (rules + complementary)", ours),
        ("peer A: Arrow group-by, same cells, no rules", arrow),
        ("peer B: ORM aggregation per table, no rules", orm),
    ]
    base = statistics.median(ours)
    for name, times in rows:
        median = statistics.median(times)
        print(f"{name:44} {median:9.2f} {min(times):8.2f} {median / base:7.2f}")
    print("\nbreakdown of one Licentia run:")
    for name, seconds in breakdown(as_of).items():
        print(f"  {name:44} {seconds:10,.2f}")
    print("\nwithheld cells per table (Union-level rows: a row value at Union level):")
    for table_id, n, withheld, union, union_withheld in shares(report):
        print(
            f"  {table_id:34} {withheld:6,}/{n:<6,} {100 * withheld / n:5.1f} %   "
            f"Union rows {union_withheld}/{union}"
        )
    print(f"\nload average (1, 5, 15 min) at the end: {os.getloadavg()}")
    print(f"budget <= 3 s: {'met' if base <= 3 else 'NOT met'} (median {base:.2f} s)")


if __name__ == "__main__":
    main()
