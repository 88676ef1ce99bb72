"""Transfers per second through the API, against pgbench's TPC-B on the same PostgreSQL.

One run, on a fresh database of the PostgreSQL in DATABASE_URL:

1. seeds N users through the application services (register, the outbox opens each
   user's wallet, a staff deposit funds it, a login gives the user's access token);
2. measures pgbench's built-in TPC-B-like script (`-b tpcb-like`, the default) on a
   database of its own, at each client count (`pgbench -i -I dtGvp -s SCALE`, then
   `pgbench -c N -j min(N, CPUS) -T SECONDS -l`: simple query protocol, the one psycopg2
   speaks);
3. starts the API as deployed (`gunicorn -c python:elcorp.gunicorn_conf elcorp.wsgi:app`,
   ENV=production with generated secrets, workers = CPU count, the audit sequencer in a
   process of its own draining every second as the beat job does), waits for /ready, and
   drives `POST /api/v1/transfers` with keep-alive clients: each request a random pair of
   distinct wallets, a small amount, a fresh Idempotency-Key. Scenarios: all wallets at
   each client count, then all traffic on 10 hot wallets;
4. runs the database side alone: `payments_execute` with the same JSON request (and an
   audit entry of the same size) straight from pgbench, between random seeded wallets, at
   the lowest client count: the ceiling the API's database work leaves it;
5. prints transfers/s (201s only; any other status is counted and shown), p50/p99
   latency, each row / pgbench, the Redis commands and PostgreSQL transactions per
   transfer, and checks the books afterwards (trial balance, one transaction per 201).

`--workers` / `--threads` set gunicorn's GUNICORN_WORKERS / GUNICORN_THREADS (default:
those of `elcorp.gunicorn_conf`).

The load generator is this process (threads over raw keep-alive sockets, so the client
takes as little of the 2 cores as possible); its CPU time is printed with the figures.

Usage:
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/11 \\
        .venv/bin/python backend/benchmarks/transfers.py [--seconds 20] [--wallets 1000]

The Redis database in REDIS_URL is flushed at the start.
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from elcorp.bootstrap import bootstrap
from elcorp.config import Profile, Settings
from elcorp.governance.infrastructure.grants import SqlGrantsStore
from elcorp.identity.application.results import TokenPair
from elcorp.shared.domain.money import Money
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from elcorp.shared.infrastructure.redis import build_redis
from support.identity import STRONG_PASSWORD
from support.servers import create_database, drop_database

CPUS = os.cpu_count() or 2
FUNDING = "10000"  # per wallet, below the deposit approval threshold (NAD 50 000)
TARGETS = {"ratio16": 0.35, "ratio16_floor": 0.25, "p99_64_ms": 200.0, "hot_ratio": 0.15}


# -- secrets and settings ----------------------------------------------------------------------
def production_secrets() -> dict[str, str]:
    """Fresh secrets of the kinds a deployment sets (none of them a placeholder)."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "FIELD_ENCRYPTION_KEYS": "bench1:" + base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "LOOKUP_HASH_KEY": secrets.token_urlsafe(48),
        "JWT_SIGNING_KEYS": f"bench1:{secrets.token_urlsafe(48)}",
        "AUDIT_SIGNING_KEYS": f"bench1:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        "METRICS_TOKEN": secrets.token_urlsafe(48),
    }


def server_environment(
    url: str, redis_url: str, keys: dict[str, str], var_dir: Path, port: int
) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GUNICORN_", "ELCORP_"))}
    env.update(keys)
    env.update(
        {
            "ENV": "production",
            "EMAIL_BACKEND": "smtp",  # nothing is mailed during the run
            "PUBLIC_BASE_URL": "https://bench.invalid",
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "VAR_DIR": str(var_dir),
            "PROMETHEUS_MULTIPROC_DIR": str(var_dir / "prometheus"),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            # One budget per user, still counted in Redis on every request: only its
            # size is raised, so that 10 hot wallets' owners are never refused.
            "RATE_LIMIT_AUTHENTICATED": "1000000/second",
            "ACCESS_TOKEN_TTL_SECONDS": "3600",
        }
    )
    return env


