"""The data inventory is generated from the declarations next to the tables, and cannot
drift from the schema: every column of the LIVE database (migrated to head) whose name looks
like personal information must be declared, or be one of the few look-alikes listed here."""

from __future__ import annotations

import re
from collections.abc import Collection

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection

from elcorp.compliance.privacy.domain.data_inventory import inconsistencies
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declared_columns
from support.identity import signed_in, staff_with_mfa

INVENTORY = "/api/v1/privacy/data-inventory"

# Column names that look personal, as regular expressions over the whole name, matched at
# word boundaries ("_" separates words): a name, contact detail, identity or tax number,
# network or device identifier, date of birth, location, credential, special personal
# information (POPIA s26), or free text people write about people.
PERSONAL_LOOKING = [
    r"(^|_)(name|names|username|surname|firstname|lastname|fullname|nickname)($|_)",
    r"(^|_)(e_?mail|mail)($|_)",
    r"(^|_)(phone|mobile|msisdn|telephone|cell|fax)($|_)",
    r"(^|_)(address|street|postal|postcode|zip|suburb)($|_)",
    r"(^|_)(id_number|national_id|identity_number|passport|nationality|citizenship)($|_)",
    r"(^|_)(ip|ipv4|ipv6|user_agent|device)($|_)",
    r"(^|_)(birth|birthday|birthdate|dob|date_of_birth|age)($|_)",
    r"(^|_)(vat_number|tax_number|tax_id|tin|registration_number|licence|license|plate)($|_)",
    r"(^|_)(latitude|longitude|location|geo|gps)($|_)",
    r"(^|_)(iban|account_number|card_number|bank_account|salary|income)($|_)",
    r"(^|_)(gender|sex|race|ethnicity|religion|health|medical|biometric|fingerprint|disability|criminal)($|_)",
    r"(^|_)(password|secret|signature)($|_)",
    r"(^|_)(comment|comments|remark|remarks)($|_)",
    r"(^|_)(?<!credit_)(note|notes)($|_)",  # a credit note is a document, not a note
]
_PATTERNS = [re.compile(p) for p in PERSONAL_LOOKING]

# Non-personal look-alikes, each with the reason. Keep this short: a personal column is
# declared next to its table, never listed here.
NOT_PERSONAL = {
    "role.name": "a role's name (admin, staff, ...)",
    "permission.name": "a permission's name (resource:action)",
    "access_policy.name": "a policy's name",
    "service_request_category.name": "a service-request category's name",
    "team.name": "an organisation's team (a group, not a person)",
    "processing_activity.name": "a processing activity's name",
    "audit_archive.file_name": "the archive file the platform writes",
    "reconciliation_run.file_name": "the uploaded bank statement's file name",
    "audit_checkpoint.signature": "a cryptographic signature of the audit chain",
    "user_account.password_changed_at": "when the password last changed (no credential in it)",
    "user_account.email_verified_at": "when the address was verified (not the address)",
}

LIVE_COLUMNS = text(
    """
    SELECT c.relname AS table_name, a.attname AS column_name
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    JOIN pg_attribute a ON a.attrelid = c.oid
    WHERE n.nspname = current_schema()
      AND c.relkind IN ('r', 'p')   -- tables and partitioned tables
      AND NOT c.relispartition      -- a partition is covered by its parent's declarations
      AND a.attnum > 0 AND NOT a.attisdropped
    ORDER BY c.relname, a.attnum
    """
)


def looks_personal(column: str) -> bool:
    return any(p.search(column) for p in _PATTERNS)


def live_columns(connection: Connection) -> list[tuple[str, str]]:
    return [(r.table_name, r.column_name) for r in connection.execute(LIVE_COLUMNS)]


def undeclared_personal_columns(connection: Connection, declared: Collection[tuple[str, str]]) -> list[str]:
    """`table.column` of every live column that looks personal, is not declared and is not
    a listed look-alike."""
    return [
        f"{table}.{column}"
        for table, column in live_columns(connection)
        if looks_personal(column)
        and (table, column) not in declared
        and f"{table}.{column}" not in NOT_PERSONAL
    ]


def declared_pairs() -> set[tuple[str, str]]:
    return {(d.table, d.column) for d in declared_columns(metadata)}


@pytest.fixture
def connection(session_factory, app):  # `app`: every context's tables are imported
    session = session_factory()
    yield session.connection()
    session.close()


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


# -- the drift check ---------------------------------------------------------------------
def test_every_personal_looking_column_of_the_live_schema_is_declared(connection):
    assert undeclared_personal_columns(connection, declared_pairs()) == []


