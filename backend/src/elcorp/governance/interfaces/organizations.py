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
from elcorp.governance.domain.invitations import (
    AlreadyInAnOrganization,
    InvitationAlreadyPending,
    InvitationAnswer,
    InvitationExpired,
    InvitationNotPending,
    InvitationRequired,
)
from elcorp.governance.domain.organizations import Membership, Organization, OrgRole, Team
from elcorp.governance.interfaces import organization_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import AccessDenied, AlreadyExists, Conflict
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller, require_permission
from elcorp.shared.interfaces.openapi import created, listed, no_content, ok
from elcorp.shared.interfaces.pagination import page_response

ORGANIZATION = "/organizations/<uuid:organization_id>"
TEAM = ORGANIZATION + "/teams/<uuid:team_id>"
INVITEE = "/organizations/invitations/<uuid:invitation_id>"


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


def organization_url(organization_id: uuid.UUID) -> str:
    return f"{API_V1}/organizations/{organization_id}"


def caller() -> uuid.UUID:
    return current_caller().user_id


def created_or_ok(data: dict[str, Any], *, was_created: bool, location: str) -> Response:
    """A PUT answer: 201 with `Location` when it made the resource, 200 when it existed."""
    return envelope.created(data, location=location) if was_created else envelope.success(data)


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
    _status_routes(api, organizations)
    _member_routes(api, organizations)
    _invitation_routes(api, invitations)
    _invitation_item_routes(api, invitations)
    _invitee_routes(api, invitations)
    _team_routes(api, organizations)
    _team_member_routes(api, organizations)
    return api


def _organization_routes(api: APIBlueprint, organizations: OrganizationAdministration) -> None:
    @api.get("/organizations", security=BEARER, responses=listed(s.Organization))
    @authenticated
    def list_organizations(query: s.OrganizationListQuery) -> Response:
        """List organizations, by name.

        Platform managers see every organization; anybody else sees only their own one.
        """
        page = organizations.list_organizations(
            caller(), query.page_request(), status=query.status, text=query.q
        )
        return page_response([organization_json(o) for o in page.items], page)

    @api.post(
        "/organizations", security=BEARER, responses=created(s.Organization, AccessDenied, AlreadyExists)
    )
    @require_permission("organization:manage")
    def create_organization(body: s.CreateOrganizationBody) -> Response:
        """Register an organization.

        Platform managers only (`organization:manage` at scope `all`).
        """
        new = organizations.create_organization(
            caller(),
            name=body.name,
            registration_number=body.registration_number,
            vat_number=body.vat_number,
            admin_user_id=body.admin_user_id,
        )
        return envelope.created(organization_json(new), location=organization_url(new.id))

    @api.get(ORGANIZATION, security=BEARER, responses=ok(s.Organization))
    @authenticated
    def get_organization(path: s.OrganizationPath) -> Response:
        """Read an organization.

        Its members and platform managers; anybody else gets 404.
        """
        found = organizations.get_organization(caller(), path.organization_id)
        return envelope.success(organization_json(found))

    @api.patch(
        ORGANIZATION,
        security=BEARER,
        responses=ok(s.Organization, AccessDenied, AlreadyExists, Conflict),
    )
    @authenticated
    def update_organization(path: s.OrganizationPath, body: s.UpdateOrganizationBody) -> Response:
        """Change an organization's name, registration number or VAT number.

        Its org admins while it is active; platform managers unless it is closed.
        """
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        updated = organizations.update_organization(caller(), path.organization_id, changes)
        return envelope.success(organization_json(updated))


def _status_routes(api: APIBlueprint, organizations: OrganizationAdministration) -> None:
    status_responses = ok(s.Organization, AccessDenied, Conflict)

    @api.post(ORGANIZATION + "/suspend", security=BEARER, responses=status_responses)
    @require_permission("organization:manage")
    def suspend_organization(path: s.OrganizationPath) -> Response:
        """Suspend an active organization.

        Platform managers only. Its org admins can then only read it.
        """
        return envelope.success(organization_json(organizations.suspend(caller(), path.organization_id)))

    @api.post(ORGANIZATION + "/reactivate", security=BEARER, responses=status_responses)
    @require_permission("organization:manage")
    def reactivate_organization(path: s.OrganizationPath) -> Response:
        """Reactivate a suspended organization.

        Platform managers only.
        """
        return envelope.success(organization_json(organizations.reactivate(caller(), path.organization_id)))

    @api.post(ORGANIZATION + "/close", security=BEARER, responses=status_responses)
    @require_permission("organization:manage")
    def close_organization(path: s.OrganizationPath) -> Response:
        """Close an organization for good; it becomes read-only.

        Platform managers only.
        """
        return envelope.success(organization_json(organizations.close(caller(), path.organization_id)))


