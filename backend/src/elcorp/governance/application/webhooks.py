"""Organisation webhooks: registration, the delivery log, routing and delivery.

Who may manage an organisation's webhooks: holders of `webhook:manage` at scope `all`
(any organisation), or at scope `organization` for the organisation they are a member of;
anybody else without the permission is refused (403) and a holder asking about another
organisation is told it does not exist (404, as for an unknown id).

Routing (an outbox subscriber, idempotent: one delivery per (endpoint, event)): a public
event (domain/event_feed.py) that is routed to organisations reaches the endpoints of every
active organisation that one of its audience users is a member of, or that the event names,
when the endpoint subscribes to its type. Delivery is a periodic job: due deliveries are
leased, sent one by one outside any transaction, and their outcome recorded (retry
schedule, signature and SSRF rules: domain/webhooks.py).
"""

from __future__ import annotations

import json
import secrets
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.event_feed import event_values
from elcorp.governance.application.organization_access import audit_actor
from elcorp.governance.domain.event_feed import WEBHOOK_TYPES, PublicEvent, public_event
from elcorp.governance.domain.rbac import Scope
from elcorp.governance.domain.webhooks import (
    DEFAULT_MAX_ATTEMPTS,
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    AttemptOutcome,
    DeliveryStatus,
    TargetUrl,
    WebhookDelivery,
    WebhookEndpoint,
    clean_description,
    clean_event_types,
    parse_url,
    sign,
)
from elcorp.shared.application.audit import Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import Clock, SystemClock, isoformat_z
from elcorp.shared.domain.errors import Conflict, NotFound, ValidationFailed
from elcorp.shared.domain.events import DomainEvent

MANAGE_WEBHOOKS = "webhook:manage"
MAX_ENDPOINTS = 10  # per organisation: the endpoint list is a small bounded set
KEEP_LOG = timedelta(days=30)  # delivered and failed deliveries are then removed from the log
PURGE_BATCH = 1000
LEASE = timedelta(minutes=10)  # above a batch of `deliver_due` sends at their timeout


# -- ports -----------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DueDelivery:
    delivery: WebhookDelivery
    url: str
    secret_encrypted: str


class WebhookStore(Protocol):
    def organization_exists(self, organization_id: uuid.UUID) -> bool: ...

    def organization_of(self, user_id: uuid.UUID) -> uuid.UUID | None: ...

    def lock_organization(self, organization_id: uuid.UUID) -> None:
        """Hold the organisation's row until commit (serialises registrations: the cap holds)."""
        ...

    def count_endpoints(self, organization_id: uuid.UUID) -> int: ...

    def add_endpoint(self, endpoint: WebhookEndpoint, secret_encrypted: str) -> None: ...

    def endpoints(self, organization_id: uuid.UUID) -> list[WebhookEndpoint]: ...

    def endpoint(self, organization_id: uuid.UUID, endpoint_id: uuid.UUID) -> WebhookEndpoint | None: ...

    def delete_endpoint(self, endpoint_id: uuid.UUID) -> None: ...

    def deliveries(self, endpoint_id: uuid.UUID, page: PageRequest) -> tuple[list[WebhookDelivery], int]: ...

    def delivery(
        self, endpoint_id: uuid.UUID, delivery_id: uuid.UUID, *, for_update: bool = False
    ) -> WebhookDelivery | None: ...

    def save_delivery(self, delivery: WebhookDelivery, *, leased_until: datetime | None = None) -> bool:
        """Store the delivery's state; with `leased_until`, only if the lease is still ours."""
        ...

    def targets(
        self, audience: frozenset[uuid.UUID], organization_ids: frozenset[uuid.UUID]
    ) -> list[WebhookEndpoint]:
        """Endpoints of active organisations that an audience user belongs to or that are named."""
        ...

    def add_deliveries(self, deliveries: list[WebhookDelivery]) -> int:
        """Insert those not there yet (one per endpoint and event); returns how many were new."""
        ...

    def claim_due(self, now: datetime, leased_until: datetime, limit: int) -> list[DueDelivery]: ...

    def purge_finished(self, before: datetime, limit: int) -> int:
        """Delete up to `limit` delivered or failed deliveries created before `before`."""
        ...


class WebhookUnitOfWork(UnitOfWork, Protocol):
    @property
    def webhooks(self) -> WebhookStore: ...


class SecretBox(Protocol):
    """Field encryption of the signing secrets."""

    def encrypt(self, plaintext: str) -> str: ...

    def decrypt(self, token: str) -> str: ...


class WebhookSender(Protocol):
    def resolve(self, target: TargetUrl) -> list[str]:
        """The host's addresses; the URL check runs on exactly these."""
        ...

    def check(self, target: TargetUrl) -> list[str]:
        """`resolve`, then refuse non-public addresses unless allowed (422 naming `url`)."""
        ...

    def send(
        self, target: TargetUrl, addresses: list[str], headers: dict[str, str], body: str
    ) -> AttemptOutcome: ...


