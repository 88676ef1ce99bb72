"""The identity routes as the OpenAPI document declares them: stable operationIds, the real
success envelope and data schema, the errors each route can return, examples on the auth
routes, and the optional bodies."""

from __future__ import annotations

import pytest

AUTH = "/api/v1/auth"
OPERATIONS = {
    ("post", f"{AUTH}/register"): "registerUser",
    ("post", f"{AUTH}/verify-email"): "verifyEmail",
    ("post", f"{AUTH}/verification/resend"): "resendVerificationEmail",
    ("post", f"{AUTH}/login"): "loginUser",
    ("post", f"{AUTH}/mfa/verify"): "verifyMfa",
    ("post", f"{AUTH}/refresh"): "refreshTokens",
    ("post", f"{AUTH}/logout"): "logoutUser",
    ("post", f"{AUTH}/password/forgot"): "requestPasswordReset",
    ("post", f"{AUTH}/password/reset"): "resetPassword",
    ("post", f"{AUTH}/mfa/setup"): "setupMfa",
    ("post", f"{AUTH}/mfa/enable"): "enableMfa",
    ("post", f"{AUTH}/mfa/disable"): "disableMfa",
    ("post", f"{AUTH}/mfa/backup-codes"): "regenerateBackupCodes",
    ("get", "/api/v1/me"): "getMe",
    ("patch", "/api/v1/me"): "updateMe",
    ("patch", "/api/v1/me/password"): "changePassword",
    ("get", "/api/v1/me/devices"): "listMyDevices",
    ("delete", "/api/v1/me/devices/{device_id}"): "revokeDevice",
    ("get", "/api/v1/users"): "listUsers",
    ("post", "/api/v1/users"): "createUser",
    ("get", "/api/v1/users/{user_id}"): "getUser",
    ("patch", "/api/v1/users/{user_id}"): "updateUser",
    ("delete", "/api/v1/users/{user_id}"): "deleteUser",
    ("post", "/api/v1/users/{user_id}/restore"): "restoreUser",
    ("post", "/api/v1/users/{user_id}/unlock"): "unlockUser",
}
MONEY_OR_AUTH_EXAMPLES = [path for method, path in OPERATIONS if path.startswith(AUTH)]


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def operation(document, method: str, path: str) -> dict:
    return document["paths"][path][method]


def success_schema(document, op: dict) -> dict:
    ((status, response),) = [(s, r) for s, r in op["responses"].items() if s.startswith("2")]
    ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
    return {"status": status, "ref": ref.rsplit("/", 1)[-1], "response": response}


def test_every_identity_route_has_its_stable_operation_id_and_a_summary(document):
    for (method, path), operation_id in OPERATIONS.items():
        op = operation(document, method, path)
        assert op["operationId"] == operation_id, (method, path)
        assert op["summary"].endswith("."), (method, path)
        assert op["tags"] == ["identity"]


@pytest.mark.parametrize(
    ("method", "path", "status", "schema"),
    [
        ("post", f"{AUTH}/register", "201", "UserResponse"),
        ("post", f"{AUTH}/login", "200", "SignInResultResponse"),
        ("post", f"{AUTH}/verification/resend", "202", "MailRequestedResponse"),
        ("post", f"{AUTH}/password/forgot", "202", "MailRequestedResponse"),
        ("get", "/api/v1/me/devices", "200", "DeviceList"),
        ("get", "/api/v1/users", "200", "UserList"),
        ("delete", "/api/v1/users/{user_id}", "204", ""),
        ("delete", "/api/v1/me/devices/{device_id}", "204", ""),
    ],
)
def test_the_success_response_names_the_real_envelope(document, method, path, status, schema):
    found = success_schema(document, operation(document, method, path))
    assert (found["status"], found["ref"]) == (status, schema)


def test_creations_declare_location(document):
    for path in (f"{AUTH}/register", "/api/v1/users"):
        assert "Location" in operation(document, "post", path)["responses"]["201"]["headers"]


def test_the_sign_in_data_is_a_token_pair_or_an_mfa_challenge(document):
    schemas = document["components"]["schemas"]
    variants = {ref["$ref"].rsplit("/", 1)[-1] for ref in schemas["SignInResult"]["anyOf"]}
    assert variants == {"TokenPair", "MfaChallenge"}
    examples = operation(document, "post", f"{AUTH}/login")["responses"]["200"]["content"]["application/json"]
    assert {"tokens", "mfa_required"} <= set(examples["examples"])
    assert examples["examples"]["mfa_required"]["value"]["data"]["mfa_required"] is True


@pytest.mark.parametrize("path", MONEY_OR_AUTH_EXAMPLES)
def test_every_auth_route_shows_an_example_answer(document, path):
    op = operation(document, "post", path)
    media = success_schema(document, op)["response"]["content"]["application/json"]
    assert "example" in media or "examples" in media


@pytest.mark.parametrize(
    ("method", "path", "errors"),
    [
        ("post", f"{AUTH}/login", {"401": "AUTH_001", "429": "RATE_002"}),
        ("post", f"{AUTH}/refresh", {"401": "AUTH_007"}),
        ("post", f"{AUTH}/verify-email", {"400": "AUTH_008"}),
        ("post", f"{AUTH}/register", {"409": "RES_002", "422": "VAL_007"}),
        ("patch", "/api/v1/me/password", {"422": "VAL_008"}),
        ("post", f"{AUTH}/mfa/enable", {"409": "AUTH_010"}),
        ("delete", "/api/v1/users/{user_id}", {"409": "RES_005"}),
    ],
)
def test_the_errors_a_route_can_return_are_declared(document, method, path, errors):
    responses = operation(document, method, path)["responses"]
    for status, code in errors.items():
        assert code in responses[status]["content"]["application/json"]["examples"], (status, code)


@pytest.mark.parametrize("path", [f"{AUTH}/logout", f"{AUTH}/verification/resend"])
def test_optional_bodies_are_declared_optional_with_examples(document, path):
    body = operation(document, "post", path)["requestBody"]
    assert body["required"] is False
    assert body["content"]["application/json"]["examples"]


def test_request_bodies_carry_examples(document):
    body = operation(document, "post", f"{AUTH}/login")["requestBody"]["content"]["application/json"]
    values = [e["value"] for e in body["examples"].values()]
    assert any("email" in v for v in values) and any("username" in v for v in values)


def test_the_user_list_documents_q_not_search_and_the_list_parameters(document):
    names = {p["name"] for p in operation(document, "get", "/api/v1/users")["parameters"]}
    assert {"cursor", "limit", "q", "role", "status"} <= names
    assert "search" not in names  # accepted as an alias, documented on `q`
