"""Outbox dispatcher: delivers committed events to each subscriber on its own, at least once.

Two steps, each in short transactions that do no I/O but SQL:

1. Fan-out. Due `outbox_message` rows are claimed `FOR UPDATE SKIP LOCKED`; for each, one
   `outbox_delivery` row per subscriber of the running code is written (the subscribers are
   the bus's, so the code that writes an event need not know who listens), and the message
   is marked dispatched. A message whose event type is not registered is retried with
   backoff and parked like a delivery.
2. Deliveries. A due delivery is leased (`locked_until`, `attempts + 1`) and the lease is
   committed; the handler then runs with no transaction of ours open and no row locked (a
   handler may talk to an SMTP server for seconds); its outcome is recorded in another
   short transaction. A failure is retried with exponential backoff and, after
   `max_attempts`, parked (`failed_at`) for an operator. Other subscribers of the same event
   are not affected: one that succeeded never runs again because another failed.

Delivery is at least once per subscriber: a dispatcher that dies mid-handler leaves its
lease, which runs out, and the delivery is run again (the crashed attempt counts, so a
handler that kills its process every time is parked in the end). A handler that outlives
its lease may run twice at once with the next claimer; its outcome is then ignored (the
row's `attempts` no longer matches its claim). Handlers are idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.clock import utc_now
from elcorp.shared.domain.events import event_class
from elcorp.shared.infrastructure.tables import outbox_delivery, outbox_message

logger = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=1)
DEFAULT_LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class DispatchResult:
    """Deliveries run in one call (`dispatched`, `retried`, `failed` = parked), plus the
    messages fanned out into deliveries."""

    dispatched: int = 0
    retried: int = 0
    failed: int = 0
    fanned_out: int = 0

    @property
    def claimed(self) -> int:
        return self.dispatched + self.retried + self.failed

    def __add__(self, other: DispatchResult) -> DispatchResult:
        return DispatchResult(
            self.dispatched + other.dispatched,
            self.retried + other.retried,
            self.failed + other.failed,
            self.fanned_out + other.fanned_out,
        )


@dataclass(frozen=True, slots=True)
class Delivery:
    """A leased delivery: the dispatcher that claimed it owns attempt `attempt` until `leased_until`."""

    message_id: int
    subscriber: str
    attempt: int
    leased_until: datetime
    event_type: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ParkedDelivery:
    """A delivery (or, with `subscriber` None, a message that could not be fanned out) that
    used up its attempts and waits for an operator."""

    message_id: int
    event_type: str
    subscriber: str | None
    attempts: int
    failed_at: datetime
    last_error: str | None


def retry_delay(attempts: int) -> timedelta:
    """1 s, 2 s, 4 s, ... capped at one hour."""
    exponent = min(max(attempts - 1, 0), 12)  # 2**12 s already exceeds the cap
    return min(timedelta(seconds=2**exponent), MAX_BACKOFF)


def _error_text(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _due_messages(now: datetime, limit: int) -> Select[Any]:
    """Messages not yet fanned out nor parked and due now, oldest first, claimed so that
    concurrent dispatchers each take others."""
    m = outbox_message
    return (
        select(m.c.id, m.c.event_type, m.c.attempts)
        .where(m.c.dispatched_at.is_(None), m.c.failed_at.is_(None), m.c.available_at <= now)
        .order_by(m.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


class OutboxDispatcher:
    def __init__(
        self,
        session_factory: Callable[[], Session],
        bus: MessageBus,
        *,
        max_attempts: int = 10,
        lease: timedelta = DEFAULT_LEASE,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self._session_factory = session_factory
        self._bus = bus
        self._max_attempts = max_attempts
        self._lease = lease
        self._clock = clock

    # -- the worker's loop ----------------------------------------------------------------------
    def dispatch_batch(self, limit: int = 100) -> DispatchResult:
        """Fan out up to `limit` due messages, then run up to `limit` due deliveries."""
        fanned_out, message_retried, message_parked = self.fan_out(limit)
        dispatched = retried = failed = 0
        for _ in range(limit):
            delivery = self.claim()
            if delivery is None:
                break
            outcome = self.deliver(delivery)
            if outcome == "delivered":
                dispatched += 1
            elif outcome == "parked":
                failed += 1
            else:
                retried += 1
        return DispatchResult(dispatched, retried + message_retried, failed + message_parked, fanned_out)

    def dispatch_pending(self, *, batch_size: int = 100, max_batches: int = 50) -> DispatchResult:
        """Drain due work batch by batch (bounded, so one job run cannot go on forever)."""
        total = DispatchResult()
        for _ in range(max_batches):
            result = self.dispatch_batch(batch_size)
            total = total + result
            if result.claimed < batch_size and result.fanned_out < batch_size:
                break
        return total

    # -- step 1: messages into deliveries ---------------------------------------------------------
    def fan_out(self, limit: int = 100) -> tuple[int, int, int]:
        """Write the deliveries of up to `limit` due messages: (fanned out, retried, parked)."""
        outcomes: list[str] = []
        now = self._clock()
        with self._session_factory() as session:
            for row in session.execute(_due_messages(now, limit)).all():
                outcome, values = self._fan_out_message(session, row, now)
                session.execute(update(outbox_message).where(outbox_message.c.id == row.id).values(**values))
                outcomes.append(outcome)
            session.commit()
        return outcomes.count("fanned"), outcomes.count("retried"), outcomes.count("parked")

    def _fan_out_message(self, session: Session, row: Any, now: datetime) -> tuple[str, dict[str, object]]:
        """One delivery row per subscriber of the message's event type, and the message's
        new state: dispatched; or, when the running code does not know its event type,
        retried later or parked."""
        attempts = row.attempts + 1
        try:
            cls = event_class(row.event_type)
        except KeyError as exc:
            return self._unreadable(row, attempts, _error_text(exc), now)
        names = [s.name for s in self._bus.subscriptions_for(cls)]
        if names:
            session.execute(
                insert(outbox_delivery)
                .values([{"message_id": row.id, "subscriber": n, "next_attempt_at": now} for n in names])
                .on_conflict_do_nothing()
            )
        return "fanned", {"attempts": attempts, "dispatched_at": now}

    def _unreadable(
        self, row: Any, attempts: int, error: str, now: datetime
    ) -> tuple[str, dict[str, object]]:
        """A message of an unregistered event type: retried with backoff, parked after
        `max_attempts` like a delivery."""
        values: dict[str, object] = {"attempts": attempts, "last_error": error}
        if attempts >= self._max_attempts:
            logger.error(
                "outbox.message_parked id=%s type=%s attempts=%s error=%s",
                row.id,
                row.event_type,
                attempts,
                error,
            )
            return "parked", {**values, "failed_at": now}
        logger.warning("outbox.message_unreadable id=%s type=%s", row.id, row.event_type)
        return "retried", {**values, "available_at": now + retry_delay(attempts)}

    # -- step 2: one delivery at a time -----------------------------------------------------------
    def claim(self) -> Delivery | None:
        """Lease the next due delivery (a short transaction, committed before any handler
        runs), or None when nothing is due."""
        now = self._clock()
        d = outbox_delivery.c
        with self._session_factory() as session:
            row = session.execute(
                select(d.message_id, d.subscriber)
                .where(
                    d.delivered_at.is_(None),
                    d.failed_at.is_(None),
                    d.next_attempt_at <= now,
                    or_(d.locked_until.is_(None), d.locked_until <= now),
                )
                .order_by(d.next_attempt_at, d.message_id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            leased_until = now + self._lease
            attempt: int = session.execute(
                update(outbox_delivery)
                .where(d.message_id == row.message_id, d.subscriber == row.subscriber)
                .values(attempts=d.attempts + 1, locked_until=leased_until)
                .returning(d.attempts)
            ).scalar_one()
            message = session.execute(
                select(outbox_message.c.event_type, outbox_message.c.payload).where(
                    outbox_message.c.id == row.message_id
                )
            ).one()
            session.commit()
        return Delivery(
            row.message_id, row.subscriber, attempt, leased_until, message.event_type, message.payload
        )

    def deliver(self, delivery: Delivery) -> str:
        """Run the leased delivery's handler and record the outcome: "delivered",
        "retried" or "parked"."""
        error: str | None = None
        try:
            cls = event_class(delivery.event_type)
            handler = self._bus.subscriber(cls, delivery.subscriber)
            handler(cls.from_payload(delivery.payload))
        except Exception as exc:  # noqa: BLE001 - any handler failure is retried, then parked
            error = _error_text(exc)
        return self._record(delivery, error)

    def _record(self, delivery: Delivery, error: str | None) -> str:
        now = self._clock()
        values: dict[str, object] = {"locked_until": None}
        if error is None:
            values["delivered_at"] = now
            outcome = "delivered"
        else:
            values["last_error"] = error
            if delivery.attempt >= self._max_attempts:
                values["failed_at"] = now
                outcome = "parked"
            else:
                values["next_attempt_at"] = now + retry_delay(delivery.attempt)
                outcome = "retried"
        d = outbox_delivery.c
        with self._session_factory() as session:
            # Only the claim that still owns the row records: after a lost lease another
            # dispatcher's attempt has bumped `attempts`, and its outcome is the one that counts.
            recorded = session.execute(
                update(outbox_delivery)
                .where(
                    d.message_id == delivery.message_id,
                    d.subscriber == delivery.subscriber,
                    d.attempts == delivery.attempt,
                    d.delivered_at.is_(None),
                )
                .values(**values)
                .returning(d.message_id)
            ).first()
            session.commit()
        context = (delivery.message_id, delivery.event_type, delivery.subscriber, delivery.attempt, error)
        if recorded is None:
            logger.warning("outbox.lease_lost id=%s type=%s subscriber=%s attempts=%s error=%s", *context)
        elif outcome == "parked":
            logger.error("outbox.delivery_parked id=%s type=%s subscriber=%s attempts=%s error=%s", *context)
        elif outcome == "retried":
            logger.warning("outbox.handler_failed id=%s type=%s subscriber=%s attempts=%s error=%s", *context)
        return outcome

    # -- operators --------------------------------------------------------------------------------
    def parked(self, limit: int = 100) -> list[ParkedDelivery]:
        """Parked deliveries and parked messages, most recent first."""
        d, m = outbox_delivery.c, outbox_message.c
        with self._session_factory() as session:
            deliveries = session.execute(
                select(d.message_id, m.event_type, d.subscriber, d.attempts, d.failed_at, d.last_error)
                .join(outbox_message, m.id == d.message_id)
                .where(d.failed_at.is_not(None))
                .order_by(d.failed_at.desc())
                .limit(limit)
            ).all()
            messages = session.execute(
                select(m.id, m.event_type, m.attempts, m.failed_at, m.last_error)
                .where(m.failed_at.is_not(None))
                .order_by(m.failed_at.desc())
                .limit(limit)
            ).all()
        found = [
            ParkedDelivery(
                row.message_id, row.event_type, row.subscriber, row.attempts, row.failed_at, row.last_error
            )
            for row in deliveries
        ] + [
            ParkedDelivery(row.id, row.event_type, None, row.attempts, row.failed_at, row.last_error)
            for row in messages
        ]
        return sorted(found, key=lambda p: p.failed_at, reverse=True)[:limit]

    def retry_parked(self, *, message_id: int | None = None, subscriber: str | None = None) -> int:
        """Put parked deliveries (and parked messages) back in the queue with a fresh set of
        attempts, all of them or those of one message and/or one subscriber. The last
        error stays until the next attempt overwrites it. Returns how many were requeued."""
        now = self._clock()
        d, m = outbox_delivery.c, outbox_message.c
        delivery_filter: list[ColumnElement[bool]] = [d.failed_at.is_not(None)]
        if message_id is not None:
            delivery_filter.append(d.message_id == message_id)
        if subscriber is not None:
            delivery_filter.append(d.subscriber == subscriber)
        with self._session_factory() as session:
            requeued = session.execute(
                update(outbox_delivery)
                .where(and_(*delivery_filter))
                .values(failed_at=None, attempts=0, next_attempt_at=now, locked_until=None)
                .returning(d.message_id)
            ).all()
            count = len(requeued)
            if subscriber is None:
                message_filter: list[ColumnElement[bool]] = [m.failed_at.is_not(None)]
                if message_id is not None:
                    message_filter.append(m.id == message_id)
                count += len(
                    session.execute(
                        update(outbox_message)
                        .where(and_(*message_filter))
                        .values(failed_at=None, attempts=0, available_at=now)
                        .returning(m.id)
                    ).all()
                )
            session.commit()
        return count
