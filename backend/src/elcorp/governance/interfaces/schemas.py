"""Request models of the governance API (pydantic v2; unknown fields refused: mass assignment)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

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


class RolePath(Strict):
    role_id: uuid.UUID


class UserPath(Strict):
    user_id: uuid.UUID


class CreateRoleBody(Strict):
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
    roles: list[str] = Field(max_length=50, description="The user's complete set of role names")


# -- policies -----------------------------------------------------------------------------
POLICY_NAME_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
PERMISSION_PATTERN = r"^[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$"
DECIMAL_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,8})?$"


class PolicyPath(Strict):
    name: str = Field(pattern=POLICY_NAME_PATTERN, description="The policy's name, e.g. `business_hours`")


class UpdatePolicyBody(Strict):
    enabled: bool | None = Field(default=None, description="Switch the policy on or off")
    params: dict[str, Any] | None = Field(
        default=None,
        description="The policy's complete parameters (see docs/SECURITY.md); amounts as decimal strings",
    )


class EvaluateResourceBody(Strict):
    type: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$", description="e.g. `payment`")
    id: uuid.UUID | None = None
    owner_id: uuid.UUID | None = None
    organization_id: uuid.UUID | None = None
    classification: Literal["public", "internal", "confidential", "restricted"] = "internal"
    maker_id: uuid.UUID | None = Field(default=None, description="Who created the resource (maker-checker)")
    amount: str | None = Field(default=None, pattern=DECIMAL_PATTERN, description='A decimal string, "12.50"')
    currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code")


class EvaluateBody(Strict):
    user_id: uuid.UUID = Field(description="Whose access is evaluated")
    action: str = Field(
        max_length=100, pattern=PERMISSION_PATTERN, description="A permission name, `resource:action`"
    )
    resource: EvaluateResourceBody
    at: AwareDatetime | None = Field(default=None, description="When (ISO 8601 with offset); default now")
    emergency_reason: str | None = Field(default=None, max_length=500)
