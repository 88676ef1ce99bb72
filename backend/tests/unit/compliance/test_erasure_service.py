"""The erasure service with fakes: holds block it, it runs once per subject, each eraser
knows the identifying values found before it, what the Act keeps is stored restricted and
scheduled for disposal, and file clean-up runs only after the commit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import pytest

from elcorp.compliance.retention.application.erasure import SubjectErasureService
from elcorp.compliance.retention.domain.erasure import RetentionYears
from elcorp.compliance.retention.domain.legal_hold import LegalHold
from elcorp.shared.application.personal_data_erasure import (
    ContextErasure,
    ErasureStep,
    ErasureSubject,
    RecordRef,
    SubjectFootprint,
)
from support.fakes import FakeUnitOfWork

NOW = datetime(2026, 12, 1, 23, 30, tzinfo=UTC)  # 2 December in Windhoek
TODAY = date(2026, 12, 2)
SUBJECT, STAFF, REQUEST = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


class Clock:
    def now(self) -> datetime:
        return NOW


@dataclass
class FakeErasureRecords:
    outcomes: dict[uuid.UUID, dict[str, Any]] = field(default_factory=dict)
    restricted: dict[str, dict[str, Any]] = field(default_factory=dict)
    scheduled: list[tuple[str, str, date]] = field(default_factory=list)
    locked: list[uuid.UUID] = field(default_factory=list)

    def lock_subject(self, subject_id: uuid.UUID) -> None:
        self.locked.append(subject_id)

    def outcome_of(self, subject_id: uuid.UUID) -> dict[str, Any] | None:
        return self.outcomes.get(subject_id)

    def record(self, subject_id, *, request_id, actor_id, at, outcome) -> None:
        self.outcomes[subject_id] = outcome

    def keep_restricted(self, subject_id: uuid.UUID, basis: str, values: dict[str, Any]) -> None:
        self.restricted[basis] = values

    def schedule(self, subject_id: uuid.UUID, category: str, basis: str, due_on: date) -> None:
        self.scheduled.append((category, basis, due_on))


@dataclass
class FakeHolds:
    rows: list[LegalHold] = field(default_factory=list)

    def active(self) -> list[LegalHold]:
        return [h for h in self.rows if h.active]


class FakePolicies:
    def get(self, category: str, *, for_update: bool = False) -> None:
        return None  # no longer policy than the Act's


class FakeRetentionUnitOfWork(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__()
        self.erasures = FakeErasureRecords()
        self.holds = FakeHolds()
        self.policies = FakePolicies()


@dataclass
class IdentityEraser:
    context: str = "identity"
    seen: list[ErasureSubject] = field(default_factory=list)
    removed_files: list[str] = field(default_factory=list)
    fail_after_commit: bool = False

    def footprint(self, tx, subject_id) -> SubjectFootprint:
        return SubjectFootprint()

    def records(self, tx, subject_id) -> list[RecordRef]:
        return [RecordRef("user_account", str(subject_id))]

    def erase(self, tx, subject: ErasureSubject) -> ContextErasure:
        self.seen.append(subject)

        def remove_avatar() -> int:
            if self.fail_after_commit:
                raise OSError("disk gone")
            self.removed_files.append("avatar.png")
            return 1

        return ContextErasure(
            "identity",
            steps=[ErasureStep("user.contact.email", "crypto_shred", 1, "consent")],
            restricted={"fia_customer": {"national_id": "85010100123"}},
            after_commit=remove_avatar,
            values=["Ndapewa Shikongo"],
        )


@dataclass
class PaymentsEraser:
    context: str = "payments"
    last_transaction_at: datetime | None = datetime(2025, 3, 4, 10, 0, tzinfo=UTC)
    seen: list[ErasureSubject] = field(default_factory=list)

    def footprint(self, tx, subject_id) -> SubjectFootprint:
        return SubjectFootprint(self.last_transaction_at is not None, self.last_transaction_at)

    def records(self, tx, subject_id) -> list[RecordRef]:
        return [RecordRef("wallet", "w-1")]

    def erase(self, tx, subject: ErasureSubject) -> ContextErasure:
        self.seen.append(subject)
        return ContextErasure(
            "payments",
            steps=[ErasureStep("transaction.counterparty", "pseudonymise", 3, "fia_transaction")],
            restricted={"fia_transaction": {"references": ["INV-1"]}},
        )


class World:
    def __init__(self) -> None:
        self.uow = FakeRetentionUnitOfWork()
        self.identity = IdentityEraser()
        self.payments = PaymentsEraser()
        self.service = SubjectErasureService(
            lambda: self.uow,
            [self.identity, self.payments],
            lambda subject_id: f"erased-{str(subject_id)[:8]}",
            RetentionYears(),
            clock=Clock(),
        )

    def erase(self):
        return self.service.erase(SUBJECT, request_id=REQUEST, actor_id=STAFF)


@pytest.fixture
def world() -> World:
    return World()


def test_a_hold_on_one_of_the_subjects_records_blocks_the_erasure_and_changes_nothing(world):
    world.uow.holds.rows = [LegalHold(uuid.uuid4(), "tax audit", STAFF, NOW, None, "wallet", "w-1")]

    outcome = world.erase()

    assert outcome.blocked
    assert outcome.hold_reasons == ["legal hold on the record wallet/w-1: tax audit"]
    assert world.identity.seen == world.payments.seen == []
    assert world.uow.erasures.outcomes == {}
    assert world.uow.commits == 0


def test_a_subject_is_erased_once_and_asking_again_returns_the_first_outcome(world):
    first = world.erase()
    second = world.erase()

    assert second == first
    assert len(world.identity.seen) == 1
    assert world.uow.commits == 1
    assert [e.action for e in world.uow.committed_audit] == ["privacy.subject_erased"]


def test_each_eraser_knows_the_identifying_values_the_ones_before_it_found(world):
    world.erase()

    (identity_saw,) = world.identity.seen
    (payments_saw,) = world.payments.seen
    assert identity_saw.values == ()
    assert payments_saw.values == ("Ndapewa Shikongo",)
    assert payments_saw.pseudonym == f"erased-{str(SUBJECT)[:8]}"
    assert payments_saw.kept_bases == frozenset({"fia_customer", "fia_transaction"})


def test_what_the_act_keeps_is_stored_restricted_and_its_disposal_scheduled(world):
    outcome = world.erase()

    assert world.uow.erasures.restricted == {
        "fia_customer": {"national_id": "85010100123"},
        "fia_transaction": {"references": ["INV-1"]},
    }
    # Identification: five years after the relationship ends (today, in Windhoek);
    # transactions: five years after the last one.
    assert world.uow.erasures.scheduled == [
        ("customer.identification", "fia_customer", date(2031, 12, 2)),
        ("transaction.records", "fia_transaction", date(2030, 3, 4)),
    ]
    kept = {k.category: k.until for k in outcome.kept}
    assert kept["transaction.counterparty"] == date(2030, 3, 4)
    assert [(e.category, e.disposal, e.count) for e in outcome.erased] == [
        ("user.contact.email", "crypto_shred", 1)
    ]


def test_a_user_who_never_transacted_keeps_nothing_restricted(world):
    world.payments.last_transaction_at = None

    world.erase()

    assert world.uow.erasures.restricted == {}
    assert world.uow.erasures.scheduled == []


def test_files_are_removed_after_the_commit_and_a_failure_there_does_not_undo_the_erasure(world):
    world.erase()
    assert world.identity.removed_files == ["avatar.png"]

    other = World()
    other.identity.fail_after_commit = True
    outcome = other.erase()

    assert not outcome.blocked
    assert other.uow.commits == 1
    assert other.identity.removed_files == []
