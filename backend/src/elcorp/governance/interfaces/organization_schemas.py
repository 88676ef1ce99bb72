"""Request and response models of the organizations API (pydantic v2; unknown fields refused:
mass assignment). The business rules on names and numbers live in the domain; these bounds
only keep absurd input out. Schema names are unique across the whole API: the OpenAPI
document names them by class."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from elcorp.shared.interfaces.pagination import ListQuery

NAME_DOC = "2 to 200 characters after trimming"
NUMBER_DOC = "1 to 40 letters, digits, spaces, / or -, starting with a letter or digit; stored upper-case"

OrganizationStatusName = Literal["active", "suspended", "closed"]
OrgRoleName = Literal["org_admin", "member"]
InvitationStatusName = Literal["pending", "accepted", "declined", "cancelled", "expired"]
Timestamp = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- paths ------------------------------------------------------------------------------------
class OrganizationPath(Strict):
    organization_id: uuid.UUID


class OrganizationMemberPath(Strict):
    organization_id: uuid.UUID
    user_id: uuid.UUID


class TeamPath(Strict):
    organization_id: uuid.UUID
    team_id: uuid.UUID


class TeamMemberPath(Strict):
    organization_id: uuid.UUID
    team_id: uuid.UUID
    user_id: uuid.UUID


class OrganizationInvitationPath(Strict):
    organization_id: uuid.UUID
    invitation_id: uuid.UUID


class InviteeInvitationPath(Strict):
    invitation_id: uuid.UUID


# -- queries ----------------------------------------------------------------------------------
class OrganizationListQuery(ListQuery):
    status: OrganizationStatusName | None = None
    q: str | None = Field(
        default=None,
        max_length=200,
        validation_alias=AliasChoices("q", "search"),
        description="Part of the name, any case (`search` is accepted as an alias)",
    )


class OrganizationMemberListQuery(ListQuery):
    """Members by date added."""


class TeamListQuery(ListQuery):
    """Teams by name."""


class OrganizationInvitationListQuery(ListQuery):
    """Invitations, newest first."""


# -- bodies -----------------------------------------------------------------------------------
class CreateOrganizationBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "name": "Windhoek Motors (Pty) Ltd",
                    "registration_number": "CC/2015/01234",
                    "vat_number": "1234567",
                    "admin_user_id": "7d0c5f7e-3c1a-4a57-9a55-2f1b6d0f8e21",
                }
            ]
        },
    )

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


class OrganizationMemberBody(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"org_role": "org_admin"}]})

    org_role: OrgRoleName = Field(description="The member's role in the organization")
    reason: str | None = Field(
        default=None,
        max_length=500,
        description="Required to add a user who is not a member yet (platform managers only; audited)",
    )


class OrganizationInvitationBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"user_id": "7d0c5f7e-3c1a-4a57-9a55-2f1b6d0f8e21", "org_role": "member"}]
        },
    )

    user_id: uuid.UUID = Field(description="An existing user; they join only when they accept")
    org_role: OrgRoleName = Field(
        default="member", description="The role they get in the organization when they accept"
    )


class CreateTeamBody(Strict):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Dispatch", "description": "Trucks and drivers"}]},
    )

    name: str = Field(max_length=400, description=NAME_DOC + "; unique in the organization, any case")
    description: str | None = Field(default=None, max_length=1000)


class UpdateTeamBody(Strict):
    name: str | None = Field(default=None, max_length=400, description=NAME_DOC)
    description: str | None = Field(default=None, max_length=1000, description="null clears it")


# -- responses (exactly what the routes send) -------------------------------------------------
class Organization(Strict):
    id: uuid.UUID
    name: str
    registration_number: str | None
    vat_number: str | None
    status: OrganizationStatusName
    created_at: Timestamp
    updated_at: Timestamp


class OrganizationMember(Strict):
    user_id: uuid.UUID
    org_role: OrgRoleName
    added_at: Timestamp


class Team(Strict):
    id: uuid.UUID
    organization_id: uuid.UUID
    name: str
    description: str | None
    members: list[uuid.UUID] = Field(description="The members' user ids, sorted")
    created_at: Timestamp


class OrganizationInvitation(Strict):
    id: uuid.UUID
    organization_id: uuid.UUID
    organization_name: str
    user_id: uuid.UUID = Field(description="The invitee")
    org_role: OrgRoleName
    status: InvitationStatusName = Field(description="A pending invitation past `expires_at` reads `expired`")
    invited_by: uuid.UUID | None
    created_at: Timestamp
    expires_at: Timestamp
    decided_at: Timestamp | None
