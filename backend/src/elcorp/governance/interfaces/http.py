"""HTTP routes of the governance context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from flask import Response, request
from flask_openapi3 import APIBlueprint

from elcorp.governance.application.policies import PolicyAdministration
from elcorp.governance.application.ports import StoredPolicy
from elcorp.governance.application.roles import CatalogueGroup, RoleAdministration
from elcorp.governance.domain.policies import MAX_EMERGENCY_REASON, Classification, PolicyDenied, Resource
from elcorp.governance.domain.rbac import SPECS, Role, Scope
from elcorp.governance.interfaces import schemas as s
from elcorp.governance.interfaces.listing import listed_json
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import AlreadyExists, Conflict, NotFound, ValidationFailed
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER, context_blueprint, document_header
from elcorp.shared.interfaces.auth import current_caller, require_permission
from elcorp.shared.interfaces.openapi import created, listed, no_content, ok

EMERGENCY_HEADER = "X-Emergency-Reason"
EMERGENCY_PARAMETER: dict[str, object] = {
    "name": EMERGENCY_HEADER,
    "in": "header",
    "required": False,
    "description": "Why this change must happen outside business hours (at most 500 characters): "
    "lets it through the business-hours policy, audited and raised as an alert",
    "schema": {"type": "string", "maxLength": 500},
}
for _method, _path in (
    ("post", "/roles"),
    ("patch", "/roles/{role_id}"),
    ("delete", "/roles/{role_id}"),
    ("put", "/users/{user_id}/roles"),
):
    document_header(_method, API_V1 + _path, EMERGENCY_PARAMETER)


EMERGENCY_HINT = (
    "Why this change cannot wait for business hours (at most 500 characters); the change is then "
    "allowed, audited as policy.emergency_access and raised as an alert"
)


def emergency_reason() -> str | None:
    """`X-Emergency-Reason`: why a change must happen outside business hours (an alert)."""
    reason = (request.headers.get(EMERGENCY_HEADER) or "").strip()
    if len(reason) > MAX_EMERGENCY_REASON:
        raise ValidationFailed(
            details=[{"field": EMERGENCY_HEADER, "message": f"at most {MAX_EMERGENCY_REASON} characters"}]
        )
    return reason or None


@contextmanager
def emergency_hint() -> Iterator[None]:
    """A role change the business-hours policy refused says how to override it: the policy's
    reason, and in `details` the header to send."""
    try:
        yield
    except PolicyDenied as denied:
        if not denied.emergency_override:
            raise
        raise PolicyDenied(
            f"{denied.message}; send the {EMERGENCY_HEADER} header to override",
            reasons=denied.reasons,
            emergency_override=True,
            details=[{"header": EMERGENCY_HEADER, "message": EMERGENCY_HINT}],
        ) from denied


def role_json(role: Role) -> dict[str, Any]:
    return {
        "id": str(role.id),
        "name": role.name,
        "description": role.description,
        "permissions": sorted(role.permissions),
        "scopes": {p: scope.value for p, scope in sorted(role.permissions.items())},
        "is_system_role": role.is_system_role,
    }


def scopes_of(given: Mapping[str, str] | None) -> dict[str, Scope] | None:
    return None if given is None else {p: Scope(scope) for p, scope in given.items()}


def group_json(group: CatalogueGroup) -> dict[str, Any]:
    return {
        "category": group.category,
        "permissions": [
            {
                "name": p.name,
                "description": p.description,
                "scopes": [scope.value for scope in sorted(SPECS[p.name].scopes, key=lambda x: x.rank)],
                "privileged": SPECS[p.name].privileged,
            }
            for p in group.permissions
            if p.name in SPECS
        ],
    }


# -- policies (PBAC) ----------------------------------------------------------------------
def policy_json(policy: StoredPolicy) -> dict[str, Any]:
    return {
        "name": policy.name,
        "kind": policy.kind,
        "enabled": policy.enabled,
        "position": policy.position,
        "params": policy.params,
        "updated_at": isoformat_z(policy.updated_at),
        "updated_by": None if policy.updated_by is None else str(policy.updated_by),
    }


def blueprint(roles: RoleAdministration, policies: PolicyAdministration) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = context_blueprint(
        "governance",
        "roles and permissions (RBAC), policies (PBAC), organizations and teams, service- "
        "request workflows with approval chains",
    )
    _role_routes(api, roles)
    _role_change_routes(api, roles)
    _assignment_routes(api, roles)
    _policy_routes(api, policies)
    return api


ROLE_EXAMPLE = {
    "id": "5b0f3c52-8a1e-4c7e-9d61-2f4f1b7a9e10",
    "name": "branch-auditor",
    "description": "Reads users and the audit log of the branch",
    "permissions": ["audit:read", "user:read"],
    "scopes": {"audit:read": "all", "user:read": "organization"},
    "is_system_role": False,
}


def _role_routes(api: APIBlueprint, roles: RoleAdministration) -> None:
    @api.get("/roles", security=BEARER, responses=listed(s.Role))
    @require_permission("role:manage")
    def list_roles(query: s.RoleListQuery) -> Response:
        """List the roles by name.

        Holders of role:manage (MFA session). A bounded small set: every role on one page
        unless `limit` asks for fewer (meta.has_more false, next_cursor null).
        """
        return listed_json(roles.list_roles(), query, role_json)

    @api.get("/roles/<uuid:role_id>", security=BEARER, responses=ok(s.Role, example=ROLE_EXAMPLE))
    @require_permission("role:manage")
    def get_role(path: s.RolePath) -> Response:
        """Read a role with its permissions and their scopes.

        Holders of role:manage (MFA session).
        """
        return envelope.success(role_json(roles.get_role(path.role_id)))

    @api.get("/permissions", security=BEARER, responses=listed(s.PermissionCategory))
    @require_permission("role:manage")
    def list_permissions(query: s.PermissionListQuery) -> Response:
        """List the permission catalogue, grouped by category.

        Holders of role:manage (MFA session). A bounded small set: every category on one
        page unless `limit` asks for fewer; `meta.total` counts the categories.
        """
        return listed_json(roles.catalogue(), query, group_json)


def _role_change_routes(api: APIBlueprint, roles: RoleAdministration) -> None:
    @api.post("/roles", security=BEARER, responses=created(s.Role, AlreadyExists, example=ROLE_EXAMPLE))
    @require_permission("role:manage")
    def create_role(body: s.CreateRoleBody) -> Response:
        """Create a custom role.

        Holders of role:manage (MFA session), granting only what they hold themselves. Outside
        business hours (when that policy is on) only with an X-Emergency-Reason header.
        """
        with emergency_hint():
            role = roles.create_role(
                current_caller().user_id,
                name=body.name,
                description=body.description,
                permissions=body.permissions,
                scopes=scopes_of(body.scopes),
                emergency_reason=emergency_reason(),
            )
        return envelope.created(role_json(role), location=f"{API_V1}/roles/{role.id}")

    @api.patch(
        "/roles/<uuid:role_id>",
        security=BEARER,
        responses=ok(s.Role, AlreadyExists, Conflict, example=ROLE_EXAMPLE),
    )
    @require_permission("role:manage")
    def update_role(path: s.RolePath, body: s.UpdateRoleBody) -> Response:
        """Rename a role, or change its description, permissions or scopes.

        Holders of role:manage (MFA session); system roles keep their name and permissions.
        Outside business hours (when that policy is on) only with an X-Emergency-Reason header.
        """
        with emergency_hint():
            role = roles.update_role(
                current_caller().user_id,
                path.role_id,
                name=body.name,
                description=body.description,
                description_set="description" in body.model_fields_set,
                permissions=body.permissions,
                scopes=scopes_of(body.scopes),
                emergency_reason=emergency_reason(),
            )
        return envelope.success(role_json(role))

    @api.delete("/roles/<uuid:role_id>", security=BEARER, responses=no_content(Conflict))
    @require_permission("role:manage")
    def delete_role(path: s.RolePath) -> Response:
        """Delete a custom role; its holders lose it.

        Holders of role:manage (MFA session) holding every permission of the role. Outside
        business hours (when that policy is on) only with an X-Emergency-Reason header.
        """
        with emergency_hint():
            roles.delete_role(current_caller().user_id, path.role_id, emergency_reason=emergency_reason())
        return envelope.no_content()


def _assignment_routes(api: APIBlueprint, roles: RoleAdministration) -> None:
    @api.put(
        "/users/<uuid:user_id>/roles",
        security=BEARER,
        responses=ok(
            s.RoleAssignment,
            Conflict,
            example={"user_id": "0b6f2c1e-4a5d-4c1e-9a43-5d2f8e7c1a90", "roles": ["staff", "user"]},
        ),
    )
    @require_permission("role:manage")
    def assign_roles(path: s.RoleUserPath, body: s.AssignRolesBody) -> Response:
        """Replace a user's roles.

        Holders of role:manage (MFA session), assigning or removing only roles whose
        permissions they hold. Outside business hours (when that policy is on) only with an
        X-Emergency-Reason header; without it, 403 with the policy's reason.
        """
        with emergency_hint():
            assigned = roles.assign_roles(
                current_caller().user_id, path.user_id, body.roles, emergency_reason=emergency_reason()
            )
        return envelope.success({"user_id": str(path.user_id), "roles": assigned})


def _policy_routes(api: APIBlueprint, policies: PolicyAdministration) -> None:
    @api.get("/policies", security=BEARER, responses=listed(s.AccessPolicy))
    @require_permission("policy:manage")
    def list_access_policies(query: s.AccessPolicyListQuery) -> Response:
        """List the access policies (PBAC) in evaluation order.

        Holders of policy:manage (MFA session). A bounded small set (the built-in policies):
        every policy on one page unless `limit` asks for fewer.
        """
        return listed_json(policies.list_policies(), query, policy_json)

    @api.post("/policies/evaluate", security=BEARER, responses=ok(s.PolicyEvaluation, NotFound))
    @require_permission("policy:manage")
    def evaluate_access_policies(body: s.PolicyEvaluationBody) -> Response:
        """Ask whether a user may perform an action on a resource at a given time.

        Holders of policy:manage (MFA session). Answers the decision with its full trace;
        a deny is audited as policy.denied.
        """
        given = body.resource
        resource = Resource(
            type=given.type,
            id=given.id,
            owner_id=given.owner_id,
            organization_id=given.organization_id,
            classification=Classification(given.classification),
            maker_id=given.maker_id,
            amount=None if given.amount is None else Decimal(given.amount),
            currency=given.currency,
        )
        evaluation = policies.evaluate(
            current_caller().user_id,
            user_id=body.user_id,
            action=body.action,
            resource=resource,
            at=body.at,
            emergency_reason=body.emergency_reason,
        )
        return envelope.success(evaluation.to_dict())

    @api.get("/policies/<name>", security=BEARER, responses=ok(s.AccessPolicy))
    @require_permission("policy:manage")
    def get_access_policy(path: s.AccessPolicyPath) -> Response:
        """Read an access policy with its parameters.

        Holders of policy:manage (MFA session).
        """
        return envelope.success(policy_json(policies.get_policy(path.name)))

    @api.put("/policies/<name>", security=BEARER, responses=ok(s.AccessPolicy))
    @require_permission("policy:manage")
    def update_access_policy(path: s.AccessPolicyPath, body: s.UpdateAccessPolicyBody) -> Response:
        """Switch an access policy on or off, or replace its parameters.

        Holders of policy:manage (MFA session); the change is audited as policy.updated.
        """
        policy = policies.update_policy(
            current_caller().user_id, path.name, enabled=body.enabled, params=body.params
        )
        return envelope.success(policy_json(policy))
