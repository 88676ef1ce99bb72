"""Concurrent commands on one service request, each in its own connection and transaction
(a database of its own, committed for real): the row lock makes them apply one after the
other, so a level needing one approver gets exactly one, and the losers get a 409."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from elcorp.governance.domain.service_requests import Assignee, Command
from elcorp.main import create_app
from elcorp.shared.domain.errors import DomainError
from support.committed import committed_container
from support.identity import grant_roles, signed_in

APPROVERS = 6


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_sr_conc", pool_size=APPROVERS + 4
    ) as container:
        yield container, create_app(container=container).test_client()


def test_concurrent_approvals_of_a_one_approver_level_record_exactly_one(committed):
    container, client = committed
    requester = signed_in(client)
    approvers = [signed_in(client) for _ in range(APPROVERS)]
    for approver in approvers:
        grant_roles(container, approver, "staff")
    service = container.service_requests
    opened = service.open(uuid.UUID(requester.id), category="general", title="Concurrent")
    request_id = opened.request.id
    service.command(uuid.UUID(requester.id), request_id, Command.SUBMIT)
    first = uuid.UUID(approvers[0].id)
    service.command(first, request_id, Command.ASSIGN, assignee=Assignee.user(first))

    def approve(approver) -> str:
        try:
            service.command(uuid.UUID(approver.id), request_id, Command.APPROVE)
            return "approved"
        except DomainError as error:
            return str(error.code)

    with ThreadPoolExecutor(APPROVERS) as pool:
        outcomes = list(pool.map(approve, approvers))

    assert outcomes.count("approved") == 1
    assert sorted(set(outcomes) - {"approved"}) == ["RES_005"]  # "cannot approve ... approved"
    with container.session_factory() as session:
        approvals = session.execute(
            text("SELECT count(*) FROM service_request_approval WHERE request_id = :r"), {"r": request_id}
        ).scalar()
        status = session.execute(
            text("SELECT status FROM service_request WHERE id = :r"), {"r": request_id}
        ).scalar()
        transitions = session.execute(
            text(
                "SELECT count(*) FROM service_request_transition "
                "WHERE request_id = :r AND to_status = 'approved'"
            ),
            {"r": request_id},
        ).scalar()
    assert (approvals, status, transitions) == (1, "approved", 1)
