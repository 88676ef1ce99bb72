"""The consent ledger's stores, fake and PostgreSQL, behave the same: one set of behaviour
tests runs against both (the fakes serve the unit tests of the use cases)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from elcorp.compliance.consent.application.consent_ports import NewConsentRecord
from elcorp.compliance.consent.application.notices import content_sha256
from elcorp.compliance.consent.domain.consent import Channel, ConsentAction, Purpose
from elcorp.compliance.consent.domain.notices import NoticeContent, Party
from elcorp.compliance.consent.infrastructure.consent_store import SqlConsentRecords
from elcorp.compliance.consent.infrastructure.notices_store import SqlNotices
from support.identity import register
from unit.compliance.consent_fakes import FakeConsentRecords, FakeNotices

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


class Stores:
    def __init__(self, notices, consents, subjects: list[uuid.UUID]) -> None:
        self.notices, self.consents, self.subjects = notices, consents, subjects


@pytest.fixture(params=["fake", "postgresql"])
def stores(request):
    if request.param == "fake":
        ticks = iter(T0 + timedelta(seconds=n) for n in range(1, 10_000))
        clock = lambda: next(ticks)  # noqa: E731
        yield Stores(FakeNotices(clock), FakeConsentRecords(clock), sorted(uuid.uuid4() for _ in range(3)))
        return
    client = request.getfixturevalue("client")
    container = request.getfixturevalue("container")
    subjects = sorted(uuid.UUID(register(client).id) for _ in range(3))
    with container.session_factory() as session:
        yield Stores(SqlNotices(session), SqlConsentRecords(session), subjects)
        session.rollback()


def new(
    stores, subject, purpose=Purpose.MARKETING, action=ConsentAction.GRANTED, **extra
) -> NewConsentRecord:
    return NewConsentRecord(
        id=uuid.uuid4(),
        subject_id=subject,
        purpose=purpose,
        notice_version=ensure_notice(stores),
        action=action,
        channel=Channel.WEB,
        actor_id=subject,
        **extra,
    )


def ensure_notice(stores) -> int:
    """The fake starts empty; the database has version 1 from the migration."""
    if stores.notices.current() is None:
        stores.notices.publish(first_content(stores), "0" * 64, None)
    return stores.notices.current().version


def first_content(stores) -> NoticeContent:
    party = Party("Elcorp", "Windhoek", "privacy@elcorp.na")
    return NoticeContent(
        "en", "t", party, ("x",), "you", ("y",), "mixed", "z", ("FIA",), ("banks",), "none", {}, party
    )


def test_records_come_back_oldest_first_with_the_time_given(stores):
    subject = stores.subjects[0]
    late = stores.consents.append(new(stores, subject, recorded_at=T0 + timedelta(days=2)))
    early = stores.consents.append(
        new(stores, subject, action=ConsentAction.WITHDRAWN, recorded_at=T0 + timedelta(days=1))
    )

    found = stores.consents.of_subject(subject, lock=True)

    assert [r.id for r in found] == [early.id, late.id]
    assert found[0].recorded_at == T0 + timedelta(days=1)
    assert stores.consents.record(late.id) == late
    assert stores.consents.record(uuid.uuid4()) is None


def test_a_source_event_adds_a_purpose_once(stores):
    event = uuid.uuid4()
    subject = stores.subjects[0]

    first = stores.consents.append(new(stores, subject, source_event_id=event))
    again = stores.consents.append(new(stores, subject, source_event_id=event))
    other = stores.consents.append(new(stores, subject, purpose=Purpose.ANALYTICS, source_event_id=event))

    assert first is not None and again is None and other is not None
    assert len(stores.consents.of_subject(subject)) == 2


def test_granted_now_lists_subjects_whose_latest_record_is_a_grant_in_id_order(stores):
    a, b, c = stores.subjects
    for subject in (a, b, c):
        stores.consents.append(new(stores, subject, recorded_at=T0))
    stores.consents.append(
        new(stores, b, action=ConsentAction.WITHDRAWN, recorded_at=T0 + timedelta(hours=1))
    )
    stores.consents.append(new(stores, c, purpose=Purpose.ANALYTICS, action=ConsentAction.WITHDRAWN))

    assert stores.consents.granted_now(Purpose.MARKETING, after=None, limit=10) == [a, c]
    assert stores.consents.granted_now(Purpose.MARKETING, after=a, limit=10) == [c]
    assert stores.consents.granted_now(Purpose.MARKETING, after=None, limit=1) == [a]
    assert stores.consents.granted_now(Purpose.ANALYTICS, after=None, limit=10) == []


def test_clearing_the_evidence_keeps_the_records(stores):
    subject = stores.subjects[0]
    stores.consents.append(new(stores, subject, ip="192.0.2.1", user_agent="app/1"))
    stores.consents.append(new(stores, subject, ip=None, user_agent=None))

    assert stores.consents.clear_evidence(subject) == 1
    assert stores.consents.clear_evidence(subject) == 0
    assert [(r.ip, r.user_agent) for r in stores.consents.of_subject(subject)] == [(None, None)] * 2


def test_publishing_makes_the_next_version_current_and_keeps_the_earlier(stores):
    ensure_notice(stores)
    before = stores.notices.current()
    content = first_content(stores)

    published = stores.notices.publish(content, content_sha256(content), None)

    assert published.version == before.version + 1
    assert stores.notices.current() == published
    assert stores.notices.version(before.version) == before
    assert [n.version for n in stores.notices.all()][:2] == [published.version, before.version]
    assert stores.notices.in_force_at(before.published_at) == before
    assert stores.notices.version(published.version + 1) is None
