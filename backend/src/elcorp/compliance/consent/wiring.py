"""The consent feature wires itself: published notices, the consent ledger (receipts signed
with the audit signing keys) and the marketing digest sent only on a current grant."""

from __future__ import annotations

from dataclasses import dataclass

from flask_openapi3 import APIBlueprint

from elcorp.compliance.consent.application.consent import ConsentLedger
from elcorp.compliance.consent.application.consent_marketing import MarketingDigest
from elcorp.compliance.consent.application.consent_ports import ReceiptSigner
from elcorp.compliance.consent.application.notices import PrivacyNotices
from elcorp.compliance.consent.infrastructure.consent_store import SqlConsentUnitOfWork
from elcorp.compliance.consent.interfaces import consent as consent_routes
from elcorp.compliance.consent.interfaces.jobs import jobs as consent_jobs
from elcorp.compliance.upstream import Upstream
from elcorp.identity.application.api import UserRegistered
from elcorp.shared.application.jobs import Job
from elcorp.shared.application.message_bus import MessageBus
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork


@dataclass(frozen=True)
class ConsentFeature:
    notices: PrivacyNotices
    consents: ConsentLedger  # also the MarketingOptOut of the data-subject requests
    digest: MarketingDigest

    def jobs(self) -> list[Job]:
        return consent_jobs(self.digest)

    def blueprints(self) -> list[APIBlueprint]:
        return [consent_routes.blueprint(self.notices, self.consents)]

    def subscribe(self, bus: MessageBus) -> None:
        bus.subscribe(UserRegistered, self.consents.on_user_registered)


def wire(up: Upstream, *, signer: ReceiptSigner) -> ConsentFeature:
    """`signer` signs the receipts: the audit signing keys (Ed25519, rotatable by kid)."""
    infra, sessions = up.infra, up.infra.session_factory
    consent_uow = lambda: SqlConsentUnitOfWork(sessions)  # noqa: E731
    consents = ConsentLedger(
        consent_uow, up.access, up.users, signer, public_base_url=infra.settings.PUBLIC_BASE_URL
    )
    return ConsentFeature(
        notices=PrivacyNotices(consent_uow, up.access),
        consents=consents,
        digest=MarketingDigest(
            consents,
            up.users,
            infra.mail,
            lambda: SqlAlchemyUnitOfWork(sessions),
            public_base_url=infra.public_base_url,
        ),
    )
