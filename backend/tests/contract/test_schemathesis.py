"""Schemathesis against the OpenAPI document: every operation, with the real auth flow, and
every response checked against what the document declares (status code, content type,
headers, body schema). A fixed seed makes the run the same in CI and on a laptop.

The caller is an administrator who registered, enrolled MFA and signed in with a TOTP code
through the API itself, so every protected operation is reached past its 401. Operations
that end the caller's session run last.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from elcorp.shared.interfaces.docs import api_document
from support.contract import selected
from support.identity import staff_with_mfa

EXAMPLES_PER_OPERATION = 6
SEED = 20261207
CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
SESSION_ENDING = ("/auth/logout", "/auth/password", "/me/password", "/auth/mfa/disable", "/me/devices", "/me")


def _runs_last(label: str) -> tuple[int, str]:
    method, _, path = label.partition(" ")
    ends = method in ("POST", "PATCH", "PUT", "DELETE") and any(
        path.startswith("/api/v1" + p) for p in SESSION_ENDING
    )
    return (1 if ends else 0, label)


@pytest.fixture
def schema(app) -> Any:
    loaded = schemathesis.openapi.from_dict(api_document(app))
    loaded.app = app
    return loaded


def test_every_operation_answers_as_documented(app, client, container, schema):
    admin = staff_with_mfa(client, container, "admin")
    headers = {**admin.auth}
    every = [result.ok() for result in schema.get_all_operations()]
    operations = sorted((op for op in every if selected(op.path)), key=lambda op: _runs_last(op.label))
    assert operations
    failures: list[str] = []
    for operation in operations:

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @seed(SEED)
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - reported together below
            failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert not failures, f"{len(failures)} operations do not answer as documented:\n\n" + "\n\n".join(
        failures
    )
