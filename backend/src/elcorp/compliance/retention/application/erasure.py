"""Erasure of a data subject (POPIA s24 against FIA 2012 s26; DESIGN §7), per data category
against its retention basis, in one transaction with its audit entry.

1. A legal hold on the subject, or on any of the subject's records, blocks it: nothing
   changes and the outcome says why.
2. Every context's eraser deletes or crypto-shreds what has no basis left and pseudonymises
   what the Financial Intelligence Act requires to keep (only if the subject has financial
   records: a registered user who never transacted keeps nothing).
3. The values the Act requires are kept encrypted and restricted (no API reads them), and
   their final disposal is scheduled: customer identification FIA years after the
   relationship ends (now), transaction records FIA years after the last transaction.
4. The outcome (categories and legal bases, never values) is stored and audited.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from elcorp.compliance.privacy.application.privacy_ports import ErasedCategory, ErasureOutcome, KeptCategory
from elcorp.compliance.retention.application.erasure_ports import RetentionUnitOfWork
from elcorp.compliance.retention.domain.erasure import RetentionYears, keep_until, kept_bases, legal_basis
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.personal_data_erasure import (
    ContextErasure,
    ErasureStep,
    ErasureSubject,
    PersonalDataEraser,
)
from elcorp.shared.domain.clock import WINDHOEK, Clock, SystemClock
from elcorp.shared.domain.personal_data import RetentionBasis

logger = logging.getLogger(__name__)

# The retention policy that schedules the final disposal of what each kept basis keeps.
POLICY_OF_BASIS = {
    RetentionBasis.FIA_CUSTOMER.value: "customer.identification",
    RetentionBasis.FIA_TRANSACTION.value: "transaction.records",
}
AUDIT_TRAIL = KeptCategory(
    category="audit.trail",
    basis=RetentionBasis.AUDIT.value,
    legal_basis=legal_basis(RetentionBasis.AUDIT.value, RetentionYears()),
    until=None,
    restricted=False,
)


def outcome_json(outcome: ErasureOutcome) -> dict[str, Any]:
    return outcome.as_json()


def outcome_from_json(data: dict[str, Any]) -> ErasureOutcome:
    return ErasureOutcome(
        subject_id=uuid.UUID(data["subject_id"]),
        blocked=bool(data["blocked"]),
        hold_reasons=list(data.get("hold_reasons", [])),
        erased=[
            ErasedCategory(e["category"], e["disposal"], int(e["count"])) for e in data.get("erased", [])
        ],
        kept=[
            KeptCategory(
                k["category"],
                k["basis"],
                k["legal_basis"],
                None if k["until"] is None else date.fromisoformat(k["until"]),
                bool(k["restricted"]),
            )
            for k in data.get("kept", [])
        ],
    )


def summarise(
    steps: Sequence[ErasureStep], until: dict[str, date | None], years: RetentionYears
) -> tuple[list[ErasedCategory], list[KeptCategory]]:
    """Steps grouped by category: pseudonymised ones are kept (with their legal basis), the
    others erased."""
    erased: dict[tuple[str, str], int] = {}
    kept: dict[str, KeptCategory] = {}
    for s in steps:
        if s.disposal == "pseudonymise":
            kept.setdefault(
                s.category,
                KeptCategory(s.category, s.basis, legal_basis(s.basis, years), until.get(s.basis), True),
            )
        else:
            erased[(s.category, s.disposal)] = erased.get((s.category, s.disposal), 0) + s.count
    return (
        [ErasedCategory(c, d, n) for (c, d), n in sorted(erased.items())],
        [kept[c] for c in sorted(kept)] + [AUDIT_TRAIL],
    )


class SubjectErasureService:
    """The erasure service (`SubjectErasure` of privacy_ports): data-subject requests call it."""

    def __init__(
        self,
        uow: Callable[[], RetentionUnitOfWork],
        erasers: Sequence[PersonalDataEraser],
        pseudonym: Callable[[uuid.UUID], str],
        years: RetentionYears,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._erasers = list(erasers)  # identity first: it knows whether the subject exists
        self._pseudonym = pseudonym
        self._years = years
        self._clock = clock or SystemClock()

    def erase(
        self, subject_id: uuid.UUID, *, request_id: uuid.UUID | None, actor_id: uuid.UUID
    ) -> ErasureOutcome:
        with self._uow() as uow:
            # Two erasures of one subject, or an erasure and a new hold on it, never interleave.
            uow.erasures.lock_subject(subject_id)
            previous = uow.erasures.outcome_of(subject_id)
            if previous is not None:
                return outcome_from_json(previous)  # erased once; asking again changes nothing
            hold_reasons = self._holds_on(uow, subject_id)
            if hold_reasons:
                return ErasureOutcome(subject_id, blocked=True, hold_reasons=hold_reasons)
            customer, last_transaction = self._footprint(uow, subject_id)
            now = self._clock.now()
            subject = ErasureSubject(subject_id, self._pseudonym(subject_id), now, kept_bases(customer))
            parts = self._run_erasers(uow, subject)
            today = now.astimezone(WINDHOEK).date()
            until = self._keep_restricted(uow, subject, parts, today, last_transaction)
            erased, kept = summarise([s for p in parts for s in p.steps], until, self._years)
            outcome = ErasureOutcome(subject_id, blocked=False, erased=erased, kept=kept)
            self._record(uow, outcome, request_id=request_id, actor_id=actor_id, at=now)
            uow.commit()
        _run_after_commit(subject_id, [p.after_commit for p in parts if p.after_commit is not None])
        return outcome

    def _holds_on(self, uow: RetentionUnitOfWork, subject_id: uuid.UUID) -> list[str]:
        """The reasons of the active holds on the subject or on any of the subject's records."""
        records = {(r.table, r.id) for e in self._erasers for r in e.records(uow, subject_id)}
        return [h.describe() for h in uow.holds.active() if h.covers(subject_id, records)]

    def _footprint(self, uow: RetentionUnitOfWork, subject_id: uuid.UUID) -> tuple[bool, date | None]:
        """Whether the subject is a customer (holds financial records), and the business
        date of their last transaction: read before anything is erased."""
        footprints = [e.footprint(uow, subject_id) for e in self._erasers]
        customer = any(f.has_financial_records for f in footprints)
        lasts = [f.last_transaction_at for f in footprints if f.last_transaction_at is not None]
        return customer, max(lasts).astimezone(WINDHOEK).date() if lasts else None

    def _run_erasers(self, uow: RetentionUnitOfWork, subject: ErasureSubject) -> list[ContextErasure]:
        """Each context's erasure, in order; each later eraser knows the identifying values
        the earlier ones found, to scrub them from free text it keeps."""
        parts = []
        for eraser in self._erasers:
            part = eraser.erase(uow, subject)
            parts.append(part)
            if part.values:
                subject = replace(subject, values=subject.values + tuple(part.values))
        return parts

    def _keep_restricted(
        self,
        uow: RetentionUnitOfWork,
        subject: ErasureSubject,
        parts: Sequence[ContextErasure],
        today: date,
        last_transaction: date | None,
    ) -> dict[str, date | None]:
        """Store what each kept basis requires, restricted, and schedule its final disposal;
        basis -> the date it is kept until."""
        until: dict[str, date | None] = {}
        for basis in sorted(subject.kept_bases):
            due = self._due_on(uow, basis, today, last_transaction)
            until[basis] = due
            values = {k: v for p in parts for k, v in p.restricted.get(basis, {}).items()}
            if values:
                uow.erasures.keep_restricted(subject.subject_id, basis, values)
            if due is not None:
                uow.erasures.schedule(subject.subject_id, POLICY_OF_BASIS[basis], basis, due)
        return until

    @staticmethod
    def _record(
        uow: RetentionUnitOfWork,
        outcome: ErasureOutcome,
        *,
        request_id: uuid.UUID | None,
        actor_id: uuid.UUID,
        at: datetime,
    ) -> None:
        """The outcome, stored (so a second erasure returns it) and audited by category."""
        subject_id = outcome.subject_id
        uow.erasures.record(
            subject_id, request_id=request_id, actor_id=actor_id, at=at, outcome=outcome.as_json()
        )
        uow.audit.record(
            "privacy.subject_erased",
            Actor(str(actor_id)),
            Resource("user", str(subject_id)),
            Changes(
                after={
                    "erased": [e.category for e in outcome.erased],
                    "kept": [k.category for k in outcome.kept],
                    "request_id": None if request_id is None else str(request_id),
                }
            ),
            reason="POPIA s24 erasure; FIA 2012 records restricted and pseudonymised",
        )

    def _due_on(
        self, uow: RetentionUnitOfWork, basis: str, today: date, last_transaction: date | None
    ) -> date | None:
        due = keep_until(basis, relationship_end=today, last_transaction=last_transaction, years=self._years)
        policy = uow.policies.get(POLICY_OF_BASIS[basis])
        if due is not None and policy is not None:
            start = today if basis == RetentionBasis.FIA_CUSTOMER.value else (last_transaction or today)
            due = max(due, start + timedelta(days=policy.period_days))
        return due


def _run_after_commit(subject_id: uuid.UUID, tasks: Sequence[Callable[[], int]]) -> None:
    """Work outside the database (files), once the erasure committed."""
    for task in tasks:
        try:
            task()
        except OSError:  # a file that could not be removed is the purge's to retry
            logger.warning("erasure.after_commit_failed subject=%s", subject_id, exc_info=True)
