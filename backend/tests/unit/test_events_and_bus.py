import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.events import DomainEvent, event_class


@dataclass(frozen=True, kw_only=True)
class SampleDeposited(DomainEvent):
    event_type = "tests.SampleDeposited"
    account_id: uuid.UUID
    amount: Decimal
    booked_at: datetime
    note: str | None = None


def test_event_payload_round_trips_through_json_types():
    event = SampleDeposited(account_id=uuid.uuid4(), amount=Decimal("12.50"), booked_at=datetime.now(UTC))
    payload = event.to_payload()
    assert payload["amount"] == "12.50"
    assert isinstance(payload["account_id"], str)
    restored = event_class("tests.SampleDeposited").from_payload(payload)
    assert restored == event


def test_event_types_are_unique():
    with pytest.raises(TypeError):

        @dataclass(frozen=True, kw_only=True)
        class Clash(DomainEvent):
            event_type = "tests.SampleDeposited"


def test_bus_calls_every_subscribed_handler_in_order():
    bus = MessageBus()
    seen: list[str] = []
    bus.subscribe(SampleDeposited, lambda e: seen.append("first"))
    bus.subscribe(SampleDeposited, lambda e: seen.append("second"))
    event = SampleDeposited(account_id=uuid.uuid4(), amount=Decimal(1), booked_at=datetime.now(UTC))
    assert bus.handle(event) == 2
    assert seen == ["first", "second"]


def test_bus_propagates_handler_failures_so_the_outbox_can_retry():
    bus = MessageBus()

    def broken(event: DomainEvent) -> None:
        raise RuntimeError("boom")

    bus.subscribe(SampleDeposited, broken)
    with pytest.raises(RuntimeError):
        bus.handle(SampleDeposited(account_id=uuid.uuid4(), amount=Decimal(1), booked_at=datetime.now(UTC)))