def test_the_check_fails_for_a_new_personal_column_without_a_declaration(connection):
    connection.execute(
        text("CREATE TABLE throwaway_customer (id bigint PRIMARY KEY, customer_email text, amount numeric)")
    )

    reported = undeclared_personal_columns(connection, declared_pairs())

    assert reported == ["throwaway_customer.customer_email"]
    # Declared, it passes.
    assert (
        undeclared_personal_columns(connection, declared_pairs() | {("throwaway_customer", "customer_email")})
        == []
    )


def test_every_declaration_names_a_live_column(connection):
    live = set(live_columns(connection))

    assert sorted(declared_pairs() - live) == []


def test_the_look_alike_list_holds_only_live_columns_that_look_personal(connection):
    live = {f"{t}.{c}" for t, c in live_columns(connection)}

    for name in NOT_PERSONAL:
        assert name in live, f"{name}: no such column any more, drop it from the list"
        assert looks_personal(name.split(".", 1)[1]), f"{name} does not look personal: not needed here"


@pytest.mark.parametrize(
    ("column", "personal"),
    [
        ("full_name", True),
        ("customer_email", True),
        ("phone_encrypted", True),
        ("payer_address", True),
        ("national_id", True),
        ("ip_address", True),
        ("ip", True),
        ("user_agent", True),
        ("date_of_birth", True),
        ("passport_number", True),
        ("vat_number", True),
        ("username", True),
        ("home_location", True),
        ("amount", False),
        ("description", False),
        ("tip", False),
        ("page", False),
        ("emailed", False),
        ("credit_note_id", False),
        ("notes", True),
        ("created_at", False),
    ],
)
def test_what_looks_personal(column, personal):
    assert looks_personal(column) is personal


def test_each_category_has_one_retention_basis_and_one_disposal():
    """Retention policies and erasure act per category: its columns must agree."""
    assert inconsistencies(declared_columns(metadata)) == []


# -- the endpoint ------------------------------------------------------------------------
def test_the_inventory_lists_declared_columns_by_category(client, officer):
    response = client.get(INVENTORY, headers=officer.auth)

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    by_category = {c["category"]: c for c in body["data"]}
    assert list(by_category) == sorted(by_category)
    assert body["meta"]["categories"] == len(body["data"])
    assert body["meta"]["columns"] == len(declared_columns(metadata))

    email = by_category["user.contact.email"]
    assert (email["retention"], email["disposal"], email["classification"]) == (
        "fia_customer",
        "pseudonymise",
        "confidential",
    )
    assert [(c["table"], c["column"], c["context"]) for c in email["columns"]] == [
        ("user_account", "email", "identity"),
        ("user_account", "email_normalized", "identity"),
    ]
    assert email["columns"][0]["purpose"]
    phone = by_category["user.contact.phone"]
    assert (phone["retention"], phone["disposal"]) == ("account", "crypto_shred")
    ip = by_category["user.device.ip_address"]
    assert (ip["retention"], ip["disposal"], ip["columns"][0]["table"]) == (
        "security",
        "delete",
        "device_token",
    )
    assert by_category["user.credential.password_hash"]["classification"] == "restricted"
    names = by_category["financial.invoice.party_name"]
    assert (names["retention"], names["disposal"]) == ("fia_transaction", "pseudonymise")
    assert {c["column"] for c in names["columns"]} == {"payer_name", "issuer_name"}
    wallet = by_category["user.identity.wallet_address"]
    assert wallet["contexts"] == ["identity", "payments"]
    assert by_category["audit.trail.entry"]["retention"] == "audit"
    assert by_category["vehicle.registration_number"]["columns"][0]["table"] == "vehicle"
    assert set(email["activities"]) == {"Customer accounts", "Payments and ledger", "Marketing"}
    assert "user.contact.email" not in body["meta"]["unregistered"]


def test_a_category_no_activity_processes_is_reported_as_unregistered(client, officer):
    activities = client.get(
        "/api/v1/privacy/processing-activities", query_string={"per_page": 100}, headers=officer.auth
    ).get_json()["data"]
    vehicles = next(a for a in activities if a["name"] == "Vehicle registry")
    client.patch(
        f"/api/v1/privacy/processing-activities/{vehicles['id']}",
        json={"status": "retired"},
        headers=officer.auth,
    )

    body = client.get(INVENTORY, headers=officer.auth).get_json()

    assert "vehicle.ownership" in body["meta"]["unregistered"]
    assert next(c for c in body["data"] if c["category"] == "vehicle.ownership")["activities"] == []


def test_the_inventory_covers_every_context(client, officer):
    data = client.get(INVENTORY, headers=officer.auth).get_json()["data"]

    contexts = {c["context"] for category in data for c in category["columns"]}
    assert {"identity", "governance", "payments", "shared", "compliance"} <= contexts


def test_a_plain_user_may_not_read_the_inventory(client):
    customer = signed_in(client)

    response = client.get(INVENTORY, headers=customer.auth)

    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "ACC_001"
