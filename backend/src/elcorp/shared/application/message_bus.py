"""In-process message bus: routes a domain event to the handlers subscribed to its type.

`subscribe(UserRegistered, mailer.on_user_registered)` is generic: the handler must accept
the event type it is subscribed to, so mypy rejects a handler of another event. Each
subscription has a subscriber name, stable across restarts, under which the outbox records
one delivery per (event, subscriber): a subscriber is retried and parked on its own, and
one that succeeded never runs again because another failed.

Handlers must be idempotent: the outbox delivers at least once to each subscriber, so a
handler may see the same event twice after a crash (deduplicate on `event.event_id` or on
natural keys).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar, cast

from elcorp.shared.domain.events import DomainEvent

E = TypeVar("E", bound=DomainEvent)
EventHandler = Callable[[DomainEvent], None]
logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Subscription:
    """One handler of one event type, known to the outbox by `name`."""

    event_type: type[DomainEvent]
    name: str
    handler: EventHandler


class UnknownSubscriber(LookupError):
    """A stored delivery names a subscriber this process does not have (renamed or removed)."""


def subscriber_name(handler: Callable[..., None]) -> str:
    """The default name of a handler: `<context>.<Class>.<method>` (or `<context>.<function>`).

    It leaves out the module path, so moving a handler between modules of its context keeps
    its pending deliveries; renaming it needs `subscribe(..., name=<old name>)` to keep them.
    A callable without a qualified name (a `functools.partial`) must be given a name.
    """
    qualname = getattr(handler, "__qualname__", None)
    module = getattr(handler, "__module__", None)
    if not qualname:
        raise ValueError(f"handler {handler!r} has no stable name: pass subscribe(..., name=...)")
    parts = (module or "").split(".")
    context = parts[1] if len(parts) > 1 and parts[0] == "elcorp" else (module or "builtins")
    return f"{context}.{qualname}"


class MessageBus:
    def __init__(self) -> None:
        self._subscriptions: dict[type[DomainEvent], list[Subscription]] = {}

    def subscribe(
        self, event_type: type[E], handler: Callable[[E], None], *, name: str | None = None
    ) -> None:
        """Run `handler` for every `event_type` event (and its subclasses) the outbox delivers.

        `name` defaults to `subscriber_name(handler)`; it must be unique among the handlers
        an event of this type reaches.
        """
        chosen = name or subscriber_name(handler)
        for subscription in self._all():
            related = issubclass(subscription.event_type, event_type) or issubclass(
                event_type, subscription.event_type
            )
            if related and subscription.name == chosen:
                raise ValueError(
                    f"subscriber {chosen!r} is already subscribed to {subscription.event_type.__name__}"
                )
        # The pairing was checked by the signature above; stored under the base type.
        stored = cast(EventHandler, handler)
        self._subscriptions.setdefault(event_type, []).append(Subscription(event_type, chosen, stored))

    def subscriptions_for(self, event_type: type[DomainEvent]) -> list[Subscription]:
        """The subscriptions an event of `event_type` reaches, most specific type first."""
        found: list[Subscription] = []
        for cls in event_type.__mro__:
            if isinstance(cls, type) and issubclass(cls, DomainEvent):
                found.extend(self._subscriptions.get(cls, ()))
        return found

    def subscriber(self, event_type: type[DomainEvent], name: str) -> EventHandler:
        """The handler called `name` for events of `event_type`; UnknownSubscriber if none."""
        for subscription in self.subscriptions_for(event_type):
            if subscription.name == name:
                return subscription.handler
        raise UnknownSubscriber(f"no subscriber {name!r} for {event_type.event_type}")

    def handle(self, event: DomainEvent) -> int:
        """Run every handler for `event` in order, in process (no outbox): an exception
        propagates. The outbox does not use this: it delivers to each subscriber apart."""
        count = 0
        for subscription in self.subscriptions_for(type(event)):
            subscription.handler(event)
            count += 1
        return count

    def _all(self) -> Iterator[Subscription]:
        for subscriptions in self._subscriptions.values():
            yield from subscriptions
