"""POPIA s22 breach notification: staff mark an incident as a security compromise of
personal information and record the s22 facts; the notifications to the Information
Regulator and to the data subjects are recorded as they happen; the letter to the subjects
is generated from the template; a daily job escalates every record with a notification
still missing (mail to the holders of incident:manage, a timeline note and an audit entry).

Each change is one transaction with its incident timeline entry and its audit entry
(`incident.breach_marked`, `incident.breach_updated`, `incident.breach_letter_generated`,
`incident.breach_escalated`). Free text stays out of the audit trail.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from elcorp.compliance.incidents.application.incidents import IncidentsUnitOfWork
from elcorp.compliance.incidents.domain.breach import (
    CONTENT,
    DEFAULT_TARGET_HOURS,
    BreachAlreadyRecorded,
    BreachEscalationDue,
    BreachNotification,
    BreachNotRecorded,
    Channel,
)
from elcorp.compliance.incidents.domain.breach_letter import BreachLetter, LetterContext, breach_letter
from elcorp.compliance.incidents.domain.incidents import SYSTEM, Incident
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.mail import Contacts, EmailSender
from elcorp.shared.domain.clock import Clock, SystemClock, isoformat_z
from elcorp.shared.domain.errors import NotFound

logger = logging.getLogger(__name__)

# A daily job: a record escalated less than this long ago is not escalated again, so a
# re-run (or two overlapping runs) the same day sends nothing twice.
ESCALATION_GAP = timedelta(hours=20)


@dataclass(frozen=True, slots=True)
class NewBreach:
    discovered_at: datetime
    consequences: str
    measures: str
    recommendations: str
    unauthorised_party: str | None = None


class LetterDocuments(Protocol):
    def pdf(self, letter: BreachLetter) -> bytes: ...


class BreachNotifications:
    def __init__(
        self,
        uow: Callable[[], IncidentsUnitOfWork],
        documents: LetterDocuments,
        letter_context: LetterContext,
        *,
        target_hours: int = DEFAULT_TARGET_HOURS,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._documents = documents
        self._context = letter_context
        self.target_hours = target_hours
        self._clock = clock or SystemClock()

    def now(self) -> datetime:
        return self._clock.now()

    def mark(
        self,
        actor: uuid.UUID,
        incident_id: uuid.UUID,
        new: NewBreach,
        notifications: dict[str, Any] | None = None,
    ) -> BreachNotification:
        """Mark the incident; notifications already made may be recorded at once (the same
        transaction: a bad notification time leaves the incident unmarked)."""
        now = self._clock.now()
        with self._uow() as uow:
            incident = self._incident(uow, incident_id, lock=True)
            if uow.breaches.get(incident_id) is not None:
                raise BreachAlreadyRecorded()
            breach = BreachNotification.record(
                incident_id,
                discovered_at=new.discovered_at,
                consequences=new.consequences,
                measures=new.measures,
                recommendations=new.recommendations,
                unauthorised_party=new.unauthorised_party,
                by=str(actor),
                now=now,
            )
            uow.breaches.add(breach)
            incident.add_note(
                str(actor),
                now,
                "Marked as a security compromise of personal information (POPIA s22)",
                kind="breach_marked",
                data={"discovered_at": isoformat_z(breach.discovered_at)},
            )
            uow.incidents.save(incident)
            uow.audit.record(
                "incident.breach_marked",
                Actor(str(actor)),
                Resource("incident", str(incident_id)),
                Changes(after={"discovered_at": isoformat_z(breach.discovered_at)}),
            )
            if notifications:
                self._apply(uow, incident, breach, actor, notifications, now)
            uow.commit()
        return breach

    def get(self, incident_id: uuid.UUID) -> BreachNotification:
        with self._uow() as uow:
            self._incident(uow, incident_id)
            breach = uow.breaches.get(incident_id)
        if breach is None:
            raise BreachNotRecorded()
        return breach

    def update(self, actor: uuid.UUID, incident_id: uuid.UUID, changes: dict[str, Any]) -> BreachNotification:
        """Record the notifications (`regulator_notified_at` + `regulator_reference`,
        `subjects_notified_at` + `channel`), correct the discovery time or the s22(5) content."""
        now = self._clock.now()
        with self._uow() as uow:
            incident = self._incident(uow, incident_id, lock=True)
            breach = uow.breaches.get(incident_id, for_update=True)
            if breach is None:
                raise BreachNotRecorded()
            if self._apply(uow, incident, breach, actor, changes, now):
                uow.commit()
        return breach

    def _apply(
        self,
        uow: IncidentsUnitOfWork,
        incident: Incident,
        breach: BreachNotification,
        actor: uuid.UUID,
        changes: dict[str, Any],
        now: datetime,
    ) -> bool:
        """Apply the changes with their timeline notes and audit entry; False if none."""
        edit = _BreachEdit(breach, changes, now)
        edit.rediscover()
        edit.notify_regulator()
        edit.notify_subjects()
        edit.edit_content()
        if not edit.entries:
            return False
        for kind, note, data in edit.entries:
            incident.add_note(str(actor), now, note, kind=kind, data=data)
        uow.breaches.save(breach)
        uow.incidents.save(incident)
        uow.audit.record(
            "incident.breach_updated",
            Actor(str(actor)),
            Resource("incident", str(incident.id)),
            Changes(edit.before, {**edit.after, "complete": breach.complete}),
        )
        return True

    def letter(self, actor: uuid.UUID, incident_id: uuid.UUID, fmt: str) -> tuple[bytes, BreachLetter]:
        """The letter to the data subjects, as text or PDF; its generation is audited."""
        breach = self.get(incident_id)
        letter = breach_letter(
            breach, f"INC-{str(incident_id)[:8].upper()}", self._context, self._clock.now()
        )
        body = letter.text.encode("utf-8") if fmt == "text" else self._documents.pdf(letter)
        with self._uow() as uow:
            uow.audit.record(
                "incident.breach_letter_generated",
                Actor(str(actor)),
                Resource("incident", str(incident_id)),
                Changes(after={"format": fmt}),
            )
            uow.commit()
        return body, letter

    def escalate_due(self) -> int:
        """Daily: every record with a notification still missing gets a timeline note, an
        audit entry and a BreachEscalationDue event (the mail). Returns how many."""
        now = self._clock.now()
        count = 0
        with self._uow() as uow:
            for breach in uow.breaches.due_for_escalation(now - ESCALATION_GAP):
                incident = uow.incidents.get(breach.incident_id, for_update=True)
                if incident is None:
                    continue
                missing = _not_yet_notified(breach)
                due = breach.due_at(self.target_hours)
                overdue = breach.overdue(now, self.target_hours)
                note = _escalation_note(missing, due, overdue)
                breach.escalated(now)
                incident.add_note(SYSTEM, now, note, kind="breach_escalated", data={"overdue": overdue})
                uow.breaches.save(breach)
                uow.incidents.save(incident)
                uow.audit.record(
                    "incident.breach_escalated",
                    Actor(SYSTEM),
                    Resource("incident", str(incident.id)),
                    Changes(
                        after={"missing": missing, "overdue": overdue, "escalations": breach.escalations}
                    ),
                )
                uow.publish(
                    BreachEscalationDue(
                        incident_id=incident.id,
                        title=incident.title,
                        discovered_at=breach.discovered_at,
                        due_at=due,
                        regulator_notified=breach.regulator_notified_at is not None,
                        subjects_notified=breach.subjects_notified_at is not None,
                    )
                )
                count += 1
            uow.commit()
        return count

    @staticmethod
    def _incident(uow: IncidentsUnitOfWork, incident_id: uuid.UUID, *, lock: bool = False) -> Incident:
        incident = uow.incidents.get(incident_id, for_update=lock)
        if incident is None:
            raise NotFound("Incident not found")
        return incident


@dataclass
class _BreachEdit:
    """One update of a breach record: each step applies its part of `changes` and notes
    what it did (a timeline entry, the audited values before and after)."""

    breach: BreachNotification
    changes: dict[str, Any]
    now: datetime
    entries: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)

    def rediscover(self) -> None:
        breach, changes = self.breach, self.changes
        if "discovered_at" not in changes or changes["discovered_at"] == breach.discovered_at:
            return
        self.before["discovered_at"] = isoformat_z(breach.discovered_at)
        breach.rediscover(changes["discovered_at"], self.now)
        self.after["discovered_at"] = isoformat_z(breach.discovered_at)
        self.entries.append(("breach_updated", "Discovery time corrected", dict(self.after)))

    def notify_regulator(self) -> None:
        breach, changes = self.breach, self.changes
        if "regulator_notified_at" not in changes and "regulator_reference" not in changes:
            return
        at = changes.get("regulator_notified_at") or breach.regulator_notified_at or self.now
        reference = changes.get("regulator_reference", breach.regulator_reference)
        self.before["regulator_notified_at"] = _time(breach.regulator_notified_at)
        breach.notify_regulator(at, reference, self.now)
        self.after["regulator_notified_at"] = _time(breach.regulator_notified_at)
        self.entries.append(
            (
                "regulator_notified",
                "Information Regulator notified (POPIA s22(1)(a))",
                {"at": _time(breach.regulator_notified_at), "reference": breach.regulator_reference},
            )
        )

    def notify_subjects(self) -> None:
        breach, changes = self.breach, self.changes
        if "subjects_notified_at" not in changes and "channel" not in changes:
            return
        at = changes.get("subjects_notified_at") or breach.subjects_notified_at or self.now
        raw = changes.get("channel")
        channel = Channel(raw) if raw is not None else breach.channel
        self.before["subjects_notified_at"] = _time(breach.subjects_notified_at)
        breach.notify_subjects(at, channel, self.now)
        self.after.update(
            subjects_notified_at=_time(breach.subjects_notified_at), channel=str(breach.channel)
        )
        self.entries.append(
            (
                "subjects_notified",
                "Data subjects notified (POPIA s22(1)(b), s22(4))",
                {"at": _time(breach.subjects_notified_at), "channel": str(breach.channel)},
            )
        )

    def edit_content(self) -> None:
        """The s22(5) content fields that differ from the record."""
        changes = self.changes
        edited = [name for name in CONTENT if name in changes and changes[name] != getattr(self.breach, name)]
        for name in edited:
            setattr(self.breach, name, changes[name])
        if edited:
            self.after["content"] = edited
            self.entries.append(("breach_updated", "s22(5) content updated", {"fields": edited}))


def _not_yet_notified(breach: BreachNotification) -> list[str]:
    return [
        who
        for who, at in (
            ("the Information Regulator", breach.regulator_notified_at),
            ("the data subjects", breach.subjects_notified_at),
        )
        if at is None
    ]


def _escalation_note(missing: list[str], due: datetime, overdue: bool) -> str:
    return (
        f"Escalation: not yet notified: {' and '.join(missing)} "
        f"({'overdue since' if overdue else 'target'} {isoformat_z(due)}; POPIA s22: as soon as "
        "reasonably possible)"
    )


def _time(value: datetime | None) -> str | None:
    return None if value is None else isoformat_z(value)


class Approvers(Protocol):
    def globally(self, permission: str) -> frozenset[uuid.UUID]: ...


@dataclass
class BreachEscalationMailer:
    """Mails a BreachEscalationDue to every holder of incident:manage (scope all)."""

    holders: Approvers
    contacts: Contacts
    sender: EmailSender
    public_base_url: str

    def on_escalation_due(self, event: BreachEscalationDue) -> None:
        missing = [
            who
            for who, done in (
                ("the Information Regulator", event.regulator_notified),
                ("the data subjects", event.subjects_notified),
            )
            if not done
        ]
        body = (
            f"The security compromise of personal information recorded on incident "
            f'"{event.title}" (discovered {isoformat_z(event.discovered_at)}) is not yet notified to '
            f"{' and '.join(missing) or 'nobody missing'}.\n"
            f"POPIA s22 asks for notification as soon as reasonably possible after discovery; "
            f"the platform's target was {isoformat_z(event.due_at)}.\n\n"
            f"{self.public_base_url}/api/v1/incidents/{event.incident_id}/breach-notification\n"
        )
        for user_id, address in sorted(
            self.contacts.addresses(self.holders.globally("incident:manage")).items()
        ):
            self.sender.send(address, "Breach notification outstanding (POPIA s22)", body)
            logger.info(
                "incident.breach_escalation_mailed user_id=%s incident_id=%s", user_id, event.incident_id
            )
