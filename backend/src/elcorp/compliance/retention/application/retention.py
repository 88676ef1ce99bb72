"""Retention policies and the purge (POPIA s14; FIA 2012 s26 as the floor).

The nightly purge (`elcorp.compliance.purge`, and `POST /privacy/purge-runs` for staff)
applies every policy: the final disposal of erased subjects' restricted copies once due,
expired device sessions and one-time links, idempotency keys past their replay window,
and mail-spool and export files past their period. Whatever a legal hold covers is kept
and counted as held. Every run, dry or real, leaves an evidence record and an audit entry.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from elcorp.compliance.retention.application.erasure_ports import FileRetention, RetentionUnitOfWork
from elcorp.compliance.retention.domain.legal_hold import LegalHold
from elcorp.compliance.retention.domain.retention import (
    PolicyDisposal,
    PurgeItem,
    PurgeRun,
    RetentionPolicy,
    legal_minimum_days,
)
from elcorp.shared.application.audit import SYSTEM_ACTOR, Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.application.personal_data_erasure import ExpiredDataPurger
from elcorp.shared.domain.clock import WINDHOEK, Clock, SystemClock
from elcorp.shared.domain.errors import NotFound

FINAL_DISPOSALS = ("customer.identification", "transaction.records")
FILE_POLICIES = {"operations.mail_spool": "mail", "operations.exports": "exports"}
IDEMPOTENCY_POLICY = "payments.idempotency_keys"


@dataclass(frozen=True, slots=True)
class IdempotencyPurge:
    """Payments' own purge of idempotency keys past their window, and its dry-run count."""

    purge: Callable[[], int]
    count_due: Callable[[], int]


@dataclass(frozen=True, slots=True)
class _Holds:
    """What the active legal holds keep from the purge: whole subjects, and single records."""

    subjects: frozenset[uuid.UUID]
    records: frozenset[tuple[str, str]]  # (table, record id)

    @classmethod
    def of(cls, holds: Iterable[LegalHold]) -> _Holds:
        active = list(holds)
        return cls(
            frozenset(h.subject_id for h in active if h.subject_id is not None),
            frozenset(
                (h.record_table, h.record_id)
                for h in active
                if h.record_table is not None and h.record_id is not None
            ),
        )

    def cover_subject(self, subject_id: uuid.UUID) -> bool:
        return subject_id in self.subjects or ("user_account", str(subject_id)) in self.records


