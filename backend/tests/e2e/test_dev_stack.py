"""`make run` as a user meets it: `elcorp dev` brings up API, worker and beat, serves the
operations and docs endpoints, and Ctrl-C leaves no process behind.

Run twice: on embedded servers (no env vars) and on "external" servers named by
DATABASE_URL / REDIS_URL, where it must start no embedded server of its own.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from celery import Celery
from openapi_spec_validator import validate
from sqlalchemy import create_engine, text

from elcorp.shared.infrastructure.db import sqlalchemy_url
from elcorp.shared.infrastructure.redis import celery_url
from support.servers import create_database, drop_database, embedded_servers

STARTUP_BUDGET = 180  # seconds: the acceptance criterion


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, bytes, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


def group_processes(pgid: int) -> list[str]:
    out = subprocess.run(["ps", "-eo", "pgid=,pid=,args="], capture_output=True, text=True, check=True).stdout
    return [line for line in out.splitlines() if line.split(None, 1)[0] == str(pgid)]


class DevStack:
    def __init__(self, var_dir: Path, env_overrides: dict[str, str]) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
        env.update({"VAR_DIR": str(var_dir), "GUNICORN_WORKERS": "1", "ENV": "development", **env_overrides})
        self.log = (var_dir.parent / "dev.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "elcorp.cli", "dev", "--port", str(self.port)],
            cwd=var_dir.parent,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal job would be
        )

    def wait_healthy(self) -> float:
        started = time.monotonic()
        while time.monotonic() - started < STARTUP_BUDGET:
            if self.process.poll() is not None:
                pytest.fail(f"elcorp dev exited early:\n{self.output()}")
            try:
                if get(f"{self.base}/health")[0] == 200:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.25)
        pytest.fail(f"no /health within {STARTUP_BUDGET}s:\n{self.output()}")

    def ctrl_c(self) -> list[str]:
        """Send SIGINT to the whole process group, as a terminal's Ctrl-C does."""
        os.killpg(self.process.pid, signal.SIGINT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=30)
        time.sleep(0.5)
        left = group_processes(self.process.pid)
        if left:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()
        return left

    def output(self, tail: int | None = 4000) -> str:
        if not self.log.closed:
            self.log.flush()
        text = Path(self.log.name).read_text(errors="replace")
        return text[-tail:] if tail else text


def assert_platform_serves(stack: DevStack) -> None:
    status, body, _ = get(f"{stack.base}/ready")
    assert status == 200, body
    status, body, _headers = get(f"{stack.base}/metrics")
    assert status == 200
    assert b"elcorp_http_requests_total" in body
    status, body, _ = get(f"{stack.base}/api/v1/openapi.json")
    assert status == 200
    validate(json.loads(body))
    status, body, _ = get(f"{stack.base}/api/docs")
    assert status == 200
    assert b"swagger-ui" in body


def assert_worker_consumes(redis_url: str) -> None:
    client = Celery("probe", broker=celery_url(redis_url), backend=celery_url(redis_url))
    client.conf.update(task_default_queue="elcorp", task_serializer="json", accept_content=["json"])
    try:
        assert client.send_task("elcorp.ping", args=["e2e"]).get(timeout=60) == {"pong": "e2e"}
    finally:
        client.close()


def post(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def assert_demo_admin_can_sign_in(stack: DevStack) -> None:
    output = stack.output(tail=None)
    email = re.search(r"email:\s+(\S+)", output).group(1)
    password = re.search(r"password:\s+(\S+)", output).group(1)
    status, body = post(
        f"{stack.base}/api/v1/auth/login",
        {"email": email, "password": password, "device_id": str(uuid.uuid4())},
    )
    assert status == 200, body
    assert body["data"]["token_type"] == "Bearer"


def test_make_run_on_embedded_servers(tmp_path):
    var_dir = tmp_path / "var"
    os.chmod(tmp_path, 0o755)
    stack = DevStack(var_dir, {})
    try:
        elapsed = stack.wait_healthy()
        assert elapsed < STARTUP_BUDGET
        assert_platform_serves(stack)
        assert (var_dir / "postgres" / "PG_VERSION").exists()
        assert_worker_consumes(f"unix://{var_dir / 'redis' / 'redis.sock'}?db=0")
        output = stack.output(tail=None)
        assert "Press Ctrl-C" in output
        assert output.index("Demo administrator") < output.index("Elcorp platform is running")
        assert_demo_admin_can_sign_in(stack)
    finally:
        left = stack.ctrl_c()
    assert left == [], f"processes left after Ctrl-C: {left}\n{stack.output()}"
    assert not (var_dir / "postgres" / "postmaster.pid").exists(), "embedded PostgreSQL still running"
    assert "stopped:" in stack.output(tail=None)
    # An ordinary Ctrl-C stops each child once, gracefully: nothing is killed.
    assert "SIGKILL" not in stack.output(tail=None)


def test_make_run_uses_external_servers_when_urls_are_set(tmp_path):
    os.chmod(tmp_path, 0o755)
    with embedded_servers(tmp_path / "external") as (server_url, redis_url):
        database_url = create_database(server_url, prefix="elcorp_external")
        redis_db1 = redis_url.replace("db=0", "db=1")
        var_dir = tmp_path / "var"
        stack = DevStack(var_dir, {"DATABASE_URL": database_url, "REDIS_URL": redis_db1})
        try:
            stack.wait_healthy()
            assert_platform_serves(stack)
            assert_worker_consumes(redis_db1)
            # It migrated the external database and started no server of its own.
            engine = create_engine(sqlalchemy_url(database_url))
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
            engine.dispose()
            assert not (var_dir / "postgres").exists()
            assert not (var_dir / "redis").exists()
            assert "external (DATABASE_URL)" in stack.output(tail=None)
        finally:
            left = stack.ctrl_c()
        assert left == [], f"processes left after Ctrl-C: {left}\n{stack.output()}"
        drop_database(database_url)
