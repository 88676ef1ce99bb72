"""`elcorp dev` (what `make run` runs): the whole platform on one machine.

Starts embedded PostgreSQL and Redis under ./var/ unless DATABASE_URL / REDIS_URL point at
servers, migrates, seeds, then supervises gunicorn, a Celery worker and Celery beat.
Ctrl-C (or SIGTERM, or any child dying) stops every child, then the embedded servers.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import FrameType

import click
from sqlalchemy import create_engine, text

from elcorp.config import Settings
from elcorp.shared.infrastructure.db import sqlalchemy_url
from elcorp.shared.infrastructure.embedded import EmbeddedPostgres, EmbeddedRedis

DEV_DATABASE = "elcorp"
DEMO_VAT_NUMBER = "DEMO-0000000"  # the platform issuer's, unless INVOICE_ISSUER_VAT_NUMBER is set
STOP_TIMEOUT = 7.0


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


def run_dev_stack(*, host: str, port: int) -> int:
    base = Settings()
    var: Path = base.VAR_DIR
    var.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    postgres: EmbeddedPostgres | None = None
    redis_server: EmbeddedRedis | None = None
    children: list[subprocess.Popen[bytes]] = []
    stopping = False

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    try:
        if base.DATABASE_URL:
            database_note = "external (DATABASE_URL)"
        else:
            click.echo("starting embedded PostgreSQL (var/postgres) ...")
            postgres = EmbeddedPostgres(var / "postgres").start()
            _ensure_database(postgres.url("postgres"), DEV_DATABASE)
            env["DATABASE_URL"] = postgres.url(DEV_DATABASE)
            database_note = f"embedded, data in {var / 'postgres'}"
        if base.REDIS_URL:
            redis_note = "external (REDIS_URL)"
        else:
            click.echo("starting embedded Redis (var/redis) ...")
            redis_server = EmbeddedRedis(var / "redis").start()
            env["REDIS_URL"] = redis_server.url(0)
            redis_note = f"embedded, data in {var / 'redis'}"

        metrics_dir = var / "prometheus"
        shutil.rmtree(metrics_dir, ignore_errors=True)
        metrics_dir.mkdir(parents=True)
        env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)

        if not base.INVOICE_ISSUER_VAT_NUMBER:
            # A demonstration number, so the platform's own invoices can be issued locally.
            env["INVOICE_ISSUER_VAT_NUMBER"] = DEMO_VAT_NUMBER
        _publish_stack(var, env)
        for step in (["migrate"], ["seed"]):
            subprocess.run([sys.executable, "-m", "elcorp.cli", *step], env=env, check=True)  # noqa: S603
        # Shown again in the summary below, so the one-time password does not scroll away.
        demo_admin = subprocess.run(
            [sys.executable, "-m", "elcorp.cli", "create-admin", "--demo"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.rstrip()

        python = sys.executable
        commands = {
            "api": [
                python,
                "-m",
                "gunicorn",
                "-c",
                "python:elcorp.gunicorn_conf",
                "--bind",
                f"{host}:{port}",
                "--workers",
                env.get("GUNICORN_WORKERS", "2"),
                "elcorp.wsgi:app",
            ],
            "worker": [
                python,
                "-m",
                "celery",
                "-A",
                "elcorp.jobs.celery_app",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
                "--hostname",
                "worker@%h",
            ],
            "beat": [
                python,
                "-m",
                "celery",
                "-A",
                "elcorp.jobs.celery_app",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(var / "celerybeat-schedule"),
            ],
        }
        for argv in commands.values():
            children.append(subprocess.Popen(argv, env=env))  # noqa: S603 - fixed argv

        base_url = f"http://{host}:{port}"
        if not _wait_for_http(f"{base_url}/health", 120, children) and not stopping:
            click.echo("error: the API did not come up; see the log above", err=True)
            return 1
        if not stopping:
            click.echo(
                "\n".join(
                    [
                        "",
                        "Elcorp platform is running:",
                        f"  API          {base_url}/api/v1",
                        f"  API docs     {base_url}/api/docs",
                        f"  OpenAPI      {base_url}/api/v1/openapi.json",
                        f"  Health       {base_url}/health   {base_url}/ready   {base_url}/metrics",
                        f"  PostgreSQL   {database_note}",
                        f"  Redis        {redis_note}",
                        "  Worker, beat Celery worker and beat running",
                        demo_admin,
                        "",
                        "Press Ctrl-C to stop everything.",
                        "",
                    ]
                ),
            )
        while not stopping:
            dead = [child for child in children if child.poll() is not None]
            if dead:
                name = next(n for n, c in zip(commands, children, strict=True) if c is dead[0])
                click.echo(
                    f"error: the {name} process exited (code {dead[0].returncode}); stopping", err=True
                )
                return 1
            time.sleep(0.3)
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _stop_children(children)
        (var / STACK_FILE).unlink(missing_ok=True)
        if redis_server is not None:
            redis_server.stop()
        if postgres is not None:
            postgres.stop()
        click.echo(
            "stopped: API, worker, beat"
            + (", Redis" if redis_server else "")
            + (", PostgreSQL" if postgres else "")
        )
