"""Edge input gets a documented 4xx, never a 500 (issue #17, items 8-10): NUL and unpaired
surrogates anywhere in a request, JSON nested beyond reason, page numbers past bigint,
dates at the end of the calendar, digits that are not ASCII, and anonymous calls that must
be refused before their input is even read. Database errors log no values."""

from __future__ import annotations

import logging
import re
import uuid

import pytest
from flask_openapi3 import APIBlueprint
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from elcorp.bootstrap import bootstrap
from elcorp.main import create_app
from elcorp.shared.infrastructure.db import build_engine
from support.bank import statement_upload
from support.identity import grant_roles, registration_body, signed_in, staff_with_mfa
from support.payments import fund, transfer, wallet_of

NUL = "\x00"
SECRET = "s3cr3t-" + "Namibia-ID"  # built, so no source line printed in a traceback holds it
UNICODE_TENS = ["\u0661\u0660", "\uff11\uff10", "\u06f1\u06f0"]  # ten: Arabic-Indic, full-width, Persian


def assert_validation_error(response, field: str, code: str = "VAL_001") -> None:
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["status"] == "validation_error"
    assert body["error"]["code"] == code
    assert field in [item["field"] for item in body["error"]["details"]], body["error"]["details"]


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


# -- item 8: NUL and unpaired surrogates -----------------------------------------------------
def test_nul_in_the_login_email_is_a_422_naming_the_field(client):
    response = client.post(
        "/api/v1/auth/login",
        json={"email": f"a{NUL}@example.na", "password": "whatever-it-is", "device_id": str(uuid.uuid4())},
    )
    assert_validation_error(response, "email")


def test_nul_in_the_registration_name_is_a_422_and_no_account_is_made(client):
    body = registration_body(full_name=f"Ndapewa{NUL}Shikongo")
    assert_validation_error(client.post("/api/v1/auth/register", json=body), "full_name")
    login = client.post(
        "/api/v1/auth/login",
        json={"email": body["email"], "password": body["password"], "device_id": str(uuid.uuid4())},
    )
    assert login.status_code == 401


def test_nul_in_a_profile_update_is_a_422(client):
    user = signed_in(client)
    response = client.patch("/api/v1/me", headers=user.auth, json={"full_name": f"Ndapewa{NUL}"})
    assert_validation_error(response, "full_name")


def test_nul_in_a_nested_field_is_named_by_its_dotted_path(client, container):
    clerk = staff_with_mfa(client, container, "staff")
    payer = signed_in(client)
    lines = [
        {"description": "Roadworthy inspection", "quantity": "1", "unit_price": "10.00"},
        {"description": f"Number{NUL} plates", "quantity": "1", "unit_price": "10.00"},
    ]
    body = {"payer_id": payer.id, "lines": lines}
    response = client.post("/api/v1/invoices", headers=clerk.auth, json=body)
    assert_validation_error(response, "lines.1.description")


def test_an_unpaired_surrogate_is_refused_like_nul(client):
    device = uuid.uuid4()
    raw = f'{{"email": "a\\ud800@example.na", "password": "whatever-it-is", "device_id": "{device}"}}'
    response = client.post("/api/v1/auth/login", data=raw, content_type="application/json")
    assert_validation_error(response, "email")


def test_nul_in_a_json_key_is_refused_and_named_printably(client):
    body = {**registration_body(), f"role{NUL}": "admin"}
    assert_validation_error(client.post("/api/v1/auth/register", json=body), "role\\u0000")


def test_nul_in_a_query_parameter_is_a_422_naming_it(client, admin):
    response = client.get("/api/v1/users", headers=admin.auth, query_string={"search": f"nd{NUL}"})
    assert_validation_error(response, "search")


def test_nul_in_a_header_is_a_422_naming_it(client):
    user = registration_body()
    response = client.post(
        "/api/v1/auth/register", json=user, headers={"User-Agent": f"curl/8{NUL}; DROP TABLE"}
    )
    assert_validation_error(response, "User-Agent")


def test_nul_in_a_path_parameter_is_a_422_naming_it(client):
    user = signed_in(client)
    response = client.get("/api/v1/vehicles/WVWZZZ1JZ3W3%0086752", headers=user.auth)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["status"] == "validation_error"


def test_nul_in_a_multipart_file_name_is_a_422(client, container):
    admin = staff_with_mfa(client, container, "admin")
    upload = statement_upload("date,reference,amount,currency\n2026-12-01,A,1.00,NAD\n", name=f"st{NUL}.csv")
    response = client.post(
        "/api/v1/reconciliation/runs", headers=admin.auth, data=upload, content_type="multipart/form-data"
    )
    assert_validation_error(response, "file")


