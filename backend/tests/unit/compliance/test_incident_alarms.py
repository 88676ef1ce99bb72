"""Which alarm becomes which automatic incident: the handlers' mapping, with a recording
double of the incident service (no I/O)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from elcorp.compliance.domain.events import AuditSequencerStalled, AuditVerificationFailed
from elcorp.compliance.incidents.application.incidents_alarms import AlarmIncidents
from elcorp.compliance.incidents.domain.incidents import IncidentType, Severity
from elcorp.identity.domain.events import AccountLocked, SecurityNotice
from elcorp.payments.domain.events import LedgerIntegrityFailed


@dataclass
class RecordingIncidents:
    alarms: list = field(default_factory=list)
    lockouts: dict = field(default_factory=dict)

    def raise_alarm(self, alarm):
        self.alarms.append(alarm)
        return None

    def record_lockout(self, event_id, ip, user_id, at, window_seconds):
        self.lockouts.setdefault(ip, set()).add(event_id)
        return len(self.lockouts[ip])


def handlers(threshold: int = 3) -> tuple[AlarmIncidents, RecordingIncidents]:
    recorder = RecordingIncidents()
    return AlarmIncidents(recorder, lockout_threshold=threshold), recorder  # type: ignore[arg-type]


def test_a_ledger_mismatch_is_a_critical_security_alarm_with_its_facts():
    alarms, recorded = handlers()
    event = LedgerIntegrityFailed(
        unbalanced_currencies=["NAD"], mismatched_accounts=2, first_broken_link=None
    )

    alarms.on_ledger_integrity_failed(event)

    (alarm,) = recorded.alarms
    assert (alarm.key, alarm.type, alarm.impact, alarm.urgency, alarm.severity) == (
        "ledger_integrity",
        IncidentType.SECURITY,
        1,
        1,
        Severity.CRITICAL,
    )
    assert alarm.event_id == event.event_id
    assert alarm.facts["unbalanced_currencies"] == ["NAD"] and alarm.facts["mismatched_accounts"] == 2
    assert "Unbalanced currencies: NAD." in alarm.description


def test_audit_alarms_map_to_security_and_availability():
    alarms, recorded = handlers()
    alarms.on_audit_verification_failed(AuditVerificationFailed(first_bad_seq=4, reason="hash mismatch"))
    alarms.on_audit_sequencer_stalled(AuditSequencerStalled(waiting=9, oldest_age_seconds=120))

    verification, stalled = recorded.alarms
    assert (verification.key, verification.type, verification.facts["first_bad_seq"]) == (
        "audit_verification",
        IncidentType.SECURITY,
        4,
    )
    assert (stalled.key, stalled.type, stalled.impact, stalled.urgency) == (
        "audit_sequencer",
        IncidentType.AVAILABILITY,
        2,
        1,
    )


def test_only_refresh_token_reuse_among_security_notices_is_an_incident():
    alarms, recorded = handlers()
    user = uuid.uuid4()
    alarms.on_security_notice(SecurityNotice(user_id=user, kind="password_changed"))
    alarms.on_security_notice(SecurityNotice(user_id=user, kind="refresh_token_reused"))

    (alarm,) = recorded.alarms
    assert alarm.key == f"refresh_token_reuse:{user}" and alarm.affected_subjects == 1


def test_lockouts_from_one_ip_raise_the_alarm_from_the_threshold_on():
    alarms, recorded = handlers(threshold=3)
    for _ in range(2):
        alarms.on_account_locked(AccountLocked(user_id=uuid.uuid4(), locked_seconds=60, ip="198.51.100.4"))
    alarms.on_account_locked(AccountLocked(user_id=uuid.uuid4(), locked_seconds=60, ip="203.0.113.9"))
    assert recorded.alarms == []

    alarms.on_account_locked(AccountLocked(user_id=uuid.uuid4(), locked_seconds=60, ip="198.51.100.4"))

    (alarm,) = recorded.alarms
    assert alarm.key == "lockouts:198.51.100.4" and alarm.facts["lockouts"] == 3
    assert "198.51.100.4" not in alarm.title  # the address is in the description, not the title


def test_a_lockout_without_an_ip_is_not_counted():
    alarms, recorded = handlers(threshold=1)
    alarms.on_account_locked(AccountLocked(user_id=uuid.uuid4(), locked_seconds=60))
    assert recorded.alarms == [] and recorded.lockouts == {}
