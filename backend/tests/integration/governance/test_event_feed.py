"""GET /me/events: each user's own events, from the outbox, newest first, cursor-paginated."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from elcorp.governance.domain.service_requests import ServiceRequestCompleted
from elcorp.identity.domain.events import SecurityNotice, UserDeleted
from elcorp.payments.domain.vehicle_ownership import VehicleTransferOffered
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from support.identity import signed_in

EVENTS = "/api/v1/me/events"


def publish(container, *events) -> None:
    """Commit the events to the outbox, as a use case would, and dispatch them."""
    with SqlAlchemyUnitOfWork(container.session_factory) as uow:
        for event in events:
            uow.publish(event)
        uow.commit()
    container.outbox.dispatch_pending()


def feed(client, user, **params):
    response = client.get(EVENTS, headers=user.auth, query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_an_event_is_in_the_feed_of_the_users_it_concerns_only(client, container):
    seller, buyer, stranger = signed_in(client), signed_in(client), signed_in(client)
    offer = VehicleTransferOffered(
        vehicle_id=uuid.uuid4(),
        transfer_id=uuid.uuid4(),
        from_owner_id=uuid.UUID(seller.id),
        to_user_id=uuid.UUID(buyer.id),
    )
    publish(container, offer)

    for user in (seller, buyer):
        (entry,) = feed(client, user)["data"]
        assert entry == {
            "id": str(offer.event_id),
            "type": "vehicle.transfer_offered",
            "occurred_at": entry["occurred_at"],
            "data": {"vehicle_id": str(offer.vehicle_id), "transfer_id": str(offer.transfer_id)},
        }
        assert entry["occurred_at"].endswith("Z")
        assert seller.id not in str(entry) and buyer.id not in str(entry)  # no user ids at all
    assert feed(client, stranger)["data"] == []


def test_a_redelivered_event_adds_nothing(client, container):
    user = signed_in(client)
    notice = SecurityNotice(user_id=uuid.UUID(user.id), kind="password_changed")
    publish(container, notice)
    container.governance_module.event_feed.on_event(notice)  # the outbox delivers at least once
    assert [e["id"] for e in feed(client, user)["data"]] == [str(notice.event_id)]


def test_the_feed_pages_newest_first_with_a_cursor(client, container):
    user = signed_in(client)
    start = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
    events = [
        ServiceRequestCompleted(
            request_id=uuid.uuid4(),
            requester_id=uuid.UUID(user.id),
            completed_by=uuid.uuid4(),
            occurred_at=start + timedelta(minutes=i),
        )
        for i in range(5)
    ]
    publish(container, *events)
    expected = [str(e.event_id) for e in reversed(events)]

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = feed(client, user, **params)
        pages += 1
        seen += [e["id"] for e in body["data"]]
        assert body["meta"]["limit"] == 2
        assert body["meta"]["has_more"] is (body["meta"]["next_cursor"] is not None)
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert (seen, pages) == (expected, 3)


def test_the_feed_needs_a_token_and_refuses_unknown_parameters(client):
    assert client.get(EVENTS).status_code == 401
    user = signed_in(client)
    response = client.get(EVENTS, headers=user.auth, query_string={"colour": "red"})
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "colour"
    bad = client.get(EVENTS, headers=user.auth, query_string={"cursor": "not-a-cursor"})
    assert bad.status_code == 422


def test_a_deleted_account_s_feed_is_removed(client, container, session_factory):
    user = signed_in(client)
    publish(container, SecurityNotice(user_id=uuid.UUID(user.id), kind="password_changed"))
    publish(container, UserDeleted(user_id=uuid.UUID(user.id)))
    with session_factory() as session:
        left = session.execute(
            text("SELECT count(*) FROM event_feed_entry WHERE user_id = :u"), {"u": user.id}
        ).scalar_one()
    assert left == 0
