"""Portal page benchmark: each public page's p95 over 1,000,000 decisions (goal: <= 300 ms).

    .venv/bin/python benchmarks/reports/portal.py [--decisions 1000000] [--requests 100]
        [--engine auto|transparency|stand-in]

Engines:
- `transparency`: the report engine (`licentia.transparency`) over the database in
  DATABASE_URL, filled beforehand by `benchmarks/reports/run.py` (its generated decisions).
- `stand-in` (what `auto` picks without DATABASE_URL or the report engine): a NumPy engine that
  aggregates `--decisions` generated decisions in memory at every `report()` call, with the same
  small-cell suppression (fewer than 3), on a fresh SQLite database that holds the human-rights
  indicators of ../shared/data (for the high-risk ratings) when they are there. It measures the
  portal's own cost (report calls, risk ratings, templates, the cache) over a realistic spread
  of destinations, Member States and item categories.

Each page is requested in-process through Django's test client (middleware, views,
templates). For every page: the first request of each distinct address after the cache is
cleared (cold), then `--requests` requests over the same addresses (warm, from the cache kept
per data version). The peer, side by side: the same warm run with the cache disabled (every
request rebuilds the page), and the ratio.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data" / "human-rights"
GOAL_MS = 300.0
INDICATOR_FILES = (
    ("pts-2024.csv", "pts"),
    ("freedom-house-fiw-ratings-1972-2024.csv", "fh-fiw"),
    ("vdem-v14-main-indices-1990-2023.csv", "vdem"),
)
MEMBER_STATES = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
DESTINATIONS = [
    "US",
    "CN",
    "AE",
    "SA",
    "IN",
    "TR",
    "EG",
    "RU",
    "BR",
    "MX",
    "SG",
    "KR",
    "JP",
    "IL",
    "ZA",
    "NG",
    "KE",
    "MA",
    "TH",
    "VN",
    "ID",
    "MY",
    "PH",
    "PK",
    "BD",
    "QA",
    "KW",
    "OM",
    "BH",
    "JO",
    "KZ",
    "UZ",
    "AZ",
    "GE",
    "AM",
    "UA",
    "RS",
    "ME",
    "MK",
    "AL",
    "BA",
    "CH",
    "NO",
    "GB",
    "CA",
    "AU",
    "NZ",
    "AR",
    "CL",
    "CO",
    "PE",
    "EC",
    "VE",
    "BO",
    "UY",
    "PY",
    "LK",
    "NP",
    "MM",
    "KH",
    "LA",
    "MN",
    "TW",
    "HK",
    "ET",
    "RW",
    "UG",
    "TZ",
    "ZM",
    "ZW",
    "AO",
    "MZ",
    "GH",
    "CI",
    "SN",
    "CM",
    "DZ",
    "TN",
    "LY",
    "SD",
    "IQ",
    "IR",
    "SY",
    "LB",
    "BY",
    "TJ",
    "KG",
    "TM",
]
ITEMS = [
    "4A005",
    "4D004",
    "4E001.c",
    "5A001.f",
    "5A001.j",
    "5D001.e",
    "5A004.b",
    "5D002",
    "5A002",
    "5E001",
    "6A003",
    "ART5-facial-recognition",
    "ART5-video-surveillance",
    "ART5-location-tracking",
    "ART5-forensics",
]
END_USERS = (
    "police",
    "intelligence",
    "military",
    "other-government",
    "telecom-operator",
    "private",
    "academic",
)
YEARS = (2024, 2025, 2026)


class StandIn:
    """Aggregates generated decisions per table at every call, suppressing counts below 3."""

    def __init__(self, n: int, *, seed: int = 821) -> None:
        import numpy as np

        rng = np.random.default_rng(seed)
        self._np = np
        self.values = {
            "year": [str(y) for y in YEARS],
            "member_state": MEMBER_STATES.split(),
            "destination": DESTINATIONS,
            "item_category": ITEMS,
            "end_user_type": list(END_USERS),
            "decision": ["granted", "refused"],
        }

        def zipf(k: int) -> Any:
            weights = 1.0 / np.arange(1, k + 1) ** 1.1
            return weights / weights.sum()

        self.columns = {
            "year": rng.integers(0, len(YEARS), n, dtype=np.int16),
            "member_state": rng.choice(len(self.values["member_state"]), n, p=zipf(27)),
            "destination": rng.choice(len(DESTINATIONS), n, p=zipf(len(DESTINATIONS))),
            "item_category": rng.choice(len(ITEMS), n, p=zipf(len(ITEMS))),
            "end_user_type": rng.integers(0, len(END_USERS), n, dtype=np.int16),
            "decision": (rng.random(n) < 0.08).astype(np.int16),
        }
        self.delay_days = 14
        self.version = f"stand-in-{n}"

    def report(self, *, year: int, filters: Mapping[str, str] | None = None) -> Any:
        from tests.portal.fake_engine import SMALL_CELL, Cell, Report, Row, Table

        np = self._np
        mask = self.columns["year"] == YEARS.index(year)
        for key, value in (filters or {}).items():
            if key not in self.columns or value not in self.values[key]:
                mask = np.zeros_like(mask)
                continue
            mask &= self.columns[key] == self.values[key].index(value)
        tables = []
        for info in self.tables():
            dims = info.dimensions
            if any(key not in dims for key in filters or {}):
                continue  # as the engine does: a table without a filtered dimension is left out
            chosen = mask
            if info.fixed:
                chosen = mask & (
                    self.columns["decision"] == self.values["decision"].index("granted")
                )
            combined = np.zeros(int(chosen.sum()), dtype=np.int64)
            for dim in dims:
                combined = combined * 1000 + self.columns[dim][chosen]
            keys, counts = np.unique(combined, return_counts=True)
            rows = []
            for key, count in zip(keys.tolist(), counts.tolist(), strict=True):
                parts = []
                for dim in reversed(dims):
                    parts.append(self.values[dim][key % 1000])
                    key //= 1000
                cell = Cell(None, True, SMALL_CELL) if count < 3 else Cell(count)
                rows.append(Row(dict(zip(dims, reversed(parts), strict=True)), {"decisions": cell}))
            tables.append(Table(info, tuple(rows)))
        return Report(year, dt.date(year, 12, 31), tuple(tables))

    def release_date(self) -> dt.date:
        return dt.date.today()

    def publications(self) -> list[Any]:
        from tests.portal.fake_engine import Publication

        return [
            Publication(
                f"decisions-{y}",
                y,
                f"Decisions {y}",
                "",
                dt.datetime(y, 10, 1, tzinfo=dt.UTC),
                self.version,
            )
            for y in YEARS
        ]

    def tables(self) -> list[Any]:
        from tests.portal.fake_engine import TABLES, TableInfo

        return [
            TableInfo(t, t, "", dims, (("decision", fixed),) if fixed else ())
            for t, (dims, fixed) in TABLES.items()
        ]

    def data_dictionary(self) -> list[Any]:
        return []

    def export(self, table: str, format: str, *, year: int) -> bytes:
        found = next(t for t in self.report(year=year).tables if t.id == table)
        lines = [",".join([*found.dimensions, "decisions", "suppression_reason"])]
        for row in found.rows:
            cell = row.cells["decisions"]
            value = "" if cell.value is None else str(cell.value)
            lines.append(",".join([*row.keys.values(), value, cell.reason]))
        return ("\n".join(lines) + "\n").encode()


def setup(engine: str, work: Path) -> str:
    """Configure and start Django; returns the engine actually used."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "licentia.web.settings")
    os.environ.setdefault("LICENTIA_SECRET_KEY", "portal-benchmark-only-" + "x" * 40)
    os.environ.setdefault("LICENTIA_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("LICENTIA_LOG_LEVEL", "ERROR")
    os.environ["LICENTIA_DATA_DIR"] = str(work)
    (work / "static").mkdir()
    sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
    from django.apps import apps

    if engine == "auto":
        import importlib.util

        installed = importlib.util.find_spec("licentia.transparency") is not None
        engine = "transparency" if installed and os.environ.get("DATABASE_URL") else "stand-in"
    if engine == "stand-in":
        os.environ.pop("DATABASE_URL", None)  # a fresh SQLite file in the work folder
    import django

    django.setup()
    if engine == "transparency" and not apps.is_installed("licentia.transparency"):
        raise SystemExit("the report engine (licentia.transparency) is not installed")
    return engine


def prepare_stand_in(n: int) -> StandIn:
    from django.core.management import call_command

    from licentia.portal import services

    call_command("migrate", verbosity=0)
    for name, file_format in INDICATOR_FILES:
        if (SHARED / name).is_file():
            from licentia.indicators.services import import_indicators

            import_indicators(SHARED / name, file_format)
            print(f"  indicators: {name}")
    started = time.perf_counter()
    engine = StandIn(n)
    print(f"  stand-in engine: {n:,} decisions in {time.perf_counter() - started:.1f} s")
    services.engine = lambda: engine  # type: ignore[assignment]
    return engine


def pages(year: int) -> dict[str, list[str]]:
    """Each page and the addresses it is measured on."""
    return {
        "index": ["/open/", f"/open/{year}/"],
        "destination": [f"/open/{year}/destinations/{c}/" for c in DESTINATIONS[:10]],
        "member state": [f"/open/{year}/member-states/{c}/" for c in MEMBER_STATES.split()[:10]],
        "item category": [f"/open/{year}/items/{c}/" for c in ITEMS[:10]],
        "high risk": [f"/open/{year}/high-risk/"],
        "downloads": [f"/open/{year}/tables/"],
        "table CSV": [f"/open/{year}/tables/by-destination.csv"],
        "feed": ["/open/feed.atom"],
    }


def timed(get: Callable[[str], Any], path: str) -> float:
    started = time.perf_counter()
    response = get(path)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise SystemExit(f"{path}: HTTP {response.status_code}")
    return elapsed


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]
    )


