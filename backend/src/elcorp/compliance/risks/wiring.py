"""The risks feature wires itself: the risk register (linked to incidents through its own
read of their table) and the review-due mail."""

from __future__ import annotations

from dataclasses import dataclass

from flask_openapi3 import APIBlueprint

from elcorp.compliance.risks.application.risks import RiskRegister
from elcorp.compliance.risks.application.risks_mail import RiskReviewMailer
from elcorp.compliance.risks.domain.risks import RiskReviewDue
from elcorp.compliance.risks.infrastructure.risks import SqlIncidentDirectory, SqlRisksUnitOfWork
from elcorp.compliance.risks.interfaces import risks as risk_routes
from elcorp.compliance.risks.interfaces.jobs import jobs as risks_jobs
from elcorp.compliance.upstream import Upstream
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.message_bus import MessageBus


@dataclass(frozen=True)
class RisksFeature:
    register: RiskRegister
    mailer: RiskReviewMailer

    def jobs(self) -> list[Job]:
        return risks_jobs(self.register)

    def blueprints(self) -> list[APIBlueprint]:
        return [risk_routes.blueprint(self.register)]

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(RiskReviewDue, self.mailer.on_review_due)


def wire(up: Upstream) -> RisksFeature:
    infra, sessions = up.infra, up.infra.session_factory
    return RisksFeature(
        register=RiskRegister(
            lambda: SqlRisksUnitOfWork(sessions), up.access, up.users, SqlIncidentDirectory(sessions)
        ),
        mailer=RiskReviewMailer(up.users, infra.mail, infra.public_base_url, up.permission_holders.globally),
    )
