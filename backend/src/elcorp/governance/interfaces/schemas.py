"""Request models of the governance API (pydantic v2; unknown fields refused: mass assignment)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

ROLE_NAME_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
ROLE_NAME_DOC = "A lower-case slug: letters and digits, optionally joined by - or _"
PERMISSIONS_DOC = (
    "Permission names (`resource:action`) from the catalogue; custom roles grant them with scope `all`"
)


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


class UpdateRoleBody(Strict):
    name: str | None = Field(
        default=None, min_length=2, max_length=64, pattern=ROLE_NAME_PATTERN, description=ROLE_NAME_DOC
    )
    description: str | None = Field(default=None, max_length=500)
    permissions: list[str] | None = Field(default=None, max_length=100, description=PERMISSIONS_DOC)


class AssignRolesBody(Strict):
    roles: list[str] = Field(max_length=50, description="The user's complete set of role names")
