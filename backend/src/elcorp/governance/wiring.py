"""Governance wires itself in two steps, because identity and governance need each other:
`wire_access` builds access control (identity checks permissions with it), then, once
identity is built, `wire` builds roles, policies, organizations, invitations and service
requests on identity's `UserDirectory`."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from flask_openapi3 import APIBlueprint
from sqlalchemy.orm import Session

from elcorp.governance.application.api import (
    AccessControl,
    GovernancePersonalDataErasure,
    Grants,
    GrantsStore,
    OrganizationDirectory,
    PermissionHolders,
)
from elcorp.governance.application.event_feed import EventFeed
from elcorp.governance.application.invitation_mail import InvitationMailer
from elcorp.governance.application.invitations import OrganizationInvitations
from elcorp.governance.application.organizations import OrganizationAdministration
from elcorp.governance.application.personal_data_export import GovernancePersonalData
from elcorp.governance.application.policies import PolicyAdministration
from elcorp.governance.application.roles import RoleAdministration
from elcorp.governance.application.service_requests import ApprovalReminderDue, ServiceRequests
from elcorp.governance.application.webhooks import Webhooks
from elcorp.governance.application.workflow_mail import WorkflowMailer
from elcorp.governance.application.workflow_ports import DefaultSlaTable
from elcorp.governance.domain.event_feed import FEED_EVENT_TYPES, WEBHOOK_EVENT_TYPES
from elcorp.governance.domain.invitations import OrganizationInvitationSent
from elcorp.governance.domain.service_requests import (
    ServiceRequestApprovalRecorded,
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCompleted,
    ServiceRequestRejected,
)
from elcorp.governance.infrastructure.calendar import CountryHolidayCalendar
from elcorp.governance.infrastructure.event_feed_store import SqlEventFeedStore
from elcorp.governance.infrastructure.grants import RedisGrantsCache, SqlGrantsStore
from elcorp.governance.infrastructure.personal_data_erasure import SqlGovernanceErasureStore
from elcorp.governance.infrastructure.personal_data_export import SqlGovernanceRecords
from elcorp.governance.infrastructure.reference_data import AccessControlReferenceData
from elcorp.governance.infrastructure.service_requests import SqlWorkflowUnitOfWork
from elcorp.governance.infrastructure.unit_of_work import SqlGovernanceUnitOfWork
from elcorp.governance.infrastructure.webhook_sender import HttpWebhookSender
from elcorp.governance.infrastructure.webhook_store import SqlWebhookUnitOfWork
from elcorp.governance.interfaces import events, http, organizations, service_requests, webhooks
from elcorp.governance.interfaces.jobs import jobs as governance_jobs
from elcorp.identity.application.api import UserDeleted, UserDirectory
from elcorp.infra import Infrastructure
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.events import event_class


@dataclass(frozen=True)
class GovernanceAccess:
    """What governance publishes before identity exists."""

    access: AccessControl
    organizations: OrganizationDirectory
    permission_holders: PermissionHolders
    grants_store: Callable[[Session], GrantsStore]  # for identity's unit of work


def wire_access(infra: Infrastructure) -> GovernanceAccess:
    settings, sessions = infra.settings, infra.session_factory

    def load_grants(user_id: uuid.UUID) -> Grants:
        # On a cache miss only: one short-lived read session.
        with sessions() as session:
            return SqlGrantsStore(session).load(user_id)

    access = AccessControl(
        load_grants,
        RedisGrantsCache(infra.redis),
        mfa_roles=frozenset(settings.MFA_REQUIRED_ROLES),
        mfa_enforced=settings.MFA_ENFORCED,
    )
    uow = _uow(infra)
    return GovernanceAccess(access, OrganizationDirectory(uow), PermissionHolders(uow), SqlGrantsStore)


@dataclass(frozen=True)
class GovernanceModule:
    access: AccessControl
    roles: RoleAdministration
    policies: PolicyAdministration
    organizations: OrganizationAdministration
    organization_invitations: OrganizationInvitations
    service_requests: ServiceRequests
    workflow_mailer: WorkflowMailer
    invitation_mailer: InvitationMailer
    holidays: CountryHolidayCalendar  # the business calendar SLA clocks also count on
    personal_data: GovernancePersonalData
    erasure: GovernancePersonalDataErasure
    event_feed: EventFeed
    webhooks: Webhooks

    def jobs(self) -> list[Job]:
        return governance_jobs(self.service_requests, self.webhooks)

    def blueprints(self) -> list[APIBlueprint]:
        return [
            http.blueprint(self.roles, self.policies),
            organizations.blueprint(self.organizations, self.organization_invitations),
            service_requests.blueprint(self.service_requests),
            events.blueprint(self.event_feed),
            webhooks.blueprint(self.webhooks),
        ]

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(UserDeleted, self.organizations.on_user_deleted)
        bus.subscribe(OrganizationInvitationSent, self.invitation_mailer.on_invited)
        workflow = self.workflow_mailer
        bus.subscribe(ServiceRequestAssigned, workflow.on_assigned)
        bus.subscribe(ServiceRequestApprovalRecorded, workflow.on_approval_recorded)
        bus.subscribe(ServiceRequestApproved, workflow.on_approved)
        bus.subscribe(ServiceRequestRejected, workflow.on_rejected)
        bus.subscribe(ServiceRequestCompleted, workflow.on_completed)
        bus.subscribe(ApprovalReminderDue, workflow.on_reminder_due)
        # The event types the one rule of domain/event_feed.py lists (registered by the
        # composition root; an unknown name fails at start-up, so a renamed event is noticed).
        for name in FEED_EVENT_TYPES:
            bus.subscribe(event_class(name), self.event_feed.on_event)
        for name in WEBHOOK_EVENT_TYPES:
            bus.subscribe(event_class(name), self.webhooks.on_event)


def wire(infra: Infrastructure, *, access: GovernanceAccess, users: UserDirectory) -> GovernanceModule:
    settings, sessions = infra.settings, infra.session_factory
    uow, gate = _uow(infra), access.access
    holidays = CountryHolidayCalendar(settings.BUSINESS_HOLIDAYS_COUNTRY, settings.BUSINESS_HOLIDAYS_EXTRA)
    policies = PolicyAdministration(uow, gate, users, holidays=holidays)
    workflow_uow = lambda: SqlWorkflowUnitOfWork(sessions)  # noqa: E731
    return GovernanceModule(
        access=gate,
        roles=RoleAdministration(uow, gate, users, gate=policies),
        policies=policies,
        organizations=OrganizationAdministration(uow, gate, users),
        organization_invitations=OrganizationInvitations(
            uow, gate, users, ttl=timedelta(days=settings.ORGANIZATION_INVITATION_TTL_DAYS)
        ),
        service_requests=ServiceRequests(workflow_uow, gate, policies, users, DefaultSlaTable()),
        workflow_mailer=WorkflowMailer(workflow_uow, users, infra.mail, infra.public_base_url),
        invitation_mailer=InvitationMailer(uow, users, infra.mail, infra.public_base_url),
        holidays=holidays,
        personal_data=GovernancePersonalData(SqlGovernanceRecords(sessions)),
        erasure=GovernancePersonalDataErasure(SqlGovernanceErasureStore.factory(), gate.forget),
        event_feed=EventFeed(SqlEventFeedStore(sessions)),
        webhooks=Webhooks(
            lambda: SqlWebhookUnitOfWork(sessions),
            gate,
            infra.cipher,
            HttpWebhookSender(
                allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
                timeout_seconds=settings.WEBHOOK_TIMEOUT_SECONDS,
            ),
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES,
            max_attempts=settings.WEBHOOK_MAX_ATTEMPTS,
        ),
    )


def seed_access_control(infra: Infrastructure) -> str:
    """The system roles, the permission catalogue and the system roles' grants (rbac.py)."""
    return AccessControlReferenceData(infra.session_factory, RedisGrantsCache(infra.redis)).load()


def _uow(infra: Infrastructure) -> Callable[[], SqlGovernanceUnitOfWork]:
    sessions = infra.session_factory
    return lambda: SqlGovernanceUnitOfWork(sessions)
