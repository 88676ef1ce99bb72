"""Audit-trail figures (one run, a fresh database on a real PostgreSQL):

(a) audited business writes per second with the sequencer running, against the same
    writes with auditing off (target >= 80%): a one-row INSERT through the unit of work (the
    cheapest business write there is, so the audit row's share is the largest), and (a') the
    platform's hottest write, a transfer (payments_execute, driven by pgbench), with its
    audit entry and without;
(b) streamed export of N entries against `COPY ... TO STDOUT` of the same rows (target >=
    50% of COPY's rate) and the export's peak memory at N and N/10 (target: within 1.2x);
(c) verification of N chained entries (target <= 10 s for 1 000 000).

Usage:
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/14 \\
        .venv/bin/python backend/benchmarks/audit.py [N] [--processes CPUS] [--threads 4] [--seconds 5] [--rounds 5]
        [--transfer-clients 16] [--no-transfers]
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import transfers  # the transfer benchmark's seeding and pgbench helpers (same folder)

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
    start = time.perf_counter()
    for t in pool:
        t.start()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    return sum(done) / (time.perf_counter() - start)


def compare_writes(container, *, processes: int, threads: int, seconds: float, rounds: int) -> None:
    """(a), as deployed: `processes` writer processes of `threads` threads each (gunicorn's
    workers and gthreads, gunicorn_conf.py), and the sequencer in a process of its own (the
    Celery worker), draining once a second like the beat job. Rounds of audit-off then
    audited writes, interleaved so that both see the same (noisy) machine; medians
    reported."""
    spawn = multiprocessing.get_context("spawn")
    child_settings = settings_for_child(container.settings)
    ready = spawn.Event()
    budget = rounds * 2 * (seconds + 2) + 60
    sequencer = spawn.Process(target=run_sequencer, args=(child_settings, budget, ready))
    sequencer.start()
    commands, results = spawn.Queue(), spawn.Queue()
    writers = [
        spawn.Process(target=run_writer, args=(child_settings, threads, commands, results))
        for _ in range(processes)
    ]
    for writer in writers:
        writer.start()
    for _ in writers:  # each writer reports once its imports and connections are up
        results.get(timeout=120)
    ready.wait(120)
    plain, audited = [], []
    try:
        for _ in range(rounds):
            for audit_on, figures in ((False, plain), (True, audited)):
                for _ in writers:
                    commands.put((audit_on, seconds))
                figures.append(sum(results.get(timeout=seconds + 60) for _ in writers))
    finally:
        for _ in writers:
            commands.put(None)
        for writer in writers:
            writer.join(30)
        sequencer.terminate()
        sequencer.join()
    container.audit_sequencer.run(max_batches=10_000)
    ratios = [a / p for a, p in zip(audited, plain, strict=True)]
    print(
        f"(a) writes/s, {processes} processes x {threads} threads, {rounds} rounds of {seconds:.0f} s: "
        f"audit off median {statistics.median(plain):.0f}, audited + sequencer median "
        f"{statistics.median(audited):.0f}; ratio median {100 * statistics.median(ratios):.0f}% "
        f"(rounds: {', '.join(f'{100 * r:.0f}%' for r in ratios)}) (target >= 80%)"
    )


def compare_transfers(container, *, clients: int, seconds: float, rounds: int) -> None:
    """(a'): transfers straight from pgbench (payments_execute, as the API sends it, between
    200 funded wallets), without their audit entry then with it, in interleaved rounds; the
    sequencer drains in a process of its own throughout, as in (a)."""
    settings = container.settings
    url = str(settings.DATABASE_URL)
    work = Path(tempfile.mkdtemp(prefix="elcorp-bench-audit-"))
    try:
        # The benchmark's own secrets, so that the checkpoints the seeding signs verify here.
        child = settings_for_child(settings)
        keys = {k: str(child[k]) for k in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "LOOKUP_HASH_KEY")}
        transfers.seed(transfers.seeding_settings(url, str(settings.REDIS_URL), keys, work), 200)
        n = transfers.bench_wallets(url)
        scripts = {}
        for audited in (False, True):
            scripts[audited] = work / f"transfer-{'audited' if audited else 'plain'}.sql"
            scripts[audited].write_text(transfers.ledger_script(n, audited=audited))
        spawn = multiprocessing.get_context("spawn")
        ready = spawn.Event()
        budget = rounds * 2 * (seconds + 5) + 60
        sequencer = spawn.Process(target=run_sequencer, args=(settings_for_child(settings), budget, ready))
        sequencer.start()
        ready.wait(120)
        plain, audited_tps = [], []
        try:
            for _ in range(rounds):
                for audited, figures in ((False, plain), (True, audited_tps)):
                    run = transfers.pgbench_run(
                        url, clients, int(seconds), work, script=scripts[audited], label="transfers"
                    )
                    figures.append(run.per_second)
        finally:
            sequencer.terminate()
            sequencer.join()
        container.audit_sequencer.run(max_batches=10_000)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ratios = [a / p for a, p in zip(audited_tps, plain, strict=True)]
    print(
        f"(a') transfers/s (payments_execute from pgbench, {clients} clients), {rounds} rounds of "
        f"{seconds:.0f} s: audit off median {statistics.median(plain):.0f}, audited + sequencer median "
        f"{statistics.median(audited_tps):.0f}; ratio median {100 * statistics.median(ratios):.0f}% "
        f"(rounds: {', '.join(f'{100 * r:.0f}%' for r in ratios)}) (target >= 80%)"
    )


def run_writer(settings_json: dict, threads: int, commands, results) -> None:
    """One writer process: runs each (audited, seconds) command it is given, reports writes/s."""
    settings = Settings(_env_file=None, **settings_json)  # type: ignore[call-arg]
    container = bootstrap(settings)
    for audited in (False, True):  # warm: connections open, statements compiled
        writes_per_second(container, audited=audited, threads=threads, seconds=0.2)
    results.put(0.0)
    while (command := commands.get()) is not None:
        audited, seconds = command
        results.put(writes_per_second(container, audited=audited, threads=threads, seconds=seconds))
    container.engine.dispose()


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


def run_sequencer(settings_json: dict, seconds: float, ready) -> None:
    """A separate process chaining entries for `seconds` as the worker's beat job does: a
    drain (`run()`) every AUDIT_SEQUENCER_INTERVAL_SECONDS."""
    settings = Settings(_env_file=None, **settings_json)  # type: ignore[call-arg]
    container = bootstrap(settings)
    container.audit_sequencer.run()
    ready.set()
    interval = settings.AUDIT_SEQUENCER_INTERVAL_SECONDS
    deadline = time.monotonic() + seconds
    while (now := time.monotonic()) < deadline:
        container.audit_sequencer.run()
        time.sleep(max(interval - (time.monotonic() - now), 0.0))
    container.engine.dispose()


def fill(engine, n: int) -> None:
    """N audit entries in one statement (what a busy platform writes in a while), each with
    its canonical JSON built by PostgreSQL (keys in RFC 8785 order, no characters to escape)."""
    with engine.begin() as conn:
        conn.execute(
            text(
                """
                INSERT INTO audit_log (id, occurred_at, action, actor_id, resource_type, resource_id,
                                       request_id, entry)
                SELECT id, at, 'bench.fill', actor, 'transfer', g::text, req,
                       '{"action":"bench.fill","actor_id":"' || actor || '","actor_roles":["user"],'
                       || '"changes":{"after":{"amount":"' || (g % 5000) || '.00"},"before":{}},'
                       || '"id":"' || id || '","ip":"196.44.0.' || (g % 250) || '","occurred_at":"'
                       || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
                       || '","reason"\\:null,"request_id":"' || req || '","resource_id":"' || g
                       || '","resource_type":"transfer","user_agent":"ElcorpApp/1.0"}'
                FROM (
                    SELECT g, gen_random_uuid() AS id, 'user-' || (g % 997) AS actor, md5(g::text) AS req,
                           now() - make_interval(secs => (:n - g) / 1000.0) AS at
                    FROM generate_series(1, :n) AS g
                ) AS rows
                """
            ),
            {"n": n},
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--transfer-clients", type=int, default=16)
    parser.add_argument("--no-transfers", action="store_true", help="skip (a')")
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
        compare_writes(
            container,
            processes=args.processes,
            threads=args.threads,
            seconds=args.seconds,
            rounds=args.rounds,
        )

        if not args.no_transfers:
            compare_transfers(
                container, clients=args.transfer_clients, seconds=args.seconds, rounds=args.rounds
            )

        # (c), after chaining N entries
        fill(engine, args.n)
        t0 = time.perf_counter()
        run = container.audit_sequencer.run(max_batches=1_000_000)
        chain_s = time.perf_counter() - t0
        print(
            f"    sequencer chained {run.sequenced} entries in {chain_s:.1f} s ({run.sequenced / chain_s:.0f}/s)"
        )
        with engine.connect() as conn:  # what autovacuum does after a bulk load, done now
            conn.execute(text("ANALYZE audit_log, audit_chain"))
            conn.commit()
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
        from elcorp.compliance.audit.infrastructure.export import AuditExport
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