class Retention:
    def __init__(
        self,
        uow: Callable[[], RetentionUnitOfWork],
        purgers: Sequence[ExpiredDataPurger],
        files: FileRetention,
        idempotency: IdempotencyPurge,
        *,
        customer_years: int,
        transaction_years: int,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._purgers = {c: p for p in purgers for c in p.categories}
        self._files = files
        self._idempotency = idempotency
        self._years = (customer_years, transaction_years)
        self._clock = clock or SystemClock()

    # -- policies -------------------------------------------------------------------------
    def policies(self) -> list[RetentionPolicy]:
        with self._uow() as uow:
            return uow.policies.all()

    def update_policy(
        self,
        actor_id: uuid.UUID,
        category: str,
        *,
        period_days: int | None,
        disposal: PolicyDisposal | None,
        description: str | None,
    ) -> RetentionPolicy:
        with self._uow() as uow:
            policy = uow.policies.get(category, for_update=True)
            if policy is None:
                raise NotFound("Retention policy not found")
            minimum = legal_minimum_days(
                policy.basis, customer_years=self._years[0], transaction_years=self._years[1]
            )
            changes = policy.change(
                period_days=period_days,
                disposal=disposal,
                description=description,
                minimum_days=minimum,
                by=actor_id,
                at=self._clock.now(),
            )
            if changes:
                uow.policies.save(policy)
                uow.audit.record(
                    "privacy.retention_policy_updated",
                    Actor(str(actor_id)),
                    Resource("retention_policy", category),
                    Changes({k: b for k, (b, _) in changes.items()}, {k: a for k, (_, a) in changes.items()}),
                )
                uow.commit()
        return policy

    # -- purge ----------------------------------------------------------------------------
    def purge(self, *, dry_run: bool, triggered_by: uuid.UUID | None = None) -> PurgeRun:
        """Apply every policy; dry run: count only. One evidence record and audit entry."""
        now = self._clock.now()
        actor = SYSTEM_ACTOR if triggered_by is None else str(triggered_by)
        run = PurgeRun(uuid.uuid4(), dry_run, actor, now)
        with self._uow() as uow:
            policies = {p.category: p for p in uow.policies.all()}
            holds = _Holds.of(uow.holds.active())
            run.items.extend(self._final_disposals(uow, policies, holds, run))
            run.items.extend(self._expired_rows(uow, policies, holds, run))
            run.items.extend(self._idempotency_keys(policies, dry_run))
            run.items.extend(self._expired_files(policies, now, dry_run))
            run.finished_at = self._clock.now()
            uow.purge_runs.add(run)
            uow.audit.record(
                "privacy.purge_run",
                Actor(actor),
                Resource("purge_run", str(run.id)),
                Changes(
                    after={
                        "dry_run": dry_run,
                        "total": run.total,
                        "items": {i.policy: i.count for i in run.items},
                    }
                ),
                reason="retention policies applied" + (" (dry run)" if dry_run else ""),
            )
            uow.commit()
        return run

    @staticmethod
    def _final_disposals(
        uow: RetentionUnitOfWork, policies: Mapping[str, RetentionPolicy], holds: _Holds, run: PurgeRun
    ) -> list[PurgeItem]:
        """Erased subjects' restricted copies whose legal period ended (unless held)."""
        today = run.started_at.astimezone(WINDHOEK).date()
        due = uow.erasures.due(today)
        items = []
        for category in FINAL_DISPOSALS:
            if category not in policies:
                continue
            rows = [d for d in due if d.category == category]
            held = [d for d in rows if holds.cover_subject(d.subject_id)]
            free = [d for d in rows if d not in held]
            if not run.dry_run:
                for d in free:
                    uow.erasures.dispose(d, at=run.started_at, run_id=run.id)
            items.append(
                PurgeItem(
                    category,
                    f"restricted copies of erased subjects due for final disposal by {today.isoformat()}",
                    len(free),
                    len(held),
                    policies[category].disposal.value,
                )
            )
        return items

    def _expired_rows(
        self, uow: RetentionUnitOfWork, policies: Mapping[str, RetentionPolicy], holds: _Holds, run: PurgeRun
    ) -> list[PurgeItem]:
        """Each context's rows past their policy's period, through that context's purger."""
        items = []
        for category, purger in self._purgers.items():
            policy = policies.get(category)
            if policy is None:
                continue
            found = purger.purge(
                uow,
                category,
                before=run.started_at - policy.period,
                held_subjects=holds.subjects,
                held_records=holds.records,
                dry_run=run.dry_run,
            )
            items.append(
                PurgeItem(
                    category,
                    f"{policy.description}, more than {policy.period_days} days ago",
                    found.count,
                    found.held,
                    policy.disposal.value,
                )
            )
        return items

    def _idempotency_keys(self, policies: Mapping[str, RetentionPolicy], dry_run: bool) -> list[PurgeItem]:
        """Payments' own purge, in its own unit of work (the hourly job's rule: past expiry);
        a dry run counts what it would remove."""
        if IDEMPOTENCY_POLICY not in policies:
            return []
        count = self._idempotency.count_due() if dry_run else self._idempotency.purge()
        return [PurgeItem(IDEMPOTENCY_POLICY, policies[IDEMPOTENCY_POLICY].description, count, 0, "delete")]

    def _expired_files(
        self, policies: Mapping[str, RetentionPolicy], now: datetime, dry_run: bool
    ) -> list[PurgeItem]:
        """Mail-spool and export files older than their policy's period."""
        items = []
        for category, directory in FILE_POLICIES.items():
            policy = policies.get(category)
            if policy is None:
                continue
            names = self._files.older_than(directory, now - policy.period)
            count = len(names) if dry_run else self._files.remove(directory, names)
            items.append(
                PurgeItem(
                    category,
                    f"{policy.description}, older than {policy.period_days} days",
                    count,
                    0,
                    "delete",
                )
            )
        return items

    def run(self, run_id: uuid.UUID) -> PurgeRun:
        with self._uow() as uow:
            found = uow.purge_runs.get(run_id)
        if found is None:
            raise NotFound("Purge run not found")
        return found

    def runs(self, request: PageRequest) -> Page[PurgeRun]:
        with self._uow() as uow:
            items, total = uow.purge_runs.page(request)
        return Page(items, request.page, request.per_page, total)
