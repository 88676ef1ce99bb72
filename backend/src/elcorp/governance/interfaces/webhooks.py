"""HTTP routes of organisation webhooks, under /api/v1 (docs/API.md, "Webhooks").

Every route needs `webhook:manage`: at scope `all` for any organisation, at scope
`organization` for the caller's own one (another organisation is a 404, as an unknown id).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.governance.application.webhooks import MANAGE_WEBHOOKS, Webhooks
from elcorp.governance.domain import webhooks as domain
from elcorp.governance.interfaces import webhook_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import Conflict
from elcorp.shared.interfaces import envelope, pagination
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.openapi import created, listed, no_content, ok

WEBHOOKS = "/organizations/<uuid:organization_id>/webhooks"
WEBHOOK = WEBHOOKS + "/<uuid:webhook_id>"
DELIVERIES = WEBHOOK + "/deliveries"

ENDPOINT_EXAMPLE = {
    "id": "0b9f3c1e-5d7a-4a51-9d8e-2f6c1b7e4a90",
    "organization_id": "5e2d8a44-31c9-4f0b-8c1d-7a9e6b3f2c15",
    "url": "https://hooks.example.com/elcorp",
    "description": "ERP integration",
    "event_types": ["invoice.overdue", "vehicle.ownership_changed"],
    "created_at": "2026-12-07T10:15:00.000Z",
    "secret": "whsec_3q2-7wXbP0sYk1mJ9d8Hc4Lr6tVn5ZaQe0fGh2iKjU8",  # nosec B105 - an OpenAPI example
}


def _time(value: Any) -> str | None:
    return None if value is None else isoformat_z(value)


def endpoint_json(endpoint: domain.WebhookEndpoint, secret: str | None = None) -> dict[str, Any]:
    return {
        "id": str(endpoint.id),
        "organization_id": str(endpoint.organization_id),
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": list(endpoint.event_types),
        "created_at": isoformat_z(endpoint.created_at),
        "secret": secret,
    }


def delivery_json(delivery: domain.WebhookDelivery) -> dict[str, Any]:
    return {
        "id": str(delivery.id),
        "webhook_id": str(delivery.endpoint_id),
        "event_id": str(delivery.event_id),
        "event_type": delivery.event_type,
        "status": delivery.status.value,
        "attempts": delivery.attempts,
        "last_status_code": delivery.last_status_code,
        "last_error": delivery.last_error,
        "response_excerpt": delivery.response_excerpt,
        "last_attempt_at": _time(delivery.last_attempt_at),
        "next_attempt_at": _time(delivery.next_attempt_at),
        "delivered_at": _time(delivery.delivered_at),
        "created_at": isoformat_z(delivery.created_at),
    }


def caller() -> uuid.UUID:
    return current_caller().user_id


def blueprint(webhooks: Webhooks) -> APIBlueprint:
    api = APIBlueprint(
        "webhooks",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="webhooks", description="organisations' webhook endpoints and delivery log")],
    )
    _endpoint_routes(api, webhooks)
    _delivery_routes(api, webhooks)
    return api


def _endpoint_routes(api: APIBlueprint, webhooks: Webhooks) -> None:
    @api.post(
        WEBHOOKS, security=BEARER, responses=created(s.WebhookEndpoint, Conflict, example=ENDPOINT_EXAMPLE)
    )
    @require_permission(MANAGE_WEBHOOKS)
    def create_webhook(path: s.WebhookOrganizationPath, body: s.CreateWebhookBody) -> Response:
        """Register a webhook endpoint for an organisation.

        Needs `webhook:manage` (scope `organization`: the caller's own organisation). The
        answer carries the signing secret, the only time it is shown. The URL must be
        https and its host must resolve to public addresses only (422 naming `url`).
        """
        registered = webhooks.register(
            caller(),
            path.organization_id,
            url=body.url,
            event_types=body.event_types,
            description=body.description,
        )
        endpoint = registered.endpoint
        location = f"{API_V1}/organizations/{endpoint.organization_id}/webhooks/{endpoint.id}"
        return envelope.created(endpoint_json(endpoint, registered.secret), location=location)

    @api.get(WEBHOOKS, security=BEARER, responses=listed(s.WebhookEndpoint))
    @require_permission(MANAGE_WEBHOOKS)
    def list_webhooks(path: s.WebhookOrganizationPath, query: s.WebhookListQuery) -> Response:
        """List an organisation's webhook endpoints.

        Needs `webhook:manage`. A bounded set (at most 10 endpoints): one page, `has_more`
        false. Secrets are never listed.
        """
        found = webhooks.endpoints(caller(), path.organization_id)
        return pagination.bounded_response([endpoint_json(e) for e in found])

    @api.get(WEBHOOK, security=BEARER, responses=ok(s.WebhookEndpoint))
    @require_permission(MANAGE_WEBHOOKS)
    def get_webhook(path: s.WebhookEndpointPath) -> Response:
        """Get one webhook endpoint (without its secret).

        Needs `webhook:manage`.
        """
        return envelope.success(
            endpoint_json(webhooks.endpoint(caller(), path.organization_id, path.webhook_id))
        )

    @api.delete(WEBHOOK, security=BEARER, responses=no_content())
    @require_permission(MANAGE_WEBHOOKS)
    def delete_webhook(path: s.WebhookEndpointPath) -> Response:
        """Delete a webhook endpoint and its delivery log.

        Needs `webhook:manage`. Nothing more is sent to it, pending deliveries included.
        """
        webhooks.delete(caller(), path.organization_id, path.webhook_id)
        return envelope.no_content()


def _delivery_routes(api: APIBlueprint, webhooks: Webhooks) -> None:
    @api.get(DELIVERIES, security=BEARER, responses=listed(s.WebhookDelivery))
    @require_permission(MANAGE_WEBHOOKS)
    def list_webhook_deliveries(path: s.WebhookEndpointPath, query: s.WebhookDeliveryQuery) -> Response:
        """List a webhook endpoint's deliveries, newest first (the delivery log).

        Needs `webhook:manage`. Each entry shows the event, the attempts, the last status
        code and error, a short excerpt of the last answer and the next attempt.
        """
        page = webhooks.deliveries(caller(), path.organization_id, path.webhook_id, query.page_request())
        return pagination.page_response([delivery_json(d) for d in page.items], page)

    @api.post(DELIVERIES + "/<uuid:delivery_id>/redeliver", security=BEARER, responses=ok(s.WebhookDelivery))
    @require_permission(MANAGE_WEBHOOKS)
    def redeliver_webhook_delivery(path: s.WebhookDeliveryPath) -> Response:
        """Send a delivery again, with a fresh set of attempts.

        Needs `webhook:manage`. The same event id and body are sent (receivers deduplicate
        on the id); it goes out with the next delivery run.
        """
        queued = webhooks.redeliver(caller(), path.organization_id, path.webhook_id, path.delivery_id)
        return envelope.success(delivery_json(queued))
