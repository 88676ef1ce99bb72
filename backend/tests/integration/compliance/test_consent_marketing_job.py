"""A job that depends on consent: the weekly marketing digest mails only subjects whose
marketing consent stands when it runs; a withdrawal is honoured by the next run."""

from __future__ import annotations

import uuid

from celery.schedules import crontab
from sqlalchemy import text

from elcorp.compliance.consent.domain.consent import Purpose
from elcorp.jobs.factory import celery_init_app
from elcorp.jobs.schedule import beat_schedule
from support.audit import audit_entries
from support.identity import signed_in
from support.mail import mails


def set_marketing(client, user, granted: bool) -> None:
    response = client.post(
        "/api/v1/me/consents", headers=user.auth, json={"purpose": "marketing", "granted": granted}
    )
    assert response.status_code in (200, 201), response.get_json()


def test_withdrawal_is_honoured_by_the_next_run_of_the_marketing_job(app, client, container, settings):
    send_marketing_digest = celery_init_app(app, settings).tasks["elcorp.compliance.send_marketing_digest"]
    subscriber, never_asked = signed_in(client), signed_in(client)
    set_marketing(client, subscriber, True)

    with app.app_context():
        first = send_marketing_digest.run()
    assert len(mails(settings, subscriber.email)) == 1
    assert mails(settings, never_asked.email) == []
    assert first == {"mailed": 1, "consenting": 1}

    set_marketing(client, subscriber, False)
    with app.app_context():
        second = send_marketing_digest.run()

    assert len(mails(settings, subscriber.email)) == 1  # nothing new after the withdrawal
    assert second == {"mailed": 0, "consenting": 0}
    (message,) = mails(settings, subscriber.email)
    assert "withdraw your marketing consent" in message.get_content()  # POPIA s69(4)(b) opt-out
    runs = audit_entries(container, "privacy.marketing_digest_sent")
    assert [r["actor_id"] for r in runs] == ["system", "system"]


def test_a_regrant_after_a_withdrawal_is_mailed_again_and_inactive_accounts_never(
    client, container, settings
):
    comeback, deleted = signed_in(client), signed_in(client)
    for user in (comeback, deleted):
        set_marketing(client, user, True)
    set_marketing(client, comeback, False)
    set_marketing(client, comeback, True)
    with container.session_factory() as session:
        session.execute(
            text("UPDATE user_account SET status = 'deleted', deleted_at = now() WHERE id = :id"),
            {"id": deleted.id},
        )
        session.commit()

    run = container.marketing_digest.send()

    assert len(mails(settings, comeback.email)) == 1
    assert mails(settings, deleted.email) == []
    assert (run.consenting, run.mailed) == (2, 1)


def test_the_ledger_lists_only_subjects_whose_latest_marketing_record_is_a_grant(client, container):
    yes, no = signed_in(client), signed_in(client)
    set_marketing(client, yes, True)
    set_marketing(client, no, True)
    set_marketing(client, no, False)

    granted = {s for batch in container.consents.granted_subjects(Purpose.MARKETING, batch=1) for s in batch}

    assert uuid.UUID(yes.id) in granted and uuid.UUID(no.id) not in granted


def test_the_marketing_digest_is_scheduled_weekly(container):
    entry = beat_schedule(container)["compliance-marketing-digest"]

    assert entry["task"] == "elcorp.compliance.send_marketing_digest"
    assert entry["schedule"] == crontab(minute=0, hour=7, day_of_week="tue")  # 09:00 in Windhoek
