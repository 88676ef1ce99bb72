"""The consent ledger (POPIA s11(1)(a), s11(2)(b), s69): what a data subject agreed to, for
which purpose, against which privacy notice, and when they changed their mind.

A record is an ISO/IEC TS 27560-style consent record: record id, subject, purpose, notice
version, action (granted | withdrawn), channel, timestamp, actor, optional network evidence.
Records are only ever appended; the current state of a (subject, purpose) is its latest
record. A withdrawal takes effect from the moment it is recorded and is never retroactive:
the earlier grant stays in the history, and what was lawfully done under it stays lawful
(POPIA s11(2)(b)).

Only processing that rests on consent is in this ledger. Opening and running an account,
moving money and keeping customer and transaction records rest on the contract (s11(1)(b))
and on the Financial Intelligence Act 2012 (s11(1)(c)); they are never asked for here and a
withdrawal cannot stop them.

Pure: imports nothing but the standard library and the shared kernel.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from elcorp.shared.domain.errors import Conflict, ValidationFailed


class Purpose(StrEnum):
    """The purposes a subject may consent to (and withdraw from), each optional."""

    # Direct marketing by electronic communication of the platform's own products
    # (POPIA s69(1)(a): consent needed; every message carries an opt-out).
    MARKETING = "marketing"
    # Product research and usage analytics beyond what running the service needs.
    ANALYTICS = "analytics"
    # Sharing contact details with selected partners for their own offers.
    THIRD_PARTY_SHARING = "third_party_sharing"


PURPOSE_DESCRIPTIONS: dict[Purpose, str] = {
    Purpose.MARKETING: "News and offers about Elcorp products by email (direct marketing, POPIA s69)",
    Purpose.ANALYTICS: "Use of how you use the platform for product research and analytics",
    Purpose.THIRD_PARTY_SHARING: "Sharing your contact details with selected partners for their offers",
}


class ConsentAction(StrEnum):
    GRANTED = "granted"
    WITHDRAWN = "withdrawn"


class Channel(StrEnum):
    """How the consent was given or withdrawn (the record's collection method)."""

    WEB = "web"
    MOBILE = "mobile"
    REGISTRATION = "registration"
    PRIVACY_REQUEST = "privacy_request"  # a data-subject request (e.g. marketing_opt_out)
    STAFF = "staff"  # recorded by staff on the subject's instruction


class UnknownConsentPurpose(ValidationFailed):
    code = "CON_001"
    default_message = "Unknown consent purpose"


class NoNoticePublished(Conflict):
    code = "CON_002"
    default_message = "No privacy notice is published yet: consent cannot be recorded"


class NoticeVersionStale(Conflict):
    code = "CON_003"
    default_message = "The privacy notice shown is not the current one: show the current notice"


class UnknownConsentChannel(ValidationFailed):
    code = "CON_005"
    default_message = "Unknown consent channel"


def purpose_of(value: str) -> Purpose:
    try:
        return Purpose(value)
    except ValueError:
        raise UnknownConsentPurpose(
            details=[{"field": "purpose", "message": f"one of {', '.join(p.value for p in Purpose)}"}]
        ) from None


def channel_of(value: str) -> Channel:
    try:
        return Channel(value)
    except ValueError:
        raise UnknownConsentChannel(
            details=[{"field": "channel", "message": f"one of {', '.join(c.value for c in Channel)}"}]
        ) from None


@dataclass(frozen=True, slots=True)
class ConsentRecord:
    """One appended record of the ledger (never changed afterwards)."""

    id: uuid.UUID
    subject_id: uuid.UUID
    purpose: Purpose
    notice_version: int
    action: ConsentAction
    channel: Channel
    recorded_at: datetime
    actor_id: uuid.UUID | None  # None: recorded by the platform itself
    ip: str | None = None
    user_agent: str | None = None

    @property
    def granted(self) -> bool:
        return self.action is ConsentAction.GRANTED


@dataclass(frozen=True, slots=True)
class ConsentState:
    """Where a (subject, purpose) stands now: its latest record, or never asked."""

    purpose: Purpose
    latest: ConsentRecord | None

    @property
    def granted(self) -> bool:
        return self.latest is not None and self.latest.granted


def current_states(records: Iterable[ConsentRecord]) -> list[ConsentState]:
    """The state of every purpose, from records given oldest first: the latest wins."""
    latest: dict[Purpose, ConsentRecord] = {}
    for record in records:
        latest[record.purpose] = record
    return [ConsentState(purpose, latest.get(purpose)) for purpose in Purpose]


def is_change(state: ConsentState, *, grant: bool, notice_version: int) -> bool:
    """Does recording (grant, notice_version) change anything? A repeated grant against the
    same notice, or a repeated withdrawal, adds nothing to the ledger; a grant against a
    newer notice does (the subject agreed to the new text), and so does a first refusal
    (the subject's "no" is on record before anyone asks again)."""
    if state.latest is None:
        return True
    if grant:
        return not state.granted or state.latest.notice_version != notice_version
    return state.granted