def seeding_settings(url: str, redis_url: str, keys: dict[str, str], var_dir: Path) -> Settings:
    """The server's secrets (so its tokens verify there) with cheap password hashing: the
    benchmark users' hashes are never verified by the server."""
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        ENV=Profile.TEST,
        DATABASE_URL=url,
        REDIS_URL=redis_url,
        VAR_DIR=var_dir,
        ACCESS_TOKEN_TTL_SECONDS=3600,
        ARGON2_TIME_COST=1,
        ARGON2_MEMORY_KIB=1024,
        RATE_LIMIT_ENABLED=False,
        LOG_LEVEL="WARNING",
        **keys,
    )


# -- seeding ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Wallet:
    id: str
    token: str


def seed(settings: Settings, n: int) -> list[Wallet]:
    engine = build_engine(settings.DATABASE_URL, pool_size=4)
    migrate.upgrade(engine, settings.MIGRATIONS_DIR)
    container = bootstrap(settings, engine=engine)
    accounts, auth = container.identity.accounts, container.identity.auth
    t0 = time.perf_counter()
    users = []
    for i in range(n + 1):  # user 0 is the staff member who books the deposits
        view = accounts.register(
            username=f"bench{i:05d}",
            full_name="Bench Transfer",
            email=f"bench{i:05d}@example.na",
            password=STRONG_PASSWORD,
            phone=f"+26481{i:07d}",
            organization=None,
        )
        users.append(view)
    staff = users[0].id
    with container.session_factory() as session:
        SqlGrantsStore(session).set_roles(staff, frozenset({"staff"}), None)
        session.commit()
    container.access.forget(staff)
    while container.outbox.dispatch_pending(batch_size=500, max_batches=100).dispatched:
        pass
    with engine.connect() as conn:
        wallet_of = {
            str(owner): str(wallet)
            for owner, wallet in conn.execute(
                text("SELECT owner_id, id FROM account WHERE kind = 'wallet' AND currency = 'NAD'")
            )
        }
    wallets = []
    for view in users[1:]:
        wallet_id = wallet_of[str(view.id)]
        funded = container.payments.deposit(
            staff,
            key=f"fund-{wallet_id}",
            body={"amount": FUNDING},
            wallet_id=uuid.UUID(wallet_id),
            amount=Money.of(FUNDING),
            external_reference=f"BENCH-{wallet_id[:8]}",
        )
        assert funded.data["status"] == "completed", funded.data
        tokens = auth.login(
            login=view.email,
            password=STRONG_PASSWORD,
            device_id=uuid.uuid4(),
            device_name="bench",
            ip="127.0.0.1",
            user_agent="elcorp-bench",
        )
        assert isinstance(tokens, TokenPair), tokens
        wallets.append(Wallet(wallet_id, tokens.access_token))
    container.audit_sequencer.run(max_batches=10_000)
    print(f"seeded {n} users, wallets and deposits of NAD {FUNDING} in {time.perf_counter() - t0:.0f} s")
    engine.dispose()
    return wallets


