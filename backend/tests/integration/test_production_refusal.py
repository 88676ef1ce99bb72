"""In production the process refuses to start on unsafe settings: clear message, non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def run_in_production(code_or_args: list[str], tmp_path, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")}
    env.update({"ENV": "production", "VAR_DIR": str(tmp_path), **env_overrides})
    return subprocess.run(
        [sys.executable, *code_or_args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60
    )


def test_cli_refuses_placeholder_secrets_and_missing_servers(tmp_path):
    result = run_in_production(["-m", "elcorp.cli", "check-config"], tmp_path, SECRET_KEY="change-me")
    assert result.returncode == 2
    for fragment in ("refusing to start", "SECRET_KEY", "DATABASE_URL", "REDIS_URL", "FIELD_ENCRYPTION_KEYS"):
        assert fragment in result.stderr


def test_wsgi_app_refuses_debug_in_production(tmp_path):
    result = run_in_production(
        ["-c", "import elcorp.wsgi"],
        tmp_path,
        DEBUG="true",
        DATABASE_URL="postgresql://app@db.invalid/elcorp",
        REDIS_URL="redis://cache.invalid:6379/0",
        SECRET_KEY="k3Jd9vLq2XwPz8RtYb4NcMf7GhAs1UeV0oIiWpZxQy6",
        FIELD_ENCRYPTION_KEYS="n3q0Tn0bKk0aHq3vYV4l9gq3q8iJb2Zr5oWc7nQ1x2E=",
    )
    assert result.returncode != 0
    assert "DEBUG must be off in production" in result.stderr


@pytest.mark.parametrize("profile", ["development", "test"])
def test_other_profiles_start_without_real_secrets(tmp_path, profile):
    result = run_in_production(["-m", "elcorp.cli", "check-config"], tmp_path, ENV=profile)
    assert result.returncode == 0, result.stderr
    assert f"profile {profile}" in result.stdout
