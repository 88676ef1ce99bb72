"""The data-subject request's state machine, without I/O (compliance/privacy/domain/privacy_requests.py)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from elcorp.compliance.privacy.domain.privacy_requests import (
    CorrectableField,
    Correction,
    CorrectionMissing,
    ExtensionNotAllowed,
    IdentityNotVerified,
    InvalidTransition,
    PrivacyRequest,
    RequestStatus,
    RequestType,
    VerificationMethod,
)

NOW = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
SUBJECT, STAFF = uuid.uuid4(), uuid.uuid4()


def received(type_: RequestType = RequestType.ACCESS) -> PrivacyRequest:
    fix = Correction(CorrectableField.PHONE, "+264811234567") if type_ is RequestType.CORRECTION else None
    return PrivacyRequest.receive(SUBJECT, type_, NOW, details=None, correction=fix)


def working(type_: RequestType = RequestType.ACCESS) -> PrivacyRequest:
    request = received(type_)
    request.verify(VerificationMethod.IDENTITY_DOCUMENT, True, STAFF, NOW, None)
    request.start(NOW)
    return request


def test_a_request_is_due_30_days_after_it_was_received():
    request = received()

    assert request.status is RequestStatus.RECEIVED
    assert request.due_at == NOW + timedelta(days=30)
    assert not request.overdue(NOW + timedelta(days=30))
    assert request.overdue(NOW + timedelta(days=30, seconds=1))


def test_a_correction_needs_its_correction_and_only_a_correction_has_one():
    with pytest.raises(CorrectionMissing) as missing:
        PrivacyRequest.receive(SUBJECT, RequestType.CORRECTION, NOW, details=None, correction=None)
    with pytest.raises(CorrectionMissing) as stray:
        PrivacyRequest.receive(
            SUBJECT,
            RequestType.ACCESS,
            NOW,
            details=None,
            correction=Correction(CorrectableField.EMAIL, "a@b.na"),
        )

    for refused in (missing.value, stray.value):
        assert [d["field"] for d in refused.details] == ["correction"]


def test_only_the_latest_identity_check_counts():
    request = received()
    request.verify(VerificationMethod.CALLBACK, True, STAFF, NOW, None)
    request.verify(VerificationMethod.CALLBACK, False, STAFF, NOW, "the number on file is someone else's")

    with pytest.raises(IdentityNotVerified):
        request.start(NOW)


def test_start_comes_only_after_verification():
    with pytest.raises(InvalidTransition):
        received().start(NOW)


def test_one_extension_of_at_most_30_days():
    request = working()
    with pytest.raises(ExtensionNotAllowed):
        request.extend(31, "too long", NOW)

    request.extend(30, "records at an operator", NOW)

    assert request.status is RequestStatus.EXTENDED
    assert request.due_at == NOW + timedelta(days=60)
    with pytest.raises(ExtensionNotAllowed):
        request.extend(1, "again", NOW)


def test_an_extended_request_is_completed_like_one_in_progress():
    request = working()
    request.extend(10, "records at an operator", NOW)

    request.complete(STAFF, NOW, outcome={"done": True}, resolution=None)

    assert request.status is RequestStatus.COMPLETED and not request.is_open


def test_closed_requests_accept_no_further_action():
    request = working()
    request.refuse(STAFF, NOW, reason="r", legal_ground="g")

    for action in (
        lambda: request.assign(STAFF),
        lambda: request.verify(VerificationMethod.IN_PERSON, True, STAFF, NOW, None),
        lambda: request.complete(STAFF, NOW, outcome={}, resolution=None),
        lambda: request.refuse(STAFF, NOW, reason="r", legal_ground="g"),
    ):
        with pytest.raises(InvalidTransition):
            action()


def test_a_refused_correction_carries_the_dispute_annotation():
    request = working(RequestType.CORRECTION)

    request.refuse(STAFF, NOW, reason="matches the ID document", legal_ground="POPIA s24(3)")

    assert request.dispute is not None
    assert request.dispute["field"] == "phone" and request.dispute["requested_value"] == "+264811234567"


def test_a_marketing_opt_out_is_completed_at_once_by_the_subjects_own_session():
    request = received(RequestType.MARKETING_OPT_OUT)

    request.complete_at_once(NOW, {"marketing_opt_out": "recorded"})

    assert request.status is RequestStatus.COMPLETED
    assert request.identity_verified and request.verifications[0].verified_by == SUBJECT
