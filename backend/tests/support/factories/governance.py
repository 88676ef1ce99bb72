"""Governance test data: approvers and service requests for the domain's workflow rules."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import factory

from elcorp.governance.domain.approval_chains import Approver
from elcorp.governance.domain.service_requests import ServiceRequest

OPENED_AT = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


class ApproverFactory(factory.Factory):
    """A person deciding on a request; the roles and permissions are what the caller vouches for."""

    class Meta:
        model = Approver

    id = factory.LazyFunction(uuid.uuid4)
    roles: Any = frozenset()
    permissions: Any = frozenset()


class ServiceRequestFactory(factory.Factory):
    """A draft request made through `ServiceRequest.create`, so it is validated like a real one."""

    class Meta:
        model = ServiceRequest

    requester_id = factory.LazyFunction(uuid.uuid4)
    category = "refund"
    title = factory.Sequence(lambda n: f"Refund invoice {n + 1}")
    at = OPENED_AT
    amount = None

    @classmethod
    def _build(cls, model_class: type[ServiceRequest], *args: Any, **kwargs: Any) -> ServiceRequest:
        return model_class.create(**kwargs)

    @classmethod
    def _create(cls, model_class: type[ServiceRequest], *args: Any, **kwargs: Any) -> ServiceRequest:
        return model_class.create(**kwargs)
