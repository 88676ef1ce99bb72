"""In production the process refuses to start on unsafe settings: clear message, non-zero exit."""

from __future__ import annotations

import base64
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


def test_production_refuses_file_mail_plain_http_links_optional_mfa_and_open_metrics(tmp_path):
    result = run_in_production(
        ["-m", "elcorp.cli", "check-config"],
        tmp_path,
        DATABASE_URL="postgresql://app@db.invalid/elcorp",
        REDIS_URL="redis://cache.invalid:6379/0",
        SECRET_KEY="k3Jd9vLq2XwPz8RtYb4NcMf7GhAs1UeV0oIiWpZxQy6",
        FIELD_ENCRYPTION_KEYS="fk1:" + base64.urlsafe_b64encode(bytes(range(32))).decode(),
        LOOKUP_HASH_KEY="Zr8pW2mQ5vT9xL3nB7cK1dF6gH4jS0aE8yU2iO5",
        AUDIT_SIGNING_KEYS="ak1:" + base64.b64encode(bytes(range(32))).decode(),
        EMAIL_BACKEND="file",
        PUBLIC_BASE_URL="http://app.elcorp.na",
        MFA_ENFORCED="false",
        WEBHOOK_ALLOW_PRIVATE_ADDRESSES="true",
    )
    assert result.returncode == 2
    for fragment in (
        "EMAIL_BACKEND",
        "PUBLIC_BASE_URL",
        "MFA_ENFORCED",
        "METRICS_TOKEN",
        "WEBHOOK_ALLOW_PRIVATE",
    ):
        assert fragment in result.stderr
    for safe in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "DATABASE_URL"):
        assert safe not in result.stderr


def test_production_starts_with_smtp_mail_https_links_enforced_mfa_and_a_metrics_token(tmp_path):
    result = run_in_production(
        ["-m", "elcorp.cli", "check-config"],
        tmp_path,
        DATABASE_URL="postgresql://app@db.invalid/elcorp",
        REDIS_URL="redis://cache.invalid:6379/0",
        SECRET_KEY="k3Jd9vLq2XwPz8RtYb4NcMf7GhAs1UeV0oIiWpZxQy6",
        FIELD_ENCRYPTION_KEYS="fk1:" + base64.urlsafe_b64encode(bytes(range(32))).decode(),
        LOOKUP_HASH_KEY="Zr8pW2mQ5vT9xL3nB7cK1dF6gH4jS0aE8yU2iO5",
        AUDIT_SIGNING_KEYS="ak1:" + base64.b64encode(bytes(range(32))).decode(),
        EMAIL_BACKEND="smtp",
        PUBLIC_BASE_URL="https://app.elcorp.na",
        METRICS_TOKEN="Mt7qR2vX9pL4wZ8nB3cK6dF1gH5jS0aE2yU7iO4",
    )
    assert result.returncode == 0, result.stderr
    assert "profile production" in result.stdout