# -- item 8: deep nesting ----------------------------------------------------------------------
def test_fifty_thousand_nested_brackets_are_a_400_malformed_body_and_log_no_error(client, caplog):
    with caplog.at_level(logging.WARNING):
        response = client.post("/api/v1/auth/login", data="[" * 50_000, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "VAL_002"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_body_nested_past_the_limit_is_a_400_even_when_it_parses(client):
    nested: object = "deep"
    for _ in range(40):
        nested = {"a": nested}
    response = client.post("/api/v1/auth/login", json={"email": nested})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "VAL_002"


# -- item 8: pages and dates -------------------------------------------------------------------
def _list_routes_with_a_page(client) -> list[str]:
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    found = []
    for path, operations in paths.items():
        get = operations.get("get")
        if get and "{" not in path and any(p["name"] == "page" for p in get.get("parameters", [])):
            found.append(path)
    return found


def test_a_page_past_bigint_is_a_422_on_every_paged_list(client, admin):
    routes = _list_routes_with_a_page(client)
    assert "/api/v1/users" in routes and "/api/v1/invoices" in routes
    for path in routes:
        response = client.get(path, headers=admin.auth, query_string={"page": str(2**70)})
        assert response.status_code == 422, (path, response.get_json())
        assert "page" in [d["field"] for d in response.get_json()["error"]["details"]], path


def test_no_integer_query_parameter_past_bigint_is_a_500(client, admin):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    probed = []
    for path, operations in paths.items():
        for parameter in operations.get("get", {}).get("parameters", []) if "{" not in path else []:
            if parameter["in"] == "query" and _is_integer(parameter.get("schema", {})):
                query = {parameter["name"]: str(2**70)}
                response = client.get(path, headers=admin.auth, query_string=query)
                assert response.status_code < 500, (path, parameter["name"], response.get_json())
                probed.append((path, parameter["name"]))
    assert ("/api/v1/audit-logs/verify", "from_seq") in probed


def _is_integer(schema: dict) -> bool:
    return schema.get("type") == "integer" or any(s.get("type") == "integer" for s in schema.get("anyOf", []))


def test_a_statement_line_dated_9999_12_31_is_a_malformed_row(client, admin):
    content = "date,reference,amount,currency\n9999-12-31,BANK-001,100.00,NAD\n"
    response = client.post(
        "/api/v1/reconciliation/runs",
        headers=admin.auth,
        data=statement_upload(content),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "REC_001"
    assert [d["line"] for d in response.get_json()["error"]["details"]] == [2]


def test_a_report_for_period_9999_12_is_a_422_period_invalid(client, admin):
    response = client.get(
        "/api/v1/reports/transactions", headers=admin.auth, query_string={"period": "9999-12"}
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "RPT_002"


def test_an_sla_report_for_period_9999_12_is_a_422_period_invalid(client, admin):
    response = client.get("/api/v1/sla/report", headers=admin.auth, query_string={"period": "9999-12"})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "SLA_004"


def test_closing_the_settlement_day_9999_12_31_is_a_422(client, admin):
    body = {"date": "9999-12-31"}
    response = client.post("/api/v1/settlement/batches/close", headers=admin.auth, json=body)
    assert_validation_error(response, "date")


# -- item 8: database errors log no values ----------------------------------------------------
def test_a_database_error_names_no_bound_parameter(settings):
    engine = build_engine(settings.DATABASE_URL, pool_size=1)
    try:
        with engine.connect() as conn, pytest.raises(DBAPIError) as raised:
            conn.execute(text("SELECT CAST(:secret AS text), 1 / 0"), {"secret": SECRET})
    finally:
        engine.dispose()
    assert SECRET not in str(raised.value)


def test_an_unhandled_database_error_is_logged_without_the_values_postgres_quotes(own_app, container, caplog):
    app = own_app  # a probe route is registered on it
    probe = APIBlueprint("db_probe", __name__, url_prefix="/api/v1/db-probe")

    @probe.get("/fail")
    def fail():
        with container.session_factory() as session:
            session.execute(text("SELECT CAST(:secret AS integer)"), {"secret": SECRET})
        return "unreachable"

    app.register_api(probe)
    with caplog.at_level(logging.ERROR, logger="elcorp.errors"):
        response = app.test_client().get("/api/v1/db-probe/fail")
    assert response.status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "SQLSTATE 22P02" in logged  # invalid_text_representation: named, not quoted
    assert SECRET not in logged
    assert SECRET not in response.get_data(as_text=True)


# -- item 9: money in ASCII digits only --------------------------------------------------------
@pytest.fixture
def funded(client, container):
    teller = signed_in(client)
    grant_roles(container, teller, "staff")
    alice, bob = signed_in(client), signed_in(client)
    alice.wallet, bob.wallet = wallet_of(client, container, alice), wallet_of(client, container, bob)
    fund(container, teller, alice.wallet["id"], "1000.00")
    return alice, bob


@pytest.mark.parametrize("amount", UNICODE_TENS)
def test_a_transfer_of_unicode_digits_is_refused(client, funded, amount):
    alice, bob = funded
    response = transfer(client, alice, alice.wallet["id"], bob.wallet["id"], amount)
    assert_validation_error(response, "amount")


@pytest.mark.parametrize("amount", UNICODE_TENS)
def test_a_deposit_of_unicode_digits_is_refused(client, container, funded, amount):
    alice, _ = funded
    staff = staff_with_mfa(client, container, "staff")
    response = client.post(
        f"/api/v1/wallets/{alice.wallet['id']}/deposits",
        headers={**staff.auth, "Idempotency-Key": str(uuid.uuid4())},
        json={"amount": amount, "external_reference": f"BANK-{uuid.uuid4().hex[:8]}"},
    )
    assert_validation_error(response, "amount")


@pytest.mark.parametrize("field", ["quantity", "unit_price"])
@pytest.mark.parametrize("number", UNICODE_TENS)
def test_an_invoice_line_in_unicode_digits_is_refused(client, container, field, number):
    clerk = staff_with_mfa(client, container, "staff")
    payer = signed_in(client)
    line = {"description": "Roadworthy inspection", "quantity": "1", "unit_price": "10.00", field: number}
    body = {"payer_id": payer.id, "lines": [line]}
    response = client.post("/api/v1/invoices", headers=clerk.auth, json=body)
    assert_validation_error(response, f"lines.0.{field}")


def test_a_statement_amount_in_unicode_digits_is_a_malformed_row(client, admin):
    content = "date,reference,amount,currency\n2026-12-01,BANK-001,\u0661\u0660\u0660.00,NAD\n"
    response = client.post(
        "/api/v1/reconciliation/runs",
        headers=admin.auth,
        data=statement_upload(content),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "REC_001"


def test_an_mfa_code_in_unicode_digits_is_a_wrong_code_not_a_500(client):
    user = signed_in(client)
    response = client.post("/api/v1/auth/mfa/setup", headers=user.auth)
    assert response.status_code == 200
    enable = client.post(
        "/api/v1/auth/mfa/enable",
        headers=user.auth,
        json={"code": "\u0661\u0662\u0663\u0664\u0665\u0666", "password": user.password},
    )
    assert enable.status_code in (401, 422), enable.get_json()


# -- item 10: authentication before validation -------------------------------------------------
def _concrete(path: str) -> str:
    """An OpenAPI path with every parameter filled in (a UUID fits the id converters)."""
    return re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path)


def test_anonymous_post_users_with_an_empty_body_is_401_not_422(client):
    response = client.post("/api/v1/users", json={})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_004"
    assert "details" not in response.get_json()["error"] or not response.get_json()["error"]["details"]


@pytest.fixture
def unlimited_client(settings, engine, session_factory, redis_client):
    """The whole route table from one IP: the anonymous rate limit is off."""
    container = bootstrap(
        settings.model_copy(update={"RATE_LIMIT_ENABLED": False}),
        engine=engine,
        session_factory=session_factory,
        redis_client=redis_client,
    )
    return create_app(container=container).test_client()


def test_every_protected_route_refuses_an_anonymous_empty_body_with_401(unlimited_client):
    client = unlimited_client
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    checked = 0
    for path, operations in paths.items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"} or not operation.get("security"):
                continue
            call = getattr(client, method)
            kwargs = {"json": {}} if method != "get" else {"query_string": {"page": "0", "junk": "1"}}
            response = call(_concrete(path), **kwargs)
            assert response.status_code == 401, (method, path, response.get_json())
            checked += 1
    assert checked > 100


def test_a_bad_token_is_told_as_such_before_validation(client):
    response = client.post("/api/v1/users", json={}, headers={"Authorization": "Bearer not-a-jwt"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] in {"AUTH_003", "AUTH_002"}


def test_a_malformed_body_to_a_protected_route_is_401_before_415_or_400(client):
    assert client.post("/api/v1/users", data="<xml/>", content_type="application/xml").status_code == 401
    assert client.post("/api/v1/users", data="{", content_type="application/json").status_code == 401


def test_public_routes_still_validate_anonymous_bodies(client):
    assert_validation_error(client.post("/api/v1/auth/register", json={}), "username")