# -- pgbench ------------------------------------------------------------------------------------
@dataclass
class Figures:
    label: str
    clients: int
    per_second: float
    latencies_ms: list[float]
    statuses: Counter[int] = field(default_factory=Counter)
    notes: str = ""

    def percentile(self, q: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def pgbench_args(url: str) -> list[str]:
    u = make_url(url)
    args = ["-h", u.host or "127.0.0.1", "-p", str(u.port or 5432), "-U", u.username or "postgres"]
    return args


def pgbench_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    password = make_url(url).password
    if password:
        env["PGPASSWORD"] = str(password)
    return env


def pgbench_init(url: str, scale: int) -> None:
    command = [
        "pgbench",
        "-i",
        "-I",
        "dtGvp",
        "-s",
        str(scale),
        "-q",
        *pgbench_args(url),
        make_url(url).database,
    ]
    print("$ " + " ".join(command))
    t0 = time.perf_counter()
    subprocess.run(command, check=True, env=pgbench_env(url), capture_output=True)  # noqa: S603 - fixed command line
    print(f"  initialised in {time.perf_counter() - t0:.0f} s")


def pgbench_run(
    url: str, clients: int, seconds: int, workdir: Path, *, script: Path | None = None, label: str = ""
) -> Figures:
    """pgbench's built-in TPC-B-like script, or `script` (then `label` names the row)."""
    logs = workdir / f"pgbench-{clients}"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir()
    command = [
        "pgbench",
        *(["-n", "-f", str(script)] if script else ["-b", "tpcb-like"]),
        "-c",
        str(clients),
        "-j",
        str(min(clients, CPUS)),
        "-T",
        str(seconds),
        "-l",
        "--log-prefix",
        str(logs / "tx"),
        *pgbench_args(url),
        make_url(url).database,
    ]
    printable = [
        c if not c.startswith(str(workdir)) else "<tmp>/tx" if c.endswith("tx") else f"<tmp>/{Path(c).name}"
        for c in command
    ]
    print("$ " + " ".join(printable))
    # CPU is sampled inside the run (its backends' time is gone once they exit): from 1 s
    # after the start to 0.5 s before the end, against the transactions completed then.
    pgbench = subprocess.Popen(  # noqa: S603 - fixed command line
        command, env=pgbench_env(url), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    roles = {pgbench.pid: "pgbench"}
    time.sleep(1.0)
    window_start, before = time.time(), cpu_seconds(roles)
    time.sleep(max(seconds - 1.5, 0.1))
    window_end, after = time.time(), cpu_seconds(roles)
    out, err = pgbench.communicate()
    if pgbench.returncode:
        raise RuntimeError(f"pgbench failed: {err}")
    tps = float(re.search(r"tps = ([\d.]+) \(without initial connection time\)", out).group(1))
    latencies, in_window = [], 0
    for log in logs.iterdir():
        for line in log.read_text().splitlines():
            fields = line.split()
            latencies.append(int(fields[2]) / 1000.0)
            if window_start <= int(fields[4]) + int(fields[5]) / 1e6 < window_end:
                in_window += 1
    failed = re.search(r"number of failed transactions: (\d+)", out)
    figures = Figures(label or "pgbench tpcb-like", clients, tps, latencies)
    figures.notes = cpu_line(before, after, max(in_window, 1), window_end - window_start)
    if failed and int(failed.group(1)):
        figures.notes += f"; {failed.group(1)} failed"
    shutil.rmtree(logs, ignore_errors=True)
    return figures


# The movement as the API sends it, minus the API: payments_execute straight from pgbench
# (same JSON request, an audit entry of the API's size), between random seeded wallets.
LEDGER_REQUEST = r"""
\set a random(1, {n})
\set d random(1, {n} - 1)
SELECT payments_execute(jsonb_build_object(
    'caller', s.owner_id, 'idempotency_key', md5(random()::text), 'request_hash', md5(random()::text),
    'idempotency_ttl_seconds', 86400, 'type', 'transfer', 'status', 'completed',
    'transaction_id', e.tid, 'journal_entry_id', gen_random_uuid(),
    'amount', '0.05', 'fee', '0', 'currency', 'NAD', 'source', s.id, 'source_owner', s.owner_id,
    'destination', d.id, 'description', null{audit}))
FROM bench_wallet s, bench_wallet d,
     (SELECT gen_random_uuid() AS id, gen_random_uuid() AS tid, clock_timestamp() AS at,
             md5(random()::text) AS req) e
WHERE s.n = :a AND d.n = 1 + (:a + :d - 1) % {n};
"""
# The entry as the audit port writes it: RFC 8785 canonical JSON (keys in code-unit order,
# nothing to escape), its search columns copied from the same values.
LEDGER_AUDIT = r""",
    'audit', jsonb_build_object('id', e.id, 'occurred_at', e.at, 'action', 'transfer.completed',
        'actor_id', s.owner_id::text, 'resource_type', 'transaction', 'resource_id', e.tid::text,
        'request_id', e.req, 'entry',
        '{{"action":"transfer.completed","actor_id":"' || s.owner_id || '","actor_roles":["user"],'
        || '"changes":{{"after":{{"amount":"0.05","currency":"NAD","destination":"' || d.id
        || '","fee":"0","source":"' || s.id || '","status":"completed"}},"before":{{}}}},"id":"' || e.id
        || '","ip":"127.0.0.1","occurred_at":"' || to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
        || '","reason":null,"request_id":"' || e.req || '","resource_id":"' || e.tid
        || '","resource_type":"transaction","user_agent":"elcorp-bench"}}')"""


def ledger_script(n: int, *, audited: bool = True) -> str:
    """The pgbench script of one movement between random wallets of `bench_wallet` (n rows),
    with its audit entry (as the API sends it) or without (auditing off)."""
    return LEDGER_REQUEST.format(n=n, audit=LEDGER_AUDIT.format() if audited else "")


def bench_wallets(url: str) -> int:
    """`bench_wallet (n, id, owner_id)`: the funded wallets, numbered for pgbench's scripts."""
    engine = build_engine(url, pool_size=1)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE bench_wallet AS SELECT row_number() OVER (ORDER BY id) AS n, id, owner_id "
                "FROM account WHERE kind = 'wallet' AND balance >= 1000; CREATE UNIQUE INDEX ON bench_wallet (n)"
            )
        )
        n: int = conn.execute(text("SELECT count(*) FROM bench_wallet")).scalar_one()
    engine.dispose()
    return n


