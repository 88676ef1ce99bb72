"""Webhook endpoints and deliveries in PostgreSQL, and the unit of work around them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Self

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from elcorp.governance.application.webhooks import DueDelivery
from elcorp.governance.domain.webhooks import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from elcorp.governance.infrastructure.tables import (
    organization,
    organization_member,
    webhook_delivery,
    webhook_endpoint,
)
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

_E, _D = webhook_endpoint.c, webhook_delivery.c
_ENDPOINT_COLUMNS = (
    _E.id,
    _E.organization_id,
    _E.url,
    _E.description,
    _E.event_types,
    _E.created_at,
    _E.created_by,
)
_DELIVERY_STATE = (
    "status",
    "attempts",
    "next_attempt_at",
    "last_attempt_at",
    "last_status_code",
    "last_error",
    "response_excerpt",
    "delivered_at",
)


def _endpoint(row: Any) -> WebhookEndpoint:
    return WebhookEndpoint(
        id=row.id,
        organization_id=row.organization_id,
        url=row.url,
        description=row.description,
        event_types=tuple(row.event_types or ()),
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _delivery(row: Any) -> WebhookDelivery:
    return WebhookDelivery(
        id=row.id,
        endpoint_id=row.endpoint_id,
        event_id=row.event_id,
        event_type=row.event_type,
        body=row.body,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_attempt_at=row.last_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        response_excerpt=row.response_excerpt,
        delivered_at=row.delivered_at,
        created_at=row.created_at,
    )


def _state(delivery: WebhookDelivery) -> dict[str, Any]:
    values = {name: getattr(delivery, name) for name in _DELIVERY_STATE}
    values["status"] = delivery.status.value
    return values


class SqlWebhookStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def organization_exists(self, organization_id: uuid.UUID) -> bool:
        found = self._session.execute(select(organization.c.id).where(organization.c.id == organization_id))
        return found.first() is not None

    def organization_of(self, user_id: uuid.UUID) -> uuid.UUID | None:
        m = organization_member.c
        found: uuid.UUID | None = self._session.execute(
            select(m.organization_id).where(m.user_id == user_id)
        ).scalar_one_or_none()
        return found

    def lock_organization(self, organization_id: uuid.UUID) -> None:
        self._session.execute(
            select(organization.c.id).where(organization.c.id == organization_id).with_for_update()
        )

    def count_endpoints(self, organization_id: uuid.UUID) -> int:
        return int(
            self._session.execute(
                select(func.count())
                .select_from(webhook_endpoint)
                .where(_E.organization_id == organization_id)
            ).scalar_one()
        )

    def add_endpoint(self, endpoint: WebhookEndpoint, secret_encrypted: str) -> None:
        self._session.execute(
            insert(webhook_endpoint).values(
                id=endpoint.id,
                organization_id=endpoint.organization_id,
                url=endpoint.url,
                description=endpoint.description,
                event_types=list(endpoint.event_types),
                signing_key_encrypted=secret_encrypted,
                created_at=endpoint.created_at,
                created_by=endpoint.created_by,
            )
        )

    def endpoints(self, organization_id: uuid.UUID) -> list[WebhookEndpoint]:
        rows = self._session.execute(
            select(*_ENDPOINT_COLUMNS)
            .where(_E.organization_id == organization_id)
            .order_by(_E.created_at, _E.id)
        ).all()
        return [_endpoint(r) for r in rows]

    def endpoint(self, organization_id: uuid.UUID, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
        row = self._session.execute(
            select(*_ENDPOINT_COLUMNS).where(_E.organization_id == organization_id, _E.id == endpoint_id)
        ).first()
        return None if row is None else _endpoint(row)

    def delete_endpoint(self, endpoint_id: uuid.UUID) -> None:
        self._session.execute(delete(webhook_endpoint).where(_E.id == endpoint_id))

    def deliveries(self, endpoint_id: uuid.UUID, page: PageRequest) -> tuple[list[WebhookDelivery], int]:
        total = self._session.execute(
            select(func.count()).select_from(webhook_delivery).where(_D.endpoint_id == endpoint_id)
        ).scalar_one()
        rows = self._session.execute(
            select(webhook_delivery)
            .where(_D.endpoint_id == endpoint_id)
            .order_by(_D.created_at.desc(), _D.id.desc())
            .offset(page.offset)
            .limit(page.per_page)
        ).all()
        return [_delivery(r) for r in rows], int(total)

    def delivery(
        self, endpoint_id: uuid.UUID, delivery_id: uuid.UUID, *, for_update: bool = False
    ) -> WebhookDelivery | None:
        query = select(webhook_delivery).where(_D.endpoint_id == endpoint_id, _D.id == delivery_id)
        row = self._session.execute(query.with_for_update() if for_update else query).first()
        return None if row is None else _delivery(row)

    def save_delivery(self, delivery: WebhookDelivery, *, leased_until: datetime | None = None) -> bool:
        """With `leased_until`: only while the row is still leased to that claim (a
        redelivery or another worker's later claim wins)."""
        query = update(webhook_delivery).where(_D.id == delivery.id)
        if leased_until is not None:
            query = query.where(_D.locked_until == leased_until)
        saved = self._session.execute(
            query.values(**_state(delivery), locked_until=None).returning(_D.id)
        ).first()
        return saved is not None

    def targets(
        self, audience: frozenset[uuid.UUID], organization_ids: frozenset[uuid.UUID]
    ) -> list[WebhookEndpoint]:
        m, o = organization_member.c, organization.c
        concerned = select(m.organization_id).where(m.user_id.in_(list(audience)))
        rows = self._session.execute(
            select(*_ENDPOINT_COLUMNS)
            .join(organization, o.id == _E.organization_id)
            .where(
                o.status == "active",
                or_(_E.organization_id.in_(concerned), _E.organization_id.in_(list(organization_ids))),
            )
            .order_by(_E.id)
        ).all()
        return [_endpoint(r) for r in rows]

    def add_deliveries(self, deliveries: list[WebhookDelivery]) -> int:
        rows = [
            {
                "id": d.id,
                "endpoint_id": d.endpoint_id,
                "event_id": d.event_id,
                "event_type": d.event_type,
                "body": d.body,
                "created_at": d.created_at,
                **_state(d),
            }
            for d in deliveries
        ]
        inserted = self._session.execute(
            insert(webhook_delivery).values(rows).on_conflict_do_nothing().returning(_D.id)
        ).all()
        return len(inserted)

    def claim_due(self, now: datetime, leased_until: datetime, limit: int) -> list[DueDelivery]:
        due = (
            select(_D.id)
            .where(
                _D.status == DeliveryStatus.PENDING.value,
                _D.next_attempt_at <= now,
                or_(_D.locked_until.is_(None), _D.locked_until <= now),
            )
            .order_by(_D.next_attempt_at, _D.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        ids: list[uuid.UUID] = list(self._session.execute(due).scalars())
        if not ids:
            return []
        self._session.execute(
            update(webhook_delivery).where(_D.id.in_(ids)).values(locked_until=leased_until)
        )
        rows = self._session.execute(
            select(webhook_delivery, _E.url, _E.signing_key_encrypted)
            .join(webhook_endpoint, _E.id == _D.endpoint_id)
            .where(_D.id.in_(ids))
            .order_by(_D.next_attempt_at, _D.id)
        ).all()
        return [DueDelivery(_delivery(r), r.url, r.signing_key_encrypted) for r in rows]

    def purge_finished(self, before: datetime, limit: int) -> int:
        old = (
            select(_D.id)
            .where(_D.status != DeliveryStatus.PENDING.value, _D.created_at < before)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        removed = self._session.execute(delete(webhook_delivery).where(_D.id.in_(old)).returning(_D.id)).all()
        return len(removed)


class SqlWebhookUnitOfWork(SqlAlchemyUnitOfWork):
    webhooks: SqlWebhookStore

    def __enter__(self) -> Self:
        super().__enter__()
        self.webhooks = SqlWebhookStore(self.session)
        return self
