"""Automatic incidents: one handler per alarm event opens an incident (source `automatic`)
with the event's facts in its description and timeline. While the incident of an alarm key
is active (open, acknowledged, investigating), a repeat becomes a timeline note instead of
a second incident; once it is resolved, the next alarm opens a new one.

The events come from other contexts (payments, identity), imported from their public
APIs, and from the audit trail; each handler takes the event type it is subscribed to.
Which event goes to which handler is wired in IncidentsFeature.subscribe (incidents/wiring.py).

| alarm                              | key                          | type         | impact x urgency |
|------------------------------------|------------------------------|--------------|------------------|
| ledger integrity check failed      | `ledger_integrity`           | security     | 1 x 1 (P1)       |
| audit chain verification failed    | `audit_verification`         | security     | 1 x 1 (P1)       |
| audit sequencer stalled            | `audit_sequencer`            | availability | 2 x 1 (P2)       |
| spent refresh token presented      | `refresh_token_reuse:<user>` | security     | 2 x 1 (P2)       |
| N account lockouts from one IP     | `lockouts:<ip>`              | security     | 2 x 2 (P3)       |
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from elcorp.compliance.domain.events import AuditSequencerStalled, AuditVerificationFailed
from elcorp.compliance.incidents.application.incidents import Alarm, Incidents
from elcorp.compliance.incidents.domain.incidents import IncidentType, Severity
from elcorp.identity.application.api import AccountLocked, SecurityNotice
from elcorp.payments.application.api import LedgerIntegrityFailed
from elcorp.shared.domain.events import DomainEvent

logger = logging.getLogger(__name__)

DEFAULT_LOCKOUT_THRESHOLD = 3  # lockouts of any accounts from one IP ...
DEFAULT_LOCKOUT_WINDOW_SECONDS = 3600  # ... within this window open an incident


@dataclass
class AlarmIncidents:
    incidents: Incidents
    lockout_threshold: int = DEFAULT_LOCKOUT_THRESHOLD
    lockout_window_seconds: int = DEFAULT_LOCKOUT_WINDOW_SECONDS

    def on_ledger_integrity_failed(self, event: LedgerIntegrityFailed) -> None:
        currencies = list(event.unbalanced_currencies or [])
        mismatched = int(event.mismatched_accounts or 0)
        broken = event.first_broken_link
        facts = {
            "unbalanced_currencies": currencies,
            "mismatched_accounts": mismatched,
            "first_broken_link": broken,
        }
        lines = [
            "The ledger integrity check found books that do not add up.",
            f"Unbalanced currencies: {', '.join(currencies) or 'none'}.",
            f"Accounts whose cached balance or holds differ from their postings: {mismatched}.",
            f"First broken posting hash-chain link: {broken or 'none'}.",
        ]
        self._raise(
            event,
            key="ledger_integrity",
            type=IncidentType.SECURITY,
            title="Ledger integrity check failed",
            description="\n".join(lines),
            impact=1,
            urgency=1,
            severity=Severity.CRITICAL,
            facts=facts,
            systems=("payments ledger",),
        )

    def on_audit_verification_failed(self, event: AuditVerificationFailed) -> None:
        seq = event.first_bad_seq
        reason = str(event.reason or "")
        self._raise(
            event,
            key="audit_verification",
            type=IncidentType.SECURITY,
            title="Audit trail verification failed",
            description=(
                "The audit chain or a signed checkpoint did not verify: audit history may have been "
                f"altered.\nFirst bad sequence number: {seq}. Reason: {reason}."
            ),
            impact=1,
            urgency=1,
            severity=Severity.CRITICAL,
            facts={"first_bad_seq": seq, "reason": reason},
            systems=("audit trail",),
        )

    def on_audit_sequencer_stalled(self, event: AuditSequencerStalled) -> None:
        waiting = event.waiting
        age = event.oldest_age_seconds
        self._raise(
            event,
            key="audit_sequencer",
            type=IncidentType.AVAILABILITY,
            title="Audit sequencer stalled",
            description=(
                f"{waiting} committed audit entries are waiting to be chained; the oldest has waited {age} s."
            ),
            impact=2,
            urgency=1,
            severity=Severity.HIGH,
            facts={"waiting": waiting, "oldest_age_seconds": age},
            systems=("audit trail",),
        )

    def on_security_notice(self, event: SecurityNotice) -> None:
        """Only refresh-token theft detection (RFC 9700 s4.14.2) is an incident."""
        if event.kind != "refresh_token_reused":
            return
        user_id = event.user_id
        self._raise(
            event,
            key=f"refresh_token_reuse:{user_id}",
            type=IncidentType.SECURITY,
            title="Refresh-token theft detected",
            description=(
                "A spent refresh token was presented again: one of its two holders is not the user. "
                f"The device's token family was revoked. User id: {user_id}."
            ),
            impact=2,
            urgency=1,
            severity=Severity.HIGH,
            facts={"user_id": str(user_id)},
            systems=("identity", "sessions"),
            subjects=1,
        )

    def on_account_locked(self, event: AccountLocked) -> None:
        """Repeated lockouts from one IP (password spraying or credential stuffing)."""
        ip = event.ip
        if not ip:
            return
        count = self.incidents.record_lockout(
            event.event_id,
            str(ip),
            event.user_id,
            event.occurred_at,
            self.lockout_window_seconds,
        )
        if count < self.lockout_threshold:
            return
        minutes = self.lockout_window_seconds // 60
        self._raise(
            event,
            key=f"lockouts:{ip}",
            type=IncidentType.SECURITY,
            title="Repeated account lockouts from one IP address",
            description=(
                f"{count} account lockouts from {ip} within {minutes} minutes "
                f"(threshold {self.lockout_threshold}): possible password spraying or credential stuffing."
            ),
            impact=2,
            urgency=2,
            severity=Severity.MEDIUM,
            facts={"ip": str(ip), "lockouts": count, "window_minutes": minutes},
            systems=("identity",),
        )

    def _raise(
        self,
        event: DomainEvent,
        *,
        key: str,
        type: IncidentType,
        title: str,
        description: str,
        impact: int,
        urgency: int,
        severity: Severity,
        facts: dict[str, Any],
        systems: tuple[str, ...],
        subjects: int | None = None,
    ) -> None:
        opened = self.incidents.raise_alarm(
            Alarm(
                key=key,
                event_id=event.event_id,
                occurred_at=event.occurred_at,
                type=type,
                title=title,
                description=description,
                impact=impact,
                urgency=urgency,
                severity=severity,
                facts={"event_type": event.event_type, "occurred_at": event.occurred_at.isoformat(), **facts},
                affected_systems=systems,
                affected_subjects=subjects,
            )
        )
        if opened is not None:
            logger.warning("incident.alarm key=%s incident_id=%s", key, opened.id)