def _member_routes(api: APIBlueprint, organizations: OrganizationAdministration) -> None:
    @api.get(ORGANIZATION + "/members", security=BEARER, responses=listed(s.OrganizationMember))
    @authenticated
    def list_organization_members(path: s.OrganizationPath, query: s.OrganizationMemberListQuery) -> Response:
        """List an organization's members, by date added.

        Its members and platform managers.
        """
        page = organizations.list_members(caller(), path.organization_id, query.page_request())
        return page_response([member_json(m) for m in page.items], page)

    member_errors = (AccessDenied, InvitationRequired, AlreadyExists, Conflict)

    @api.put(
        ORGANIZATION + "/members/<uuid:user_id>",
        security=BEARER,
        responses={**ok(s.OrganizationMember, *member_errors), **created(s.OrganizationMember)},
    )
    @authenticated
    def put_organization_member(path: s.OrganizationMemberPath, body: s.OrganizationMemberBody) -> Response:
        """Set a member's role, or add a user directly.

        Org admins change the role of a member (200). Platform managers may also add a user
        who is in no organization, with a `reason` (201); everybody else invites instead.
        """
        membership, was_created = organizations.put_member(
            caller(), path.organization_id, path.user_id, OrgRole(body.org_role), reason=body.reason
        )
        location = f"{organization_url(path.organization_id)}/members/{path.user_id}"
        return created_or_ok(member_json(membership), was_created=was_created, location=location)

    @api.delete(
        ORGANIZATION + "/members/<uuid:user_id>",
        security=BEARER,
        responses=no_content(AccessDenied, Conflict),
    )
    @authenticated
    def remove_organization_member(path: s.OrganizationMemberPath) -> Response:
        """Remove a member from an organization and its teams.

        Its org admins while it is active; platform managers, even once it is closed.
        """
        organizations.remove_member(caller(), path.organization_id, path.user_id)
        return envelope.no_content()


def _invitation_routes(api: APIBlueprint, invitations: OrganizationInvitations) -> None:
    invite_errors = (AccessDenied, InvitationAlreadyPending, AlreadyInAnOrganization, Conflict)

    @api.post(
        ORGANIZATION + "/invitations",
        security=BEARER,
        responses=created(s.OrganizationInvitation, *invite_errors),
    )
    @authenticated
    def create_organization_invitation(
        path: s.OrganizationPath, body: s.OrganizationInvitationBody
    ) -> Response:
        """Invite a user to join an organization; they are mailed.

        Its org admins while it is active; platform managers unless it is closed.
        """
        sent = invitations.invite(caller(), path.organization_id, body.user_id, OrgRole(body.org_role))
        location = f"{organization_url(path.organization_id)}/invitations/{sent.invitation.id}"
        return envelope.created(invitation_json(sent), location=location)

    @api.get(
        ORGANIZATION + "/invitations",
        security=BEARER,
        responses=listed(s.OrganizationInvitation, AccessDenied),
    )
    @authenticated
    def list_organization_invitations(
        path: s.OrganizationPath, query: s.OrganizationInvitationListQuery
    ) -> Response:
        """List an organization's invitations, newest first.

        Its org admins and platform managers.
        """
        page = invitations.invitations_to(caller(), path.organization_id, query.page_request())
        return page_response([invitation_json(i) for i in page.items], page)


def _invitation_item_routes(api: APIBlueprint, invitations: OrganizationInvitations) -> None:
    @api.get(
        ORGANIZATION + "/invitations/<uuid:invitation_id>",
        security=BEARER,
        responses=ok(s.OrganizationInvitation, AccessDenied),
    )
    @authenticated
    def get_organization_invitation(path: s.OrganizationInvitationPath) -> Response:
        """Read one of an organization's invitations.

        Its org admins and platform managers.
        """
        found = invitations.invitation_to(caller(), path.organization_id, path.invitation_id)
        return envelope.success(invitation_json(found))

    @api.post(
        ORGANIZATION + "/invitations/<uuid:invitation_id>/cancel",
        security=BEARER,
        responses=ok(s.OrganizationInvitation, AccessDenied, InvitationNotPending, InvitationExpired),
    )
    @authenticated
    def cancel_organization_invitation(path: s.OrganizationInvitationPath) -> Response:
        """Withdraw a pending invitation.

        Its org admins and platform managers, whatever the organization's status.
        """
        cancelled = invitations.cancel(caller(), path.organization_id, path.invitation_id)
        return envelope.success(invitation_json(cancelled))


