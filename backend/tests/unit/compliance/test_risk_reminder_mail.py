"""Who a risk review reminder goes to, without I/O (compliance/risks/application/risks_mail.py)."""

from __future__ import annotations

import uuid

from elcorp.compliance.risks.application.risks_mail import MANAGE, RiskReviewMailer
from elcorp.compliance.risks.domain.risks import RiskReviewDue

OWNER, MANAGER, GONE = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
ADDRESSES = {OWNER: "owner@elcorp.na", MANAGER: "ciso@elcorp.na"}


class Directory:
    def addresses(self, user_ids):
        return {u: ADDRESSES[u] for u in user_ids if u in ADDRESSES}


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


def mailer(asked: list[str]) -> tuple[RiskReviewMailer, Outbox]:
    outbox = Outbox()

    def managers(permission: str) -> frozenset[uuid.UUID]:
        asked.append(permission)
        return frozenset({MANAGER})

    return RiskReviewMailer(Directory(), outbox, "https://api.elcorp.na/", managers), outbox


def due(owner: uuid.UUID | None) -> RiskReviewDue:
    return RiskReviewDue(
        risk_id=uuid.uuid4(), title="Redis outage", owner_id=owner, review_date="2026-11-30", rating="medium"
    )


def test_the_owner_is_reminded():
    asked: list[str] = []
    send, outbox = mailer(asked)
    event = due(OWNER)

    send.on_review_due(event)

    ((to, subject, body),) = outbox.sent
    assert (to, subject) == ("owner@elcorp.na", "Risk review overdue: Redis outage")
    assert f"https://api.elcorp.na/api/v1/risks/{event.risk_id}" in body and "2026-11-30" in body
    assert asked == []


def test_an_unowned_risk_goes_to_the_risk_managers():
    asked: list[str] = []
    send, outbox = mailer(asked)

    send.on_review_due(due(None))

    assert [to for to, _, _ in outbox.sent] == ["ciso@elcorp.na"]
    assert asked == [MANAGE]


def test_an_owner_without_an_active_account_gets_nothing():
    # (Other events never reach the handler: the bus routes by the subscribed type.)
    send, outbox = mailer([])

    send.on_review_due(due(GONE))

    assert outbox.sent == []
