"""Erasure of a data subject with transactions (issue 8, item 4; DESIGN §7) on real PostgreSQL:
what has no basis left is deleted or crypto-shredded, what the Financial Intelligence Act
requires is restricted and pseudonymised with its final disposal scheduled, the ledger and
both hash chains still verify, and the subject's personal values are readable nowhere: no
text or JSON column of any table, no audit export, no spooled mail. A legal hold blocks it."""

from __future__ import annotations

import json
import secrets
import string
import uuid
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import make_settings
from elcorp.bootstrap import bootstrap
from elcorp.shared.domain.clock import WINDHOEK, utc_now
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declared_columns
from support.identity import enable_mfa, login, signed_in, staff_with_mfa
from support.payments import fund, transfer, wallet_of
from support.privacy_requests import act, filed, started

TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "ARRAY")
BINARY_TYPES = ("bytea",)  # stored files, e.g. access bundles: their bytes are read as text


@pytest.fixture
def var_dir(tmp_path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def container(database_url, redis_url, engine, session_factory, redis_client, var_dir):
    """The suite's container with a VAR_DIR of this test's own (its mail spool)."""
    settings = make_settings(database_url, redis_url, VAR_DIR=var_dir)
    return bootstrap(settings, engine=engine, session_factory=session_factory, redis_client=redis_client)


@pytest.fixture
def admin(client, container):
    return staff_with_mfa(client, container, "admin")


@pytest.fixture
def teller(client, container):
    from support.identity import grant_roles

    user = signed_in(client)
    grant_roles(container, user, "staff")
    return user


def unique_name() -> str:
    letters = "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
    return f"Tangeni Zq{letters.capitalize()}"


@pytest.fixture
def subject(client, container, teller, admin):
    """A customer who registered, enabled MFA, was funded, transferred money both ways and
    paid an invoice; mail was sent to them (verification) and spooled."""
    full_name = unique_name()
    phone = f"+26485{secrets.randbelow(10**7):07d}"
    user = signed_in(client, full_name=full_name, phone=phone)
    user.full_name, user.phone = full_name, phone
    enable_mfa(client, user)
    consent = client.post(
        "/api/v1/me/consents", headers=user.auth, json={"purpose": "marketing", "granted": True}
    )
    assert consent.status_code in (200, 201), consent.get_json()
    container.outbox.dispatch_pending()  # wallet opened, verification mail spooled
    user.wallet = wallet_of(client, container, user)
    other = signed_in(client)
    other.wallet = wallet_of(client, container, other)
    fund(container, teller, user.wallet["id"], "1000.00")
    assert transfer(client, user, user.wallet["id"], other.wallet["id"], "100.00").status_code == 201
    fund(container, teller, other.wallet["id"], "50.00")
    back = transfer(
        client, other, other.wallet["id"], user.wallet["id"], "10.00", description=f"Rent, {full_name}"
    )
    assert back.status_code == 201, back.get_json()
    invoice = client.post(
        "/api/v1/invoices",
        headers=admin.auth,
        json={
            "payer_id": user.id,
            "lines": [{"description": "Licence renewal", "quantity": "1", "unit_price": "80"}],
        },
    )
    assert invoice.status_code == 201, invoice.get_json()
    invoice_id = invoice.get_json()["data"]["id"]
    assert client.post(f"/api/v1/invoices/{invoice_id}/issue", headers=admin.auth).status_code == 200
    paid = client.post(
        f"/api/v1/invoices/{invoice_id}/pay", headers={**user.auth, "Idempotency-Key": str(uuid.uuid4())}
    )
    assert paid.status_code in (200, 201), paid.get_json()
    user.invoice_id = invoice_id
    request = client.post(
        "/api/v1/service-requests",
        headers=user.auth,
        json={"category": "general", "title": f"Card for {full_name}", "description": f"Call {phone}"},
    )
    assert request.status_code == 201, request.get_json()
    comment = client.post(
        f"/api/v1/service-requests/{request.get_json()['data']['id']}/comments",
        headers=admin.auth,
        json={"body": f"Spoke to {full_name} ({user.email})"},
    )
    assert comment.status_code == 201, comment.get_json()
    container.outbox.dispatch_pending()
    return user


def declared_categories(table: str) -> set[str]:
    return {d.data.category for d in declared_columns(metadata) if d.table == table}


def declared_category(table: str, column: str) -> str:
    (found,) = [d.data.category for d in declared_columns(metadata) if (d.table, d.column) == (table, column)]
    return found


def personal_values(user) -> list[str]:
    return [user.email, user.full_name, user.username, user.phone]


def scan_database(container, needles: list[str]) -> list[tuple[str, str, str]]:
    """(table, column, needle) for every text/JSON column of every table that contains one of
    `needles` (case-insensitive): a generic scan over information_schema."""
    found = []
    with container.session_factory() as session:
        columns = session.execute(
            text(
                "SELECT c.table_name, c.column_name FROM information_schema.columns c "
                "JOIN information_schema.tables t "
                "ON t.table_schema = c.table_schema AND t.table_name = c.table_name "
                "WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' "
                "AND c.data_type = ANY(:types)"
            ),
            {"types": [*TEXT_TYPES, *BINARY_TYPES]},
        ).all()
        binary = {
            (t, c)
            for t, c in session.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND data_type = ANY(:types)"
                ),
                {"types": list(BINARY_TYPES)},
            ).all()
        }
        for table, column in columns:
            as_text = f"encode(\"{column}\", 'escape')" if (table, column) in binary else f'"{column}"::text'
            for needle in needles:
                hit = session.execute(
                    text(f'SELECT 1 FROM "{table}" WHERE {as_text} ILIKE :pattern LIMIT 1'),  # noqa: S608
                    {"pattern": f"%{needle}%"},
                ).first()
                if hit:
                    found.append((table, column, needle))
    return found


