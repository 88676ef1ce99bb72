"""The audit trail: immutable partitions, sequencing exactly once, checkpoints, verification,
query API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from elcorp.compliance.audit.infrastructure.sequencer import AuditSequencer
from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner
from elcorp.shared.application.audit import Actor, Changes, Resource
from support.audit import insert_entry
from support.identity import signed_in, staff_with_mfa


def record(container, n: int, *, commit: bool = True, action: str = "test.action") -> None:
    for i in range(n):
        with container.uow() as uow:
            uow.audit.record(
                action, Actor(id=f"user-{i}"), Resource("thing", str(i)), Changes(after={"i": i})
            )
            if commit:
                uow.commit()


def chained_count(container) -> int:
    with container.session_factory() as session:
        return session.execute(text("SELECT count(*) FROM audit_chain")).scalar_one()


def partition_name(container) -> str:
    with container.session_factory() as session:
        return session.execute(text("SELECT 'audit_log_' || to_char(now(), 'YYYY_MM')")).scalar_one()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE {t} SET {c} = {c}",
        "DELETE FROM {t}",
        "TRUNCATE {t}",
    ],
)
@pytest.mark.parametrize(
    "table", ["audit_log", "partition", "audit_chain", "audit_checkpoint", "audit_export", "audit_archive"]
)
def test_audit_tables_and_partitions_refuse_update_delete_truncate(container, statement, table):
    record(container, 2)
    container.audit_sequencer.run()
    name = partition_name(container) if table == "partition" else table
    column = {
        "audit_chain": "hash",
        "audit_checkpoint": "signature",
        "audit_export": "format",
        "audit_archive": "file_name",
    }.get(table, "action")
    with container.session_factory() as session:  # a row for the row triggers to refuse
        if table == "audit_export":
            session.execute(
                text("INSERT INTO audit_export VALUES (gen_random_uuid(), 'u', 'jsonl', '{}', now())")
            )
        if table == "audit_archive":
            session.execute(
                text(
                    "INSERT INTO audit_archive (first_seq, last_seq, before_month, file_name, data_sha256, "
                    "manifest) "
                    "VALUES (1, 1, '2026-01-01', 'f', 'd', '{}')"
                )
            )
        session.commit()
    with container.session_factory() as session, pytest.raises(DBAPIError, match="append-only"):
        session.execute(text(statement.format(t=name, c=column)))


def test_committed_entries_are_chained_exactly_once_and_rolled_back_ones_never(container):
    record(container, 5)
    record(container, 3, commit=False, action="test.rolled_back")
    first = container.audit_sequencer.run()
    again = container.audit_sequencer.run()
    assert first.sequenced == 5
    assert again.sequenced == 0
    with container.session_factory() as session:
        rolled = session.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'test.rolled_back'")
        ).scalar_one()
        seqs = session.execute(text("SELECT seq FROM audit_chain ORDER BY seq")).scalars().all()
    assert rolled == 0
    assert seqs == list(range(1, 6))


def test_the_chain_verifies_and_a_checkpoint_is_signed(container):
    record(container, 7)
    run = container.audit_sequencer.run()
    assert run.checkpointed
    report = container.audit_trail.verify()
    assert report.ok, report.problems
    assert report.checked == 7
    assert report.checkpoints_checked == 1


@pytest.mark.parametrize(
    ("assignment", "reason"),
    [
        # the hashed entry itself, kept canonical so that only the hash can tell
        ("entry = replace(entry, :null_reason, :forged_reason)", "hash mismatch"),
        # a searchable copy only: the entry still hashes, the columns no longer repeat it
        ("actor_id = 'someone-else'", "columns differ from the hashed entry"),
        ("request_id = 'req-forged'", "columns differ from the hashed entry"),
    ],
)
def test_a_privileged_edit_behind_the_triggers_back_is_detected(container, assignment, reason):
    """What a superuser could do: disable the trigger and rewrite history. Verification
    catches it, naming the entry."""
    record(container, 6)
    container.audit_sequencer.run()
    with container.session_factory() as session:
        session.execute(text("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update_delete"))
        target = session.execute(text("SELECT entry_id FROM audit_chain WHERE seq = 4")).scalar_one()
        session.execute(
            text(f"UPDATE audit_log SET {assignment} WHERE id = :id"),  # noqa: S608
            {"id": target, "null_reason": '"reason":null', "forged_reason": '"reason":"rewritten"'},
        )
        session.execute(text("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update_delete"))
        session.commit()
    report = container.audit_trail.verify()
    assert not report.ok
    assert report.problems[0]["seq"] == 4
    assert reason in report.problems[0]["reason"]


def test_a_checkpoint_signed_with_another_key_is_reported(container):
    record(container, 3)
    other = CheckpointSigner([(container.settings.audit_signing_keys()[0][0], bytes(range(32)))])
    AuditSequencer(container.session_factory, other, checkpoint_every_entries=1).run()
    report = container.audit_trail.verify()
    assert not report.ok
    assert "signature invalid" in report.problems[0]["reason"]


def test_entries_that_commit_late_are_still_chained(container):
    record(container, 2)
    container.audit_sequencer.run()
    with container.session_factory() as session:  # an entry stamped earlier, committed now
        insert_entry(session, datetime.now(UTC) - timedelta(minutes=5), "test.late")
        session.commit()
    assert container.audit_sequencer.run().sequenced == 1
    assert container.audit_trail.verify().ok


def test_a_stalled_sequencer_is_reported_by_ready_without_making_it_fail(client, own_container, settings):
    from elcorp.main import create_app

    container = own_container  # its probe is changed below
    record(container, 1)
    container.readiness._max_lag = -1  # any wait counts as a stall
    response = create_app(container=container).test_client().get("/ready")
    assert response.status_code == 200
    assert response.get_json()["data"]["checks"]["audit_sequencer"]["ok"] is False


def test_ready_reports_the_sequencer_lag(client, container):
    record(container, 2)
    checks = client.get("/ready").get_json()["data"]["checks"]
    assert checks["audit_sequencer"]["ok"] is True
    assert checks["audit_sequencer"]["detail"].startswith("2 waiting")
    container.audit_sequencer.run()
    assert (
        client.get("/ready").get_json()["data"]["checks"]["audit_sequencer"]["detail"].startswith("0 waiting")
    )


def test_audit_log_api_needs_audit_view(client, container):
    user = signed_in(client)
    response = client.get("/api/v1/audit-logs", headers=user.auth)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "ACC_001"


def test_audit_log_api_filters_and_pages_with_a_cursor(client, container):
    admin = staff_with_mfa(client, container, "admin")
    record(container, 5, action="test.paged")
    container.audit_sequencer.run()
    first = client.get("/api/v1/audit-logs?action=test.paged&limit=3", headers=admin.auth).get_json()
    assert len(first["data"]) == 3
    assert all(item["action"] == "test.paged" and item["seq"] for item in first["data"])
    cursor = first["meta"]["next_cursor"]
    rest = client.get(
        f"/api/v1/audit-logs?action=test.paged&limit=3&cursor={cursor}", headers=admin.auth
    ).get_json()
    assert len(rest["data"]) == 2
    assert rest["meta"]["next_cursor"] is None
    ids = [e["id"] for e in first["data"] + rest["data"]]
    assert len(set(ids)) == 5


def test_verify_checkpoints_and_public_keys_endpoints(client, container):
    admin = staff_with_mfa(client, container, "admin")
    record(container, 4)
    container.audit_sequencer.run()
    verify = client.get("/api/v1/audit-logs/verify", headers=admin.auth).get_json()["data"]
    assert verify["ok"] is True
    checkpoints = client.get("/api/v1/audit-logs/checkpoints", headers=admin.auth).get_json()["data"]
    keys = client.get("/api/v1/audit-logs/public-keys", headers=admin.auth).get_json()["data"]
    assert checkpoints[0]["key_id"] in {k["key_id"] for k in keys}
    assert keys[0]["algorithm"] == "Ed25519"


def test_a_failed_verification_raises_the_alarm(container):
    from elcorp.compliance.audit.infrastructure.monitoring import VERIFICATION_FAILURES, observe_verification

    record(container, 3)
    container.audit_sequencer.run()
    with container.session_factory() as session:
        session.execute(text("ALTER TABLE audit_chain DISABLE TRIGGER audit_chain_no_update_delete"))
        session.execute(text("UPDATE audit_chain SET hash = repeat('0', 64) WHERE seq = 2"))
        session.execute(text("ALTER TABLE audit_chain ENABLE TRIGGER audit_chain_no_update_delete"))
        session.commit()
    before = VERIFICATION_FAILURES._value.get()
    report = container.audit_trail.verify()
    with container.uow() as uow:
        observe_verification(uow, report)
    assert VERIFICATION_FAILURES._value.get() == before + 1
    with container.session_factory() as session:
        event = session.execute(
            text("SELECT payload FROM outbox_message WHERE event_type = 'compliance.AuditVerificationFailed'")
        ).scalar_one()
        audited = session.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'audit.verification_failed'")
        ).scalar_one()
    assert event["first_bad_seq"] == 2
    assert audited == 1


def test_a_stalled_sequencer_raises_the_alarm(container):
    from elcorp.compliance.audit.infrastructure.monitoring import observe_lag

    record(container, 2)
    waiting, age = container.audit_sequencer.lag()
    with container.uow() as uow:
        assert observe_lag(uow, waiting, age, max_lag_seconds=-1) is True
    with container.session_factory() as session:
        payload = session.execute(
            text("SELECT payload FROM outbox_message WHERE event_type = 'compliance.AuditSequencerStalled'")
        ).scalar_one()
    assert payload["waiting"] == 2


def test_export_through_the_api_verifies_offline_and_is_audited(client, container, tmp_path):
    import json
    import subprocess
    import sys

    from elcorp.config import REPO_ROOT

    admin = staff_with_mfa(client, container, "admin")
    record(container, 6)
    container.audit_sequencer.run()
    response = client.get("/api/v1/audit-logs/export?format=jsonl", headers=admin.auth)
    assert response.status_code == 200
    assert response.mimetype == "application/x-ndjson"
    export_id = response.headers["X-Export-Id"]
    data = tmp_path / "export.jsonl"
    data.write_bytes(response.get_data())
    manifest = client.get(f"/api/v1/audit-logs/exports/{export_id}/manifest", headers=admin.auth)
    assert manifest.status_code == 200
    (tmp_path / "manifest.json").write_text(json.dumps(manifest.get_json()["data"]))
    keys = client.get("/api/v1/audit-logs/public-keys", headers=admin.auth).get_json()["data"]
    args = [f"--public-key={k['key_id']}={k['public_key']}" for k in keys]
    result = subprocess.run(
        [sys.executable, "scripts/verify_audit_export.py", str(data), str(tmp_path / "manifest.json"), *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with container.session_factory() as session:
        audited = session.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'audit.exported' AND resource_id = :id"),
            {"id": export_id},
        ).scalar_one()
    assert audited == 1


def test_export_needs_audit_export(client, container):
    staff = staff_with_mfa(client, container, "staff")  # audit:view only
    assert client.get("/api/v1/audit-logs/export", headers=staff.auth).status_code == 403
    assert client.get("/api/v1/audit-logs", headers=staff.auth).status_code == 200


def test_checkpoints_of_a_retired_key_still_verify_from_its_public_half(
    container, settings, engine, redis_client
):
    import base64

    from elcorp.bootstrap import bootstrap

    record(container, 3)
    container.audit_sequencer.run()  # signed with the current key
    old_kid = container.settings.audit_signing_keys()[0][0]
    old_public = container.audit_trail.public_keys()[old_kid]
    rotated = settings.model_copy(
        update={
            "AUDIT_SIGNING_KEYS": [
                type(settings.SECRET_KEY)("ak2:" + base64.b64encode(bytes(range(32))).decode())
            ],
            "AUDIT_RETIRED_PUBLIC_KEYS": [f"{old_kid}:{old_public}"],
        }
    )
    after = bootstrap(
        rotated, engine=engine, session_factory=container.session_factory, redis_client=redis_client
    )
    assert after.audit_trail.verify().ok
    assert set(after.audit_trail.public_keys()) == {old_kid, "ak2"}


def test_an_entry_stamped_long_ago_but_committed_now_is_chained_exactly_once(container):
    """The watermark follows transaction ids, not timestamps: a transaction that stayed
    open for hours still has its entries chained."""
    record(container, 2)
    container.audit_sequencer.run()
    with container.session_factory() as session:
        insert_entry(session, datetime.now(UTC) - timedelta(hours=2), "test.too_late")
        session.commit()
    assert container.audit_sequencer.run().sequenced == 1
    assert container.audit_sequencer.run().sequenced == 0
    assert container.audit_trail.verify().ok


def test_a_backlog_from_one_big_transaction_is_drained_in_keyed_batches(container):
    with container.uow() as uow:  # 12 entries, one transaction (one txid)
        for i in range(12):
            uow.audit.record("test.bulk", Actor(id="u"), Resource("thing", str(i)))
        uow.commit()
    small = AuditSequencer(
        container.session_factory, CheckpointSigner(container.settings.audit_signing_keys()), batch_size=5
    )
    run = small.run()
    assert run.sequenced == 12
    assert small.run().sequenced == 0
    assert small.lag()[0] == 0
    assert container.audit_trail.verify().ok


def tamper(container, table: str, statement: str, **params: object) -> None:
    """A privileged edit behind the append-only trigger's back, committed."""
    trigger = f"{table}_no_update_delete"
    with container.session_factory() as session:
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
        session.execute(text(statement), params)
        session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}"))
        session.commit()


