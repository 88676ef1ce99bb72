"""The purge with fakes: every policy applied once, legal holds kept and counted, a dry run
that changes nothing, and one evidence record with its audit entry per run."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import pytest

from elcorp.compliance.retention.application.erasure_ports import ScheduledDisposal
from elcorp.compliance.retention.application.retention import IdempotencyPurge, Retention
from elcorp.compliance.retention.domain.legal_hold import LegalHold
from elcorp.compliance.retention.domain.retention import PolicyDisposal, PurgeRun, RetentionPolicy, Trigger
from elcorp.shared.application.personal_data_erasure import PurgeCount
from support.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 1, 23, 0, tzinfo=UTC)  # already 2 December in Windhoek
STAFF = uuid.uuid4()
FREE, HELD, HELD_BY_RECORD = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def policy(category: str, days: int, disposal: PolicyDisposal = PolicyDisposal.DELETE) -> RetentionPolicy:
    return RetentionPolicy(
        category, f"{category} rows", days, Trigger.CREATED, disposal, "operational", "s14"
    )


def hold(*, subject: uuid.UUID | None = None, record: tuple[str, str] | None = None) -> LegalHold:
    table, record_id = record or (None, None)
    return LegalHold(uuid.uuid4(), "litigation", STAFF, NOW, subject, table, record_id)


class Clock:
    def now(self) -> datetime:
        return NOW


@dataclass
class FakePolicies:
    rows: list[RetentionPolicy]

    def all(self) -> list[RetentionPolicy]:
        return list(self.rows)


@dataclass
class FakeHolds:
    rows: list[LegalHold]

    def active(self) -> list[LegalHold]:
        return list(self.rows)


@dataclass
class FakeErasures:
    scheduled: list[ScheduledDisposal]
    asked_for: list[date] = field(default_factory=list)
    disposed: list[uuid.UUID] = field(default_factory=list)

    def due(self, on: date) -> list[ScheduledDisposal]:
        self.asked_for.append(on)
        return [d for d in self.scheduled if d.due_on <= on]

    def dispose(self, disposal: ScheduledDisposal, *, at: datetime, run_id: uuid.UUID) -> int:
        self.disposed.append(disposal.subject_id)
        return 1


@dataclass
class FakeRuns:
    rows: list[PurgeRun] = field(default_factory=list)

    def add(self, run: PurgeRun) -> None:
        self.rows.append(run)


class FakeRetentionUnitOfWork(FakeUnitOfWork):
    def __init__(self, policies: list[RetentionPolicy], holds: list[LegalHold], due: list[ScheduledDisposal]):
        super().__init__()
        self.policies = FakePolicies(policies)
        self.holds = FakeHolds(holds)
        self.erasures = FakeErasures(due)
        self.purge_runs = FakeRuns()


@dataclass
class FakePurger:
    categories: tuple[str, ...] = ("identity.sessions",)
    calls: list[dict[str, object]] = field(default_factory=list)

    def purge(self, tx, category, *, before, held_subjects, held_records, dry_run) -> PurgeCount:
        self.calls.append(
            {"before": before, "subjects": held_subjects, "records": held_records, "dry_run": dry_run}
        )
        return PurgeCount(4, 1)


@dataclass
class FakeFiles:
    removed: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def older_than(self, directory_key: str, before: datetime) -> Sequence[str]:
        return ["a.eml", "b.eml"] if directory_key == "mail" else []

    def remove(self, directory_key: str, names: Sequence[str]) -> int:
        self.removed.append((directory_key, tuple(names)))
        return len(names)


@dataclass
class FakeIdempotency:
    purged: int = 0

    def purge(self) -> int:
        self.purged += 1
        return 7

    def count_due(self) -> int:
        return 7


class World:
    def __init__(self, policies: list[RetentionPolicy]) -> None:
        due = [
            ScheduledDisposal(
                uuid.uuid4(), subject, "customer.identification", "fia_customer", date(2026, 12, 1)
            )
            for subject in (FREE, HELD, HELD_BY_RECORD)
        ]
        holds = [hold(subject=HELD), hold(record=("user_account", str(HELD_BY_RECORD)))]
        self.uow = FakeRetentionUnitOfWork(policies, holds, due)
        self.purger = FakePurger()
        self.files = FakeFiles()
        self.idempotency = FakeIdempotency()
        self.retention = Retention(
            lambda: self.uow,
            [self.purger],
            self.files,
            IdempotencyPurge(self.idempotency.purge, self.idempotency.count_due),
            customer_years=5,
            transaction_years=5,
            clock=Clock(),
        )


ALL_POLICIES = [
    policy("customer.identification", 1825, PolicyDisposal.CRYPTO_SHRED),
    policy("identity.sessions", 30),
    policy("payments.idempotency_keys", 1),
    policy("operations.mail_spool", 90),
]


@pytest.fixture
def world() -> World:
    return World(ALL_POLICIES)


def test_a_run_applies_every_policy_and_keeps_what_a_legal_hold_covers(world):
    run = world.retention.purge(dry_run=False, triggered_by=STAFF)

    items = {i.policy: (i.count, i.held, i.disposal) for i in run.items}
    assert items == {
        "customer.identification": (1, 2, "crypto_shred"),
        "identity.sessions": (4, 1, "delete"),
        "payments.idempotency_keys": (7, 0, "delete"),
        "operations.mail_spool": (2, 0, "delete"),
    }
    assert world.uow.erasures.disposed == [FREE]
    assert world.uow.erasures.asked_for == [date(2026, 12, 2)]  # the business date in Windhoek
    assert world.files.removed == [("mail", ("a.eml", "b.eml"))]
    assert world.idempotency.purged == 1


def test_each_purger_is_given_the_holds_and_its_policys_cut_off(world):
    world.retention.purge(dry_run=False)

    (call,) = world.purger.calls
    assert call["before"] == NOW - timedelta(days=30)
    assert call["subjects"] == frozenset({HELD})
    assert call["records"] == frozenset({("user_account", str(HELD_BY_RECORD))})
    assert call["dry_run"] is False


def test_a_dry_run_counts_the_same_and_changes_nothing(world):
    run = world.retention.purge(dry_run=True)

    assert run.total == 1 + 4 + 7 + 2
    assert world.uow.erasures.disposed == []
    assert world.files.removed == []
    assert world.idempotency.purged == 0
    assert world.purger.calls[0]["dry_run"] is True
    (entry,) = world.uow.committed_audit
    assert entry.reason == "retention policies applied (dry run)"


def test_a_category_without_a_policy_is_left_alone():
    world = World([policy("identity.sessions", 30)])

    run = world.retention.purge(dry_run=False)

    assert [i.policy for i in run.items] == ["identity.sessions"]
    assert world.uow.erasures.disposed == []
    assert world.idempotency.purged == 0


def test_every_run_leaves_one_evidence_record_and_one_audit_entry(world):
    run = world.retention.purge(dry_run=False, triggered_by=STAFF)

    assert world.uow.purge_runs.rows == [run]
    assert run.finished_at == NOW
    (entry,) = world.uow.committed_audit
    assert entry.action == "privacy.purge_run"
    assert entry.actor.id == str(STAFF)
    assert entry.changes is not None
    assert entry.changes.after == {
        "dry_run": False,
        "total": 14,
        "items": {i.policy: i.count for i in run.items},
    }
