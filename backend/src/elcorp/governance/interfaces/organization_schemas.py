"""Request models of the organizations API (pydantic v2; unknown fields refused: mass
assignment). The business rules on names and numbers live in the domain; these bounds only
keep absurd input out."""

from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from elcorp.shared.application.pagination import DEFAULT_PER_PAGE, MAX_PER_PAGE

NAME_DOC = "2 to 200 characters after trimming"
NUMBER_DOC = "1 to 40 letters, digits, spaces, / or -, starting with a letter or digit; stored upper-case"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrganizationPath(Strict):
    organization_id: uuid.UUID


class MemberPath(Strict):
    organization_id: uuid.UUID
    user_id: uuid.UUID


class TeamPath(Strict):
    organization_id: uuid.UUID
    team_id: uuid.UUID


class TeamMemberPath(Strict):
    organization_id: uuid.UUID
    team_id: uuid.UUID
    user_id: uuid.UUID


class OrganizationListQuery(Strict):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=DEFAULT_PER_PAGE, ge=1, le=MAX_PER_PAGE)
    status: Literal["active", "suspended", "closed"] | None = None
    q: str | None = Field(default=None, max_length=200, description="Part of the name, any case")


class CreateOrganizationBody(Strict):
    name: str = Field(max_length=400, description=NAME_DOC)
    registration_number: str | None = Field(default=None, max_length=80, description=NUMBER_DOC)
    vat_number: str | None = Field(default=None, max_length=80, description=NUMBER_DOC)
    admin_user_id: uuid.UUID | None = Field(
        default=None, description="An existing user in no organization: becomes its first org_admin"
    )


class UpdateOrganizationBody(Strict):
    name: str | None = Field(default=None, max_length=400, description=NAME_DOC)
    registration_number: str | None = Field(
        default=None, max_length=80, description=NUMBER_DOC + "; null clears it"
    )
    vat_number: str | None = Field(default=None, max_length=80, description=NUMBER_DOC + "; null clears it")


class PutMemberBody(Strict):
    org_role: Literal["org_admin", "member"] = Field(description="The member's role in the organization")
    reason: str | None = Field(
        default=None,
        max_length=500,
        description="Required to add a user who is not a member yet (platform managers only; audited)",
    )


class InvitationPath(Strict):
    organization_id: uuid.UUID
    invitation_id: uuid.UUID


class MyInvitationPath(Strict):
    invitation_id: uuid.UUID


class InviteBody(Strict):
    user_id: uuid.UUID = Field(description="An existing user; they join only when they accept")
    org_role: Literal["org_admin", "member"] = Field(
        default="member", description="The role they get in the organization when they accept"
    )


class CreateTeamBody(Strict):
    name: str = Field(max_length=400, description=NAME_DOC + "; unique in the organization, any case")
    description: str | None = Field(default=None, max_length=1000)


class UpdateTeamBody(Strict):
    name: str | None = Field(default=None, max_length=400, description=NAME_DOC)
    description: str | None = Field(default=None, max_length=1000, description="null clears it")