def _invitee_routes(api: APIBlueprint, invitations: OrganizationInvitations) -> None:
    @api.get("/me/organization-invitations", security=BEARER, responses=listed(s.OrganizationInvitation))
    @authenticated
    def list_my_organization_invitations(query: s.OrganizationInvitationListQuery) -> Response:
        """List the caller's invitations to organizations, newest first, whatever their status.

        Any signed-in user.
        """
        page = invitations.my_invitations(caller(), query.page_request())
        return page_response([invitation_json(i) for i in page.items], page)

    @api.post(
        INVITEE + "/accept",
        security=BEARER,
        responses=ok(
            s.OrganizationInvitation,
            InvitationNotPending,
            InvitationExpired,
            AlreadyInAnOrganization,
            Conflict,
        ),
    )
    @authenticated
    def accept_organization_invitation(path: s.InviteeInvitationPath) -> Response:
        """Accept an invitation: the caller joins the organization.

        The invitee only; to anybody else the invitation does not exist (404).
        """
        decided = invitations.answer(caller(), path.invitation_id, InvitationAnswer.ACCEPT)
        return envelope.success(invitation_json(decided))

    @api.post(
        INVITEE + "/decline",
        security=BEARER,
        responses=ok(s.OrganizationInvitation, InvitationNotPending, InvitationExpired),
    )
    @authenticated
    def decline_organization_invitation(path: s.InviteeInvitationPath) -> Response:
        """Decline an invitation.

        The invitee only; to anybody else the invitation does not exist (404).
        """
        decided = invitations.answer(caller(), path.invitation_id, InvitationAnswer.DECLINE)
        return envelope.success(invitation_json(decided))


def _team_routes(api: APIBlueprint, organizations: OrganizationAdministration) -> None:
    @api.get(ORGANIZATION + "/teams", security=BEARER, responses=listed(s.Team))
    @authenticated
    def list_teams(path: s.OrganizationPath, query: s.TeamListQuery) -> Response:
        """List an organization's teams, by name.

        Its members and platform managers.
        """
        page = organizations.list_teams(caller(), path.organization_id, query.page_request())
        return page_response([team_json(t) for t in page.items], page)

    @api.post(
        ORGANIZATION + "/teams",
        security=BEARER,
        responses=created(s.Team, AccessDenied, AlreadyExists, Conflict),
    )
    @authenticated
    def create_team(path: s.OrganizationPath, body: s.CreateTeamBody) -> Response:
        """Form a team in an organization.

        Its org admins while it is active; platform managers unless it is closed.
        """
        team = organizations.create_team(
            caller(), path.organization_id, name=body.name, description=body.description
        )
        location = f"{organization_url(path.organization_id)}/teams/{team.id}"
        return envelope.created(team_json(team), location=location)

    @api.get(TEAM, security=BEARER, responses=ok(s.Team))
    @authenticated
    def get_team(path: s.TeamPath) -> Response:
        """Read a team.

        The organization's members and platform managers.
        """
        return envelope.success(
            team_json(organizations.get_team(caller(), path.organization_id, path.team_id))
        )

    @api.patch(TEAM, security=BEARER, responses=ok(s.Team, AccessDenied, AlreadyExists, Conflict))
    @authenticated
    def update_team(path: s.TeamPath, body: s.UpdateTeamBody) -> Response:
        """Rename a team or change its description.

        The organization's org admins while it is active; platform managers unless it is closed.
        """
        changes = {name: getattr(body, name) for name in body.model_fields_set}
        team = organizations.update_team(caller(), path.organization_id, path.team_id, changes)
        return envelope.success(team_json(team))

    @api.delete(TEAM, security=BEARER, responses=no_content(AccessDenied, Conflict))
    @authenticated
    def delete_team(path: s.TeamPath) -> Response:
        """Delete a team (its members stay in the organization).

        The organization's org admins while it is active; platform managers unless it is closed.
        """
        organizations.delete_team(caller(), path.organization_id, path.team_id)
        return envelope.no_content()


def _team_member_routes(api: APIBlueprint, organizations: OrganizationAdministration) -> None:
    @api.put(
        TEAM + "/members/<uuid:user_id>",
        security=BEARER,
        responses={**ok(s.Team, AccessDenied, Conflict), **created(s.Team)},
    )
    @authenticated
    def add_team_member(path: s.TeamMemberPath) -> Response:
        """Put a member of the organization in a team; answers the team.

        The organization's org admins while it is active; platform managers unless it is
        closed. 201 when the user was added, 200 when they were already in the team.
        """
        team, added = organizations.add_team_member(
            caller(), path.organization_id, path.team_id, path.user_id
        )
        location = f"{organization_url(path.organization_id)}/teams/{path.team_id}/members/{path.user_id}"
        return created_or_ok(team_json(team), was_created=added, location=location)

    @api.delete(
        TEAM + "/members/<uuid:user_id>", security=BEARER, responses=no_content(AccessDenied, Conflict)
    )
    @authenticated
    def remove_team_member(path: s.TeamMemberPath) -> Response:
        """Take a user out of a team (they stay in the organization).

        The organization's org admins while it is active; platform managers unless it is closed.
        """
        organizations.remove_team_member(caller(), path.organization_id, path.team_id, path.user_id)
        return envelope.no_content()