def spooled_mail(var_dir: Path) -> str:
    spool = var_dir / "mail"
    return (
        "\n".join(p.read_bytes().decode("utf-8", "replace") for p in spool.glob("*.eml"))
        if spool.exists()
        else ""
    )


def account_row(container, user_id: str) -> dict:
    with container.session_factory() as session:
        return dict(
            session.execute(text("SELECT * FROM user_account WHERE id = :id"), {"id": user_id})
            .mappings()
            .one()
        )


def counts(container, user_id: str) -> dict[str, int]:
    with container.session_factory() as session:
        return {
            table: session.execute(
                text(f"SELECT count(*) FROM {table} WHERE user_id = :id"),  # noqa: S608
                {"id": user_id},
            ).scalar_one()
            for table in (
                "device_token",
                "mfa_backup_code",
                "password_history",
                "one_time_token",
                "user_role",
            )
        }


def erase(container, user, actor) -> dict:
    outcome = container.erasure.erase(uuid.UUID(user.id), request_id=None, actor_id=uuid.UUID(actor.id))
    return outcome.as_json()


def test_the_subjects_values_are_readable_before_the_erasure(container, subject, var_dir):
    # The scan can fail: before erasure it finds the subject's values.
    found = {needle for _, _, needle in scan_database(container, personal_values(subject))}
    assert {subject.email, subject.full_name, subject.username, subject.phone} <= found
    assert subject.email in spooled_mail(var_dir)