def test_a_link_deleted_from_the_chain_is_reported_as_missing_entries(container):
    record(container, 6)
    container.audit_sequencer.run()
    tamper(container, "audit_chain", "DELETE FROM audit_chain WHERE seq = 3")
    report = container.audit_trail.verify()
    assert not report.ok
    assert report.problems[0]["seq"] == 4
    assert "missing entries" in report.problems[0]["reason"]


def test_a_chained_entry_deleted_from_audit_log_is_reported(container):
    record(container, 6)
    container.audit_sequencer.run()
    tamper(
        container,
        "audit_log",
        "DELETE FROM audit_log WHERE id = (SELECT entry_id FROM audit_chain WHERE seq = 3)",
    )
    report = container.audit_trail.verify()
    assert not report.ok
    assert report.problems[0]["seq"] == 3
    assert "missing from audit_log" in report.problems[0]["reason"]


def test_an_altered_chain_hash_is_reported_as_a_hash_mismatch(container):
    import hashlib

    record(container, 6)
    container.audit_sequencer.run()
    with container.session_factory() as session:
        stored = session.execute(text("SELECT hash FROM audit_chain WHERE seq = 2")).scalar_one()
    forged = hashlib.sha256(b"something else").hexdigest()
    assert forged != stored and len(forged) == 64
    tamper(container, "audit_chain", "UPDATE audit_chain SET hash = :forged WHERE seq = 2", forged=forged)
    report = container.audit_trail.verify()
    assert not report.ok
    assert report.problems[0]["seq"] == 2
    assert "hash mismatch" in report.problems[0]["reason"]


def test_a_sub_range_verifies_from_the_stored_hash_before_it(container):
    record(container, 6)
    container.audit_sequencer.run()
    middle = container.audit_trail.verify(first_seq=3, last_seq=5)
    assert middle.ok, middle.problems
    assert (middle.checked, middle.first_seq, middle.last_seq) == (3, 3, 5)

    tamper(
        container,
        "audit_log",
        "UPDATE audit_log SET entry = replace(entry, :null_reason, :forged_reason) "
        "WHERE id = (SELECT entry_id FROM audit_chain WHERE seq = 2)",
        null_reason='"reason":null',
        forged_reason='"reason":"rewritten"',
    )
    after = container.audit_trail.verify(first_seq=4, last_seq=6)
    assert after.ok, after.problems
    assert (after.checked, after.first_seq, after.last_seq) == (3, 4, 6)
    whole = container.audit_trail.verify(first_seq=1, last_seq=6)
    assert not whole.ok
    assert whole.problems[0]["seq"] == 2
    assert "hash mismatch" in whole.problems[0]["reason"]
