"""The consent ledger's rules, with in-memory fakes: the latest record wins, a repeat adds
nothing, a withdrawal never rewrites the past, receipts are signed; and the notice's s18
completeness check."""

from __future__ import annotations

import dataclasses
import types
import uuid
from datetime import UTC, datetime, timedelta
from typing import get_args

import pytest

from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner
from elcorp.compliance.consent.application.consent import ConsentLedger, receipt_message
from elcorp.compliance.consent.domain.consent import (
    Channel,
    ConsentAction,
    NoNoticePublished,
    Purpose,
    UnknownConsentChannel,
    UnknownConsentPurpose,
    current_states,
    is_change,
)
from elcorp.compliance.consent.domain.notices import (
    REQUIRED_RIGHTS,
    NoticeContent,
    NoticeIncomplete,
    Party,
    check_complete,
)
from elcorp.compliance.privacy.application.privacy_ports import MarketingOptOut
from elcorp.identity.interfaces.schemas import CONSENT_PURPOSES, ConsentPurpose
from elcorp.shared.domain.events import DomainEvent
from unit.compliance.consent_fakes import FakeConsentUnitOfWork

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
SUBJECT = uuid.uuid4()


def content(**changes) -> NoticeContent:
    party = Party("Elcorp Namibia (Pty) Ltd", "Windhoek", "privacy@elcorp.na")
    base = NoticeContent(
        language="en",
        title="Privacy notice",
        responsible_party=party,
        information_collected=("contact details",),
        source="from you",
        purposes=("to run your account",),
        supply="mixed",
        consequences_of_not_supplying="no account",
        laws=("Financial Intelligence Act 2012",),
        recipients=("banks",),
        cross_border_transfers="none",
        rights=dict.fromkeys(REQUIRED_RIGHTS, "ask us"),
        regulator=Party("Information Regulator", "Johannesburg", "complaints@example.org"),
    )
    return dataclasses.replace(base, **changes)


class Ticking:
    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        self.at += timedelta(seconds=1)
        return self.at

    def now(self) -> datetime:
        return self.at


class Access:
    """Grants as governance answers them: here every actor is staff."""

    def grants_for(self, user_id):
        return types.SimpleNamespace(roles=frozenset({"staff"}))


class Directory:
    def exists(self, user_id):
        return True

    def addresses(self, user_ids):
        return {}


@pytest.fixture
def clock():
    return Ticking()


@pytest.fixture
def uow(clock):
    found = FakeConsentUnitOfWork(clock)
    found.notices.publish(content(), "0" * 64, None)
    return found


@pytest.fixture
def signer():
    return CheckpointSigner([("k1", bytes(range(32)))])


@pytest.fixture
def ledger(uow, signer, clock):
    return ConsentLedger(
        lambda: uow, Access(), Directory(), signer, public_base_url="https://x.na/", clock=clock
    )


def test_the_latest_record_of_a_purpose_is_its_state(ledger):
    ledger.change(SUBJECT, "marketing", granted=True)
    ledger.change(SUBJECT, "analytics", granted=True)
    ledger.change(SUBJECT, "marketing", granted=False)

    states = {s.purpose: s.granted for s in ledger.overview(SUBJECT).states}

    assert states == {Purpose.MARKETING: False, Purpose.ANALYTICS: True, Purpose.THIRD_PARTY_SHARING: False}


def test_a_withdrawal_keeps_the_earlier_grant_in_the_history(ledger):
    granted = ledger.change(SUBJECT, "marketing", granted=True).record
    ledger.change(SUBJECT, "marketing", granted=False)

    history = ledger.overview(SUBJECT).history

    assert history[0] == granted
    assert [r.action for r in history] == [ConsentAction.GRANTED, ConsentAction.WITHDRAWN]


def test_a_repeated_grant_or_withdrawal_adds_no_record_and_no_audit(ledger, uow):
    ledger.change(SUBJECT, "marketing", granted=True)
    repeat = ledger.change(SUBJECT, "marketing", granted=True)
    ledger.change(SUBJECT, "marketing", granted=False)
    again = ledger.change(SUBJECT, "marketing", granted=False)

    assert not repeat.recorded and not again.recorded
    assert len(uow.consents.rows) == 2
    assert [e.action for e in uow.committed_audit] == ["privacy.consent_granted", "privacy.consent_withdrawn"]


def test_a_grant_against_a_newer_notice_is_recorded_again(ledger, uow):
    ledger.change(SUBJECT, "marketing", granted=True)
    uow.notices.publish(content(title="v2"), "1" * 64, None)

    renewed = ledger.change(SUBJECT, "marketing", granted=True)

    assert renewed.recorded and renewed.record.notice_version == 2


