"""`elcorp create-admin`: non-interactive and idempotent; the demo admin is printed once."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from elcorp.bootstrap import bootstrap
from elcorp.main import create_app
from elcorp.shared.infrastructure.db import build_engine
from support.committed import migrated_database
from support.servers import drop_database


@pytest.fixture
def own_database(server_urls, settings):
    url = migrated_database(server_urls[0], settings, prefix="elcorp_cli")
    engine = build_engine(url, pool_size=1)
    yield url, engine
    engine.dispose()
    drop_database(url)


def elcorp(args, settings, database_url, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        {
            "ENV": "test",
            "DATABASE_URL": database_url,
            "REDIS_URL": settings.REDIS_URL,
            "SECRET_KEY": settings.SECRET_KEY.get_secret_value(),
            "FIELD_ENCRYPTION_KEYS": settings.FIELD_ENCRYPTION_KEYS[0].get_secret_value(),
            "LOOKUP_HASH_KEY": settings.LOOKUP_HASH_KEY.get_secret_value(),
            "VAR_DIR": str(tmp_path),
            "ARGON2_TIME_COST": "1",
            "ARGON2_MEMORY_KIB": "1024",
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "elcorp.cli", *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_create_admin_is_idempotent_and_the_admin_can_sign_in(own_database, settings, tmp_path, redis_client):
    url, engine = own_database
    args = ["create-admin", "--email", "ops@elcorp.na", "--password", "Welwitschia-Mirabilis-1859!"]
    first = elcorp(args, settings, url, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "admin created" in first.stdout
    second = elcorp(args, settings, url, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "already existed" in second.stdout

    container = bootstrap(
        settings.model_copy(update={"DATABASE_URL": url}), engine=engine, redis_client=redis_client
    )
    client = create_app(container=container).test_client()
    response = client.post(
        "/api/v1/auth/login",
        json={
            "email": "ops@elcorp.na",
            "password": "Welwitschia-Mirabilis-1859!",
            "device_id": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 200
    token = response.get_json()["data"]["access_token"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()["data"]
    assert set(me["roles"]) == {"admin", "user"}
    assert me["email_verified"] is True


def test_create_admin_refuses_a_weak_password(own_database, settings, tmp_path):
    url, _ = own_database
    result = elcorp(
        ["create-admin", "--email", "ops@elcorp.na", "--password", "password"], settings, url, tmp_path
    )
    assert result.returncode == 2
    assert "password" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_admin_is_printed_once(own_database, settings, tmp_path):
    url, _ = own_database
    first = elcorp(["create-admin", "--demo"], settings, url, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "admin@elcorp.local" in first.stdout
    assert "password:" in first.stdout
    second = elcorp(["create-admin", "--demo"], settings, url, tmp_path)
    assert "exists already" in second.stdout
    assert "password:" not in second.stdout
