"""HTTP routes of the compliance context: privacy notices (POPIA s18) and the consent ledger."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_openapi3 import APIBlueprint, Tag

from elcorp.compliance.consent.application.consent import ConsentLedger, ConsentOverview
from elcorp.compliance.consent.application.consent_recording import ConsentChange
from elcorp.compliance.consent.application.notices import PrivacyNotices
from elcorp.compliance.consent.domain.consent import (
    ConsentRecord,
    ConsentState,
    NoNoticePublished,
    NoticeVersionStale,
    UnknownConsentPurpose,
)
from elcorp.compliance.consent.domain.notices import NoticeContent, NoticeIncomplete, Party, PrivacyNotice
from elcorp.compliance.consent.interfaces import consent_schemas as s
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import NotFound
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER
from elcorp.shared.interfaces.auth import authenticated, current_caller, public, require_permission
from elcorp.shared.interfaces.openapi import created, listed, ok
from elcorp.shared.interfaces.pagination import bounded_response, page_response


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


def notice_summary_json(n: PrivacyNotice) -> dict[str, Any]:
    return {
        "version": n.version,
        "language": n.content.language,
        "title": n.content.title,
        "summary_of_changes": n.content.summary_of_changes,
        "published_at": isoformat_z(n.published_at),
        "sha256": n.sha256,
    }


RECORD_EXAMPLE = {
    "id": "0b7e3f52-5d0e-4a8e-9d55-3c1f2f4b8a61",
    "subject_id": "5f1c2e9a-7b64-4f0e-8c1d-2a9b3c4d5e6f",
    "purpose": "marketing",
    "notice_version": 3,
    "action": "granted",
    "channel": "web",
    "recorded_at": "2026-11-23T08:33:51.620Z",
    "actor_id": None,
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
    _my_consent_routes(api, ledger)
    _staff_consent_routes(api, ledger)
    return api


def _notice_routes(api: APIBlueprint, notices: PrivacyNotices) -> None:
    @api.get("/privacy/notices", responses=listed(s.PrivacyNoticeSummary))
    @public
    def list_privacy_notices(query: s.PrivacyNoticeListQuery) -> Response:
        """List the published versions of the privacy notice, newest first.

        Public. Each item is a version without its text: read one by its version.
        """
        page = query.page_request().window(notices.history())
        return page_response([notice_summary_json(n) for n in page.items], page)

    @api.get("/privacy/notices/current", responses=ok(s.PrivacyNotice, NotFound))
    @public
    def get_current_privacy_notice() -> Response:
        """Get the privacy notice in force (POPIA s18).

        Public. 404 until a notice is published.
        """
        return envelope.success(notice_json(notices.current()))

    @api.get("/privacy/notices/<int:version>", responses=ok(s.PrivacyNotice))
    @public
    def get_privacy_notice(path: s.NoticePath) -> Response:
        """Get one published version of the privacy notice.

        Public.
        """
        return envelope.success(notice_json(notices.version(path.version)))

    @api.post("/privacy/notices", security=BEARER, responses=created(s.PrivacyNotice, NoticeIncomplete))
    @require_permission("privacy:manage")
    def publish_privacy_notice(body: s.NoticeBody) -> Response:
        """Publish a new version of the privacy notice.

        Needs `privacy:manage`. The notice must say everything POPIA s18(1) asks for
        (CON_004 names each gap). Subjects are asked again for their consents under it.
        """
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
        notice = notices.publish(current_caller().user_id, content)
        return envelope.created(notice_json(notice), location=f"{API_V1}/privacy/notices/{notice.version}")


CONSENT_ERRORS = (UnknownConsentPurpose, NoNoticePublished, NoticeVersionStale)


def _recorded(made: ConsentChange, location: str) -> Response:
    """201 with the new record, or 200 with the standing one when nothing changed."""
    data = record_json(made.record)
    if made.recorded:
        return envelope.created(data, location=location, meta={"recorded": True})
    return envelope.success(data, meta={"recorded": False})


def _consent_routes(api: APIBlueprint, ledger: ConsentLedger) -> None:
    @api.get("/privacy/receipt-keys", responses=listed(s.ConsentReceiptKey))
    @public
    def list_consent_receipt_keys() -> Response:
        """List the Ed25519 public keys consent receipts are signed with (by `kid`).

        Public. A bounded set (the current and retired keys): one page.
        """
        keys = ledger.receipt_keys()
        return bounded_response(
            [{"kid": kid, "algorithm": "Ed25519", "public_key": key} for kid, key in sorted(keys.items())]
        )


def _my_consent_routes(api: APIBlueprint, ledger: ConsentLedger) -> None:
    @api.get("/me/consents", security=BEARER, responses=ok(s.ConsentOverview))
    @authenticated
    def get_my_consents() -> Response:
        """Get the caller's consents: each purpose's state and every record.

        Any signed-in user, for themselves.
        """
        return envelope.success(overview_json(ledger.overview(current_caller().user_id)))

    @api.post(
        "/me/consents",
        security=BEARER,
        responses={
            **ok(s.ConsentRecord),
            **created(s.ConsentRecord, *CONSENT_ERRORS, example=RECORD_EXAMPLE),
        },
    )
    @authenticated
    def change_my_consent(body: s.ConsentBody) -> Response:
        """Grant or withdraw one of the caller's consents.

        Any signed-in user, for themselves. 201 with the new record (its receipt at
        `Location`); 200 with the standing record when nothing changed (`meta.recorded: false`).
        A withdrawal takes effect at once.
        """
        made = ledger.change(
            current_caller().user_id,
            body.purpose,
            granted=body.granted,
            channel=body.channel,
            notice_version=body.notice_version,
        )
        return _recorded(made, f"{API_V1}/me/consents/receipts/{made.record.id}")

    @api.get("/me/consents/receipts/<uuid:record_id>", security=BEARER, responses=ok(s.ConsentReceipt))
    @authenticated
    def get_my_consent_receipt(path: s.ReceiptPath) -> Response:
        """Get a signed receipt of one of the caller's consent records.

        Any signed-in user, for their own records (another's: 404). Check the signature with
        the keys at /privacy/receipt-keys.
        """
        return envelope.success(ledger.receipt(current_caller().user_id, path.record_id))


def _staff_consent_routes(api: APIBlueprint, ledger: ConsentLedger) -> None:
    @api.get("/privacy/subjects/<uuid:user_id>/consents", security=BEARER, responses=ok(s.ConsentOverview))
    @require_permission("privacy:read")
    def get_subject_consents(path: s.SubjectPath) -> Response:
        """Get a data subject's consents.

        Needs `privacy:read`; the read is audited as an access to the subject's data.
        """
        return envelope.success(
            overview_json(ledger.subject_overview(current_caller().user_id, path.user_id))
        )

    @api.post(
        "/privacy/subjects/<uuid:user_id>/consents",
        security=BEARER,
        responses={
            **ok(s.ConsentRecord),
            **created(s.ConsentRecord, *CONSENT_ERRORS, example=RECORD_EXAMPLE),
        },
    )
    @require_permission("privacy:manage")
    def record_subject_consent(path: s.SubjectPath, body: s.StaffConsentBody) -> Response:
        """Record a consent or withdrawal on the subject's instruction (channel `staff`).

        Needs `privacy:manage`. 201 with the new record (`Location`: the subject's consents);
        200 with the standing record when nothing changed.
        """
        made = ledger.record_for(
            current_caller().user_id, path.user_id, body.purpose, granted=body.granted, reason=body.reason
        )
        return _recorded(made, f"{API_V1}/privacy/subjects/{path.user_id}/consents")