def test_a_first_refusal_is_on_record():
    state = current_states([])[0]

    assert is_change(state, grant=False, notice_version=1)


def test_unknown_purposes_and_channels_are_refused(ledger):
    with pytest.raises(UnknownConsentPurpose):
        ledger.change(SUBJECT, "payments", granted=True)
    with pytest.raises(UnknownConsentChannel):
        ledger.change(SUBJECT, "marketing", granted=True, channel="fax")


def test_no_consent_without_a_published_notice(signer, clock):
    empty = FakeConsentUnitOfWork(clock)
    ledger = ConsentLedger(lambda: empty, None, Directory(), signer, public_base_url="https://x.na")

    with pytest.raises(NoNoticePublished):
        ledger.change(SUBJECT, "marketing", granted=True)


def test_registration_consents_are_recorded_once_per_event(ledger, uow):
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class Registered(DomainEvent):
        event_type = "test.ConsentRegistered"
        user_id: uuid.UUID
        consents: tuple[str, ...] = ()

    event = Registered(
        user_id=SUBJECT, consents=("marketing", "nonsense"), occurred_at=T0 + timedelta(hours=1)
    )
    ledger.on_user_registered(event)
    ledger.on_user_registered(event)

    (record,) = ledger.overview(SUBJECT).history
    assert (record.purpose, record.channel, record.recorded_at) == (
        Purpose.MARKETING,
        Channel.REGISTRATION,
        event.occurred_at,
    )


def test_a_receipt_is_signed_over_its_canonical_form(ledger, signer):
    record = ledger.change(SUBJECT, "analytics", granted=True).record

    receipt = ledger.receipt(SUBJECT, record.id)

    message = receipt_message(receipt["receipt"])
    assert signer.verify(receipt["signature"]["kid"], message, receipt["signature"]["value"])
    receipt["receipt"]["record"]["purpose"] = "marketing"
    assert not signer.verify(
        receipt["signature"]["kid"], receipt_message(receipt["receipt"]), receipt["signature"]["value"]
    )


def test_a_complete_notice_passes_and_each_missing_s18_field_is_named():
    assert check_complete(content(), frozenset(p.value for p in Purpose))

    with pytest.raises(NoticeIncomplete) as refused:
        check_complete(
            content(laws=(), rights={"access": "ask"}, supply="maybe", consent_purposes={"payments": "x"}),
            frozenset(p.value for p in Purpose),
        )

    fields = {d["field"] for d in refused.value.details}
    assert {"laws", "supply", "rights.objection", "rights.complaint", "consent_purposes.payments"} <= fields


def test_registration_offers_exactly_the_ledgers_purposes():
    assert set(get_args(ConsentPurpose)) == set(CONSENT_PURPOSES) == {p.value for p in Purpose}


def test_a_marketing_opt_out_is_a_withdrawal_even_of_what_was_never_granted(ledger, uow):
    staff = uuid.uuid4()
    opt_out: MarketingOptOut = ledger

    opt_out.opt_out(SUBJECT, channel="privacy_request", actor_id=staff)
    opt_out.opt_out(SUBJECT, channel="privacy_request", actor_id=staff)  # nothing more to withdraw

    (record,) = ledger.overview(SUBJECT).history
    assert (record.purpose, record.action, record.channel, record.actor_id) == (
        Purpose.MARKETING,
        ConsentAction.WITHDRAWN,
        Channel.PRIVACY_REQUEST,
        staff,
    )
    (entry,) = uow.committed_audit
    assert entry.actor.id == str(staff) and entry.actor.roles == ("staff",)


def test_a_registration_delivered_after_a_withdrawal_does_not_override_it(ledger, clock):
    @dataclasses.dataclass(frozen=True, kw_only=True)
    class LateRegistered(DomainEvent):
        event_type = "test.LateRegistered"
        user_id: uuid.UUID
        consents: tuple[str, ...] = ()

    # The application's clock runs ahead of the database's: registration is stamped later
    # than the withdrawal the subject made before the event was delivered.
    event = LateRegistered(
        user_id=SUBJECT, consents=("marketing",), occurred_at=clock.at + timedelta(minutes=5)
    )
    ledger.change(SUBJECT, "marketing", granted=False)

    ledger.on_user_registered(event)

    overview = ledger.overview(SUBJECT)
    assert [(r.channel, r.action) for r in overview.history] == [
        (Channel.REGISTRATION, ConsentAction.GRANTED),
        (Channel.WEB, ConsentAction.WITHDRAWN),
    ]
    assert not next(s for s in overview.states if s.purpose is Purpose.MARKETING).granted
