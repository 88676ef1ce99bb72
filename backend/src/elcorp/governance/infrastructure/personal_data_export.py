"""SQL side of governance's access-bundle section."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from elcorp.governance.infrastructure.tables import (
    organization,
    organization_invitation,
    organization_member,
    role,
    service_request,
    service_request_approval,
    service_request_comment,
    service_request_transition,
    team,
    team_member,
    user_role,
)


def _queries(subject_id: uuid.UUID) -> dict[str, Select[Any]]:
    """Every section of the bundle, in the order it is shown."""
    return {**_membership_queries(subject_id), **_request_queries(subject_id)}


def _membership_queries(subject_id: uuid.UUID) -> dict[str, Select[Any]]:
    """The subject's roles, organizations, invitations and teams."""
    return {
        "roles": select(role.c.name, user_role.c.assigned_at, user_role.c.assigned_by)
        .join(role, role.c.id == user_role.c.role_id)
        .where(user_role.c.user_id == subject_id)
        .order_by(role.c.name),
        "organizations": select(
            organization.c.id,
            organization.c.name,
            organization_member.c.org_role,
            organization_member.c.added_at,
            organization_member.c.added_by,
        )
        .join(organization, organization.c.id == organization_member.c.organization_id)
        .where(organization_member.c.user_id == subject_id),
        "organization_invitations": select(
            organization.c.name.label("organization_name"),
            organization_invitation.c.id,
            organization_invitation.c.org_role,
            organization_invitation.c.status,
            organization_invitation.c.invited_by,
            organization_invitation.c.created_at,
            organization_invitation.c.expires_at,
            organization_invitation.c.decided_at,
        )
        .join(organization, organization.c.id == organization_invitation.c.organization_id)
        .where(organization_invitation.c.user_id == subject_id)
        .order_by(organization_invitation.c.created_at),
        "teams": select(team.c.id, team.c.name, team_member.c.added_at, team_member.c.added_by)
        .join(team, team.c.id == team_member.c.team_id)
        .where(team_member.c.user_id == subject_id),
    }


def _request_queries(subject_id: uuid.UUID) -> dict[str, Select[Any]]:
    """The service requests the subject asked for (with their history and every comment on
    them), the approvals they gave and the comments they wrote on others' requests."""
    mine = select(service_request.c.id).where(service_request.c.requester_id == subject_id)
    return {
        "service_requests": select(
            service_request.c.id,
            service_request.c.category,
            service_request.c.title,
            service_request.c.description,
            service_request.c.priority,
            service_request.c.status,
            service_request.c.amount,
            service_request.c.currency,
            service_request.c.submitted_at,
            service_request.c.created_at,
            service_request.c.completed_at,
        )
        .where(service_request.c.requester_id == subject_id)
        .order_by(service_request.c.created_at),
        "service_request_history": select(service_request_transition)
        .where(service_request_transition.c.request_id.in_(mine))
        .order_by(service_request_transition.c.id),
        "approvals_given": select(service_request_approval).where(
            service_request_approval.c.approver_id == subject_id
        ),
        "comments": select(service_request_comment)
        .where(
            (service_request_comment.c.author_id == subject_id)
            | service_request_comment.c.request_id.in_(mine)
        )
        .order_by(service_request_comment.c.created_at),
    }


class SqlGovernanceRecords:
    def __init__(self, session_factory: Callable[[], Session]) -> None:
        self._sessions = session_factory

    def of(self, subject_id: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
        with self._sessions() as session:
            found = {
                name: [dict(row._mapping) for row in session.execute(query)]
                for name, query in _queries(subject_id).items()
            }
        history = found.pop("service_request_history")
        for request in found["service_requests"]:
            request["history"] = [h for h in history if h["request_id"] == request["id"]]
        return found
