"""Load benchmark on PostgreSQL: 50 concurrent users against gunicorn, with peers side by side.

    .venv/bin/python benchmarks/load/run.py [--users 50] [--duration 120] [--workers 5]

1. creates the database `licentia_load` (dropped at the end unless --keep-db), migrates and
   seeds it (`seed.py`): curated control list, UN list, six indicator files, 3 authorities,
   14 exporters with API tokens, products, reusable parties, 10,000 cases in the DE queue;
2. starts gunicorn with `--workers` against it and warms every worker;
3. runs locust headless (`locustfile.py`): exporters create and submit applications through
   the API, officers load their queue through the API and the page;
4. prints p50/p95/p99 per request type, checks the goals (submission with every automatic
   check p95 <= 300 ms; queue of 10,000 cases p95 <= 200 ms), then runs the peers
   (`peers.py`: the same queue in the ORM and raw SQL without the web stack; submission with
   and without the dossier) and prints the ratios.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import DEFAULT_DATABASE, DEFAULT_SERVER, HERE, environment

PYTHON = sys.executable
BIN = Path(PYTHON).parent
SUBMIT = "API exporter: SUBMIT (all automatic checks)"
QUEUES = (
    "API officer: QUEUE first page",
    "API officer: QUEUE filtered",
    "Page officer: QUEUE first page",
    "Page officer: QUEUE filtered",
)
GOALS = {SUBMIT: 300.0, **dict.fromkeys(QUEUES, 200.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=120, help="seconds of measured load")
    parser.add_argument("--workers", type=int, default=5, help="gunicorn worker processes")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--server", default=DEFAULT_SERVER, help="PostgreSQL URL without db")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--reuse-db", action="store_true", help="use the seeded database as is")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument(
        "--think",
        type=float,
        nargs=2,
        default=(2.0, 8.0),
        metavar=("MIN", "MAX"),
        help="each user's pause between requests, seconds (uniform)",
    )
    parser.add_argument("--only", choices=("Exporter", "Officer"), help="one kind of user")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="licentia-load-"))
    env = environment(server=args.server, database=args.database, work=work)
    accounts = work / "accounts.json"
    server = None
    try:
        print(f"load average before: {load_average()}", flush=True)
        if args.reuse_db and (HERE / ".accounts.json").is_file():
            shutil.copy(HERE / ".accounts.json", accounts)
        else:
            create_database(args.server, args.database)
            started = time.perf_counter()
            run(
                [
                    PYTHON,
                    str(HERE / "seed.py"),
                    "--cases",
                    str(args.cases),
                    "--accounts",
                    str(accounts),
                ],
                env,
            )
            print(f"seeded in {time.perf_counter() - started:.0f} s", flush=True)
            if args.keep_db:
                shutil.copy(accounts, HERE / ".accounts.json")
        base = f"http://127.0.0.1:{args.port}"
        server = start_gunicorn(env, args.port, args.workers, work)
        wait_until_up(base)
        warm_up(base, json.loads(accounts.read_text()), args.workers)
        print(f"load average before the run: {load_average()}", flush=True)
        think = {"LOAD_THINK_MIN": str(args.think[0]), "LOAD_THINK_MAX": str(args.think[1])}
        stats = run_locust(env | {"LOAD_ACCOUNTS": str(accounts)} | think, base, args, work)
        print(f"load average after the run: {load_average()}", flush=True)
        stop(server)
        server = None
        met = report(stats)
        if not args.no_peers:
            run(
                [
                    PYTHON,
                    str(HERE / "peers.py"),
                    "--accounts",
                    str(accounts),
                    "--stats",
                    str(work / "stats.json"),
                ],
                env,
            )
        print("\nGOALS " + ("MET" if met else "NOT MET"))
    except BaseException:
        log = work / "gunicorn.log"
        if log.is_file():
            print("gunicorn log (end):\n" + "\n".join(log.read_text().splitlines()[-40:]))
        raise
    finally:
        if server is not None:
            stop(server)
        if not args.keep_db and not args.reuse_db:
            drop_database(args.server, args.database)
        shutil.rmtree(work, ignore_errors=True)


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" (cores: {os.cpu_count()})"


def run(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, env=env, check=True, cwd=HERE)


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def create_database(server: str, database: str) -> None:
    drop_database(server, database)
    _admin(server, f'CREATE DATABASE "{database}"')
    print(f"created database {database}", flush=True)


def drop_database(server: str, database: str) -> None:
    _admin(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def start_gunicorn(env: dict[str, str], port: int, workers: int, work: Path) -> subprocess.Popen:
    log = open(work / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
    command = [
        str(BIN / "gunicorn"),
        "licentia.web.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "256",
        "--timeout",
        "60",
        "--preload",
        "--config",
        "python:licentia.web.gunicorn_conf",
    ]
    print(f"gunicorn: {workers} sync workers on port {port}", flush=True)
    return subprocess.Popen(
        command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=HERE, start_new_session=True
    )


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_until_up(base: str) -> None:
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/api/v1/openapi.json", timeout=2).read()
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 60 s")


def warm_up(base: str, accounts: dict, workers: int) -> None:
    """Queue loads on every worker, so no measured request pays for a first import. The
    engines (screening index, rule engine, indicators) are warmed by `licentia.web.gunicorn_conf`."""
    officer = accounts["officers"][0]

    def get(path: str, headers: dict[str, str]) -> None:
        request = urllib.request.Request(base + path, headers=headers)
        urllib.request.urlopen(request, timeout=60).read()

    token = {"Authorization": f"Bearer {officer['token']}"}
    cookie = {"Cookie": f"sessionid={officer['session']}"}
    started = time.perf_counter()
    with ThreadPoolExecutor(workers * 2) as pool:
        for _ in range(3):
            list(pool.map(lambda _: get("/api/v1/cases/", token), range(workers * 2)))
            list(pool.map(lambda _: get("/cases/", cookie), range(workers * 2)))
    print(f"warmed the workers in {time.perf_counter() - started:.1f} s", flush=True)


def run_locust(env: dict[str, str], base: str, args: argparse.Namespace, work: Path) -> dict:
    prefix = work / "locust"
    command = [
        str(BIN / "locust"),
        "-f",
        str(HERE / "locustfile.py"),
        "--headless",
        "--host",
        base,
        "--users",
        str(args.users),
        "--spawn-rate",
        str(max(1, args.users // 5)),
        "--run-time",
        f"{args.duration + 5}s",
        "--reset-stats",  # measure from the moment every user runs
        "--csv",
        str(prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
        *([args.only] if args.only else []),
    ]
    print(
        f"locust: {args.users} users for {args.duration} s (+5 s ramp-up, not counted)", flush=True
    )
    subprocess.run(command, env=env, cwd=HERE, check=False)
    stats = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = {
                "method": row["Type"],
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
                "rps": float(row["Requests/s"] or 0),
            }
    (work / "stats.json").write_text(json.dumps(stats))
    failures = work / "locust_failures.csv"
    if failures.is_file() and len(failures.read_text().splitlines()) > 1:
        print("failures:\n" + "\n".join(failures.read_text().splitlines()[:10]))
    return stats


def report(stats: dict) -> bool:
    print(
        f"\n{'request type':48s} {'n':>6s} {'fail':>5s} {'req/s':>6s} "
        f"{'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s}  goal"
    )
    met = True
    for name, row in stats.items():
        goal = GOALS.get(name)
        verdict = ""
        if goal is not None:
            ok = row["p95"] <= goal and row["count"] > 0 and row["failures"] == 0
            met &= ok
            verdict = f"p95 <= {goal:.0f}: {'met' if ok else 'NOT MET'}"
        print(
            f"{name:48s} {row['count']:6d} {row['failures']:5d} {row['rps']:6.1f} "
            f"{row['p50']:7.0f} {row['p95']:7.0f} {row['p99']:7.0f}  {verdict}"
        )
    return met


if __name__ == "__main__":
    main()
