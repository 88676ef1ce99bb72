"""Audit-trail figures (one run, a fresh database on a real PostgreSQL):

(a) audited business writes per second with the sequencer running, against the same
    writes with auditing off (target >= 80%);
(b) streamed export of N entries against `COPY ... TO STDOUT` of the same rows (target >=
    50% of COPY's rate) and the export's peak memory at N and N/10 (target: within 1.2x);
(c) verification of N chained entries (target <= 10 s for 1 000 000).

Usage:
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python backend/benchmarks/audit.py [N] [--threads 8] [--seconds 10]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import platform
import sys
import threading
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from elcorp.bootstrap import bootstrap
from elcorp.config import Profile, Settings
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from support.servers import create_database, drop_database

BUSINESS_TABLE = "CREATE TABLE IF NOT EXISTS bench_business (id bigserial PRIMARY KEY, v text NOT NULL)"


def writes_per_second(container, *, audited: bool, threads: int, seconds: float) -> float:
    done = [0] * threads
    stop = threading.Event()

    def worker(n: int) -> None:
        while not stop.is_set():
            with container.uow() as uow:
                uow.session.execute(text("INSERT INTO bench_business (v) VALUES ('x')"))
                if audited:
                    uow.audit.record(
                        "bench.write",
                        Actor(id=f"u{n}", roles=("user",)),
                        Resource("bench", str(done[n])),
                        Changes(after={"v": "x"}),
                    )
                uow.commit()
            done[n] += 1

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    # As deployed, the sequencer runs in its own process (the Celery worker), not in the
    # API's: it competes for the CPUs and the database, not for this process's GIL.
    sequencer = multiprocessing.get_context("spawn").Process(
        target=run_sequencer, args=(settings_for_child(container.settings), seconds + 2)
    )
    if audited:
        sequencer.start()
    start = time.perf_counter()
    for t in pool:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - start
    if audited:
        sequencer.join()
    return sum(done) / elapsed


def settings_for_child(settings: Settings) -> dict[str, object]:
    return {
        "ENV": "test",
        "DATABASE_URL": settings.DATABASE_URL,
        "REDIS_URL": settings.REDIS_URL,
        "SECRET_KEY": settings.SECRET_KEY.get_secret_value(),
        "FIELD_ENCRYPTION_KEYS": ",".join(k.get_secret_value() for k in settings.FIELD_ENCRYPTION_KEYS),
        "LOOKUP_HASH_KEY": settings.LOOKUP_HASH_KEY.get_secret_value(),
        "LOG_LEVEL": "WARNING",
        "AUDIT_SEQUENCER_BATCH": settings.AUDIT_SEQUENCER_BATCH,
    }


def run_sequencer(settings_json: dict, seconds: float) -> None:
    """A separate process chaining entries for `seconds`, like the worker's beat job."""
    settings = Settings(_env_file=None, **settings_json)  # type: ignore[call-arg]
    container = bootstrap(settings)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if container.audit_sequencer.run_once().sequenced == 0:
            time.sleep(0.05)
    container.engine.dispose()


def fill(engine, n: int) -> None:
    """N audit entries in one statement (what a busy platform writes in a while)."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_log (occurred_at, action, actor_id, actor_roles, resource_type, resource_id, "
                "changes, ip, user_agent, request_id) "
                "SELECT now() - make_interval(secs => (:n - g) / 1000.0), 'bench.fill', 'user-' || (g % 997), "
                "ARRAY['user'], 'transfer', g::text, jsonb_build_object('after', jsonb_build_object('amount', "
                "(g % 5000)::text || '.00')), '196.44.0.' || (g % 250), 'ElcorpApp/1.0', md5(g::text) "
                "FROM generate_series(1, :n) AS g"
            ),
            {"n": n},
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    url = create_database(os.environ["DATABASE_URL"], prefix="elcorp_bench_audit")
    try:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            ENV=Profile.TEST,
            DATABASE_URL=url,
            REDIS_URL=os.environ["REDIS_URL"],
            LOG_LEVEL="WARNING",
            AUDIT_SEQUENCER_BATCH=5000,
        )
        engine = build_engine(url, pool_size=args.threads + 4)
        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        with engine.begin() as conn:
            conn.execute(text(BUSINESS_TABLE))
        container = bootstrap(settings, engine=engine)
        print(f"python {platform.python_version()}, {os.cpu_count()} cores, PostgreSQL at {engine.url.host}")

        # (a)
        plain = writes_per_second(container, audited=False, threads=args.threads, seconds=args.seconds)
        audited = writes_per_second(container, audited=True, threads=args.threads, seconds=args.seconds)
        container.audit_sequencer.run(max_batches=10_000)
        print(
            f"(a) writes/s, {args.threads} threads: audit off {plain:.0f}, audited + sequencer {audited:.0f} "
            f"= {100 * audited / plain:.0f}% (target >= 80%)"
        )

        # (c), after chaining N entries
        fill(engine, args.n)
        t0 = time.perf_counter()
        run = container.audit_sequencer.run(max_batches=1_000_000)
        chain_s = time.perf_counter() - t0
        print(
            f"    sequencer chained {run.sequenced} entries in {chain_s:.1f} s ({run.sequenced / chain_s:.0f}/s)"
        )
        t0 = time.perf_counter()
        report = container.audit_trail.verify()
        verify_s = time.perf_counter() - t0
        print(
            f"(c) verified {report.checked} entries in {verify_s:.1f} s, ok={report.ok} (target <= 10 s for 1 000 000)"
        )

        # (b) export against COPY of the same rows
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            buffer = io.StringIO()
            t0 = time.perf_counter()
            cursor.copy_expert(
                "COPY (SELECT c.seq, c.hash, a.* FROM audit_chain c JOIN audit_log a "
                "ON a.id = c.entry_id AND a.occurred_at = c.entry_occurred_at ORDER BY c.seq) TO STDOUT",
                buffer,
            )
            copy_s = time.perf_counter() - t0
            copy_bytes = buffer.tell()
        finally:
            raw.close()
        head = report.last_seq
        print(
            f"    COPY: {head} rows, {copy_bytes / 1e6:.0f} MB in {copy_s:.1f} s ({head / copy_s:.0f} rows/s)"
        )
        export_figures(container, head, copy_s)
        engine.dispose()
    finally:
        drop_database(url)


def export_figures(container, head: int, copy_seconds: float) -> None:
    try:
        from elcorp.compliance.infrastructure.export import AuditExport
    except ImportError:
        print("(b) export: not available")
        return
    peaks = {}
    for size in (max(head // 10, 1), head):
        with container.session_factory() as session:
            tracemalloc.start()
            t0 = time.perf_counter()
            export = AuditExport(session, container.audit_trail.public_keys(), "jsonl", 1, size)
            written = 0
            for chunk in export.chunks():
                written += len(chunk)
            seconds = time.perf_counter() - t0
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        peaks[size] = peak
        rate = size / seconds
        print(
            f"(b) export jsonl {size} entries: {written / 1e6:.0f} MB in {seconds:.1f} s ({rate:.0f}/s), "
            f"peak traced memory {peak / 1e6:.1f} MB"
        )
    small, large = sorted(peaks)
    print(
        f"    export rate vs COPY: {100 * (head / seconds) / (head / copy_seconds):.0f}% (target >= 50%); "
        f"peak memory {large} vs {small}: {peaks[large] / peaks[small]:.2f}x (target <= 1.2x)"
    )


if __name__ == "__main__":
    main()
