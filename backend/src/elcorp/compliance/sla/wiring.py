"""The SLA feature wires itself: tracking on the business calendar, the feeds that follow
each tracked case's owner's events, the escalation mail and the `sla` report source."""

from __future__ import annotations

from dataclasses import dataclass

from flask_openapi3 import APIBlueprint

from elcorp.compliance.domain.events import IncidentOpened, IncidentStatusChanged
from elcorp.compliance.privacy.domain.privacy_requests import (
    PrivacyRequestClosed,
    PrivacyRequestExtended,
    PrivacyRequestFiled,
    PrivacyRequestVerificationRecorded,
)
from elcorp.compliance.sla.application.sla import SlaTracking
from elcorp.compliance.sla.application.sla_feeds import SlaFeeds
from elcorp.compliance.sla.application.sla_mail import SlaMailer
from elcorp.compliance.sla.application.sla_report import SlaReportSource
from elcorp.compliance.sla.domain.business_calendar import BusinessHours, RoundTheClock
from elcorp.compliance.sla.domain.sla import ClockKind
from elcorp.compliance.sla.domain.sla_events import SlaCaseEscalated
from elcorp.compliance.sla.infrastructure.sla import sla_unit_of_work
from elcorp.compliance.sla.interfaces import sla as sla_routes
from elcorp.compliance.sla.interfaces.jobs import jobs as sla_jobs
from elcorp.compliance.upstream import Upstream
from elcorp.governance.application.api import (
    ServiceRequestApproved,
    ServiceRequestAssigned,
    ServiceRequestCancelled,
    ServiceRequestCompleted,
    ServiceRequestRejected,
    ServiceRequestSubmitted,
)
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.domain.clock import Clock


@dataclass(frozen=True)
class SlaFeature:
    tracking: SlaTracking
    feeds: SlaFeeds
    mailer: SlaMailer

    def jobs(self) -> list[Job]:
        return sla_jobs(self.tracking)

    def blueprints(self) -> list[APIBlueprint]:
        return [sla_routes.blueprint(self.tracking)]

    def subscribe(self, bus: MessageBus) -> None:
        """Each tracked case's history follows its owner's events."""
        feeds = self.feeds
        bus.subscribe(ServiceRequestSubmitted, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestAssigned, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestApproved, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestRejected, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestCompleted, feeds.on_service_request_event)
        bus.subscribe(ServiceRequestCancelled, feeds.on_service_request_event)
        bus.subscribe(IncidentOpened, feeds.on_incident_opened)
        bus.subscribe(IncidentStatusChanged, feeds.on_incident_status_changed)
        bus.subscribe(PrivacyRequestFiled, feeds.on_privacy_request_filed)
        bus.subscribe(PrivacyRequestVerificationRecorded, feeds.on_privacy_request_verification)
        bus.subscribe(PrivacyRequestExtended, feeds.on_privacy_request_extended)
        bus.subscribe(PrivacyRequestClosed, feeds.on_privacy_request_closed)
        bus.subscribe(SlaCaseEscalated, self.mailer.on_escalated)

    def report_source(self) -> SlaReportSource:
        """The `sla` regulatory report's source."""
        return SlaReportSource(self.tracking)


def wire(up: Upstream) -> SlaFeature:
    infra = up.infra
    tracking = sla_tracking(up, None)
    return SlaFeature(
        tracking=tracking,
        feeds=SlaFeeds(tracking),
        mailer=SlaMailer(up.permission_holders, up.users, infra.mail, infra.public_base_url),
    )


def sla_tracking(up: Upstream, clock: Clock | None) -> SlaTracking:
    """SLA tracking on the business calendar handed in (tests may hand a clock)."""
    return SlaTracking(
        sla_unit_of_work(up.infra.session_factory),
        up.access,
        {ClockKind.BUSINESS_HOURS: BusinessHours(up.holidays), ClockKind.ROUND_THE_CLOCK: RoundTheClock()},
        clock=clock,
    )
