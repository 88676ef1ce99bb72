"""The ledger's integrity: the trial balance (every currency sums to zero, every cached
balance equals its postings) and each account's hash chain, checked nightly and on a
staff member's request."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from elcorp.governance.application.api import AccessControl
from elcorp.payments.application.ledger_common import PaymentsUnitOfWork, is_staff
from elcorp.payments.application.ports import ChainReport, TrialBalance
from elcorp.payments.domain.events import LedgerIntegrityFailed
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.domain.errors import AccessDenied


@dataclass(frozen=True, slots=True)
class LedgerIntegrity:
    trial_balance: TrialBalance
    chains: ChainReport

    @property
    def ok(self) -> bool:
        return self.trial_balance.balanced and self.chains.ok

    @property
    def first_broken_link(self) -> dict[str, str] | None:
        broken = self.chains.first_broken
        return None if broken is None else {k: str(v) for k, v in broken.items()}

    @property
    def unbalanced_currencies(self) -> list[str]:
        return sorted(currency for currency, total in self.trial_balance.totals.items() if total != 0)


class Integrity:
    def __init__(self, uow: Callable[[], PaymentsUnitOfWork], access: AccessControl) -> None:
        self._uow = uow
        self._access = access

    def check_integrity(self) -> LedgerIntegrity:
        """Nightly job: the trial balance and every account's hash chain. On any mismatch,
        in one transaction, a `LedgerIntegrityFailed` event (outbox) and an audit entry."""
        with self._uow() as uow:
            found = LedgerIntegrity(uow.ledger.trial_balance(), uow.ledger.verify_chains())
            if found.ok:
                return found
            uow.publish(
                LedgerIntegrityFailed(
                    unbalanced_currencies=found.unbalanced_currencies,
                    mismatched_accounts=len(found.trial_balance.mismatched_accounts),
                    first_broken_link=found.first_broken_link,
                )
            )
            mismatched = found.trial_balance.mismatched_accounts[:20]
            uow.audit.record(
                "ledger.integrity_failed",
                Actor(),
                Resource("ledger"),
                Changes(
                    after={
                        "unbalanced_currencies": found.unbalanced_currencies,
                        "mismatched_accounts": [a["account_id"] for a in mismatched],
                        "first_broken_link": found.first_broken_link,
                    }
                ),
                reason="nightly trial balance and hash-chain verification",
            )
            uow.commit()
        return found

    def trial_balance(self, caller: uuid.UUID) -> TrialBalance:
        self._require_staff(caller)
        with self._uow() as uow:
            return uow.ledger.trial_balance()

    def verify(self, caller: uuid.UUID) -> ChainReport:
        self._require_staff(caller)
        with self._uow() as uow:
            return uow.ledger.verify_chains()

    def _require_staff(self, caller: uuid.UUID) -> None:
        if not is_staff(self._access.grants_for(caller)):
            raise AccessDenied("Ledger reports are for staff")
