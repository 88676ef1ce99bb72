"""`elcorp dev` (what `make run` runs): the whole platform on one machine.

Starts embedded PostgreSQL and Redis under ./var/ unless DATABASE_URL / REDIS_URL point at
servers, migrates, seeds, then supervises gunicorn, a Celery worker and Celery beat.
Ctrl-C (or SIGTERM, or any child dying) stops every child, then the embedded servers.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import click
from sqlalchemy import create_engine, text

from elcorp.config import Settings
from elcorp.shared.infrastructure.db import sqlalchemy_url
from elcorp.shared.infrastructure.embedded import EmbeddedPostgres, EmbeddedRedis, die_with_parent

DEV_DATABASE = "elcorp"
DEMO_VAT_NUMBER = "DEMO-0000000"  # the platform issuer's, unless INVOICE_ISSUER_VAT_NUMBER is set
STOP_TIMEOUT = 7.0
FRONTEND_DIR = Path(__file__).resolve().parents[4] / "frontend"
# What the built dashboard depends on; dist/ carries the digest of the sources it was built from.
FRONTEND_SOURCES = (
    "src",
    "public",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.app.json",
)
BUILD_STAMP = ".source-digest"
NODE_MISSING = "Node 20 and npm not found: the staff dashboard is not built (install Node 20, see README)"


def _ensure_database(server_url: str, name: str) -> None:
    engine = create_engine(sqlalchemy_url(server_url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()


STACK_FILE = "stack.json"


def running_stack_urls(var_dir: Path) -> tuple[str, str] | None:
    """(DATABASE_URL, REDIS_URL) of a `make run` currently running from this checkout."""
    path = var_dir / STACK_FILE
    if not path.exists():
        return None
    data = json.loads(path.read_text())
    return data["DATABASE_URL"], data["REDIS_URL"]


def _publish_stack(var_dir: Path, env: dict[str, str]) -> None:
    path = var_dir / STACK_FILE
    path.write_text(json.dumps({"DATABASE_URL": env["DATABASE_URL"], "REDIS_URL": env["REDIS_URL"]}))
    path.chmod(0o600)


def _wait_for_http(url: str, timeout: float, children: list[subprocess.Popen[bytes]]) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(child.poll() is not None for child in children):
            return False
        try:
            # our own http://host:port URL, never user input
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310  # nosec B310
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.2)
    return False


def _stop_children(children: list[subprocess.Popen[bytes]]) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    for child in children:
        try:
            child.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@dataclass
class _Stack:
    """What one run has started, so that stopping undoes exactly that."""

    var: Path
    env: dict[str, str]
    postgres: EmbeddedPostgres | None = None
    redis: EmbeddedRedis | None = None
    children: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    database_note: str = "external (DATABASE_URL)"
    redis_note: str = "external (REDIS_URL)"
    dashboard_built: bool = False


class _StopRequest:
    """Set by SIGINT or SIGTERM: the run winds down at its next check."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True


def run_dev_stack(*, host: str, port: int) -> int:
    base = Settings()
    stack = _Stack(var=base.VAR_DIR, env=dict(os.environ))
    stack.var.mkdir(parents=True, exist_ok=True)
    stop = _StopRequest()
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    try:
        stack.dashboard_built = build_dashboard(FRONTEND_DIR)
        _start_servers(base, stack)
        _prepare_environment(base, stack)
        stack.env["PUBLIC_BASE_URL"] = public_base_url(base, host, port)
        demo_admin = _migrate_and_seed(stack.env)
        _start_children(_child_commands(host, port, stack), stack)
        base_url = f"http://{host}:{port}"
        up = _wait_for_http(f"{base_url}/health", 120, list(stack.children.values()))
        if not up and not stop.requested:
            click.echo("error: the API did not come up; see the log above", err=True)
            return 1
        if not stop.requested:
            click.echo(_summary(base_url, stack, demo_admin))
        return _supervise(stack.children, stop)
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop_stack(stack)


