"""SQL side of governance's erasure: role assignments, memberships and invitations deleted,
the free text of service requests replaced."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from elcorp.governance.infrastructure.tables import (
    organization_invitation,
    organization_member,
    service_request,
    service_request_approval,
    service_request_comment,
    service_request_transition,
    team_member,
    user_role,
)
from elcorp.shared.application.personal_data_erasure import ErasureStep, RecordRef
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.infrastructure.personal_data_erasure import session_of, treatment

ERASED_TEXT = "[erased]"


class SqlGovernanceErasureStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    def factory(cls) -> Callable[[UnitOfWork], SqlGovernanceErasureStore]:
        return lambda tx: cls(session_of(tx))

    def records(self, subject_id: uuid.UUID) -> list[RecordRef]:
        ids: list[uuid.UUID] = list(
            self._session.execute(
                select(service_request.c.id).where(service_request.c.requester_id == subject_id)
            ).scalars()
        )
        return [RecordRef("service_request", str(i)) for i in ids]

    def anonymise_texts(self, subject_id: uuid.UUID) -> list[ErasureStep]:
        """Free text of the subject's service requests (the subject's own words and what
        others wrote on them), and what the subject wrote on other requests, is replaced:
        it may name anyone; the requests stay as workflow records by id and state."""
        own = select(service_request.c.id).where(service_request.c.requester_id == subject_id)
        steps: list[ErasureStep] = []
        changed = self._session.execute(
            update(service_request)
            .where(service_request.c.requester_id == subject_id)
            .values(title=ERASED_TEXT, description="")
        ).rowcount  # type: ignore[attr-defined]
        if changed:
            t = treatment(service_request, "description", "service_request.content", "account", "anonymise")
            steps.append(ErasureStep(t.category, "anonymise", int(changed), t.basis))
        comments = 0
        for table, author, column in (
            (service_request_comment, service_request_comment.c.author_id, "body"),
            (service_request_approval, service_request_approval.c.approver_id, "comment"),
            (service_request_transition, service_request_transition.c.actor_id, "comment"),
        ):
            blank = ERASED_TEXT if column == "body" else ""
            comments += int(
                self._session.execute(
                    update(table)
                    .where(or_(author == subject_id, table.c.request_id.in_(own)), table.c[column] != blank)
                    .values({column: blank})
                ).rowcount  # type: ignore[attr-defined]
            )
        if comments:
            t = treatment(service_request_comment, "body", "service_request.comment", "account", "anonymise")
            steps.append(ErasureStep(t.category, "anonymise", comments, t.basis))
        return steps

    def delete_access(self, subject_id: uuid.UUID) -> list[ErasureStep]:
        steps: list[ErasureStep] = []
        for table, category in (
            (team_member, "governance.team_membership"),
            (organization_member, "governance.organization_membership"),
            (organization_invitation, "governance.organization_invitation"),
            (user_role, "governance.role_assignment"),
        ):
            count = self._session.execute(delete(table).where(table.c.user_id == subject_id)).rowcount  # type: ignore[attr-defined]
            if count:
                steps.append(ErasureStep(category, "delete", int(count), "account"))
        return steps
