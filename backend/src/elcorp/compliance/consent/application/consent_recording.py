"""Appending one consent record: against the notice in force, under the subject's lock,
only when it changes the subject's state, with its audit entry. Every use case that
records a consent (the subject, staff, a data-subject request, registration) goes
through here, inside its own unit of work."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from elcorp.compliance.consent.application.consent_ports import ConsentUnitOfWork, NewConsentRecord
from elcorp.compliance.consent.domain.consent import (
    Channel,
    ConsentAction,
    ConsentRecord,
    NoNoticePublished,
    NoticeVersionStale,
    Purpose,
    current_states,
    is_change,
)
from elcorp.identity.application.api import UserRegistered
from elcorp.shared.application import context
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.ids import new_id

MAX_USER_AGENT = 512


@dataclass(frozen=True, slots=True)
class ConsentChange:
    record: ConsentRecord
    recorded: bool  # False: nothing changed (a repeated grant or withdrawal), no new record


@dataclass(frozen=True, slots=True)
class ConsentDecision:
    """A grant or withdrawal to record, and who made it."""

    purpose: Purpose
    grant: bool
    channel: Channel
    actor: Actor
    actor_id: uuid.UUID | None
    shown_version: int | None = None  # the notice the subject was shown (None: not checked)
    reason: str | None = None


def record_decision(
    uow: ConsentUnitOfWork, subject_id: uuid.UUID, decision: ConsentDecision
) -> ConsentChange:
    """Append the decision unless it changes nothing (a repeated grant or withdrawal under
    the same notice); the request's network evidence is kept with the record."""
    notice = uow.notices.current()
    if notice is None:
        raise NoNoticePublished()
    if decision.shown_version is not None and decision.shown_version != notice.version:
        raise NoticeVersionStale(details={"current_version": notice.version})
    history = uow.consents.of_subject(subject_id, lock=True)
    state = next(s for s in current_states(history) if s.purpose is decision.purpose)
    if not is_change(state, grant=decision.grant, notice_version=notice.version) and state.latest is not None:
        return ConsentChange(state.latest, recorded=False)
    ctx = context.current()
    added = uow.consents.append(
        NewConsentRecord(
            id=new_id(),
            subject_id=subject_id,
            purpose=decision.purpose,
            notice_version=notice.version,
            action=ConsentAction.GRANTED if decision.grant else ConsentAction.WITHDRAWN,
            channel=decision.channel,
            actor_id=decision.actor_id,
            ip=ctx.ip,
            user_agent=(ctx.user_agent or "")[:MAX_USER_AGENT] or None,
        )
    )
    if added is None:  # only records from an outbox event can collide
        raise RuntimeError("consent record not appended")
    audit_record(uow, decision.actor, added, before=state.latest, reason=decision.reason)
    return ConsentChange(added, recorded=True)


def record_registration(
    uow: ConsentUnitOfWork, event: UserRegistered, notice_version: int, purposes: list[Purpose]
) -> None:
    """The consents ticked at registration; a redelivered event adds nothing (the store
    ignores a second record of one source event and purpose)."""
    subject_id = event.user_id
    existing = uow.consents.of_subject(subject_id, lock=True)
    for purpose in purposes:
        added = uow.consents.append(
            NewConsentRecord(
                id=new_id(),
                subject_id=subject_id,
                purpose=purpose,
                notice_version=notice_version,
                action=ConsentAction.GRANTED,
                channel=Channel.REGISTRATION,
                actor_id=subject_id,
                source_event_id=event.event_id,
                recorded_at=registration_time(event.occurred_at, existing, purpose),
            )
        )
        if added is not None:
            audit_record(uow, Actor(str(subject_id)), added)


def registration_time(registered_at: datetime, existing: list[ConsentRecord], purpose: Purpose) -> datetime:
    """When a consent given at registration is recorded: the moment of registration, but
    never after a record the subject made since (the event may be delivered after the
    subject already changed their mind, and the clocks of the application and the
    database may differ by a little): registration records are a subject's first."""
    first = min((r.recorded_at for r in existing if r.purpose is purpose), default=None)
    if first is None or registered_at < first:
        return registered_at
    return first - timedelta(microseconds=1)


def audit_record(
    uow: ConsentUnitOfWork,
    actor: Actor,
    record: ConsentRecord,
    before: ConsentRecord | None = None,
    reason: str | None = None,
) -> None:
    uow.audit.record(
        f"privacy.consent_{record.action.value}",
        actor,
        Resource("user", str(record.subject_id)),
        Changes(
            before={} if before is None else {"action": before.action.value, "record_id": str(before.id)},
            after={
                "record_id": str(record.id),
                "purpose": record.purpose.value,
                "action": record.action.value,
                "notice_version": record.notice_version,
                "channel": record.channel.value,
            },
        ),
        reason,
    )