@dataclass(frozen=True, slots=True)
class RegisteredEndpoint:
    endpoint: WebhookEndpoint
    secret: str  # shown once, in the registration's answer


def delivery_body(event: PublicEvent) -> str:
    """The JSON every attempt sends: `{id, type, created_at, data}`."""
    payload = {
        "id": str(event.id),
        "type": event.type,
        "created_at": isoformat_z(event.occurred_at),
        "data": event.data,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True)


class Webhooks:
    """Endpoints and their delivery log, per organisation; the router; the delivery job."""

    def __init__(
        self,
        uow: Callable[[], WebhookUnitOfWork],
        access: AccessControl,
        secrets_box: SecretBox,
        sender: WebhookSender,
        *,
        allow_private: bool,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._box = secrets_box
        self._sender = sender
        self._allow_private = allow_private
        self._max_attempts = max_attempts
        self._clock = clock or SystemClock()

    # -- access ---------------------------------------------------------------------------
    def _ensure_manages(self, uow: WebhookUnitOfWork, actor: uuid.UUID, organization_id: uuid.UUID) -> None:
        """404 unless the actor manages this organisation's webhooks and it exists."""
        grants = self._access.grants_for(actor)
        wide = grants.covers(MANAGE_WEBHOOKS, Scope.ALL)
        scoped = grants.covers(MANAGE_WEBHOOKS, Scope.ORGANIZATION)
        if not wide and not (scoped and uow.webhooks.organization_of(actor) == organization_id):
            raise NotFound("Organization not found")
        if not uow.webhooks.organization_exists(organization_id):
            raise NotFound("Organization not found")

    def _endpoint(
        self, uow: WebhookUnitOfWork, actor: uuid.UUID, organization_id: uuid.UUID, endpoint_id: uuid.UUID
    ) -> WebhookEndpoint:
        self._ensure_manages(uow, actor, organization_id)
        found = uow.webhooks.endpoint(organization_id, endpoint_id)
        if found is None:
            raise NotFound("Webhook endpoint not found")
        return found

    # -- endpoints ------------------------------------------------------------------------
    def register(
        self,
        actor: uuid.UUID,
        organization_id: uuid.UUID,
        *,
        url: str,
        event_types: Iterable[str] | None,
        description: str | None,
    ) -> RegisteredEndpoint:
        """A new endpoint and its signing secret (kept encrypted, returned only here)."""
        target = parse_url(url, allow_private=self._allow_private)
        endpoint = WebhookEndpoint(
            id=uuid.uuid4(),
            organization_id=organization_id,
            url=target.url,
            description=clean_description(description),
            event_types=clean_event_types(event_types, WEBHOOK_TYPES),
            created_at=self._clock.now(),
            created_by=actor,
        )
        with self._uow() as uow:
            self._ensure_manages(uow, actor, organization_id)
            self._sender.check(target)  # DNS: after the cheap checks, before anything is stored
            uow.webhooks.lock_organization(organization_id)
            if uow.webhooks.count_endpoints(organization_id) >= MAX_ENDPOINTS:
                raise Conflict(f"An organization has at most {MAX_ENDPOINTS} webhook endpoints")
            secret = "whsec_" + secrets.token_urlsafe(32)
            uow.webhooks.add_endpoint(endpoint, self._box.encrypt(secret))
            uow.audit.record(
                "webhook.registered",
                audit_actor(self._access, actor),
                Resource("webhook_endpoint", str(endpoint.id)),
                Changes(after=_endpoint_audit(endpoint)),
            )
            uow.commit()
        return RegisteredEndpoint(endpoint, secret)

    def endpoints(self, actor: uuid.UUID, organization_id: uuid.UUID) -> list[WebhookEndpoint]:
        with self._uow() as uow:
            self._ensure_manages(uow, actor, organization_id)
            return uow.webhooks.endpoints(organization_id)

    def endpoint(
        self, actor: uuid.UUID, organization_id: uuid.UUID, endpoint_id: uuid.UUID
    ) -> WebhookEndpoint:
        with self._uow() as uow:
            return self._endpoint(uow, actor, organization_id, endpoint_id)

    def delete(self, actor: uuid.UUID, organization_id: uuid.UUID, endpoint_id: uuid.UUID) -> None:
        """Remove the endpoint and its delivery log; nothing more is sent to it."""
        with self._uow() as uow:
            endpoint = self._endpoint(uow, actor, organization_id, endpoint_id)
            uow.webhooks.delete_endpoint(endpoint.id)
            uow.audit.record(
                "webhook.deleted",
                audit_actor(self._access, actor),
                Resource("webhook_endpoint", str(endpoint.id)),
                Changes(before=_endpoint_audit(endpoint)),
            )
            uow.commit()

    # -- the delivery log -----------------------------------------------------------------
    def deliveries(
        self, actor: uuid.UUID, organization_id: uuid.UUID, endpoint_id: uuid.UUID, page: PageRequest
    ) -> Page[WebhookDelivery]:
        """The endpoint's deliveries, newest first."""
        with self._uow() as uow:
            endpoint = self._endpoint(uow, actor, organization_id, endpoint_id)
            items, total = uow.webhooks.deliveries(endpoint.id, page)
        return Page(items, page.page, page.per_page, total, offset=page.offset)

    def redeliver(
        self, actor: uuid.UUID, organization_id: uuid.UUID, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
    ) -> WebhookDelivery:
        """Queue the delivery again now with a fresh set of attempts (same event, same id)."""
        with self._uow() as uow:
            endpoint = self._endpoint(uow, actor, organization_id, endpoint_id)
            found = uow.webhooks.delivery(endpoint.id, delivery_id, for_update=True)
            if found is None:
                raise NotFound("Webhook delivery not found")
            queued = found.redeliver(self._clock.now())
            uow.webhooks.save_delivery(queued)
            uow.audit.record(
                "webhook.redelivered",
                audit_actor(self._access, actor),
                Resource("webhook_delivery", str(found.id)),
                Changes(before={"status": found.status.value}, after={"status": queued.status.value}),
            )
            uow.commit()
        return queued

    # -- routing (outbox subscriber) ------------------------------------------------------
    def on_event(self, event: DomainEvent) -> None:
        """One pending delivery per subscribed endpoint of the organisations concerned."""
        shown = public_event(event.event_type, event.event_id, event.occurred_at, event_values(event))
        if shown is None or not shown.organizations or not (shown.audience or shown.organization_ids):
            return
        now = self._clock.now()
        body = delivery_body(shown)
        with self._uow() as uow:
            targets = uow.webhooks.targets(shown.audience, shown.organization_ids)
            fresh = [_new_delivery(e.id, shown, body, now) for e in targets if e.wants(shown.type)]
            if fresh:
                uow.webhooks.add_deliveries(fresh)
            uow.commit()

    # -- delivery (periodic job) ----------------------------------------------------------
    def deliver_due(self, limit: int = 50) -> dict[str, int]:
        """Send up to `limit` due deliveries; returns how many were delivered, retried, failed."""
        now = self._clock.now()
        leased_until = now + LEASE
        with self._uow() as uow:
            due = uow.webhooks.claim_due(now, leased_until, limit)
            uow.commit()
        counts = {"delivered": 0, "retried": 0, "failed": 0}
        for item in due:
            outcome = self._attempt(item)
            after = item.delivery.after_attempt(outcome, self._clock.now(), max_attempts=self._max_attempts)
            with self._uow() as uow:
                if uow.webhooks.save_delivery(after, leased_until=leased_until):
                    uow.commit()
            key = "retried" if after.status is DeliveryStatus.PENDING else after.status.value
            counts[key] += 1
        return counts

    def purge_log(self) -> int:
        """Remove delivered and failed deliveries older than 30 days (a bounded batch)."""
        with self._uow() as uow:
            removed = uow.webhooks.purge_finished(self._clock.now() - KEEP_LOG, PURGE_BATCH)
            uow.commit()
        return removed

    def _attempt(self, item: DueDelivery) -> AttemptOutcome:
        """One signed POST, the URL checked again first (DNS may have changed since)."""
        delivery = item.delivery
        try:
            target = parse_url(item.url, allow_private=self._allow_private)
            addresses = self._sender.check(target)
        except ValidationFailed as exc:
            reason = exc.details[0]["message"] if isinstance(exc.details, list) and exc.details else str(exc)
            return AttemptOutcome(None, error=f"refused: {reason}")
        timestamp = int(self._clock.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Elcorp-Webhooks/1",
            SIGNATURE_HEADER: sign(self._box.decrypt(item.secret_encrypted), timestamp, delivery.body),
            DELIVERY_HEADER: str(delivery.id),
            EVENT_HEADER: delivery.event_type,
        }
        return self._sender.send(target, addresses, headers, delivery.body)


def _new_delivery(endpoint_id: uuid.UUID, event: PublicEvent, body: str, now: datetime) -> WebhookDelivery:
    return WebhookDelivery(
        id=uuid.uuid4(),
        endpoint_id=endpoint_id,
        event_id=event.id,
        event_type=event.type,
        body=body,
        status=DeliveryStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        last_attempt_at=None,
        last_status_code=None,
        last_error=None,
        response_excerpt=None,
        delivered_at=None,
        created_at=now,
    )


def _endpoint_audit(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {
        "organization_id": str(endpoint.organization_id),
        "url": endpoint.url,
        "event_types": list(endpoint.event_types),
        "description": endpoint.description,
    }
