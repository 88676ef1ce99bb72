"""The privacy feature wires itself: the processing register (data inventory, PAIA manual,
data-flow diagram), the data-subject requests and their mail, and the access bundles."""

from __future__ import annotations

from dataclasses import dataclass

from flask_openapi3 import APIBlueprint

from elcorp.compliance.audit.application.audit_trail import AuditTrail
from elcorp.compliance.privacy.application.access_bundle import AccessBundles
from elcorp.compliance.privacy.application.access_bundle_sources import ConsentSource, PrivacyPersonalData
from elcorp.compliance.privacy.application.privacy_ports import MarketingOptOut, SubjectErasure
from elcorp.compliance.privacy.application.privacy_register import ProcessingRegister, ResponsibleParty
from elcorp.compliance.privacy.application.privacy_requests import PrivacyRequests
from elcorp.compliance.privacy.application.privacy_requests_mail import PrivacyRequestMailer
from elcorp.compliance.privacy.domain.privacy_requests import AccessBundleRequested, PrivacyRequestClosed
from elcorp.compliance.privacy.infrastructure.data_flow_svg import SvgDataFlowDiagrams
from elcorp.compliance.privacy.infrastructure.data_inventory import metadata_declarations
from elcorp.compliance.privacy.infrastructure.paia_pdf import PdfPaiaDocuments
from elcorp.compliance.privacy.infrastructure.privacy_register import SqlPrivacyRegisterUnitOfWork
from elcorp.compliance.privacy.infrastructure.privacy_requests import (
    SqlCorrectionRecipients,
    SqlPrivacyRequestsUnitOfWork,
)
from elcorp.compliance.privacy.interfaces import privacy_register as register_routes
from elcorp.compliance.privacy.interfaces import privacy_requests as request_routes
from elcorp.compliance.privacy.interfaces.jobs import jobs as privacy_jobs
from elcorp.compliance.upstream import Upstream
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.message_bus import MessageBus


@dataclass(frozen=True)
class PrivacyFeature:
    register: ProcessingRegister  # the data inventory, processing register, PAIA manual
    request_mailer: PrivacyRequestMailer
    requests: PrivacyRequests
    access_bundles: AccessBundles

    def jobs(self) -> list[Job]:
        return privacy_jobs(self.access_bundles)

    def blueprints(self) -> list[APIBlueprint]:
        """The processing register's routes, then the data-subject requests'."""
        return [register_routes.blueprint(self.register), request_routes.blueprint(self.requests)]

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(AccessBundleRequested, self.access_bundles.on_requested)
        bus.subscribe(PrivacyRequestClosed, self.request_mailer.on_closed)


def wire(
    up: Upstream,
    *,
    erasure: SubjectErasure,
    opt_out: MarketingOptOut,
    consent_history: ConsentSource,
    trail: AuditTrail,
) -> PrivacyFeature:
    """A request's erasure and marketing opt-out are carried out by `erasure` and `opt_out`;
    an access bundle holds the subject's consent history and the audit entries about them."""
    infra, sessions = up.infra, up.infra.session_factory
    mailer = PrivacyRequestMailer(up.users, infra.mail, infra.public_base_url)
    requests = privacy_requests(up, erasure, opt_out, mailer)
    return PrivacyFeature(
        register=_register(up),
        request_mailer=mailer,
        requests=requests,
        access_bundles=AccessBundles(
            lambda: SqlPrivacyRequestsUnitOfWork(sessions),
            [*up.exporters, PrivacyPersonalData(trail, requests, consent_history)],
        ),
    )


def _register(up: Upstream) -> ProcessingRegister:
    settings, sessions = up.infra.settings, up.infra.session_factory
    # Every context's tables are imported by then, so the metadata's declarations are complete.
    return ProcessingRegister(
        lambda: SqlPrivacyRegisterUnitOfWork(sessions),
        up.access,
        metadata_declarations,
        PdfPaiaDocuments(),
        SvgDataFlowDiagrams(),
        ResponsibleParty(settings.INVOICE_ISSUER_NAME, settings.INVOICE_ISSUER_ADDRESS),
    )


def privacy_requests(
    up: Upstream, erasure: SubjectErasure, opt_out: MarketingOptOut, notices: PrivacyRequestMailer
) -> PrivacyRequests:
    """The data-subject request service (tests build one with their own erasure or opt-out)."""
    sessions = up.infra.session_factory
    return PrivacyRequests(
        lambda: SqlPrivacyRequestsUnitOfWork(sessions),
        up.access,
        up.users,
        up.corrections,
        erasure,
        opt_out,
        recipients=SqlCorrectionRecipients(sessions),
        notices=notices,
    )