def frontend_digest(frontend: Path) -> str:
    """A digest of the dashboard's sources (paths and contents), to rebuild only on change."""
    digest = hashlib.sha256()
    for name in FRONTEND_SOURCES:
        top = frontend / name
        files = sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else [top]
        for path in (p for p in files if p.is_file()):
            digest.update(str(path.relative_to(frontend)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def build_dashboard(frontend: Path) -> bool:
    """Build frontend/ into frontend/dist when its sources changed since the last build
    (`npm ci` first when node_modules is missing or older than the lockfile). Without Node,
    or when the build fails, says so in one line and the rest of the platform still runs."""
    if not (frontend / "package.json").is_file():
        return False
    npm = shutil.which("npm")
    if not npm or not shutil.which("node"):
        click.echo(NODE_MISSING, err=True)
        return False
    digest, stamp = frontend_digest(frontend), frontend / "dist" / BUILD_STAMP
    if (frontend / "dist" / "index.html").is_file() and stamp.is_file() and stamp.read_text() == digest:
        return True
    installed = frontend / "node_modules" / ".package-lock.json"
    steps = [[npm, "run", "build"]]
    lockfile = frontend / "package-lock.json"
    if not installed.is_file() or installed.stat().st_mtime < lockfile.stat().st_mtime:
        steps.insert(0, [npm, "ci", "--no-audit", "--no-fund"])
    click.echo("building the staff dashboard (frontend/) ...")
    for step in steps:
        if subprocess.run(step, cwd=frontend, check=False).returncode != 0:  # noqa: S603 - fixed argv
            command = " ".join(step[1:3])
            click.echo(f"error: `npm {command}` failed in frontend/; the dashboard is not served", err=True)
            return False
    stamp.write_text(digest)
    return True


def _start_servers(base: Settings, stack: _Stack) -> None:
    """Embedded PostgreSQL and Redis under var/, each unless its URL names a server."""
    if not base.DATABASE_URL:
        click.echo("starting embedded PostgreSQL (var/postgres) ...")
        stack.postgres = EmbeddedPostgres(stack.var / "postgres").start()
        _ensure_database(stack.postgres.url("postgres"), DEV_DATABASE)
        stack.env["DATABASE_URL"] = stack.postgres.url(DEV_DATABASE)
        stack.database_note = f"embedded, data in {stack.var / 'postgres'}"
    if not base.REDIS_URL:
        click.echo("starting embedded Redis (var/redis) ...")
        stack.redis = EmbeddedRedis(stack.var / "redis").start()
        stack.env["REDIS_URL"] = stack.redis.url(0)
        stack.redis_note = f"embedded, data in {stack.var / 'redis'}"


def _prepare_environment(base: Settings, stack: _Stack) -> None:
    """A fresh metrics directory for the children, a demonstration VAT number when none is
    set (so the platform's own invoices can be issued locally), and the servers' URLs
    published for `elcorp` commands run beside this one."""
    metrics_dir = stack.var / "prometheus"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(parents=True)
    stack.env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    if not base.INVOICE_ISSUER_VAT_NUMBER:
        stack.env["INVOICE_ISSUER_VAT_NUMBER"] = DEMO_VAT_NUMBER
    _publish_stack(stack.var, stack.env)


def public_base_url(base: Settings, host: str, port: int) -> str:
    """The links in mails point at the port actually served, unless PUBLIC_BASE_URL is set
    (in the environment or .env) explicitly."""
    if "PUBLIC_BASE_URL" in base.model_fields_set:
        return base.PUBLIC_BASE_URL
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104  # nosec B104 - compared, never bound
    return f"http://{shown}:{port}"


def _migrate_and_seed(env: dict[str, str]) -> str:
    """Migrate, seed, and make sure the demo admin exists; returns what create-admin said
    (shown again in the summary, so the one-time password does not scroll away)."""
    for step in (["migrate"], ["seed"]):
        subprocess.run([sys.executable, "-m", "elcorp.cli", *step], env=env, check=True)  # noqa: S603
    return subprocess.run(
        [sys.executable, "-m", "elcorp.cli", "create-admin", "--demo"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.rstrip()


def _child_commands(host: str, port: int, stack: _Stack) -> dict[str, list[str]]:
    """The supervised processes: the API under gunicorn, a Celery worker and Celery beat."""
    python = sys.executable
    celery = [python, "-m", "celery", "-A", "elcorp.jobs.celery_app"]
    return {
        "api": [
            python,
            "-m",
            "gunicorn",
            "-c",
            "python:elcorp.gunicorn_conf",
            "--bind",
            f"{host}:{port}",
            "--workers",
            stack.env.get("GUNICORN_WORKERS", "2"),
            "elcorp.wsgi:app",
        ],
        "worker": [*celery, "worker", "--loglevel", "INFO", "--concurrency", "2", "--hostname", "worker@%h"],
        "beat": [*celery, "beat", "--loglevel", "INFO", "--schedule", str(stack.var / "celerybeat-schedule")],
    }


def _start_children(commands: dict[str, list[str]], stack: _Stack) -> None:
    """Each child in a session of its own: the terminal's Ctrl-C reaches only this process,
    which then stops each child once, gracefully (SIGTERM). Had gunicorn seen the SIGINT too,
    it would begin a fast shutdown, get our SIGTERM on top, and SIGKILL its workers
    (logging "Worker ... was sent SIGKILL! Perhaps out of memory?")."""
    for name, argv in commands.items():
        stack.children[name] = subprocess.Popen(  # noqa: S603 - fixed argv
            argv, env=stack.env, start_new_session=True, preexec_fn=die_with_parent
        )


def _summary(base_url: str, stack: _Stack, demo_admin: str) -> str:
    """The demo administrator first (the one-time password is what a new user needs next),
    then the URLs, which stay visible at the bottom of the terminal."""
    return "\n".join(
        [
            demo_admin,
            "",
            "Elcorp platform is running:",
            f"  API          {base_url}/api/v1",
            f"  API docs     {base_url}/api/docs",
            f"  Dashboard    {base_url}/dashboard/" if stack.dashboard_built else "  Dashboard    not built",
            f"  OpenAPI      {base_url}/api/v1/openapi.json",
            f"  Health       {base_url}/health   {base_url}/ready   {base_url}/metrics",
            f"  PostgreSQL   {stack.database_note}",
            f"  Redis        {stack.redis_note}",
            "  Worker, beat Celery worker and beat running",
            "",
            "Press Ctrl-C to stop everything.",
            "",
        ]
    )


def _supervise(children: dict[str, subprocess.Popen[bytes]], stop: _StopRequest) -> int:
    """Wait for a stop request (0) or for a child to exit (1, naming it)."""
    while not stop.requested:
        dead = [(name, child) for name, child in children.items() if child.poll() is not None]
        if dead:
            name, child = dead[0]
            click.echo(f"error: the {name} process exited (code {child.returncode}); stopping", err=True)
            return 1
        time.sleep(0.3)
    return 0


def _stop_stack(stack: _Stack) -> None:
    """Children first, then the embedded servers; the published URLs are withdrawn."""
    _stop_children(list(stack.children.values()))
    (stack.var / STACK_FILE).unlink(missing_ok=True)
    if stack.redis is not None:
        stack.redis.stop()
    if stack.postgres is not None:
        stack.postgres.stop()
    servers = (", Redis" if stack.redis else "") + (", PostgreSQL" if stack.postgres else "")
    click.echo("stopped: API, worker, beat" + servers)
