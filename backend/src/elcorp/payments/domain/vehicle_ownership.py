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
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from elcorp.shared.domain.errors import AccessDenied, Conflict, ErrorCode, ValidationFailed
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
    code = ErrorCode.VEHICLE_ALREADY_REGISTERED
    default_message = "This VIN or chassis number already has an active registration"


class TransferAlreadyOpen(Conflict):
    code = ErrorCode.VEHICLE_TRANSFER_OPEN
    default_message = "The vehicle already has an open ownership offer; cancel it first"


class TransferNotOpen(Conflict):
    code = ErrorCode.VEHICLE_TRANSFER_NOT_OPEN
    default_message = "This ownership offer is no longer open"


class AlreadyTheOwner(ValidationFailed):
    code = ErrorCode.VEHICLE_ALREADY_OWNED
    default_message = "The recipient already owns this vehicle"


class RecipientNotActive(ValidationFailed):
    code = ErrorCode.VEHICLE_RECIPIENT_NOT_ACTIVE
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
