"""What the payments use cases share: their unit of work, settings, the permissions they
check, and who counts as staff."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from elcorp.governance.application.api import Grants, Scope
from elcorp.payments.application.ports import DocumentNumbers, Ledger
from elcorp.payments.domain.ledger import ApprovalThresholds, FeeSchedule, StaffDailyLimits
from elcorp.shared.application.unit_of_work import UnitOfWork

CREATE, APPROVE, DEPOSIT = "payment:create", "payment:approve", "payment:deposit"
WALLET = "wallet"


class PaymentsUnitOfWork(UnitOfWork, Protocol):
    @property
    def ledger(self) -> Ledger: ...

    @property
    def document_numbers(self) -> DocumentNumbers: ...


@dataclass(frozen=True, slots=True)
class PaymentSettings:
    fees: FeeSchedule = field(default_factory=FeeSchedule)
    thresholds: ApprovalThresholds = field(default_factory=ApprovalThresholds)
    staff_daily_limits: StaffDailyLimits = field(default_factory=StaffDailyLimits)
    approval_ttl: timedelta = timedelta(hours=72)
    idempotency_ttl: timedelta = timedelta(hours=24)


def is_staff(grants: Grants) -> bool:
    """Staff see every wallet and transaction: `payment:approve`, or `payment:create`
    with scope `all` (customers hold it `own`)."""
    return grants.allows(APPROVE) or grants.scope_of(CREATE) is Scope.ALL
