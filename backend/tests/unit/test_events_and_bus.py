import functools
import importlib
import pkgutil
import textwrap
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

import elcorp
from elcorp.compliance.event_types import EVENT_TYPES as COMPLIANCE_EVENTS
from elcorp.governance.application.event_types import EVENT_TYPES as GOVERNANCE_EVENTS
from elcorp.identity.application.event_types import EVENT_TYPES as IDENTITY_EVENTS
from elcorp.payments.application.event_types import EVENT_TYPES as PAYMENTS_EVENTS
from elcorp.shared.application.message_bus import MessageBus, UnknownSubscriber, subscriber_name
from elcorp.shared.domain.events import DomainEvent, event_class, register_event_types


@dataclass(frozen=True, kw_only=True)
class SampleDeposited(DomainEvent):
    event_type = "tests.SampleDeposited"
    account_id: uuid.UUID
    amount: Decimal
    booked_at: datetime
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class SampleWithdrawn(DomainEvent):
    event_type = "tests.SampleWithdrawn"
    account_id: uuid.UUID


register_event_types([SampleDeposited, SampleWithdrawn])


def deposited() -> SampleDeposited:
    return SampleDeposited(account_id=uuid.uuid4(), amount=Decimal(1), booked_at=datetime.now(UTC))


class Ledger:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def on_deposited(self, event: SampleDeposited) -> None:
        self.seen.append(f"deposited {event.amount}")

    def on_withdrawn(self, event: SampleWithdrawn) -> None:
        self.seen.append("withdrawn")


def test_event_payload_round_trips_through_json_types():
    event = SampleDeposited(account_id=uuid.uuid4(), amount=Decimal("12.50"), booked_at=datetime.now(UTC))
    payload = event.to_payload()
    assert payload["amount"] == "12.50"
    assert isinstance(payload["account_id"], str)
    restored = event_class("tests.SampleDeposited").from_payload(payload)
    assert restored == event


def test_a_second_class_under_a_registered_name_is_refused():
    @dataclass(frozen=True, kw_only=True)
    class Clash(DomainEvent):
        event_type = "tests.SampleDeposited"

    with pytest.raises(TypeError):
        register_event_types([Clash])
    assert event_class("tests.SampleDeposited") is SampleDeposited
    register_event_types([SampleDeposited])  # the same class again is harmless


def test_defining_an_event_class_registers_nothing():
    @dataclass(frozen=True, kw_only=True)
    class NeverListed(DomainEvent):
        event_type = "tests.NeverListed"

    with pytest.raises(KeyError, match="EVENT_TYPES"):
        event_class("tests.NeverListed")


def _elcorp_event_classes() -> set[type[DomainEvent]]:
    root = Path(elcorp.__file__).parent
    for info in pkgutil.walk_packages([str(root)], prefix="elcorp."):
        if ".domain" in info.name or ".application" in info.name:
            importlib.import_module(info.name)
    found: set[type[DomainEvent]] = set()
    stack = list(DomainEvent.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("elcorp."):
            found.add(cls)
    return found


def test_every_event_class_of_the_contexts_is_listed_in_its_context_event_types():
    listed = {*IDENTITY_EVENTS, *PAYMENTS_EVENTS, *GOVERNANCE_EVENTS, *COMPLIANCE_EVENTS}
    assert _elcorp_event_classes() - listed == set()
    for context, types in (
        ("identity", IDENTITY_EVENTS),
        ("payments", PAYMENTS_EVENTS),
        ("governance", GOVERNANCE_EVENTS),
        ("compliance", COMPLIANCE_EVENTS),
    ):
        assert {cls.event_type.split(".")[0] for cls in types} == {context}


def test_bus_calls_every_subscribed_handler_in_order():
    bus = MessageBus()
    seen: list[str] = []
    bus.subscribe(SampleDeposited, lambda e: seen.append("first"), name="tests.first")
    bus.subscribe(SampleDeposited, lambda e: seen.append("second"), name="tests.second")
    assert bus.handle(deposited()) == 2
    assert seen == ["first", "second"]


def test_a_handler_hears_only_the_event_type_it_is_subscribed_to():
    bus, ledger = MessageBus(), Ledger()
    bus.subscribe(SampleDeposited, ledger.on_deposited)
    bus.subscribe(SampleWithdrawn, ledger.on_withdrawn)
    bus.handle(SampleWithdrawn(account_id=uuid.uuid4()))
    assert ledger.seen == ["withdrawn"]
    assert [s.name for s in bus.subscriptions_for(SampleDeposited)] == [f"{__name__}.Ledger.on_deposited"]


def test_bus_propagates_handler_failures_so_the_outbox_can_retry():
    bus = MessageBus()

    def broken(event: SampleDeposited) -> None:
        raise RuntimeError("boom")

    bus.subscribe(SampleDeposited, broken)
    with pytest.raises(RuntimeError):
        bus.handle(deposited())


def test_subscriber_names_are_stable_and_leave_out_the_module_path():
    from elcorp.identity.application.notifications import IdentityMailer

    assert subscriber_name(IdentityMailer.on_user_registered) == "identity.IdentityMailer.on_user_registered"
    assert subscriber_name(Ledger().on_deposited) == subscriber_name(Ledger().on_deposited)


def test_a_subscriber_is_found_by_event_type_and_name_and_an_unknown_name_is_an_error():
    bus, ledger = MessageBus(), Ledger()
    bus.subscribe(SampleDeposited, ledger.on_deposited, name="tests.ledger")
    bus.subscriber(SampleDeposited, "tests.ledger")(deposited())
    assert ledger.seen == ["deposited 1"]
    with pytest.raises(UnknownSubscriber):
        bus.subscriber(SampleDeposited, "tests.renamed")
    with pytest.raises(UnknownSubscriber):
        bus.subscriber(SampleWithdrawn, "tests.ledger")


def test_one_name_twice_for_one_event_type_is_refused_and_nameless_handlers_need_a_name():
    bus, ledger = MessageBus(), Ledger()
    bus.subscribe(SampleDeposited, ledger.on_deposited)
    with pytest.raises(ValueError, match="already subscribed"):
        bus.subscribe(SampleDeposited, Ledger().on_deposited)
    bus.subscribe(
        SampleWithdrawn, ledger.on_withdrawn, name=subscriber_name(ledger.on_deposited)
    )  # other type
    with pytest.raises(ValueError, match="no stable name"):
        bus.subscribe(SampleDeposited, functools.partial(Ledger.on_deposited, ledger))


def test_mypy_refuses_a_handler_of_another_event_type(tmp_path, monkeypatch):
    from mypy import api

    monkeypatch.setenv("MYPYPATH", str(Path(elcorp.__file__).parent.parent))

    source = tmp_path / "wiring.py"
    source.write_text(
        textwrap.dedent(
            """
            from elcorp.identity.domain.events import AccountLocked, UserRegistered
            from elcorp.shared.application.message_bus import MessageBus

            def on_locked(event: AccountLocked) -> None: ...
            def on_registered(event: UserRegistered) -> None: ...

            bus = MessageBus()
            bus.subscribe(UserRegistered, on_registered)
            bus.subscribe(UserRegistered, on_locked)
            """
        )
    )
    out, _, status = api.run(
        ["--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"), str(source)]
    )
    assert status == 1
    [error] = [line for line in out.splitlines() if ": error:" in line]
    assert "wiring.py:10:" in error and '"Callable[[AccountLocked], None]"' in error
