"""Concurrent actions on data-subject requests, each in its own connection and committed
for real: a subject filing the same request from many devices at once gets one open
request, and two staff members completing one request at once complete it once."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from elcorp.compliance.privacy.domain.privacy_requests import RequestType, VerificationMethod
from elcorp.compliance.wiring import build_privacy_requests
from elcorp.main import create_app
from elcorp.shared.domain.errors import DomainError
from support.committed import committed_container
from support.identity import register
from support.privacy_requests import RecordingErasure, RecordingOptOut

THREADS = 8


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_dsr", pool_size=THREADS + 2
    ) as container:
        yield container


def all_at_once(count, action):
    start = threading.Barrier(count)

    def run(i):
        start.wait()
        try:
            return action(i)
        except DomainError as exc:
            return str(exc.code)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def test_filing_one_request_from_many_devices_at_once_opens_one(committed):
    subject = uuid.UUID(register(create_app(container=committed).test_client()).id)
    service = committed.privacy_requests

    results = all_at_once(
        THREADS, lambda _: service.submit(subject, RequestType.ACCESS, details=None, correction=None).id
    )

    created = [r for r in results if isinstance(r, uuid.UUID)]
    assert len(created) == 1
    assert sorted(r for r in results if not isinstance(r, uuid.UUID)) == ["DSR_007"] * (THREADS - 1)
    with committed.session_factory() as session:
        assert (
            session.execute(
                text("SELECT count(*) FROM privacy_request WHERE subject_id = :s"), {"s": subject}
            ).scalar_one()
            == 1
        )


def test_two_staff_completing_one_erasure_at_once_close_it_once(committed):
    subject = uuid.UUID(register(create_app(container=committed).test_client()).id)
    erasure = RecordingErasure()
    service = build_privacy_requests(committed.compliance_module, erasure=erasure, opt_out=RecordingOptOut())
    request = service.submit(subject, RequestType.ERASURE, details=None, correction=None)
    staff = [uuid.uuid4(), uuid.uuid4()]
    service.verify(staff[0], request.id, VerificationMethod.IN_PERSON, True, None)
    service.start(staff[0], request.id)

    results = all_at_once(2, lambda i: service.complete(staff[i], request.id, None).status.value)

    assert sorted(results) == ["DSR_001", "completed"]
    with committed.session_factory() as session:
        completions = session.execute(
            text(
                "SELECT count(*) FROM audit_log"
                " WHERE action = 'privacy_request.completed' AND resource_id = :r"
            ),
            {"r": str(request.id)},
        ).scalar_one()
    assert completions == 1
    assert 1 <= len(erasure.calls) <= 2  # the erasure itself is idempotent: a second run finds nothing
