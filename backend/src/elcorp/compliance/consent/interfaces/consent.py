"""HTTP routes of the compliance context: privacy notices (POPIA s18) and the consent ledger."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.consent.application.consent import ConsentLedger, ConsentOverview
from elcorp.compliance.consent.application.notices import PrivacyNotices
from elcorp.compliance.consent.domain.consent import ConsentRecord, ConsentState
from elcorp.compliance.consent.domain.notices import NoticeContent, Party, PrivacyNotice
from elcorp.compliance.consent.interfaces import consent_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller, public, require_permission


def notice_json(notice: PrivacyNotice) -> dict[str, Any]:
    return {
        "version": notice.version,
        **notice.content.as_json(),
        "published_at": isoformat_z(notice.published_at),
        "published_by": None if notice.published_by is None else str(notice.published_by),
        "sha256": notice.sha256,
    }


def record_json(record: ConsentRecord) -> dict[str, Any]:
    return {
        "id": str(record.id),
        "subject_id": str(record.subject_id),
        "purpose": record.purpose.value,
        "notice_version": record.notice_version,
        "action": record.action.value,
        "channel": record.channel.value,
        "recorded_at": isoformat_z(record.recorded_at),
        "actor_id": None if record.actor_id is None else str(record.actor_id),
    }


def state_json(state: ConsentState) -> dict[str, Any]:
    latest = state.latest
    return {
        "purpose": state.purpose.value,
        "granted": state.granted,
        "notice_version": None if latest is None else latest.notice_version,
        "since": None if latest is None else isoformat_z(latest.recorded_at),
        "record_id": None if latest is None else str(latest.id),
    }


def overview_json(overview: ConsentOverview) -> dict[str, Any]:
    return {
        "subject_id": str(overview.subject_id),
        "current_notice_version": overview.notice_version,
        "consents": [state_json(state) for state in overview.states],
        "history": [record_json(record) for record in overview.history],
    }


def _party(body: s.PartyBody) -> Party:
    return Party(body.name, body.address, body.email, body.phone, body.website)


def blueprint(notices: PrivacyNotices, ledger: ConsentLedger) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = APIBlueprint(
        "consent",
        __name__,
        url_prefix=API_V1,
        abp_tags=[Tag(name="consent", description="privacy notices (POPIA s18) and the consent ledger")],
    )
    _notice_routes(api, notices)
    _consent_routes(api, ledger)
    return api


def _notice_routes(api: APIBlueprint, notices: PrivacyNotices) -> None:
    # -- notices (public reads) ---------------------------------------------------------------------
    @api.get("/privacy/notices")
    @public
    def list_notices() -> Response:
        """Every published version, newest first, without its text (read one by its version)."""
        found = notices.history()
        return envelope.success(
            [
                {
                    "version": n.version,
                    "language": n.content.language,
                    "title": n.content.title,
                    "summary_of_changes": n.content.summary_of_changes,
                    "published_at": isoformat_z(n.published_at),
                    "sha256": n.sha256,
                }
                for n in found
            ],
            meta={"total": len(found)},
        )

    @api.get("/privacy/notices/current")
    @public
    def current_notice() -> Response:
        return envelope.success(notice_json(notices.current()))

    @api.get("/privacy/notices/<int:version>")
    @public
    def notice_version(path: s.NoticePath) -> Response:
        return envelope.success(notice_json(notices.version(path.version)))

    @api.post("/privacy/notices", security=BEARER)
    @require_permission("privacy:manage")
    def publish_notice(body: s.NoticeBody) -> Response:
        content = NoticeContent(
            language=body.language,
            title=body.title,
            responsible_party=_party(body.responsible_party),
            information_collected=tuple(body.information_collected),
            source=body.source,
            purposes=tuple(body.purposes),
            supply=body.supply,
            consequences_of_not_supplying=body.consequences_of_not_supplying,
            laws=tuple(body.laws),
            recipients=tuple(body.recipients),
            cross_border_transfers=body.cross_border_transfers,
            rights=dict(body.rights),
            regulator=_party(body.regulator),
            consent_purposes=dict(body.consent_purposes),
            summary_of_changes=body.summary_of_changes,
        )
        return envelope.success(notice_json(notices.publish(current_caller().user_id, content)), status=201)


def _consent_routes(api: APIBlueprint, ledger: ConsentLedger) -> None:
    @api.get("/privacy/receipt-keys")
    @public
    def receipt_keys() -> Response:
        """The Ed25519 public keys consent receipts are signed with (by `kid`)."""
        keys = ledger.receipt_keys()
        return envelope.success(
            [{"kid": kid, "algorithm": "Ed25519", "public_key": key} for kid, key in sorted(keys.items())]
        )

    # -- the subject's own consents -----------------------------------------------------------------
    @api.get("/me/consents", security=BEARER)
    @authenticated
    def my_consents() -> Response:
        return envelope.success(overview_json(ledger.overview(current_caller().user_id)))

    @api.post("/me/consents", security=BEARER)
    @authenticated
    def change_my_consent(body: s.ConsentBody) -> Response:
        made = ledger.change(
            current_caller().user_id,
            body.purpose,
            granted=body.granted,
            channel=body.channel,
            notice_version=body.notice_version,
        )
        return envelope.success(
            record_json(made.record), meta={"recorded": made.recorded}, status=201 if made.recorded else 200
        )

    @api.get("/me/consents/receipts/<uuid:record_id>", security=BEARER)
    @authenticated
    def consent_receipt(path: s.ReceiptPath) -> Response:
        return envelope.success(ledger.receipt(current_caller().user_id, path.record_id))

    # -- staff ----------------------------------------------------------------------------------------
    @api.get("/privacy/subjects/<uuid:user_id>/consents", security=BEARER)
    @require_permission("privacy:read")
    def subject_consents(path: s.SubjectPath) -> Response:
        return envelope.success(
            overview_json(ledger.subject_overview(current_caller().user_id, path.user_id))
        )

    @api.post("/privacy/subjects/<uuid:user_id>/consents", security=BEARER)
    @require_permission("privacy:manage")
    def record_subject_consent(path: s.SubjectPath, body: s.StaffConsentBody) -> Response:
        """Staff record a consent or withdrawal on the subject's instruction (channel `staff`)."""
        made = ledger.record_for(
            current_caller().user_id, path.user_id, body.purpose, granted=body.granted, reason=body.reason
        )
        return envelope.success(
            record_json(made.record), meta={"recorded": made.recorded}, status=201 if made.recorded else 200
        )
