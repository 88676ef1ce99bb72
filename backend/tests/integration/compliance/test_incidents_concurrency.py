"""Alarms delivered at the same moment by several workers, each in its own connection and
committed for real: one automatic incident per alarm key, every other alarm a timeline
note on it."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from elcorp.compliance.domain.events import AuditVerificationFailed
from support.committed import committed_container

THREADS = 6


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_inc", pool_size=THREADS + 2
    ) as container:
        yield container


def test_simultaneous_alarms_of_one_key_open_one_incident_and_note_the_rest(committed):
    events = [AuditVerificationFailed(first_bad_seq=i, reason="hash mismatch") for i in range(THREADS)]
    start = threading.Barrier(THREADS)

    def deliver(event):
        start.wait()
        committed.incident_alarms.on_audit_verification_failed(event)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(deliver, events))

    with committed.session_factory() as session:
        incidents = (
            session.execute(text("SELECT id FROM incident WHERE alarm_key = 'audit_verification'"))
            .scalars()
            .all()
        )
        kinds = session.execute(text("SELECT kind FROM incident_timeline ORDER BY seq")).scalars().all()
        recorded = set(
            session.execute(
                text("SELECT event_id FROM incident_timeline WHERE event_id IS NOT NULL")
            ).scalars()
        )
    assert len(incidents) == 1
    assert sorted(kinds) == ["alarm"] * (THREADS - 1) + ["opened"]
    assert recorded == {e.event_id for e in events}
    assert all(isinstance(i, uuid.UUID) for i in incidents)
