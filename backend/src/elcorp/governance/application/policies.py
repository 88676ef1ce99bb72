"""Policy administration and evaluation (PBAC on top of RBAC).

The built-in policies of `elcorp.governance.domain.policies` are stored one row each, with
their parameters in the params classes' JSON form. Administrators list them, switch them on
or off and replace their parameters (validated by the params class, stored in its canonical
form, audited before/after). `evaluate` answers "may this user do this action on this
resource at this time?" with the engine built from the enabled policies in order, and the
full trace. Every deny is audited (`policy.denied`) with its reason and the trace.

A stored policy whose parameters no longer validate (edited outside the API) is not skipped:
it denies, so a broken rule fails closed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from elcorp.governance.application.api import AccessControl
from elcorp.governance.application.ports import GovernanceUnitOfWork, StoredPolicy, UserDirectory
from elcorp.governance.domain.policies import (
    NO_HOLIDAYS,
    AmountThresholdParams,
    BusinessHoursParams,
    DataClassificationParams,
    Decision,
    Evaluation,
    HolidayCalendar,
    OrganizationScopeParams,
    OwnershipParams,
    Policy,
    PolicyContext,
    PolicyEngine,
    PolicyKind,
    Resource,
    SegregationOfDutiesParams,
    Subject,
    build_policy,
)
from elcorp.shared.application import audit
from elcorp.shared.domain.clock import Clock, SystemClock, isoformat_z
from elcorp.shared.domain.errors import NotFound, ValidationFailed
from elcorp.shared.domain.events import DomainEvent

logger = logging.getLogger(__name__)


def canonical_params(kind: str, params: object) -> dict[str, Any]:
    """The params validated by their kind's class and returned in its canonical JSON form.
    Problems raise `ValidationFailed` with `params.<field>` items."""
    try:
        policy_kind = PolicyKind(kind)
        parsed: (
            OwnershipParams
            | OrganizationScopeParams
            | AmountThresholdParams
            | SegregationOfDutiesParams
            | BusinessHoursParams
            | DataClassificationParams
        )
        if policy_kind is PolicyKind.OWNERSHIP:
            parsed = OwnershipParams.from_dict(params)
        elif policy_kind is PolicyKind.ORGANIZATION_SCOPE:
            parsed = OrganizationScopeParams.from_dict(params)
        elif policy_kind is PolicyKind.AMOUNT_THRESHOLD:
            parsed = AmountThresholdParams.from_dict(params)
        elif policy_kind is PolicyKind.SEGREGATION_OF_DUTIES:
            parsed = SegregationOfDutiesParams.from_dict(params)
        elif policy_kind is PolicyKind.BUSINESS_HOURS:
            parsed = BusinessHoursParams.from_dict(params)
        else:
            parsed = DataClassificationParams.from_dict(params)
    except ValidationFailed as exc:
        raise ValidationFailed("Invalid policy parameters", details=_prefixed(exc.details)) from exc
    except ValueError as exc:  # an unknown kind: only possible in a hand-edited row
        raise ValidationFailed(details=[{"field": "kind", "message": "unknown policy kind"}]) from exc
    return parsed.to_dict()


def _prefixed(details: object) -> list[dict[str, str]]:
    items = details if isinstance(details, list) else []
    found = [
        {"field": f"params.{item.get('field', '')}".rstrip("."), "message": str(item.get("message", ""))}
        for item in items
        if isinstance(item, dict)
    ]
    for item in found:
        if item["field"] == "params.params":
            item["field"] = "params"
    return found or [{"field": "params", "message": "invalid parameters"}]


@dataclass(frozen=True, slots=True)
class _Broken:
    """Stands in for a stored policy whose parameters do not validate: it always denies."""

    name: str

    def evaluate(self, context: PolicyContext) -> Decision:
        return Decision.deny(self.name, "the policy's stored parameters are invalid; fix them to proceed")


def _policy_audit(policy: StoredPolicy) -> dict[str, object]:
    return {"enabled": policy.enabled, "params": policy.params}


def _audit_resource(resource: Resource) -> audit.Resource:
    return audit.Resource(resource.type, None if resource.id is None else str(resource.id))


def _resource_audit(resource: Resource) -> dict[str, object]:
    return {
        "type": resource.type,
        "id": None if resource.id is None else str(resource.id),
        "owner_id": None if resource.owner_id is None else str(resource.owner_id),
        "organization_id": None if resource.organization_id is None else str(resource.organization_id),
        "classification": resource.classification.value,
        "maker_id": None if resource.maker_id is None else str(resource.maker_id),
        "amount": None if resource.amount is None else format(resource.amount, "f"),
        "currency": resource.currency,
    }


@dataclass(frozen=True, kw_only=True)
class EmergencyAccessUsed(DomainEvent):
    """An action a policy allowed only on an emergency reason (an alert for compliance)."""

    event_type = "governance.EmergencyAccessUsed"
    user_id: uuid.UUID
    action: str
    resource_type: str
    resource_id: str | None
    reason: str


class PolicyAdministration:
    def __init__(
        self,
        uow: Callable[[], GovernanceUnitOfWork],
        access: AccessControl,
        users: UserDirectory,
        *,
        holidays: HolidayCalendar = NO_HOLIDAYS,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._users = users
        self._holidays = holidays
        self._clock = clock or SystemClock()

    # -- reads -----------------------------------------------------------------------------
    def list_policies(self) -> list[StoredPolicy]:
        with self._uow() as uow:
            return uow.policies.list_policies()

    def get_policy(self, name: str) -> StoredPolicy:
        with self._uow() as uow:
            return self._get(uow, name)

    # -- changes ---------------------------------------------------------------------------
    def update_policy(
        self, actor: uuid.UUID, name: str, *, enabled: bool | None, params: Mapping[str, Any] | None
    ) -> StoredPolicy:
        """Switch a policy on or off and/or replace its parameters (the whole object)."""
        with self._uow() as uow:
            before = self._get(uow, name, for_update=True)
            wanted = canonical_params(before.kind, params if params is not None else before.params)
            uow.policies.update_policy(
                name,
                enabled=before.enabled if enabled is None else enabled,
                params=wanted,
                updated_by=actor,
            )
            after = self._get(uow, name)
            uow.audit.record(
                "policy.updated",
                self._actor(actor),
                audit.Resource("access_policy", name),
                audit.Changes(_policy_audit(before), _policy_audit(after)),
            )
            uow.commit()
        return after

    # -- evaluation ------------------------------------------------------------------------
    def evaluate(
        self,
        actor: uuid.UUID,
        *,
        user_id: uuid.UUID,
        action: str,
        resource: Resource,
        at: datetime | None = None,
        emergency_reason: str | None = None,
    ) -> Evaluation:
        """May `user_id` perform `action` on `resource` at `at` (default now)? RBAC from the
        user's current grants and organization, then every enabled policy in order. A deny
        is audited."""
        if not self._users.exists(user_id):
            raise NotFound("User not found")
        context = PolicyContext(
            self._subject(user_id), action, resource, at or self._clock.now(), emergency_reason
        )
        return self._decide(actor, context)

    def authorize(
        self, actor: uuid.UUID, action: str, resource: Resource, *, emergency_reason: str | None = None
    ) -> Evaluation:
        """For use cases acting for `actor` now, with the actor's grants and organization.
        A deny is audited and raised (`PolicyDenied`: 403 `ACC_001`, the policies' reasons). An allow that
        carries an alert (emergency access outside business hours) is logged, audited as
        `policy.emergency_access` and published as an event for compliance, in its own
        transaction, before the caller's change runs."""
        context = PolicyContext(self._subject(actor), action, resource, self._clock.now(), emergency_reason)
        evaluation = self._decide(actor, context)
        if not evaluation.allowed:
            raise evaluation.refusal()
        if evaluation.alert:
            logger.warning(
                "policy.emergency_access actor=%s action=%s resource=%s:%s reason=%r",
                actor,
                action,
                resource.type,
                resource.id,
                context.emergency_reason,
            )
            with self._uow() as uow:
                uow.audit.record(
                    "policy.emergency_access",
                    self._actor(actor),
                    _audit_resource(resource),
                    audit.Changes(
                        after={
                            "action": action,
                            "at": isoformat_z(context.at),
                            "trace": [d.to_dict() for d in evaluation.trace],
                        }
                    ),
                    reason=context.emergency_reason,
                )
                uow.publish(
                    EmergencyAccessUsed(
                        occurred_at=context.at,
                        user_id=actor,
                        action=action,
                        resource_type=resource.type,
                        resource_id=None if resource.id is None else str(resource.id),
                        reason=context.emergency_reason or "",
                    )
                )
                uow.commit()
        return evaluation

    def _subject(self, user_id: uuid.UUID) -> Subject:
        """The user as policies see them: current grants and organization."""
        grants = self._access.grants_for(user_id)
        with self._uow() as uow:
            membership = uow.organizations.membership_of(user_id)
        return Subject.from_grants(
            user_id, grants, None if membership is None else membership.organization_id
        )

    def _decide(self, actor: uuid.UUID, context: PolicyContext) -> Evaluation:
        """RBAC, then every enabled policy in order; a deny is audited in its own transaction."""
        with self._uow() as uow:
            engine = PolicyEngine([self._build(p) for p in uow.policies.list_policies() if p.enabled])
            evaluation = engine.evaluate(context)
            if not evaluation.allowed:
                uow.audit.record(
                    "policy.denied",
                    self._actor(actor),
                    _audit_resource(context.resource),
                    audit.Changes(
                        after={
                            "subject_id": str(context.subject.id),
                            "action": context.action,
                            "resource": _resource_audit(context.resource),
                            "at": isoformat_z(context.at),
                            "emergency_reason": context.emergency_reason,
                            "trace": [d.to_dict() for d in evaluation.trace],
                        }
                    ),
                    reason=evaluation.reason,
                )
                uow.commit()
        return evaluation

    # -- helpers ---------------------------------------------------------------------------
    def _build(self, stored: StoredPolicy) -> Policy:
        try:
            return build_policy(stored.kind, stored.params, name=stored.name, holidays=self._holidays)
        except ValidationFailed:
            return _Broken(stored.name)

    @staticmethod
    def _get(uow: GovernanceUnitOfWork, name: str, *, for_update: bool = False) -> StoredPolicy:
        found = uow.policies.get_policy(name, for_update=for_update)
        if found is None:
            raise NotFound("Policy not found")
        return found

    def _actor(self, actor: uuid.UUID) -> audit.Actor:
        return audit.Actor(id=str(actor), roles=tuple(sorted(self._access.grants_for(actor).roles)))
