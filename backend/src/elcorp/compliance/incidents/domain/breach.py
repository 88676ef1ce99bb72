"""POPIA s22: notification of security compromises. An incident marked as a compromise of
personal information carries this record:

- s22(1)-(2): the Information Regulator and the data subjects are notified "as soon as
  reasonably possible after the discovery of the compromise" (the Act sets no fixed hours;
  the platform's own target, BREACH_NOTIFICATION_TARGET_HOURS, is what "reasonably
  possible" is held to, and a daily job escalates until both notifications are recorded);
- s22(4): the subjects are notified in writing by mail, email, the website, the news media
  or as the Regulator directs (`channel`);
- s22(5): the notice gives enough to take protective measures: the possible consequences,
  the measures taken or intended, what the subject should do, and the identity of the
  unauthorised person if known.

Pure: standard library and the shared kernel only.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from elcorp.shared.domain.errors import DomainError
from elcorp.shared.domain.events import DomainEvent

DEFAULT_TARGET_HOURS = 72


class Channel(StrEnum):
    """POPIA s22(4)(a)-(d)."""

    POST = "post"
    EMAIL = "email"
    WEBSITE = "website"
    NEWS_MEDIA = "news_media"
    AS_DIRECTED = "as_directed_by_regulator"


class BreachAlreadyRecorded(DomainError):
    code = "INC_006"
    status = 409
    default_message = "This incident is already marked as a compromise of personal information"


class BreachNotRecorded(DomainError):
    code = "INC_007"
    status = 404
    default_message = "This incident is not marked as a compromise of personal information"


class NotificationTimeInvalid(DomainError):
    code = "INC_008"
    default_message = "A notification or discovery time must not be in the future, nor before the discovery"


class NotificationIncomplete(DomainError):
    code = "INC_009"
    default_message = "A recorded notification needs its reference (regulator) or channel (subjects)"


@dataclass(frozen=True, kw_only=True)
class BreachEscalationDue(DomainEvent):
    """A compromise is still not notified to the Regulator and/or the subjects: the holders
    of incident:manage are told (daily, until both are recorded)."""

    event_type = "compliance.BreachEscalationDue"
    incident_id: uuid.UUID
    title: str
    discovered_at: datetime
    due_at: datetime
    regulator_notified: bool
    subjects_notified: bool


# Allowance for clocks that differ a little between the recorder's device and the server.
CLOCK_SKEW = timedelta(minutes=5)

CONTENT = ("consequences", "measures", "recommendations", "unauthorised_party")


@dataclass
class BreachNotification:
    incident_id: uuid.UUID
    discovered_at: datetime
    recorded_at: datetime
    recorded_by: str
    consequences: str  # s22(5)(a)
    measures: str  # s22(5)(b): taken or intended
    recommendations: str  # s22(5)(c): what the subject should do
    unauthorised_party: str | None = None  # s22(5)(d), if known
    regulator_notified_at: datetime | None = None
    regulator_reference: str | None = None
    subjects_notified_at: datetime | None = None
    channel: Channel | None = None
    last_escalated_at: datetime | None = None
    escalations: int = 0

    @classmethod
    def record(
        cls,
        incident_id: uuid.UUID,
        *,
        discovered_at: datetime,
        consequences: str,
        measures: str,
        recommendations: str,
        unauthorised_party: str | None,
        by: str,
        now: datetime,
    ) -> BreachNotification:
        if discovered_at > now + CLOCK_SKEW:
            raise NotificationTimeInvalid(details=[{"field": "discovered_at", "message": "is in the future"}])
        return cls(
            incident_id=incident_id,
            discovered_at=discovered_at,
            recorded_at=now,
            recorded_by=by,
            consequences=consequences,
            measures=measures,
            recommendations=recommendations,
            unauthorised_party=unauthorised_party,
        )

    # -- queries ---------------------------------------------------------------------------
    @property
    def complete(self) -> bool:
        """Both notifications recorded: the escalation stops."""
        return self.regulator_notified_at is not None and self.subjects_notified_at is not None

    def due_at(self, target_hours: int) -> datetime:
        return self.discovered_at + timedelta(hours=target_hours)

    def overdue(self, now: datetime, target_hours: int) -> bool:
        return not self.complete and now > self.due_at(target_hours)

    def within_target(self, target_hours: int) -> bool | None:
        """Both notified within the target after discovery; None while one is missing."""
        regulator, subjects = self.regulator_notified_at, self.subjects_notified_at
        if regulator is None or subjects is None:
            return None
        due = self.due_at(target_hours)
        return regulator <= due and subjects <= due

    # -- changes ---------------------------------------------------------------------------
    def notify_regulator(self, at: datetime, reference: str | None, now: datetime) -> None:
        """s22(1)(a): the Information Regulator was notified (its reference, if it gave one;
        otherwise how the notice was lodged)."""
        self._check_time("regulator_notified_at", at, now)
        if not (reference or "").strip():
            raise NotificationIncomplete(
                details=[{"field": "regulator_reference", "message": "give the Regulator's reference"}]
            )
        self.regulator_notified_at, self.regulator_reference = at, (reference or "").strip()

    def notify_subjects(self, at: datetime, channel: Channel | None, now: datetime) -> None:
        """s22(1)(b), s22(4): the data subjects were notified in writing by `channel`."""
        self._check_time("subjects_notified_at", at, now)
        if channel is None:
            raise NotificationIncomplete(
                details=[{"field": "channel", "message": "say how the subjects were told"}]
            )
        self.subjects_notified_at, self.channel = at, channel

    def rediscover(self, at: datetime, now: datetime) -> None:
        if at > now + CLOCK_SKEW:
            raise NotificationTimeInvalid(details=[{"field": "discovered_at", "message": "is in the future"}])
        for name in ("regulator_notified_at", "subjects_notified_at"):
            notified = getattr(self, name)
            if notified is not None and notified < at:
                raise NotificationTimeInvalid(details=[{"field": name, "message": "is before the discovery"}])
        self.discovered_at = at

    def escalated(self, at: datetime) -> None:
        self.last_escalated_at = at
        self.escalations += 1

    def _check_time(self, name: str, at: datetime, now: datetime) -> None:
        if at > now + CLOCK_SKEW:
            raise NotificationTimeInvalid(details=[{"field": name, "message": "is in the future"}])
        if at < self.discovered_at:
            raise NotificationTimeInvalid(details=[{"field": name, "message": "is before the discovery"}])
