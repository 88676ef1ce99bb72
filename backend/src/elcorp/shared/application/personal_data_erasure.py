"""The port by which each context takes part in a data subject's erasure (POPIA s24, DESIGN §7).

The compliance context's erasure service decides, per retention basis, what must be kept
(the Financial Intelligence Act 2012 bases while their period runs) and hands each
context's `PersonalDataEraser` the subject. Every eraser works inside the one unit of work
the erasure runs in (`tx`), so the whole erasure commits or rolls back with its audit entry.
A context's eraser is published through its public application API; the composition root
hands the list to the erasure service.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from elcorp.shared.application.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class ErasureSubject:
    """Who is erased, the stable pseudonym that replaces their names, and which retention
    bases still require records to be kept (restricted and pseudonymised, not deleted)."""

    subject_id: uuid.UUID
    pseudonym: str  # e.g. `erased-3f9a…`: stable per subject, identifies no one by itself
    at: datetime
    kept_bases: frozenset[str]  # RetentionBasis values, e.g. {"fia_customer", "fia_transaction"}
    # The subject's identifying values found by the erasers before this one (identity's
    # name, email, username, phone): free text kept as a record is scrubbed of them.
    values: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RecordRef:
    """A record that belongs to (or names) the subject: a record-level legal hold names it."""

    table: str
    id: str


@dataclass(frozen=True, slots=True)
class ErasureStep:
    """What one context did to one data category of the subject."""

    category: str  # e.g. `user.contact.email`
    disposal: str  # delete | anonymise | crypto_shred | pseudonymise
    count: int  # values or rows
    basis: str  # the RetentionBasis of the category


@dataclass(slots=True)
class ContextErasure:
    """One context's part: the steps, the values the law requires to keep (stored encrypted
    and restricted by the erasure service, never in the clear), and work that may only
    happen once the erasure committed (files outside the database)."""

    context: str
    steps: list[ErasureStep] = field(default_factory=list)
    restricted: dict[str, Any] = field(default_factory=dict)  # by retention basis
    after_commit: Callable[[], int] | None = None  # returns how many items it disposed of
    values: list[str] = field(default_factory=list)  # identifying values, for the erasers after it


@dataclass(frozen=True, slots=True)
class SubjectFootprint:
    """What a context holds that decides the retention bases: financial records and when."""

    has_financial_records: bool = False
    last_transaction_at: datetime | None = None


class PersonalDataEraser(Protocol):
    """One context's erasure of a data subject, inside the erasure's unit of work."""

    context: str

    def footprint(self, tx: UnitOfWork, subject_id: uuid.UUID) -> SubjectFootprint:
        """Financial records of the subject this context holds (none for most contexts)."""
        ...

    def records(self, tx: UnitOfWork, subject_id: uuid.UUID) -> list[RecordRef]:
        """The subject's records, for record-level legal holds."""
        ...

    def erase(self, tx: UnitOfWork, subject: ErasureSubject) -> ContextErasure:
        """Delete or crypto-shred what has no basis left; restrict and pseudonymise what
        `subject.kept_bases` requires to keep."""
        ...


@dataclass(frozen=True, slots=True)
class PurgeCount:
    """What a purge of one category found: disposed of (or would be), and kept by a hold."""

    count: int
    held: int = 0


class ExpiredDataPurger(Protocol):
    """One context's disposal of operational data past its retention (sessions, tokens...)."""

    categories: tuple[str, ...]

    def purge(
        self,
        tx: UnitOfWork,
        category: str,
        *,
        before: datetime,
        held_subjects: frozenset[uuid.UUID],
        held_records: frozenset[tuple[str, str]],
        dry_run: bool,
    ) -> PurgeCount:
        """Dispose of (dry run: count) the `category` data whose retention ended before
        `before`, except what a legal hold covers."""
        ...
