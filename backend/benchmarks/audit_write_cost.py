"""Where an audited write's cost goes, measured without the application stack.

Raw psycopg2 connections (autocommit off by hand: explicit BEGIN/COMMIT), `--processes`
processes x `--threads` threads, each transaction inserting one row into a business table;
interleaved rounds, medians. Variants:

  plain       BEGIN; INSERT business; COMMIT
  audited     ... plus the audit port's INSERT into audit_log, its own round trip
  folded      the audit INSERT sent in the same round trip as COMMIT ("INSERT ...; COMMIT")
  prepared    audited, the audit INSERT a server-side prepared statement (PREPARE once
              per connection, then EXECUTE): what parsing and planning it costs
  flat        audited, into an unpartitioned copy of audit_log (same columns and
              indexes): what routing rows to the monthly partition costs
  no-search   audited, with audit_log's three search indexes dropped (actor, resource,
              request id): what those indexes cost

Usage:
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python backend/benchmarks/audit_write_cost.py [--rounds 3] [--seconds 4]
"""

from __future__ import annotations

import argparse
import datetime
import multiprocessing
import os
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg2
from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from elcorp.config import Profile, Settings
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.audit import INSERT_ENTRY
from elcorp.shared.infrastructure.db import build_engine, sqlalchemy_url
from support.servers import create_database, drop_database

ENTRY = (
    '{"action":"bench.write","actor_id":"u1","actor_roles":["user"],"changes":{"after":{"v":"x"},'
    '"before":{}},"id":"x","ip":null,"occurred_at":"2026-11-23T13:00:00.000000Z","reason":null,'
    '"request_id":null,"resource_id":"1","resource_type":"bench","user_agent":null}'
)
SEARCH_INDEXES = ("ix_audit_log_resource", "ix_audit_log_actor_id", "ix_audit_log_request_id")


def audit_params() -> tuple[object, ...]:
    now = datetime.datetime.now(datetime.UTC)
    return (str(uuid.uuid4()), now, "bench.write", "u1", "bench", "1", None, ENTRY)


def writer(dsn: str, variant: str, threads: int, seconds: float, results) -> None:
    counts = [0] * threads

    def run(slot: int) -> None:
        conn = psycopg2.connect(dsn)
        conn.autocommit = True
        cursor = conn.cursor()
        if variant == "prepared":
            cursor.execute("PREPARE audit_insert AS " + INSERT_ENTRY % tuple(f"${n}" for n in range(1, 9)))
        statement = {
            "prepared": "EXECUTE audit_insert (%s, %s, %s, %s, %s, %s, %s, %s)",
            "flat": INSERT_ENTRY.replace("INSERT INTO audit_log ", "INSERT INTO audit_log_flat "),
        }.get(variant, INSERT_ENTRY)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            cursor.execute("BEGIN")
            cursor.execute("INSERT INTO bench_business (v) VALUES ('x')")
            if variant == "plain":
                cursor.execute("COMMIT")
            elif variant == "folded":
                cursor.execute(INSERT_ENTRY + "; COMMIT", audit_params())
            else:
                cursor.execute(statement, audit_params())
                cursor.execute("COMMIT")
            counts[slot] += 1
        conn.close()

    pool = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    results.put(sum(counts) / seconds)


def measure(dsn: str, variant: str, processes: int, threads: int, seconds: float) -> float:
    results = multiprocessing.Queue()
    procs = [
        multiprocessing.Process(target=writer, args=(dsn, variant, threads, seconds, results))
        for _ in range(processes)
    ]
    for p in procs:
        p.start()
    total = sum(results.get() for _ in procs)
    for p in procs:
        p.join()
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    url = create_database(os.environ["DATABASE_URL"], prefix="elcorp_bench_cost")
    try:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            ENV=Profile.TEST,
            DATABASE_URL=url,
            REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/14"),
            LOG_LEVEL="WARNING",
        )
        engine = build_engine(url, pool_size=1)
        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        with engine.begin() as conn:
            conn.execute(text("CREATE TABLE bench_business (id bigserial PRIMARY KEY, v text NOT NULL)"))
            conn.execute(text("CREATE TABLE audit_log_flat (LIKE audit_log INCLUDING ALL)"))
        dsn = (
            sqlalchemy_url(url)
            .render_as_string(hide_password=False)
            .replace("postgresql+psycopg2", "postgresql")
        )
        variants = ("plain", "audited", "folded", "prepared", "flat", "no-search")
        figures: dict[str, list[float]] = {v: [] for v in variants}
        for phase in (("plain", "audited", "folded", "prepared", "flat"), ("plain", "no-search")):
            if phase[-1] == "no-search":
                with engine.begin() as conn:
                    for index in SEARCH_INDEXES:
                        conn.execute(text(f"DROP INDEX {index}"))
            for _ in range(args.rounds):
                for variant in phase:
                    figures[variant].append(measure(dsn, variant, args.processes, args.threads, args.seconds))
        engine.dispose()
        base = statistics.median(figures["plain"])
        print(
            f"{args.processes} processes x {args.threads} threads, {args.rounds} rounds of {args.seconds:.0f} s"
        )
        for variant, values in figures.items():
            median = statistics.median(values)
            print(f"  {variant:10} {median:7.0f} transactions/s  {100 * median / base:4.0f}% of plain")
    finally:
        drop_database(url)


if __name__ == "__main__":
    main()
