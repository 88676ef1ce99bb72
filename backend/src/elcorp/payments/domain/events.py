"""Payments domain events other contexts may react to (through the outbox)."""

from __future__ import annotations

from dataclasses import dataclass

from elcorp.shared.domain.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class LedgerIntegrityFailed(DomainEvent):
    """The nightly check found books that do not add up or an account history that was
    altered: compliance opens an incident from it."""

    event_type = "payments.LedgerIntegrityFailed"
    unbalanced_currencies: list[str]  # currencies whose postings do not sum to zero
    mismatched_accounts: int  # accounts whose cached balance or holds differ from their rows
    first_broken_link: dict[str, str] | None  # the first posting hash chain link that fails
