"""In-process message bus: routes a domain event to the handlers subscribed to its type.

Handlers must be idempotent: the outbox delivers at least once, so a handler may see the
same event twice after a crash (deduplicate on `event.event_id` or on natural keys).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable

from elcorp.shared.domain.events import DomainEvent

EventHandler = Callable[[DomainEvent], None]
logger = logging.getLogger(__name__)


class MessageBus:
    def __init__(self) -> None:
        self._handlers: dict[type[DomainEvent], list[EventHandler]] = defaultdict(list)

    def subscribe(self, event_type: type[DomainEvent], handler: EventHandler) -> None:
        self._handlers[event_type].append(handler)

    def handlers_for(self, event: DomainEvent) -> Iterable[EventHandler]:
        for cls in type(event).__mro__:
            if isinstance(cls, type) and issubclass(cls, DomainEvent):
                yield from self._handlers.get(cls, ())

    def handle(self, event: DomainEvent) -> int:
        """Run every handler for `event` in order; an exception propagates (the outbox retries)."""
        count = 0
        for handler in self.handlers_for(event):
            handler(event)
            count += 1
        return count
