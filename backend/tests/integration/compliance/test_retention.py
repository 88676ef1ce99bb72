"""Retention policies and the purge on real PostgreSQL (issue 8, item 5): policies read and
changed by staff (never below the Financial Intelligence Act's period), a dry run that
changes nothing but reports what is due, a real run that disposes of exactly what is due,
legal holds that keep their records, and the evidence of every run."""

from __future__ import annotations

import os
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import make_settings
from elcorp.bootstrap import bootstrap
from elcorp.jobs.schedule import beat_schedule
from elcorp.shared.domain.clock import WINDHOEK, utc_now
from support.audit import audit_entries
from support.identity import signed_in, staff_with_mfa
from support.payments import fund, transfer, wallet_of

POLICIES = "/api/v1/privacy/retention-policies"
RUNS = "/api/v1/privacy/purge-runs"
HOLDS = "/api/v1/privacy/legal-holds"


@pytest.fixture
def var_dir(tmp_path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def container(database_url, redis_url, engine, session_factory, redis_client, var_dir):
    settings = make_settings(database_url, redis_url, VAR_DIR=var_dir)
    return bootstrap(settings, engine=engine, session_factory=session_factory, redis_client=redis_client)


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def sql(container, statement: str, **params):
    with container.session_factory() as session:
        result = session.execute(text(statement), params)
        rows = result.all() if result.returns_rows else None
        session.commit()
        return rows


def scalar(container, statement: str, **params):
    return sql(container, statement, **params)[0][0]


# -- policies -------------------------------------------------------------------------------
def test_the_seeded_policies_are_listed_with_their_legal_basis(client, officer):
    response = client.get(POLICIES, headers=officer.auth)
    assert response.status_code == 200, response.get_json()
    policies = {p["category"]: p for p in response.get_json()["data"]}
    assert {
        "customer.identification",
        "transaction.records",
        "security.sessions",
        "security.one_time_tokens",
        "payments.idempotency_keys",
        "operations.mail_spool",
        "operations.exports",
    } <= set(policies)
    fia = policies["customer.identification"]
    assert fia["trigger"] == "relationship_end" and fia["period_days"] >= 5 * 365
    assert fia["disposal"] == "crypto_shred" and "Financial Intelligence Act 2012" in fia["legal_basis"]
    assert policies["security.sessions"]["trigger"] == "expiry"


def test_staff_change_a_policy_and_the_change_is_audited(client, container, officer):
    response = client.put(
        f"{POLICIES}/security.sessions", headers=officer.auth, json={"period_days": 14, "disposal": "delete"}
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["period_days"] == 14
    assert response.get_json()["data"]["updated_by"] == officer.id
    (entry,) = audit_entries(container, "privacy.retention_policy_updated")
    assert entry["changes"] == {"before": {"period_days": 30}, "after": {"period_days": 14}}


def test_an_fia_policy_never_drops_below_the_acts_period(client, container, officer):
    response = client.put(f"{POLICIES}/transaction.records", headers=officer.auth, json={"period_days": 365})
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "RET_003"
    policies = {p["category"]: p for p in client.get(POLICIES, headers=officer.auth).get_json()["data"]}
    assert policies["transaction.records"]["period_days"] >= 5 * 365


def test_an_unknown_policy_is_404_and_customers_are_refused(client, officer):
    assert client.put(f"{POLICIES}/no.such", headers=officer.auth, json={"period_days": 1}).status_code == 404
    customer = signed_in(client)
    assert client.get(POLICIES, headers=customer.auth).status_code == 403
    assert client.post(RUNS, headers=customer.auth, json={"dry_run": True}).status_code == 403


# -- the purge ------------------------------------------------------------------------------
def age_file(path: Path, days: int) -> None:
    moment = time.time() - days * 86400
    os.utime(path, (moment, moment))


@pytest.fixture
def due(client, container, officer, var_dir):
    """What is due and what is not: device sessions, one-time links, an erased subject's
    restricted copies, spooled mail and export files, some of them under legal holds."""
    now = utc_now()
    old, recent = signed_in(client), signed_in(client)
    held_subject, held_record = signed_in(client), signed_in(client)
    container.outbox.dispatch_pending()  # the verification links are made by the outbox
    revoked_long_ago = now - timedelta(days=40)
    for user in (old, held_subject, held_record):
        sql(
            container,
            "UPDATE device_token SET revoked_at = :at WHERE user_id = :id",
            at=revoked_long_ago,
            id=user.id,
        )
    sql(
        container,
        "UPDATE device_token SET revoked_at = :at WHERE user_id = :id",
        at=now - timedelta(days=2),
        id=recent.id,
    )
    # Email-verification links of `old` expired 10 days ago (policy: 7 days after expiry).
    sql(
        container,
        "UPDATE one_time_token SET expires_at = :at WHERE user_id = :id",
        at=now - timedelta(days=10),
        id=old.id,
    )
    record_id = scalar(container, "SELECT id::text FROM device_token WHERE user_id = :id", id=held_record.id)
    for body in ({"subject_id": held_subject.id}, {"record_table": "device_token", "record_id": record_id}):
        assert (
            client.post(HOLDS, headers=officer.auth, json={"reason": "court order", **body}).status_code
            == 201
        )

    # Two erased customers whose restricted copies are due; one of them is under a hold.
    teller = signed_in(client)
    from support.identity import grant_roles

    grant_roles(container, teller, "staff")
    erased = []
    for _ in range(2):
        customer = signed_in(client)
        wallet = wallet_of(client, container, customer)
        fund(container, teller, wallet["id"], "20.00")
        container.erasure.erase(uuid.UUID(customer.id), request_id=None, actor_id=uuid.UUID(officer.id))
        erased.append(customer)
    yesterday = now.astimezone(WINDHOEK).date() - timedelta(days=1)
    sql(
        container,
        "UPDATE disposal_schedule SET due_on = :d WHERE subject_id = ANY(:ids)",
        d=yesterday,
        ids=[uuid.UUID(c.id) for c in erased],
    )
    assert (
        client.post(
            HOLDS, headers=officer.auth, json={"reason": "FIC", "subject_id": erased[1].id}
        ).status_code
        == 201
    )

    mail, exports = var_dir / "mail", var_dir / "exports"
    mail.mkdir(parents=True, exist_ok=True)
    exports.mkdir(parents=True, exist_ok=True)
    for directory in (mail, exports):
        for name, days in (("old.eml", 45), ("new.eml", 1)):
            path = directory / name
            path.write_text("Subject: x\n\nhello\n")
            age_file(path, days)
    return {
        "old": old,
        "recent": recent,
        "held_subject": held_subject,
        "held_record": held_record,
        "erased": erased,
        "mail": mail,
        "exports": exports,
    }


def state(container, due) -> dict:
    users = {k: due[k].id for k in ("old", "recent", "held_subject", "held_record")}
    found = {
        f"devices.{k}": scalar(container, "SELECT count(*) FROM device_token WHERE user_id = :id", id=v)
        for k, v in users.items()
    }
    found["links.old"] = scalar(
        container, "SELECT count(*) FROM one_time_token WHERE user_id = :id", id=users["old"]
    )
    ids = [uuid.UUID(c.id) for c in due["erased"]]
    found["copies"] = [
        scalar(container, "SELECT count(*) FROM privacy_restricted_copy WHERE subject_id = :id", id=i)
        for i in ids
    ]
    found["mail"] = sorted(p.name for p in due["mail"].iterdir())
    found["exports"] = sorted(p.name for p in due["exports"].iterdir())
    return found


def items(run: dict) -> dict[str, dict]:
    return {i["policy"]: i for i in run["items"]}


def test_a_dry_run_changes_nothing_but_reports_what_is_due(client, container, officer, due):
    before = state(container, due)
    response = client.post(RUNS, headers=officer.auth, json={"dry_run": True})
    assert response.status_code == 201, response.get_json()
    run = response.get_json()["data"]
    assert run["dry_run"] is True and run["triggered_by"] == officer.id
    found = items(run)
    assert (found["security.sessions"]["count"], found["security.sessions"]["held"]) == (1, 2)
    assert found["security.one_time_tokens"]["count"] == before["links.old"] >= 1
    assert (found["customer.identification"]["count"], found["customer.identification"]["held"]) == (1, 1)
    assert (found["transaction.records"]["count"], found["transaction.records"]["held"]) == (1, 1)
    assert found["operations.mail_spool"]["count"] == 1 and found["operations.exports"]["count"] == 1
    assert state(container, due) == before
    stored = client.get(f"{RUNS}/{run['id']}", headers=officer.auth).get_json()["data"]
    assert stored == run
    (entry,) = [e for e in audit_entries(container, "privacy.purge_run") if e["resource_id"] == run["id"]]
    assert entry["changes"]["after"]["dry_run"] is True


def test_a_real_run_disposes_of_exactly_what_is_due_and_holds_keep_their_records(
    client, container, officer, due
):
    before = state(container, due)
    response = client.post(RUNS, headers=officer.auth, json={"dry_run": False})
    assert response.status_code == 201, response.get_json()
    run = response.get_json()["data"]
    assert run["dry_run"] is False

    after = state(container, due)
    assert after["devices.old"] == 0  # revoked 40 days ago: gone
    assert after["devices.recent"] == before["devices.recent"] == 1  # revoked 2 days ago: kept
    assert after["devices.held_subject"] == 1 and after["devices.held_record"] == 1  # legal holds
    assert after["links.old"] == 0
    assert before["copies"][0] >= 1 and before["copies"][1] >= 1
    assert after["copies"] == [0, before["copies"][1]]  # the held subject's copy is kept
    assert after["mail"] == [n for n in before["mail"] if n != "old.eml"] and "new.eml" in after["mail"]
    assert after["exports"] == ["new.eml"]
    found = items(run)
    assert found["security.sessions"]["count"] == 1 and found["security.sessions"]["held"] == 2
    assert found["customer.identification"]["count"] == 1
    disposed = sql(
        container,
        "SELECT category, purge_run_id::text FROM disposal_schedule WHERE subject_id = :id",
        id=due["erased"][0].id,
    )
    assert {r[1] for r in disposed} == {run["id"]}

    # A second run finds nothing more to dispose of.
    again = items(client.post(RUNS, headers=officer.auth, json={"dry_run": False}).get_json()["data"])
    assert again["security.sessions"]["count"] == 0 and again["customer.identification"]["count"] == 0


def test_purge_runs_are_listed_newest_first(client, container, officer):
    first = container.retention.purge(dry_run=True)
    second = container.retention.purge(dry_run=True)
    listed = client.get(RUNS, headers=officer.auth).get_json()
    assert [r["id"] for r in listed["data"]][:2] == [str(second.id), str(first.id)]
    assert listed["meta"]["total"] == 2
    assert first.triggered_by == "system"
    assert client.get(f"{RUNS}/{uuid.uuid4()}", headers=officer.auth).status_code == 404


def test_idempotency_keys_past_their_window_are_purged_by_payments_own_purge(client, container, officer):
    teller = signed_in(client)
    from support.identity import grant_roles

    grant_roles(container, teller, "staff")
    alice, bob = signed_in(client), signed_in(client)
    alice.wallet, bob.wallet = wallet_of(client, container, alice), wallet_of(client, container, bob)
    fund(container, teller, alice.wallet["id"], "10.00")
    assert transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "1.00").status_code == 201
    sql(
        container,
        "UPDATE idempotency_key SET expires_at = :at WHERE owner_id = :id",
        at=utc_now() - timedelta(hours=1),
        id=alice.id,
    )
    expired = scalar(container, "SELECT count(*) FROM idempotency_key WHERE expires_at < now()")
    assert expired >= 1

    dry = items(client.post(RUNS, headers=officer.auth, json={"dry_run": True}).get_json()["data"])
    assert dry["payments.idempotency_keys"]["count"] == expired
    assert scalar(container, "SELECT count(*) FROM idempotency_key WHERE owner_id = :id", id=alice.id) >= 1
    real = items(client.post(RUNS, headers=officer.auth, json={"dry_run": False}).get_json()["data"])
    assert real["payments.idempotency_keys"]["count"] == expired
    assert scalar(container, "SELECT count(*) FROM idempotency_key WHERE owner_id = :id", id=alice.id) == 0


def test_the_nightly_job_is_scheduled_and_honours_the_dry_run_setting(
    database_url, redis_url, engine, session_factory, redis_client, tmp_path
):
    settings = make_settings(database_url, redis_url, VAR_DIR=tmp_path, RETENTION_PURGE_DRY_RUN=True)
    from elcorp.main import create_app
    from support.jobs import job_task

    container = bootstrap(settings, engine=engine, session_factory=session_factory, redis_client=redis_client)
    entry = beat_schedule(container)["compliance-purge"]
    assert entry["task"] == "elcorp.compliance.purge"

    app = create_app(container=container)
    purge_expired_personal_data = job_task(app, "elcorp.compliance.purge")
    with app.app_context():
        result = purge_expired_personal_data.run()
    assert result["dry_run"] is True
    with session_factory() as session:
        assert (
            session.execute(
                text("SELECT dry_run FROM purge_run WHERE id = :id"), {"id": result["run_id"]}
            ).scalar_one()
            is True
        )