def run(requests: int, *, year: int) -> dict[str, tuple[float, float, float]]:
    """For each page: cold p95 (first request per address), warm p50 and p95."""
    from django.core.cache import cache
    from django.test import Client

    client = Client()
    cache.clear()
    results = {}
    for name, paths in pages(year).items():
        cold = [timed(client.get, path) for path in paths]
        warm = [timed(client.get, paths[i % len(paths)]) for i in range(requests)]
        results[name] = (p95(cold), statistics.median(warm), p95(warm))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--decisions", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=100, help="warm requests per page")
    parser.add_argument("--engine", choices=("auto", "transparency", "stand-in"), default="auto")
    parser.add_argument("--year", type=int, default=2026)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="licentia-portal-bench-") as folder:
        engine = setup(args.engine, Path(folder))
        print(f"Portal pages, engine: {engine}")
        if engine == "stand-in":
            prepare_stand_in(args.decisions)
        cached = run(args.requests, year=args.year)
        from django.conf import settings

        settings.LICENTIA_PORTAL_CACHE_SECONDS = 0  # the peer: every request rebuilds the page
        uncached = run(max(10, args.requests // 10), year=args.year)
    print()
    print(
        f"{'page':<14} {'cold p95':>9} {'warm p50':>9} {'warm p95':>9} "
        f"{'no cache p95':>13} {'ratio':>7}  goal p95 <= {GOAL_MS:.0f} ms"
    )
    failed = []
    for name, (cold, warm50, warm95) in cached.items():
        peer = uncached[name][2]
        verdict = "met" if warm95 <= GOAL_MS else "MISSED"
        if warm95 > GOAL_MS:
            failed.append(name)
        print(
            f"{name:<14} {cold:>7.1f}ms {warm50:>7.1f}ms {warm95:>7.1f}ms {peer:>11.1f}ms "
            f"{peer / warm95:>6.1f}x  {verdict}"
        )
    print()
    print("cold: first request of each address after the cache was cleared; warm: the cache kept")
    print("per data version; no cache: the peer, every request rebuilds the page.")
    if failed:
        raise SystemExit(f"p95 goal missed: {', '.join(failed)}")


if __name__ == "__main__":
    main()