def test_erasure_of_a_customer_with_transactions(client, container, subject, admin, var_dir):
    outcome = erase(container, subject, admin)

    assert outcome["blocked"] is False
    erased = {e["category"]: e for e in outcome["erased"]}
    # Per data category, as the data inventory declares them: every category of the
    # security tables is deleted, the phone and MFA secrets crypto-shredded.
    for table in ("device_token", "mfa_backup_code", "password_history"):
        for category in declared_categories(table):
            assert erased[category]["disposal"] == "delete", category
    assert erased[declared_category("user_account", "phone_encrypted")]["disposal"] == "crypto_shred"
    assert erased[declared_category("user_account", "mfa_secret_encrypted")]["disposal"] == "crypto_shred"
    kept = {k["category"]: k for k in outcome["kept"]}
    today = utc_now().astimezone(WINDHOEK).date()
    for category in (
        declared_category("user_account", "full_name"),
        declared_category("user_account", "email"),
    ):
        assert kept[category]["basis"] == "fia_customer" and kept[category]["restricted"] is True
        assert "Financial Intelligence Act 2012" in kept[category]["legal_basis"]
        assert date.fromisoformat(kept[category]["until"]) == today.replace(year=today.year + 5)
    assert kept["transaction.records"]["basis"] == "fia_transaction"
    assert kept[declared_category("invoice", "payer_name")]["basis"] == "fia_transaction"
    assert "audit.trail" in kept

    # Deleted: credentials and security records.
    assert counts(container, subject.id) == {
        "device_token": 0,
        "mfa_backup_code": 0,
        "password_history": 0,
        "one_time_token": 0,
        "user_role": 0,
    }
    row = account_row(container, subject.id)
    assert row["status"] == "erased" and row["deleted_at"] is not None
    assert row["phone_encrypted"] is None and row["phone_lookup"] is None
    assert row["mfa_secret_encrypted"] is None and row["mfa_enabled"] is False
    assert row["username"].startswith("erased-") and row["full_name"] == row["username"]
    assert row["email"] == f"{row['username']}@erased.invalid"

    # Restricted: cannot sign in, old tokens dead, not listed.
    assert login(client, subject).status_code == 401
    assert client.get("/api/v1/me", headers=subject.auth).status_code == 401
    for status in ("", "&status=deleted"):
        listed = client.get(f"/api/v1/users?per_page=100{status}", headers=admin.auth).get_json()["data"]
        assert subject.id not in {u["id"] for u in listed}

    # Final disposal scheduled, and the kept identification held encrypted for the Act.
    with container.session_factory() as session:
        schedule = dict(
            session.execute(
                text("SELECT category, due_on FROM disposal_schedule WHERE subject_id = :id"),
                {"id": subject.id},
            ).all()
        )
        copies = dict(
            session.execute(
                text("SELECT basis, payload_encrypted FROM privacy_restricted_copy WHERE subject_id = :id"),
                {"id": subject.id},
            ).all()
        )
    assert schedule["customer.identification"] >= today + timedelta(days=5 * 365)
    assert schedule["transaction.records"] >= today + timedelta(days=5 * 365)
    identification = json.loads(container.cipher.decrypt(copies["fia_customer"]))
    assert identification["full_name"] == subject.full_name and identification["email"] == subject.email
    assert "phone" not in identification  # the phone's basis (the account) is gone: shredded
    invoices = json.loads(container.cipher.decrypt(copies["fia_transaction"]))["invoices"]
    assert invoices[subject.invoice_id]["payer_name"] == subject.full_name

    # The ledger and both hash chains verify.
    balance = client.get("/api/v1/ledger/trial-balance", headers=admin.auth).get_json()["data"]
    assert balance["balanced"] is True and balance["mismatched_accounts"] == []
    chains = client.get("/api/v1/ledger/verify", headers=admin.auth).get_json()["data"]
    assert chains["ok"] is True and chains["postings_checked"] >= 8
    assert container.payments.check_integrity().ok
    container.audit_sequencer.run()
    audit = client.get("/api/v1/audit-logs/verify", headers=admin.auth).get_json()["data"]
    assert audit["ok"] is True
    assert container.audit_trail.verify().ok

    # The subject's values are readable nowhere.
    needles = personal_values(subject)
    assert scan_database(container, needles) == []
    export = client.get("/api/v1/audit-logs/export?format=jsonl", headers=admin.auth)
    assert export.status_code == 200
    body = export.get_data(as_text=True).lower()
    assert body and not [n for n in needles if n.lower() in body]
    assert subject.id in body  # the audit trail still names the subject by id
    mail = spooled_mail(var_dir).lower()
    assert not [n for n in needles if n.lower() in mail]

    # The transactions stay as they were: ids and amounts, visible to staff.
    with container.session_factory() as session:
        kept_transactions = session.execute(
            text(
                "SELECT count(*) FROM payment_transaction t JOIN account a "
                "ON a.id IN (t.source_account_id, t.destination_account_id) WHERE a.owner_id = :id"
            ),
            {"id": subject.id},
        ).scalar_one()
        wallet_status = session.execute(
            text("SELECT status FROM account WHERE owner_id = :id AND kind = 'wallet'"), {"id": subject.id}
        ).scalar_one()
    assert kept_transactions >= 4 and wallet_status == "frozen"


