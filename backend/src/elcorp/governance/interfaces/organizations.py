"""HTTP routes of organizations, their members and teams (governance), under /api/v1.

Organization admins hold no RBAC permission for their organization, so most routes only
authenticate and the use case decides from the caller's standing (404 for outsiders).
Creation and status changes need `organization:manage`. Users join by accepting an
invitation (`/organizations/{id}/invitations`, then `/organizations/invitations/{id}/accept`).
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.governance.application.invitations import InvitationView, OrganizationInvitations
from elcorp.governance.application.organizations import OrganizationAdministration
from elcorp.governance.domain.invitations import InvitationAnswer
from elcorp.governance.domain.organizations import Membership, Organization, OrgRole, Team
from elcorp.governance.interfaces import organization_schemas as s
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission

ORGANIZATION = "/organizations/<uuid:organization_id>"
TEAM = ORGANIZATION + "/teams/<uuid:team_id>"


def organization_json(organization: Organization) -> dict[str, Any]:
    return {
        "id": str(organization.id),
        "name": organization.name,
        "registration_number": organization.registration_number,
        "vat_number": organization.vat_number,
        "status": organization.status.value,
        "created_at": isoformat_z(organization.created_at),
        "updated_at": isoformat_z(organization.updated_at),
    }


def invitation_json(view: InvitationView) -> dict[str, Any]:
    invitation = view.invitation
    return {
        "id": str(invitation.id),
        "organization_id": str(invitation.organization_id),
        "organization_name": view.organization_name,
        "user_id": str(invitation.user_id),
        "org_role": invitation.org_role.value,
        "status": view.status.value,
        "invited_by": None if invitation.invited_by is None else str(invitation.invited_by),
        "created_at": isoformat_z(invitation.created_at),
        "expires_at": isoformat_z(invitation.expires_at),
        "decided_at": None if invitation.decided_at is None else isoformat_z(invitation.decided_at),
    }


def member_json(membership: Membership) -> dict[str, Any]:
    return {
        "user_id": str(membership.user_id),
        "org_role": membership.org_role.value,
        "added_at": isoformat_z(membership.added_at),
    }


def team_json(team: Team) -> dict[str, Any]:
    return {
        "id": str(team.id),
        "organization_id": str(team.organization_id),
        "name": team.name,
        "description": team.description,
        "members": sorted(str(m) for m in team.members),
        "created_at": isoformat_z(team.created_at),
    }


def caller() -> uuid.UUID:
    return current_caller().user_id


def blueprint(
    organizations: OrganizationAdministration, invitations: OrganizationInvitations
) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "organizations",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="governance")],
    )
    _organization_routes(api, organizations)
    _member_and_invitation_routes(api, organizations, invitations)
    _decline_and_team_routes(api, organizations, invitations)
    return api


def _organization_routes(api: APIBlueprint, organizations: OrganizationAdministration) -> None:
    # -- organizations ------------------------------------------------------------------------
    @api.get("/organizations", security=BEARER)
    @authenticated
    def list_organizations(query: s.OrganizationListQuery) -> Response:
        page = organizations.list_organizations(
            caller(), PageRequest(query.page, query.per_page), status=query.status, text=query.q
        )
        return envelope.success([organization_json(o) for o in page.items], meta=page.meta)

    @api.post("/organizations", security=BEARER)
    @require_permission("organization:manage")
    def create_organization(body: s.CreateOrganizationBody) -> Response:
        created = organizations.create_organization(
            caller(),
            name=body.name,
            registration_number=body.registration_number,
            vat_number=body.vat_number,
            admin_user_id=body.admin_user_id,
        )
        return envelope.success(organization_json(created), status=201)

    @api.get(ORGANIZATION, security=BEARER)
    @authenticated
    def get_organization(path: s.OrganizationPath) -> Response:
        found = organizations.get_organization(caller(), path.organization_id)
        return envelope.success(organization_json(found))

    @api.patch(ORGANIZATION, security=BEARER)
    @authenticated
    def update_organization(path: s.OrganizationPath, body: s.UpdateOrganizationBody) -> Response:
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        updated = organizations.update_organization(caller(), path.organization_id, changes)
        return envelope.success(organization_json(updated))

    @api.post(ORGANIZATION + "/suspend", security=BEARER)
    @require_permission("organization:manage")
    def suspend_organization(path: s.OrganizationPath) -> Response:
        return envelope.success(organization_json(organizations.suspend(caller(), path.organization_id)))

    @api.post(ORGANIZATION + "/reactivate", security=BEARER)
    @require_permission("organization:manage")
    def reactivate_organization(path: s.OrganizationPath) -> Response:
        return envelope.success(organization_json(organizations.reactivate(caller(), path.organization_id)))

    @api.post(ORGANIZATION + "/close", security=BEARER)
    @require_permission("organization:manage")
    def close_organization(path: s.OrganizationPath) -> Response:
        return envelope.success(organization_json(organizations.close(caller(), path.organization_id)))


def _member_and_invitation_routes(
    api: APIBlueprint, organizations: OrganizationAdministration, invitations: OrganizationInvitations
) -> None:
    # -- members ------------------------------------------------------------------------------
    @api.get(ORGANIZATION + "/members", security=BEARER)
    @authenticated
    def list_members(path: s.OrganizationPath) -> Response:
        found = organizations.list_members(caller(), path.organization_id)
        return envelope.success([member_json(m) for m in found], meta={"total": len(found)})

    @api.put(ORGANIZATION + "/members/<uuid:user_id>", security=BEARER)
    @authenticated
    def put_member(path: s.MemberPath, body: s.PutMemberBody) -> Response:
        membership, created = organizations.put_member(
            caller(), path.organization_id, path.user_id, OrgRole(body.org_role), reason=body.reason
        )
        return envelope.success(member_json(membership), status=201 if created else 200)

    @api.delete(ORGANIZATION + "/members/<uuid:user_id>", security=BEARER)
    @authenticated
    def remove_member(path: s.MemberPath) -> Response:
        organizations.remove_member(caller(), path.organization_id, path.user_id)
        return envelope.success({"removed": True, "user_id": str(path.user_id)})

    # -- invitations ----------------------------------------------------------------------------
    @api.post(ORGANIZATION + "/invitations", security=BEARER)
    @authenticated
    def invite_member(path: s.OrganizationPath, body: s.InviteBody) -> Response:
        sent = invitations.invite(caller(), path.organization_id, body.user_id, OrgRole(body.org_role))
        return envelope.success(invitation_json(sent), status=201)

    @api.get(ORGANIZATION + "/invitations", security=BEARER)
    @authenticated
    def list_invitations(path: s.OrganizationPath) -> Response:
        found = invitations.invitations_to(caller(), path.organization_id)
        return envelope.success([invitation_json(i) for i in found], meta={"total": len(found)})

    @api.post(ORGANIZATION + "/invitations/<uuid:invitation_id>/cancel", security=BEARER)
    @authenticated
    def cancel_invitation(path: s.InvitationPath) -> Response:
        cancelled = invitations.cancel(caller(), path.organization_id, path.invitation_id)
        return envelope.success(invitation_json(cancelled))

    @api.get("/me/organization-invitations", security=BEARER)
    @authenticated
    def my_invitations() -> Response:
        found = invitations.my_invitations(caller())
        return envelope.success([invitation_json(i) for i in found], meta={"total": len(found)})

    @api.post("/organizations/invitations/<uuid:invitation_id>/accept", security=BEARER)
    @authenticated
    def accept_invitation(path: s.MyInvitationPath) -> Response:
        decided = invitations.answer(caller(), path.invitation_id, InvitationAnswer.ACCEPT)
        return envelope.success(invitation_json(decided))


def _decline_and_team_routes(
    api: APIBlueprint, organizations: OrganizationAdministration, invitations: OrganizationInvitations
) -> None:
    @api.post("/organizations/invitations/<uuid:invitation_id>/decline", security=BEARER)
    @authenticated
    def decline_invitation(path: s.MyInvitationPath) -> Response:
        decided = invitations.answer(caller(), path.invitation_id, InvitationAnswer.DECLINE)
        return envelope.success(invitation_json(decided))

    # -- teams ----------------------------------------------------------------------------------
    @api.get(ORGANIZATION + "/teams", security=BEARER)
    @authenticated
    def list_teams(path: s.OrganizationPath) -> Response:
        found = organizations.list_teams(caller(), path.organization_id)
        return envelope.success([team_json(t) for t in found], meta={"total": len(found)})

    @api.post(ORGANIZATION + "/teams", security=BEARER)
    @authenticated
    def create_team(path: s.OrganizationPath, body: s.CreateTeamBody) -> Response:
        team = organizations.create_team(
            caller(), path.organization_id, name=body.name, description=body.description
        )
        return envelope.success(team_json(team), status=201)

    @api.get(TEAM, security=BEARER)
    @authenticated
    def get_team(path: s.TeamPath) -> Response:
        return envelope.success(
            team_json(organizations.get_team(caller(), path.organization_id, path.team_id))
        )

    @api.patch(TEAM, security=BEARER)
    @authenticated
    def update_team(path: s.TeamPath, body: s.UpdateTeamBody) -> Response:
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        team = organizations.update_team(caller(), path.organization_id, path.team_id, changes)
        return envelope.success(team_json(team))

    @api.delete(TEAM, security=BEARER)
    @authenticated
    def delete_team(path: s.TeamPath) -> Response:
        organizations.delete_team(caller(), path.organization_id, path.team_id)
        return envelope.success({"deleted": True, "id": str(path.team_id)})

    @api.put(TEAM + "/members/<uuid:user_id>", security=BEARER)
    @authenticated
    def add_team_member(path: s.TeamMemberPath) -> Response:
        team, added = organizations.add_team_member(
            caller(), path.organization_id, path.team_id, path.user_id
        )
        return envelope.success(team_json(team), status=201 if added else 200)

    @api.delete(TEAM + "/members/<uuid:user_id>", security=BEARER)
    @authenticated
    def remove_team_member(path: s.TeamMemberPath) -> Response:
        team = organizations.remove_team_member(caller(), path.organization_id, path.team_id, path.user_id)
        return envelope.success(team_json(team))
