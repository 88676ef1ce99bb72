"""Who owns a vehicle, and how ownership changes hands.

- One active registration per identifier (VIN or chassis number): a second one is refused
  (`VEH_005`); the registrant becomes the first owner.
- Ownership moves in two steps: the current owner offers the vehicle to another active user
  (`open`), and that user accepts (the ownership moves) or declines; the owner may cancel
  the offer while it is open. At most one open offer per vehicle (`VEH_006`); an offer that
  is no longer open cannot be decided again (`VEH_007`).
- Staff may force a transfer at once, with a reason (audited); it supersedes an open offer.
- Nobody is offered, or forced, a vehicle they already own (`VEH_008`); the recipient must
  be an active user (`VEH_009`).
- Ownership periods `[started, ended)` of one vehicle never overlap (the database enforces
  it too); the vehicle's token account belongs to whoever owns the vehicle.

An offer, or a forced transfer, is the `OwnershipTransfer` aggregate: its methods check
the move and record the events (`events`) its unit of work publishes at commit.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from elcorp.shared.domain.errors import AccessDenied, Conflict, ValidationFailed
from elcorp.shared.domain.events import DomainEvent


class TransferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    FORCED = "forced"


class TransferDecision(StrEnum):
    """What can be done to an open offer, and by whom (see `check_decision`)."""

    ACCEPT = "accept"
    DECLINE = "decline"
    CANCEL = "cancel"

    @property
    def outcome(self) -> TransferStatus:
        return {
            TransferDecision.ACCEPT: TransferStatus.ACCEPTED,
            TransferDecision.DECLINE: TransferStatus.DECLINED,
            TransferDecision.CANCEL: TransferStatus.CANCELLED,
        }[self]


@dataclass(frozen=True, kw_only=True)
class VehicleTransferOffered(DomainEvent):
    """An owner offered a vehicle to another user: the recipient may be told (outbox)."""

    event_type = "payments.VehicleTransferOffered"
    vehicle_id: uuid.UUID
    transfer_id: uuid.UUID
    from_owner_id: uuid.UUID
    to_user_id: uuid.UUID


@dataclass(frozen=True, kw_only=True)
class VehicleOwnershipChanged(DomainEvent):
    """A vehicle, with its token account, changed hands: an accepted offer or a forced
    transfer by staff."""

    event_type = "payments.VehicleOwnershipChanged"
    vehicle_id: uuid.UUID
    transfer_id: uuid.UUID
    previous_owner_id: uuid.UUID
    owner_id: uuid.UUID
    account_id: uuid.UUID
    forced: bool
    changed_at: datetime


class VehicleAlreadyRegistered(Conflict):
    code = "VEH_005"
    default_message = "This VIN or chassis number already has an active registration"


class TransferAlreadyOpen(Conflict):
    code = "VEH_006"
    default_message = "The vehicle already has an open ownership offer; cancel it first"


class TransferNotOpen(Conflict):
    code = "VEH_007"
    default_message = "This ownership offer is no longer open"


class AlreadyTheOwner(ValidationFailed):
    code = "VEH_008"
    default_message = "The recipient already owns this vehicle"


class RecipientNotActive(ValidationFailed):
    code = "VEH_009"
    default_message = "The recipient is not an active user"


class ForceReasonRequired(ValidationFailed):
    default_message = "A forced transfer needs a reason"


def check_recipient(owner_id: uuid.UUID, to_user_id: uuid.UUID, *, active: bool) -> None:
    """An offer or a forced transfer goes to an active user other than the owner."""
    if to_user_id == owner_id:
        raise AlreadyTheOwner(details=[{"field": "to_user_id", "message": "already the owner"}])
    if not active:
        raise RecipientNotActive(details=[{"field": "to_user_id", "message": "not an active user"}])


def check_offerer(owner_id: uuid.UUID, offerer: uuid.UUID) -> None:
    """Only the current owner offers their vehicle (staff force instead)."""
    if offerer != owner_id:
        raise AccessDenied("Only the vehicle's owner offers it; staff may force a transfer with a reason")


def forced_reason(reason: str | None) -> str:
    """A forced transfer's reason, mandatory: it goes into the audit trail."""
    if reason is None or not reason.strip():
        raise ForceReasonRequired(details=[{"field": "reason", "message": "required when force is true"}])
    return reason.strip()


def check_decision(
    decision: TransferDecision,
    *,
    status: TransferStatus,
    offered_by: uuid.UUID,
    to_user_id: uuid.UUID,
    caller: uuid.UUID,
) -> TransferStatus:
    """The offer's new status: the recipient accepts or declines, the offerer cancels, and
    only while it is open."""
    allowed = offered_by if decision is TransferDecision.CANCEL else to_user_id
    if caller != allowed:
        who = "the offerer" if decision is TransferDecision.CANCEL else "the recipient"
        raise AccessDenied(f"Only {who} may {decision.value} this offer")
    if status is not TransferStatus.OPEN:
        raise TransferNotOpen(f"This ownership offer is {status.value}", details={"status": status.value})
    return decision.outcome


