"""The `incidents` report source: incidents opened in the period by type, priority, status
and source, and the breach notifications discovered in it with their times and whether
both were made within the target; the same data gives the same table."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from support.identity import staff_with_mfa
from support.incidents import INCIDENTS, act, breach_body, opened


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def rows_of(table, section: str) -> dict[str, tuple[str, ...]]:
    return {row[1]: row for row in table.rows if row[0] == section}


def test_the_report_counts_the_periods_incidents_and_lists_its_breaches(client, container, officer):
    now = datetime.now(UTC)
    start, end = now - timedelta(days=10), now + timedelta(days=1)
    p1 = opened(client, officer, type="security", impact=1, urgency=1)
    opened(client, officer, type="privacy", impact=3, urgency=3)
    act(client, officer, p1["id"], "acknowledge")
    old = opened(client, officer, type="aml")
    with container.session_factory() as session:  # opened before the period
        session.execute(
            text("UPDATE incident SET opened_at = now() - interval '40 days' WHERE id = :id"),
            {"id": old["id"]},
        )
        session.commit()
    discovered = now - timedelta(days=5)
    body = breach_body(
        discovered_at=z(discovered),
        regulator_notified_at=z(discovered + timedelta(hours=80)),
        regulator_reference="IR-9",
        subjects_notified_at=z(discovered + timedelta(hours=10)),
        channel="email",
    )
    assert (
        client.post(
            f"{INCIDENTS}/{p1['id']}/breach-notification", headers=officer.auth, json=body
        ).status_code
        == 201
    )

    report = container.incidents_report
    table = report.table(start, end)

    assert report.report_type == "incidents"
    assert table.columns[0] == "section" and all(len(r) == len(table.columns) for r in table.rows)
    by_type = rows_of(table, "by_type")
    assert (by_type["security"][2], by_type["privacy"][2], by_type["aml"][2]) == ("1", "1", "0")
    assert rows_of(table, "by_priority")["P1"][2] == "1" and rows_of(table, "by_priority")["P5"][2] == "1"
    assert rows_of(table, "by_status")["acknowledged"][2] == "1"
    assert rows_of(table, "by_source")["manual"][2] == "2"
    (breach,) = rows_of(table, "breach").values()
    assert breach[1] == p1["id"]
    assert breach[6] == "no"  # the Regulator heard after 80 hours: later than the 72-hour target
    assert breach[4].startswith(z(discovered + timedelta(hours=80))[:16])
    assert any("as soon as reasonably possible" in n for n in table.notes)
    assert report.table(start, end) == table  # reproducible


def test_a_breach_still_missing_a_notification_reads_not_notified(client, container, officer):
    now = datetime.now(UTC)
    iid = opened(client, officer)["id"]
    client.post(
        f"{INCIDENTS}/{iid}/breach-notification", headers=officer.auth, json=breach_body(discovered_at=z(now))
    )

    table = container.incidents_report.table(now - timedelta(days=1), now + timedelta(days=1))

    (breach,) = rows_of(table, "breach").values()
    assert breach[6] == "not notified" and breach[4] == "" and breach[5] == ""
