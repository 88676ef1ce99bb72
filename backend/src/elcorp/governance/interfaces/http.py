"""HTTP routes of the governance context, mounted under /api/v1 by the app factory."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask import Response, request
from flask_openapi3 import APIBlueprint

from elcorp.governance.application.policies import PolicyAdministration
from elcorp.governance.application.ports import StoredPolicy
from elcorp.governance.application.roles import CatalogueGroup, RoleAdministration
from elcorp.governance.domain.policies import Classification, Resource
from elcorp.governance.domain.rbac import SPECS, Role, Scope
from elcorp.governance.interfaces import schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER, context_blueprint, document_header
from elcorp.shared.interfaces.auth import current_caller, require_permission

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


def emergency_reason() -> str | None:
    """`X-Emergency-Reason`: why a change must happen outside business hours (an alert)."""
    return request.headers.get(EMERGENCY_HEADER) or None


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
    _assignment_and_policy_routes(api, roles, policies)
    _policy_update_routes(api, policies)
    return api


def _role_routes(api: APIBlueprint, roles: RoleAdministration) -> None:
    # -- roles --------------------------------------------------------------------------------
    @api.get("/roles", security=BEARER)
    @require_permission("role:manage")
    def list_roles() -> Response:
        found = roles.list_roles()
        return envelope.success([role_json(r) for r in found], meta={"total": len(found)})

    @api.post("/roles", security=BEARER)
    @require_permission("role:manage")
    def create_role(body: s.CreateRoleBody) -> Response:
        role = roles.create_role(
            current_caller().user_id,
            name=body.name,
            description=body.description,
            permissions=body.permissions,
            scopes=scopes_of(body.scopes),
            emergency_reason=emergency_reason(),
        )
        return envelope.success(role_json(role), status=201)

    @api.get("/roles/<uuid:role_id>", security=BEARER)
    @require_permission("role:manage")
    def get_role(path: s.RolePath) -> Response:
        return envelope.success(role_json(roles.get_role(path.role_id)))

    @api.patch("/roles/<uuid:role_id>", security=BEARER)
    @require_permission("role:manage")
    def update_role(path: s.RolePath, body: s.UpdateRoleBody) -> Response:
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

    @api.delete("/roles/<uuid:role_id>", security=BEARER)
    @require_permission("role:manage")
    def delete_role(path: s.RolePath) -> Response:
        roles.delete_role(current_caller().user_id, path.role_id, emergency_reason=emergency_reason())
        return envelope.success({"deleted": True, "id": str(path.role_id)})


def _assignment_and_policy_routes(
    api: APIBlueprint, roles: RoleAdministration, policies: PolicyAdministration
) -> None:
    # -- the catalogue and assignments --------------------------------------------------------
    @api.get("/permissions", security=BEARER)
    @require_permission("role:manage")
    def permission_catalogue() -> Response:
        groups = roles.catalogue()
        return envelope.success(
            [group_json(g) for g in groups], meta={"total": sum(len(g.permissions) for g in groups)}
        )

    @api.put("/users/<uuid:user_id>/roles", security=BEARER)
    @require_permission("role:manage")
    def assign_roles(path: s.UserPath, body: s.AssignRolesBody) -> Response:
        assigned = roles.assign_roles(
            current_caller().user_id, path.user_id, body.roles, emergency_reason=emergency_reason()
        )
        return envelope.success({"user_id": str(path.user_id), "roles": assigned})

    @api.get("/policies", security=BEARER)
    @require_permission("policy:manage")
    def list_policies() -> Response:
        found = policies.list_policies()
        return envelope.success([policy_json(p) for p in found], meta={"total": len(found)})

    @api.post("/policies/evaluate", security=BEARER)
    @require_permission("policy:manage")
    def evaluate_policies(body: s.EvaluateBody) -> Response:
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

    @api.get("/policies/<name>", security=BEARER)
    @require_permission("policy:manage")
    def get_policy(path: s.PolicyPath) -> Response:
        return envelope.success(policy_json(policies.get_policy(path.name)))


def _policy_update_routes(api: APIBlueprint, policies: PolicyAdministration) -> None:
    @api.put("/policies/<name>", security=BEARER)
    @require_permission("policy:manage")
    def update_policy(path: s.PolicyPath, body: s.UpdatePolicyBody) -> Response:
        policy = policies.update_policy(
            current_caller().user_id, path.name, enabled=body.enabled, params=body.params
        )
        return envelope.success(policy_json(policy))