def test_the_erasure_is_audited_and_its_outcome_stored_without_personal_values(container, subject, admin):
    erase(container, subject, admin)
    with container.session_factory() as session:
        entry = session.execute(
            text(
                "SELECT entry::jsonb FROM audit_log "
                "WHERE action = 'privacy.subject_erased' AND resource_id = :id"
            ),
            {"id": subject.id},
        ).scalar_one()
        stored = session.execute(
            text("SELECT outcome FROM privacy_erasure WHERE subject_id = :id"), {"id": subject.id}
        ).scalar_one()
    kept = entry["changes"]["after"]["kept"]
    assert entry["actor_id"] == admin.id and declared_category("user_account", "full_name") in kept
    assert stored["subject_id"] == subject.id and stored["blocked"] is False
    assert subject.email not in json.dumps(stored) and subject.full_name not in json.dumps(stored)


def test_erasing_again_returns_the_first_outcome_and_changes_nothing(container, subject, admin):
    first = erase(container, subject, admin)
    before = account_row(container, subject.id)
    assert erase(container, subject, admin) == first
    assert account_row(container, subject.id) == before


def test_a_subject_level_legal_hold_blocks_the_erasure_and_nothing_changes(client, container, subject, admin):
    placed = client.post(
        "/api/v1/privacy/legal-holds",
        headers=admin.auth,
        json={"subject_id": subject.id, "reason": "High Court case HC-MD-CIV-2026/0412"},
    )
    assert placed.status_code == 201, placed.get_json()
    before_row, before_counts = account_row(container, subject.id), counts(container, subject.id)

    outcome = erase(container, subject, admin)

    assert outcome["blocked"] is True and outcome["erased"] == [] and outcome["kept"] == []
    assert any("HC-MD-CIV-2026/0412" in r for r in outcome["hold_reasons"])
    assert account_row(container, subject.id) == before_row
    assert counts(container, subject.id) == before_counts
    assert (
        login(client, subject).status_code == 200 or login(client, subject).get_json()["data"]["mfa_required"]
    )
    with container.session_factory() as session:
        for table in ("privacy_erasure", "disposal_schedule", "privacy_restricted_copy"):
            assert (
                session.execute(
                    text(f"SELECT count(*) FROM {table} WHERE subject_id = :id"),  # noqa: S608
                    {"id": subject.id},
                ).scalar_one()
                == 0
            )

    # Released, the erasure goes ahead.
    hold_id = placed.get_json()["data"]["id"]
    released = client.post(f"/api/v1/privacy/legal-holds/{hold_id}/release", headers=admin.auth, json={})
    assert released.status_code == 200 and released.get_json()["data"]["active"] is False
    assert erase(container, subject, admin)["blocked"] is False
    assert account_row(container, subject.id)["status"] == "erased"


def test_a_record_level_hold_on_one_of_the_subjects_transactions_blocks_the_erasure(
    client, container, subject, admin
):
    with container.session_factory() as session:
        transaction_id = session.execute(
            text(
                "SELECT t.id FROM payment_transaction t JOIN account a ON a.id = t.source_account_id "
                "WHERE a.owner_id = :id LIMIT 1"
            ),
            {"id": subject.id},
        ).scalar_one()
    placed = client.post(
        "/api/v1/privacy/legal-holds",
        headers=admin.auth,
        json={
            "record_table": "payment_transaction",
            "record_id": str(transaction_id),
            "reason": "FIC inquiry 77",
        },
    )
    assert placed.status_code == 201, placed.get_json()
    before = account_row(container, subject.id)

    outcome = erase(container, subject, admin)

    assert outcome["blocked"] is True
    assert any(str(transaction_id) in r for r in outcome["hold_reasons"])
    assert account_row(container, subject.id) == before


