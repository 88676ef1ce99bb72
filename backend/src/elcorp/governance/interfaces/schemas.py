"""Request and response models of the roles and policies API (pydantic v2; unknown fields
refused: mass assignment). Schema names are the class names, unique across the whole API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from elcorp.governance.interfaces.listing import SmallListQuery

ROLE_NAME_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
ROLE_NAME_DOC = "A lower-case slug: letters and digits, optionally joined by - or _"
PERMISSIONS_DOC = (
    "Permission names (`resource:action`) from the catalogue; each is granted with scope `all` "
    "unless `scopes` names another"
)
SCOPES_DOC = (
    "Permission name -> scope (`own`, `organization` or `all`) for permissions of this role "
    "that reach less than every object; permissions not named here get `all`"
)
ScopeName = Literal["own", "organization", "all"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoleListQuery(SmallListQuery):
    pass


class PermissionListQuery(SmallListQuery):
    pass


class AccessPolicyListQuery(SmallListQuery):
    pass


class RolePath(Strict):
    role_id: uuid.UUID


class RoleUserPath(Strict):
    user_id: uuid.UUID


class CreateRoleBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "branch-auditor",
                    "description": "Reads users and the audit log of the branch",
                    "permissions": ["user:read", "audit:read"],
                    "scopes": {"user:read": "organization"},
                }
            ]
        },
    )

    name: str = Field(min_length=2, max_length=64, pattern=ROLE_NAME_PATTERN, description=ROLE_NAME_DOC)
    description: str | None = Field(default=None, max_length=500)
    permissions: list[str] = Field(default_factory=list, max_length=100, description=PERMISSIONS_DOC)
    scopes: dict[str, ScopeName] | None = Field(default=None, max_length=100, description=SCOPES_DOC)


class UpdateRoleBody(Strict):
    name: str | None = Field(
        default=None, min_length=2, max_length=64, pattern=ROLE_NAME_PATTERN, description=ROLE_NAME_DOC
    )
    description: str | None = Field(default=None, max_length=500)
    permissions: list[str] | None = Field(default=None, max_length=100, description=PERMISSIONS_DOC)
    scopes: dict[str, ScopeName] | None = Field(
        default=None,
        max_length=100,
        description=SCOPES_DOC + "; left out, kept permissions keep their scope and new ones get `all`",
    )


class AssignRolesBody(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"roles": ["user", "staff"]}]})

    roles: list[str] = Field(max_length=50, description="The user's complete set of role names")


# -- policies -----------------------------------------------------------------------------
POLICY_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
PERMISSION_PATTERN = r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$"
DECIMAL_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,8})?$"


class AccessPolicyPath(Strict):
    name: str = Field(pattern=POLICY_NAME_PATTERN, description="The policy's name, e.g. `business_hours`")


class UpdateAccessPolicyBody(Strict):
    enabled: bool | None = Field(default=None, description="Switch the policy on or off")
    params: dict[str, Any] | None = Field(
        default=None,
        description="The policy's complete parameters (see docs/SECURITY.md); amounts as decimal strings",
    )


class PolicyEvaluationResource(Strict):
    type: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$", description="e.g. `payment`")
    id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    classification: Literal["public", "internal", "confidential", "restricted"] = "internal"
    maker_id: uuid.UUID | None = Field(default=None, description="Who created the resource (maker-checker)")
    amount: str | None = Field(default=None, pattern=DECIMAL_PATTERN, description='A decimal string, "12.50"')
    currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code")


class PolicyEvaluationBody(Strict):
    user_id: uuid.UUID = Field(description="Whose access is evaluated")
    action: str = Field(
        max_length=100, pattern=PERMISSION_PATTERN, description="A permission name, `resource:action`"
    )
    resource: PolicyEvaluationResource
    at: AwareDatetime | None = Field(default=None, description="When (ISO 8601 with offset); default now")
    emergency_reason: str | None = Field(default=None, max_length=500)


# -- responses ----------------------------------------------------------------------------
class Role(Strict):
    """A role, the same shape on create, read, update and list."""

    id: uuid.UUID
    name: str
    description: str | None
    permissions: list[str] = Field(description="Sorted `resource:action` names")
    scopes: dict[str, ScopeName] = Field(description="Every permission of the role -> its scope")
    is_system_role: bool = Field(
        description="`admin`, `staff`, `user`, `guest`: not renamed, regranted or deleted"
    )


class CataloguePermission(Strict):
    name: str = Field(description="`resource:action`")
    description: str | None
    scopes: list[ScopeName] = Field(description="The scopes it can be granted at, narrowest first")
    privileged: bool = Field(description="Usable only from a session that passed MFA, at any scope")


class PermissionCategory(Strict):
    """One category of the permission catalogue."""

    category: str
    permissions: list[CataloguePermission] = Field(description="Sorted by name")


class RoleAssignment(Strict):
    user_id: uuid.UUID
    roles: list[str] = Field(description="The user's role names, sorted")


class AccessPolicy(Strict):
    """A PBAC policy, the same shape on read, update and list."""

    name: str
    kind: Literal[
        "ownership",
        "organization_scope",
        "amount_threshold",
        "segregation_of_duties",
        "business_hours",
        "data_classification",
    ]
    enabled: bool
    position: int = Field(description="Evaluation order, ascending")
    params: dict[str, Any] = Field(description="The kind's parameters (docs/SECURITY.md); amounts as strings")
    updated_at: datetime
    updated_by: uuid.UUID | None = Field(description="Null for the seeded defaults")


class PolicyDecision(Strict):
    """One step of an evaluation: RBAC first, then each enabled policy in order."""

    effect: Literal["allow", "deny", "not_applicable"]
    policy: str
    reason: str
    approval_required: bool
    required_permission: str | None
    alert: bool
    emergency_override: bool = Field(description="A deny that an emergency reason would turn into an allow")


class PolicyEvaluation(Strict):
    allowed: bool
    reason: str = Field(description='"allowed", or every denying step\'s `policy: reason` joined by "; "')
    approval_required: bool
    alert: bool
    emergency_override: bool = Field(description="Denied only by policies an emergency reason would satisfy")
    trace: list[PolicyDecision]