@dataclass(eq=False)
class OwnershipTransfer:
    """An offer of a vehicle to another user (open until decided), or a transfer staff
    forced at once."""

    id: uuid.UUID
    vehicle_id: uuid.UUID
    from_owner_id: uuid.UUID
    to_user_id: uuid.UUID
    status: TransferStatus
    offered_by: uuid.UUID
    reason: str | None
    created_at: datetime
    decided_by: uuid.UUID | None
    decided_at: datetime | None
    events: list[DomainEvent] = field(default_factory=list, repr=False)

    def involves(self, user_id: uuid.UUID) -> bool:
        return user_id in (self.from_owner_id, self.to_user_id, self.offered_by)

    @classmethod
    def offer(
        cls,
        transfer_id: uuid.UUID,
        *,
        vehicle_id: uuid.UUID,
        owner_id: uuid.UUID,
        to_user_id: uuid.UUID,
        offered_by: uuid.UUID,
        note: str | None,
        at: datetime,
    ) -> OwnershipTransfer:
        """The owner offers their vehicle; the recipient may be told (an event)."""
        check_offerer(owner_id, offered_by)
        made = cls(
            transfer_id,
            vehicle_id,
            owner_id,
            to_user_id,
            TransferStatus.OPEN,
            offered_by,
            note,
            at,
            None,
            None,
        )
        made.events.append(
            VehicleTransferOffered(
                vehicle_id=vehicle_id, transfer_id=transfer_id, from_owner_id=owner_id, to_user_id=to_user_id
            )
        )
        return made

    @classmethod
    def force(
        cls,
        transfer_id: uuid.UUID,
        *,
        vehicle_id: uuid.UUID,
        owner_id: uuid.UUID,
        to_user_id: uuid.UUID,
        by: uuid.UUID,
        reason: str | None,
        at: datetime,
    ) -> OwnershipTransfer:
        """Staff move the vehicle at once, for a reason the audit trail keeps; decided as made."""
        return cls(
            transfer_id,
            vehicle_id,
            owner_id,
            to_user_id,
            TransferStatus.FORCED,
            by,
            forced_reason(reason),
            at,
            by,
            at,
        )

    def decide(
        self, decision: TransferDecision, caller: uuid.UUID, *, owner_id: uuid.UUID, at: datetime
    ) -> TransferStatus:
        """The recipient accepts or declines, the offerer cancels; only while the offer is
        open and the vehicle still belongs to whoever offered it."""
        status = check_decision(
            decision,
            status=self.status,
            offered_by=self.offered_by,
            to_user_id=self.to_user_id,
            caller=caller,
        )
        if self.from_owner_id != owner_id:
            raise TransferNotOpen("The vehicle changed hands since this offer was made")
        self._close(status, caller, at)
        return status

    def accept(self, caller: uuid.UUID, *, owner_id: uuid.UUID, at: datetime) -> None:
        self.decide(TransferDecision.ACCEPT, caller, owner_id=owner_id, at=at)

    def decline(self, caller: uuid.UUID, *, owner_id: uuid.UUID, at: datetime) -> None:
        self.decide(TransferDecision.DECLINE, caller, owner_id=owner_id, at=at)

    def cancel(self, caller: uuid.UUID, *, owner_id: uuid.UUID, at: datetime) -> None:
        self.decide(TransferDecision.CANCEL, caller, owner_id=owner_id, at=at)

    def supersede(self, by: uuid.UUID, *, at: datetime) -> None:
        """A forced transfer cancels the open offer it replaces."""
        if self.status is not TransferStatus.OPEN:
            raise TransferNotOpen(
                f"This ownership offer is {self.status.value}", details={"status": self.status.value}
            )
        self._close(TransferStatus.CANCELLED, by, at)

    def handed_over(self, *, account_id: uuid.UUID, at: datetime) -> None:
        """The vehicle and its token account moved at `at` (the store's clock, under the
        vehicle's lock): recorded for whoever reacts to a change of hands."""
        if self.status not in (TransferStatus.ACCEPTED, TransferStatus.FORCED):
            raise TransferNotOpen(
                f"A {self.status.value} transfer moves no vehicle", details={"status": self.status.value}
            )
        self.events.append(
            VehicleOwnershipChanged(
                vehicle_id=self.vehicle_id,
                transfer_id=self.id,
                previous_owner_id=self.from_owner_id,
                owner_id=self.to_user_id,
                account_id=account_id,
                forced=self.status is TransferStatus.FORCED,
                changed_at=at,
            )
        )

    def _close(self, status: TransferStatus, by: uuid.UUID, at: datetime) -> None:
        self.status = status
        self.decided_by = by
        self.decided_at = at