def test_a_user_without_financial_records_keeps_nothing_but_the_audit_trail(client, container, admin):
    user = signed_in(client, full_name=unique_name())
    outcome = erase(container, user, admin)
    assert outcome["blocked"] is False
    assert [k["category"] for k in outcome["kept"]] == ["audit.trail"]
    with container.session_factory() as session:
        assert (
            session.execute(
                text("SELECT count(*) FROM privacy_restricted_copy WHERE subject_id = :id"), {"id": user.id}
            ).scalar_one()
            == 0
        )
        assert (
            session.execute(
                text("SELECT count(*) FROM disposal_schedule WHERE subject_id = :id"), {"id": user.id}
            ).scalar_one()
            == 0
        )


def test_an_unknown_subject_is_not_found_and_nothing_is_stored(container, admin):
    from elcorp.shared.domain.errors import NotFound

    with pytest.raises(NotFound):
        container.erasure.erase(uuid.uuid4(), request_id=None, actor_id=uuid.UUID(admin.id))
    with container.session_factory() as session:
        assert session.execute(text("SELECT count(*) FROM privacy_erasure")).scalar_one() == 0


def test_an_erased_account_cannot_be_restored_by_an_administrator(client, container, subject, admin):
    erase(container, subject, admin)
    response = client.post(f"/api/v1/users/{subject.id}/restore", headers=admin.auth)
    assert response.status_code in (404, 409), response.get_json()
    assert account_row(container, subject.id)["status"] == "erased"


def test_an_erasure_request_completed_by_staff_leaves_the_values_readable_nowhere(
    client, container, subject, admin, var_dir
):
    # The subject first takes an access bundle: a stored file holding every value.
    access_id = filed(client, subject, "access")["id"]
    started(client, admin, access_id)
    container.outbox.dispatch_pending()  # the worker builds the bundle
    assert act(client, admin, access_id, "complete").status_code == 200
    bundle = client.get(f"/api/v1/me/privacy-requests/{access_id}/bundle", headers=subject.auth)
    assert bundle.status_code == 200 and subject.email.encode() in bundle.data
    assert ("privacy_access_bundle", "content", subject.email) in scan_database(container, [subject.email])
    request_id = filed(client, subject, "erasure", details=f"Please erase me, {subject.full_name}")["id"]
    started(client, admin, request_id)

    done = act(client, admin, request_id, "complete")

    assert done.status_code == 200, done.get_json()
    outcome = done.get_json()["data"]["outcome"]
    assert outcome["blocked"] is False
    assert declared_category("user_account", "full_name") in {k["category"] for k in outcome["kept"]}
    with container.session_factory() as session:
        evidence = session.execute(
            text(
                "SELECT count(*) FROM consent_record "
                "WHERE subject_id = :id AND (ip IS NOT NULL OR user_agent IS NOT NULL)"
            ),
            {"id": subject.id},
        ).scalar_one()
    assert evidence == 0
    container.outbox.dispatch_pending()
    container.audit_sequencer.run()
    assert client.get("/api/v1/audit-logs/verify", headers=admin.auth).get_json()["data"]["ok"] is True
    assert client.get("/api/v1/ledger/verify", headers=admin.auth).get_json()["data"]["ok"] is True
    needles = personal_values(subject)
    assert scan_database(container, needles) == []
    body = (
        client.get("/api/v1/audit-logs/export?format=jsonl", headers=admin.auth)
        .get_data(as_text=True)
        .lower()
    )
    assert not [n for n in needles if n.lower() in body]
    # The spool keeps only the outcome notice the subject is sent (POPIA s24(1)): the file
    # backend's copy of a mail that SMTP would not keep, removed by the purge after 30 days.
    naming = [
        p
        for p in (var_dir / "mail").glob("*.eml")
        if subject.email.lower() in p.read_bytes().decode().lower()
    ]
    assert len(naming) == 1 and b"erasure of your personal information" in naming[0].read_bytes()
