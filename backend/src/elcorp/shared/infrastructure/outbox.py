"""Outbox dispatcher: delivers committed events to the message bus, at least once.

Rows are claimed with `FOR UPDATE SKIP LOCKED`, so several dispatchers can run side by side
without delivering one row twice concurrently. A handler failure is retried with exponential
backoff; after `max_attempts` the row is parked (`failed_at`) and logged for an operator.
A crash between a handler's commit and the row's `dispatched_at` means one redelivery:
handlers are idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.clock import utc_now
from elcorp.shared.domain.events import event_class
from elcorp.shared.infrastructure.tables import outbox_message

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class DispatchResult:
    dispatched: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def claimed(self) -> int:
        return self.dispatched + self.retried + self.failed


def retry_delay(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s, ... capped at one hour."""
    exponent = min(max(attempts - 1, 0), 12)  # 2**12 s already exceeds the cap
    return min(timedelta(seconds=2**exponent), MAX_BACKOFF)


class OutboxDispatcher:
    def __init__(
        self, session_factory: Callable[[], Session], bus: MessageBus, *, max_attempts: int = 10
    ) -> None:
        self._session_factory = session_factory
        self._bus = bus
        self._max_attempts = max_attempts

    def dispatch_batch(self, limit: int = 100) -> DispatchResult:
        """Claim up to `limit` due rows, hand each to the bus, record the outcome."""
        dispatched = retried = failed = 0
        session = self._session_factory()
        try:
            rows = session.execute(
                select(
                    outbox_message.c.id,
                    outbox_message.c.event_type,
                    outbox_message.c.payload,
                    outbox_message.c.attempts,
                )
                .where(
                    outbox_message.c.dispatched_at.is_(None),
                    outbox_message.c.failed_at.is_(None),
                    outbox_message.c.available_at <= func.now(),
                )
                .order_by(outbox_message.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                attempts = row.attempts + 1
                values: dict[str, object] = {"attempts": attempts}
                try:
                    event = event_class(row.event_type).from_payload(row.payload)
                    self._bus.handle(event)
                except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then parked
                    values["last_error"] = f"{type(exc).__name__}: {exc}"[:2000]
                    if attempts >= self._max_attempts:
                        values["failed_at"] = utc_now()
                        failed += 1
                        logger.error(
                            "outbox.message_parked id=%s type=%s attempts=%s error=%s",
                            row.id,
                            row.event_type,
                            attempts,
                            values["last_error"],
                        )
                    else:
                        values["available_at"] = utc_now() + retry_delay(attempts)
                        retried += 1
                        logger.warning(
                            "outbox.handler_failed id=%s type=%s attempts=%s error=%s",
                            row.id,
                            row.event_type,
                            attempts,
                            values["last_error"],
                        )
                else:
                    values["dispatched_at"] = utc_now()
                    dispatched += 1
                session.execute(update(outbox_message).where(outbox_message.c.id == row.id).values(**values))
            session.commit()
        finally:
            session.close()
        return DispatchResult(dispatched, retried, failed)

    def dispatch_pending(self, *, batch_size: int = 100, max_batches: int = 50) -> DispatchResult:
        """Drain due rows batch by batch (bounded, so one job run cannot go on forever)."""
        total = DispatchResult()
        for _ in range(max_batches):
            result = self.dispatch_batch(batch_size)
            total = DispatchResult(
                total.dispatched + result.dispatched,
                total.retried + result.retried,
                total.failed + result.failed,
            )
            if result.claimed < batch_size:
                break
        return total
