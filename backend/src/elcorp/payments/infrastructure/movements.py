"""PostgreSQL adapter of the movements port: `payments_execute` in one round trip.

The function is the whole transaction. In production it runs on a pooled connection
switched to autocommit for that one statement, so the driver sends no `BEGIN` and no
`COMMIT` of its own: one round trip to PostgreSQL per movement (SQLAlchemy's session and
statement machinery cost more CPU than the statement; backend/benchmarks/transfers.py).
PostgreSQL runs the statement in an implicit transaction: the deferred balance check
fires, and everything commits or nothing does, when it ends.

Under the tests' per-test rollback the statement runs in the session's transaction
instead (`in_session`), which the session commits (to a savepoint) or rolls back.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg2
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from elcorp.payments.application.movement_requests import transaction_from_data
from elcorp.payments.application.ports import MovementAudit, MovementOutcome, MovementRequest
from elcorp.payments.infrastructure.ledger import refusal_of
from elcorp.shared.application.audit import AuditedAction
from elcorp.shared.domain.errors import ServiceUnavailable
from elcorp.shared.infrastructure.audit import ENTRY_COLUMNS, audit_row

EXECUTE = "SELECT payments_execute(%s::jsonb)"
Cursor = Any  # a DB-API cursor (psycopg2's)


@contextmanager
def autocommit(engine: Engine) -> Iterator[Cursor]:
    """A cursor on a pooled connection in autocommit mode, back in transaction mode (or
    discarded) before the pool sees it again: a unit of work never gets it in autocommit."""
    pooled = engine.raw_connection()
    connection: Any = pooled.dbapi_connection  # psycopg2's connection
    try:
        connection.autocommit = True
        cursor = connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
    except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
        if not connection.closed:
            raise
        # The connection is gone (server restarted, network cut): whether the statement
        # committed is unknown; a retry under the same Idempotency-Key finds out. The
        # pool's other connections are presumed gone too, as SQLAlchemy presumes.
        pooled.invalidate(exc)
        engine.dispose()
        raise ServiceUnavailable() from exc
    finally:
        try:
            if not connection.closed:
                connection.autocommit = False
        except psycopg2.Error as exc:
            pooled.invalidate(exc)
        pooled.close()


def in_session(sessions: Callable[[], Session]) -> Callable[[], AbstractContextManager[Cursor]]:
    @contextmanager
    def cursor() -> Iterator[Cursor]:
        with sessions() as session:
            raw = session.connection().connection.cursor()
            try:
                yield raw
            finally:
                raw.close()
            session.commit()

    return cursor


def within(session: Session) -> Callable[[], AbstractContextManager[Cursor]]:
    """A cursor in the caller's own transaction (a unit of work's session): the movement
    commits or rolls back with whatever else that transaction writes (an invoice paid by
    it). A refused movement aborts the transaction, so the unit of work rolls it all back."""

    @contextmanager
    def cursor() -> Iterator[Cursor]:
        raw = session.connection().connection.cursor()
        try:
            yield raw
        finally:
            raw.close()

    return cursor


def _entry(audit: AuditedAction) -> dict[str, Any]:
    row = audit_row(audit.action, audit.actor, audit.resource, audit.changes, audit.reason)
    return {column: row[column] for column in ENTRY_COLUMNS}


def payload(request: MovementRequest, audit: MovementAudit) -> dict[str, Any]:
    """The function's argument. The store tests some keys for presence (`reversal_of`,
    `destination_address`, `solo_limit`), so an absent value is an absent key."""
    values: dict[str, Any] = {
        "caller": request.caller,
        "idempotency_key": request.idempotency_key,
        "request_hash": request.request_hash,
        "idempotency_ttl_seconds": int(request.idempotency_ttl.total_seconds()),
        "type": request.kind.value,
        "status": request.status.value,
        "transaction_id": request.transaction_id,
        "journal_entry_id": request.journal_entry_id,
        "amount": request.amount,
        "fee": request.fee,
        "currency": request.currency,
        "source": request.source,
        "destination": request.destination,
        "destination_address": request.destination_address,
        "source_owner": request.source_owner,
        "description": request.description,
        "external_reference": request.external_reference,
        "invoice_payment": request.invoice_payment or None,
        "reversal_of": request.reversal_of,
        "fee_account": request.fee_account,
        "expires_at": request.expires_at,
        "solo_limit": request.solo_limit,
        "day_start": request.day_start,
        "held_expires_at": request.held_expires_at,
        "audit": _entry(audit.entry),
        "held_audit": None if audit.held is None else _entry(audit.held),
    }
    return {key: value for key, value in values.items() if value is not None}


class SqlMovements:
    def __init__(self, cursor: Callable[[], AbstractContextManager[Cursor]]) -> None:
        self._cursor = cursor

    def execute(self, request: MovementRequest, audit: MovementAudit) -> MovementOutcome:
        try:
            with self._cursor() as cursor:
                cursor.execute(EXECUTE, (json.dumps(payload(request, audit), default=str),))
                (answer,) = cursor.fetchone()
        except psycopg2.Error as exc:
            refusal = refusal_of(exc)
            if refusal is not None:
                raise refusal from exc
            if isinstance(exc, psycopg2.OperationalError):  # cancelled (timeout) or rolled back
                raise ServiceUnavailable() from exc
            raise
        replayed, status_code = bool(answer.get("replayed", False)), int(answer.get("status_code", 201))
        return MovementOutcome(transaction_from_data(answer), replayed, status_code)