def ledger_alone(url: str, clients: int, seconds: int, workdir: Path) -> Figures:
    """payments_execute without the API: what the database side of a transfer allows."""
    script = workdir / "ledger_alone.sql"
    script.write_text(ledger_script(bench_wallets(url)))
    try:
        return pgbench_run(url, clients, seconds, workdir, script=script, label="payments_execute alone")
    finally:
        engine = build_engine(url, pool_size=1)
        with engine.begin() as conn:
            conn.execute(text("DROP TABLE bench_wallet"))
        engine.dispose()


def checkpoint(url: str) -> None:
    """Start every measured phase with the same WAL state (no checkpoint owed from before)."""
    subprocess.run(  # noqa: S603 - fixed command line
        ["psql", "-q", *pgbench_args(url), "-d", make_url(url).database, "-c", "CHECKPOINT"],  # noqa: S607 - psql from PATH, like pgbench
        check=True,
        env=pgbench_env(url),
    )


# -- the API ------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_api(env: dict[str, str], var_dir: Path, port: int) -> subprocess.Popen[bytes]:
    (var_dir / "prometheus").mkdir(parents=True, exist_ok=True)
    log = open(var_dir / "gunicorn.log", "wb")  # noqa: SIM115 - closed with the process
    command = [sys.executable, "-m", "gunicorn", "-c", "python:elcorp.gunicorn_conf", "elcorp.wsgi:app"]
    print(
        "$ ENV=production ... "
        + " ".join(["gunicorn", *command[3:]])
        + f"  (bind 127.0.0.1:{port}, {env.get('GUNICORN_WORKERS', CPUS)} workers"
        + f" x {env.get('GUNICORN_THREADS', 4)} threads)"
    )
    server = subprocess.Popen(command, env=env, cwd=var_dir, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 - fixed command line
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: see {var_dir / 'gunicorn.log'}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            pass
        time.sleep(0.25)
    server.terminate()
    raise RuntimeError("the API did not become ready within 60 s")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_sequencer(settings_values: dict[str, object], stop_event) -> None:
    """The beat job's audit sequencer: a drain every AUDIT_SEQUENCER_INTERVAL_SECONDS."""
    settings = Settings(_env_file=None, **settings_values)  # type: ignore[call-arg]
    container = bootstrap(settings)
    interval = settings.AUDIT_SEQUENCER_INTERVAL_SECONDS
    while not stop_event.is_set():
        started = time.monotonic()
        container.audit_sequencer.run()
        stop_event.wait(max(interval - (time.monotonic() - started), 0.0))
    container.engine.dispose()


RESPONSE_HEAD = re.compile(rb"content-length:\s*(\d+)", re.IGNORECASE)


class Connection:
    """One keep-alive HTTP/1.1 connection, as lean as Python allows."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.buffer = bytearray()
        self.sock = self._connect()

    def _connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer.clear()
        return sock

    def exchange(self, request: bytes) -> tuple[int, bytes]:
        self.sock.sendall(request)
        buffer = self.buffer
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed by the server")
            buffer += chunk
        head = bytes(buffer[:end])
        length_match = RESPONSE_HEAD.search(head)
        total = end + 4 + (int(length_match.group(1)) if length_match else 0)
        while len(buffer) < total:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed by the server")
            buffer += chunk
        body = bytes(buffer[end + 4 : total])
        del buffer[:total]
        if b"connection: close" in head.lower():
            self.reconnect()
        return int(head[9:12]), body

    def reconnect(self) -> None:
        self.sock.close()
        self.sock = self._connect()

    def close(self) -> None:
        self.sock.close()


def drive(
    port: int, wallets: list[Wallet], clients: int, warmup: float, seconds: float, label: str, probe=None
) -> tuple[Figures, list[object]]:
    """`clients` threads, each one connection, sending transfers back to back; responses
    completed in the `seconds` after `warmup` are counted. `probe()` is called as the
    measured window opens and as it closes; its two results are returned."""
    start_at = time.perf_counter() + warmup
    end_at = start_at + seconds
    probes: list[object] = []

    def observe() -> None:
        for moment in (start_at, end_at):
            time.sleep(max(moment - time.perf_counter(), 0.0))
            probes.append(probe() if probe else None)

    per_client: list[tuple[list[float], Counter[int]]] = [([], Counter()) for _ in range(clients)]
    samples: dict[int, bytes] = {}
    errors = Counter[str]()
    prefix = (
        f"POST /api/v1/transfers HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
    ).encode()
    n = len(wallets)

    def client(index: int) -> None:
        rng = random.Random(index)
        latencies, statuses = per_client[index]
        connection = Connection(port)
        try:
            while True:
                i, j = rng.sample(range(n), 2)
                source, destination = wallets[i], wallets[j]
                body = (
                    f'{{"source_wallet_id":"{source.id}","destination_wallet_id":"{destination.id}",'
                    f'"amount":"0.{rng.randint(1, 99):02d}","currency":"NAD"}}'
                ).encode()
                request = (
                    prefix
                    + f"Authorization: Bearer {source.token}\r\nIdempotency-Key: {uuid.uuid4()}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                t0 = time.perf_counter()
                try:
                    status, response = connection.exchange(request)
                except OSError as exc:
                    errors[type(exc).__name__] += 1
                    connection.reconnect()
                    continue
                t1 = time.perf_counter()
                if t1 >= end_at:
                    return
                if t1 >= start_at:
                    latencies.append((t1 - t0) * 1000.0)
                    statuses[status] += 1
                    if status != 201 and status not in samples:
                        samples[status] = response[:300]
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
    threads.append(threading.Thread(target=observe, daemon=True))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses: Counter[int] = Counter()
    latencies: list[float] = []
    for client_latencies, client_statuses in per_client:
        statuses.update(client_statuses)
        latencies.extend(client_latencies)
    created = statuses.get(201, 0)
    figures = Figures(label, clients, created / seconds, latencies, statuses)
    for status, sample in sorted(samples.items()):
        figures.notes += f"; first {status}: {sample.decode(errors='replace')}"
    if errors:
        figures.notes += f"; connection errors {dict(errors)}"
    return figures, probes


# -- where the CPU goes --------------------------------------------------------------------------
def cpu_seconds(roles: dict[int, str]) -> Counter[str]:
    """CPU time (user + system) of every process on the machine, by role: the processes in
    `roles` by pid (and their children), PostgreSQL and Redis by name, the rest `other`
    (anything else running on the machine during a measurement shows up there)."""
    tick = os.sysconf("SC_CLK_TCK")
    totals: Counter[str] = Counter()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")[0]
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        pid, parent = int(entry), int(fields[1])
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if pid in roles or parent in roles:
            role = roles.get(pid) or roles[parent]
        elif command.startswith(b"postgres"):
            role = "postgres"
        elif b"redis-server" in command:
            role = "redis"
        else:
            continue
        totals[role] += seconds
    # The whole machine, from the kernel: processes that exit or that nobody named
    # (anything else running during a measurement) are what is left over.
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    totals["machine"] = (user + nice + system + irq + softirq + steal) / tick
    return totals


def cpu_line(before: Counter[str], after: Counter[str], count: float, wall: float) -> str:
    used = {role: after[role] - before.get(role, 0.0) for role in after if role != "machine"}
    machine = after["machine"] - before["machine"]
    used["other"] = machine - sum(used.values())
    parts = [
        f"{role} {1000 * seconds / count:.2f}"
        for role, seconds in sorted(used.items(), key=lambda item: -item[1])
        if abs(seconds) > 0.005
    ]
    busy = machine / (wall * CPUS)
    return f"CPU ms per transaction: {', '.join(parts)} (machine {100 * busy:.0f}% busy)"


# -- round trips ---------------------------------------------------------------------------------
def redis_commands(client) -> Counter[str]:
    stats = client.info("commandstats")
    return Counter({name.removeprefix("cmdstat_"): value["calls"] for name, value in stats.items()})


def database_counters(engine, name: str) -> dict[str, int]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT xact_commit, xact_rollback, tup_inserted, tup_updated, tup_fetched "
                "FROM pg_stat_database WHERE datname = :name"
            ),
            {"name": name},
        ).one()
    return dict(row._mapping)


# -- main -----------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--wallets", type=int, default=1000)
    parser.add_argument("--hot-wallets", type=int, default=10)
    parser.add_argument("--clients", default="16,64")
    parser.add_argument("--hot-clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers; default: gunicorn_conf's")
    parser.add_argument("--threads", type=int, default=0, help="threads per worker; default: gunicorn_conf's")
    parser.add_argument(
        "--scale", type=int, default=0, help="pgbench scale; default: the largest client count"
    )
    args = parser.parse_args()
    client_counts = [int(c) for c in args.clients.split(",")]
    scale = args.scale or max(client_counts)
    server_url, redis_url = os.environ["DATABASE_URL"], os.environ["REDIS_URL"]

    print(
        f"python {platform.python_version()}, {CPUS} cores, PostgreSQL at {make_url(server_url).host}; "
        f"{args.seconds} s per run after {args.warmup} s of warm-up"
    )
    redis_client = build_redis(redis_url)
    redis_client.flushdb()
    url = create_database(server_url, prefix="elcorp_bench_transfers")
    pgbench_url = create_database(server_url, prefix="elcorp_bench_pgbench")
    work = Path(tempfile.mkdtemp(prefix="elcorp-bench-transfers-"))
    keys = production_secrets()
    results: list[Figures] = []
    try:
        settings = seeding_settings(url, redis_url, keys, work)
        wallets = seed(settings, args.wallets)

        # pgbench first, with nothing else running
        pgbench_init(pgbench_url, scale)
        checkpoint(pgbench_url)
        pgbench_run(pgbench_url, client_counts[0], args.warmup, work)  # warm-up, not reported
        reference: dict[int, Figures] = {}
        for clients in [
            *client_counts,
            *([args.hot_clients] if args.hot_clients not in client_counts else []),
        ]:
            checkpoint(pgbench_url)
            reference[clients] = pgbench_run(pgbench_url, clients, args.seconds, work)
            results.append(reference[clients])
        drop_database(pgbench_url)

        # the API, as deployed, with the audit sequencer draining beside it
        port = free_port()
        env = server_environment(url, redis_url, keys, work, port)
        if args.workers:
            env["GUNICORN_WORKERS"] = str(args.workers)
        if args.threads:
            env["GUNICORN_THREADS"] = str(args.threads)
        spawn = multiprocessing.get_context("spawn")
        stop_sequencer = spawn.Event()
        sequencer_values = {
            **keys,
            "ENV": "test",
            "DATABASE_URL": url,
            "REDIS_URL": redis_url,
            "VAR_DIR": str(work),
            "LOG_LEVEL": "WARNING",
        }
        sequencer = spawn.Process(target=run_sequencer, args=(sequencer_values, stop_sequencer))
        sequencer.start()
        server = start_api(env, work, port)
        engine = build_engine(url, pool_size=1)
        name = make_url(url).database
        roles = {server.pid: "gunicorn", sequencer.pid: "audit sequencer", os.getpid(): "load generator"}

        def probe() -> tuple[Counter[str], Counter[str], dict[str, int]]:
            return cpu_seconds(roles), redis_commands(redis_client), database_counters(engine, name)

        round_trips: dict[str, str] = {}
        try:
            scenarios = [(f"API, {args.wallets} wallets", c, wallets) for c in client_counts]
            scenarios.append(
                (f"API, {args.hot_wallets} hot wallets", args.hot_clients, wallets[: args.hot_wallets])
            )
            for label, clients, chosen in scenarios:
                checkpoint(url)
                figures, ((cpu0, redis0, db0), (cpu1, redis1, db1)) = drive(
                    port, chosen, clients, args.warmup, args.seconds, label, probe
                )
                results.append(figures)
                answered = sum(figures.statuses.values()) or 1
                redis_delta = redis1 - redis0
                round_trips[f"{label} @{clients}"] = (
                    cpu_line(cpu0, cpu1, answered, args.seconds)
                    + "\n    per request: Redis commands (all databases) "
                    + ", ".join(
                        f"{k} {v / answered:.2f}"
                        for k, v in sorted(redis_delta.items())
                        if v / answered >= 0.01
                    )
                    + f"; PostgreSQL transactions {(db1['xact_commit'] - db0['xact_commit']) / answered:.2f}, "
                    f"rows inserted {(db1['tup_inserted'] - db0['tup_inserted']) / answered:.2f}"
                )
        finally:
            stop(server)
            stop_sequencer.set()
            sequencer.join(30)

        # the database side alone, on the same books, at the lowest client count
        checkpoint(url)
        alone = ledger_alone(url, client_counts[0], args.seconds, work)
        results.append(alone)

        # the books after the run
        with engine.connect() as conn:
            unbalanced = conn.execute(
                text(
                    "SELECT count(*) FROM (SELECT currency FROM posting GROUP BY currency HAVING sum(amount) <> 0) u"
                )
            ).scalar_one()
            drift = conn.execute(
                text(
                    "SELECT count(*) FROM account a LEFT JOIN (SELECT account_id, sum(amount) s FROM posting "
                    "GROUP BY account_id) p ON p.account_id = a.id WHERE a.balance <> coalesce(p.s, 0)"
                )
            ).scalar_one()
            negative = conn.execute(
                text("SELECT count(*) FROM account WHERE NOT allow_negative AND balance - held < 0")
            ).scalar_one()
            transfers = conn.execute(
                text("SELECT count(*) FROM payment_transaction WHERE type = 'transfer'")
            ).scalar_one()
        engine.dispose()
    finally:
        redis_client.flushdb()
        drop_database(pgbench_url)
        drop_database(url)
        shutil.rmtree(work, ignore_errors=True)

    report(results, reference, client_counts, args, round_trips)
    print(
        f"books: {transfers} transfers stored (warm-ups included); currencies not summing to zero: {unbalanced}; "
        f"cached balances differing from postings: {drift}; wallets below zero: {negative}"
    )


def report(results: list[Figures], reference: dict[int, Figures], client_counts, args, round_trips) -> None:
    print()
    print(f"{'run':<28}{'clients':>8}{'per s':>10}{'p50 ms':>9}{'p99 ms':>9}{'API/pgbench':>13}")
    ratios: dict[str, float] = {}
    for figures in results:
        ratio = ""
        if figures.label != "pgbench tpcb-like":
            value = figures.per_second / reference[figures.clients].per_second
            ratios[f"{figures.label}@{figures.clients}"] = value
            ratio = f"{value:.2f}"
        print(
            f"{figures.label:<28}{figures.clients:>8}{figures.per_second:>10.0f}"
            f"{figures.percentile(0.50):>9.1f}{figures.percentile(0.99):>9.1f}{ratio:>13}"
        )
    print()
    for figures in results:
        if figures.label.startswith("API"):
            other = {k: v for k, v in figures.statuses.items() if k != 201}
            print(
                f"{figures.label} @{figures.clients}: statuses {dict(sorted(figures.statuses.items()))}"
                + (f" (non-201: {other})" if other else "")
                + figures.notes
            )
            print(f"    {round_trips[f'{figures.label} @{figures.clients}']}")
        else:
            print(f"{figures.label} @{figures.clients}: {figures.notes}")
    spread = {f.clients: f for f in results if f.label.startswith(f"API, {args.wallets}")}
    hot = next(f for f in results if f.label.startswith(f"API, {args.hot_wallets} hot"))
    print()
    low = min(client_counts)
    high = max(client_counts)
    r16 = spread[low].per_second / reference[low].per_second
    p99 = spread[high].percentile(0.99)
    rhot = hot.per_second / reference[hot.clients].per_second
    print(
        f"target: API/pgbench >= {TARGETS['ratio16']} (at the very least {TARGETS['ratio16_floor']}) "
        f"at {low} clients: {r16:.2f} -> {'met' if r16 >= TARGETS['ratio16'] else 'floor met' if r16 >= TARGETS['ratio16_floor'] else 'missed'}"
    )
    print(
        f"target: p99 <= {TARGETS['p99_64_ms']:.0f} ms at {high} clients: {p99:.1f} ms -> "
        f"{'met' if p99 <= TARGETS['p99_64_ms'] else 'missed'}"
    )
    print(
        f"target: hot ({args.hot_wallets} wallets, {hot.clients} clients) API/pgbench >= {TARGETS['hot_ratio']}: "
        f"{rhot:.2f} -> {'met' if rhot >= TARGETS['hot_ratio'] else 'missed'}"
    )


if __name__ == "__main__":
    main()
