"""`make run` as a user meets it: `elcorp dev` brings up API, worker and beat, serves the
operations and docs endpoints, and Ctrl-C leaves no process behind.

Run twice: on embedded servers (no env vars) and on "external" servers named by
DATABASE_URL / REDIS_URL, where it must start no embedded server of its own.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
import uuid

from celery import Celery
from openapi_spec_validator import validate
from sqlalchemy import create_engine, text

from elcorp.shared.infrastructure.db import sqlalchemy_url
from elcorp.shared.infrastructure.redis import celery_url
from support.devstack import STARTUP_BUDGET, DevStack, get
from support.servers import create_database, drop_database, embedded_servers


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
    email, password = stack.demo_admin()
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
