"""The nightly ledger integrity job (`elcorp.payments.check_integrity`): the trial balance
and every account's posting hash chain. Healthy books raise nothing; a cached balance
changed behind the ledger's back, or a posting altered by someone who could switch the
immutability trigger off (a superuser), raises a `LedgerIntegrityFailed` event through
the outbox (compliance opens an incident from it) and an audit entry, in one transaction."""

from __future__ import annotations

import json

from sqlalchemy import text

from elcorp.jobs.factory import celery_init_app
from elcorp.jobs.schedule import beat_schedule
from support.payments import transfer

EVENT = "payments.LedgerIntegrityFailed"


def raised(container) -> list[dict]:
    with container.session_factory() as session:
        return [
            payload if isinstance(payload, dict) else json.loads(payload)
            for payload in session.execute(
                text("SELECT payload FROM outbox_message WHERE event_type = :t ORDER BY occurred_at"),
                {"t": EVENT},
            ).scalars()
        ]


def audited(container) -> int:
    with container.session_factory() as session:
        return session.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'ledger.integrity_failed'")
        ).scalar_one()


def test_healthy_books_raise_nothing(container, client, alice, bob):
    assert transfer(client, alice, alice.wallet["id"], bob.wallet["id"], "10.00").status_code == 201
    found = container.payments.check_integrity()
    assert found.ok and found.chains.postings_checked >= 4
    assert raised(container) == [] and audited(container) == 0


def test_a_cached_balance_changed_behind_the_ledgers_back_raises_the_alarm(container, alice):
    with container.session_factory() as session:
        session.execute(
            text("UPDATE account SET balance = balance + 5 WHERE id = :w"), {"w": alice.wallet["id"]}
        )
        session.commit()

    found = container.payments.check_integrity()
    assert not found.ok
    assert [m["account_id"] for m in found.trial_balance.mismatched_accounts] == [alice.wallet["id"]]
    (event,) = raised(container)
    assert (event["mismatched_accounts"], event["unbalanced_currencies"], event["first_broken_link"]) == (
        1,
        [],
        None,
    )
    assert audited(container) == 1


def test_a_posting_altered_with_its_trigger_switched_off_breaks_the_chain_and_raises_the_alarm(
    container, alice
):
    with container.session_factory() as session:  # what only the tables' owner could do
        session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # the fixtures' deferred checks, now
        session.execute(text("ALTER TABLE posting DISABLE TRIGGER posting_immutable"))
        session.execute(
            text(
                "UPDATE posting SET amount = amount + 1 WHERE id = "
                "(SELECT id FROM posting WHERE account_id = :w ORDER BY account_seq LIMIT 1)"
            ),
            {"w": alice.wallet["id"]},
        )
        session.execute(text("ALTER TABLE posting ENABLE TRIGGER posting_immutable"))
        session.commit()

    found = container.payments.check_integrity()
    assert not found.ok and found.chains.first_broken is not None
    assert found.trial_balance.totals["NAD"] != 0  # the books no longer sum to zero either
    (event,) = raised(container)
    assert event["unbalanced_currencies"] == ["NAD"]
    assert event["first_broken_link"]["account_id"] == alice.wallet["id"]
    assert event["first_broken_link"]["problem"] == "hash does not match the posting"
    assert audited(container) == 1


def test_the_job_runs_nightly_and_reports_what_it_checked(app, container, alice, settings):
    assert beat_schedule(container)["payments-integrity"] == {
        "task": "elcorp.payments.check_integrity",
        "schedule": 24 * 3600.0,
    }
    check_ledger_integrity = celery_init_app(app, settings).tasks["elcorp.payments.check_integrity"]
    with app.app_context():
        result = check_ledger_integrity.run()
    assert result["ok"] is True and result["postings_checked"] >= 2
