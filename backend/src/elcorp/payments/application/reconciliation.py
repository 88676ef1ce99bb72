"""Reconciliation use cases: run a bank statement against the ledger, read past runs.

A run takes the statement whole or not at all: the file is checked (size, type, UTF-8),
parsed (every malformed row reported by line, `REC_001`), and only then matched against
the ledger's deposits (+) and withdrawals (-) completed within the statement's period
(its first to its last business day, Africa/Windhoek). Before matching, the pending
top-ups the statement shows paid (money in with the top-up's reference, amount and
currency) are completed - credited once, as an approval would - and then match their line.
The run, its outcomes, the completions and the audit entries are written in one
transaction; a refused file writes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from elcorp.governance.application.api import AccessControl, Grants
from elcorp.payments.application.approvals import decided_event
from elcorp.payments.application.ports import Ledger
from elcorp.payments.domain.reconciliation import (
    LedgerMovement,
    Reconciliation,
    StatementLine,
    StatementMalformed,
    paid_top_ups,
    parse_statement,
    reconcile,
)
from elcorp.payments.domain.settlement import business_date, business_day_bounds
from elcorp.shared.application.audit import Actor, Changes, Resource
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.clock import Clock, SystemClock
from elcorp.shared.domain.errors import DomainError, NotFound, ValidationFailed

RECONCILE = "payment:reconcile"
COMPLETED = "completed"
# What browsers and bank portals send for a .csv file; octet-stream only with a .csv name.
CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"})
GENERIC_TYPES = frozenset({"", "application/octet-stream"})
MAX_FILE_NAME = 255


class StatementFileMissing(ValidationFailed):
    code = "REC_002"
    status = 400
    default_message = "Send the bank statement as multipart/form-data in the field `file`"


class StatementFileType(DomainError):
    code = "REC_003"
    status = 415
    default_message = "The bank statement must be a CSV file (text/csv)"


class StatementFileEncoding(ValidationFailed):
    code = "REC_004"
    default_message = "The bank statement is not UTF-8 text"


class StatementFileTooLarge(DomainError):
    code = "REC_005"
    status = 413
    default_message = "The bank statement file is too large"


class StatementPeriodTooLong(ValidationFailed):
    code = "REC_006"
    default_message = "The bank statement covers too many days for one run"


@dataclass(frozen=True, slots=True)
class ReconciliationSettings:
    max_file_bytes: int = 1_000_000  # under the API's request limit (MAX_REQUEST_BYTES, 1 MiB)
    max_period_days: int = 62


@dataclass(frozen=True, slots=True)
class ReconciliationRun:
    """One statement reconciled. `result` holds the outcomes (None in listings)."""

    id: uuid.UUID
    status: str
    statement_from: date
    statement_to: date
    file_name: str | None
    file_sha256: str
    statement_lines: int
    matched_count: int
    unmatched_in_bank_count: int
    unmatched_in_ledger_count: int
    created_by: uuid.UUID
    created_at: datetime
    result: Reconciliation | None


class ReconciliationRuns(Protocol):
    """The store of runs, and the ledger side of a statement."""

    def ledger_movements(self, start: datetime, end: datetime) -> list[LedgerMovement]:
        """Deposits (+) and withdrawals (-) completed in [start, end), oldest first."""
        ...

    def add(self, run: ReconciliationRun) -> None: ...

    def get(self, run_id: uuid.UUID) -> ReconciliationRun | None: ...

    def list(self, *, offset: int, limit: int) -> tuple[list[ReconciliationRun], int]:
        """Newest first, without outcomes; and the total."""
        ...


class ReconciliationUnitOfWork(UnitOfWork, Protocol):
    @property
    def runs(self) -> ReconciliationRuns: ...

    @property
    def ledger(self) -> Ledger:
        """The ledger, in the run's transaction: a run completes the top-ups it matches."""
        ...


@dataclass(frozen=True, slots=True)
class StatementFile:
    """The uploaded file as the HTTP layer received it."""

    content: bytes
    name: str | None
    content_type: str | None


class Reconciliations:
    def __init__(
        self,
        uow: Callable[[], ReconciliationUnitOfWork],
        access: AccessControl,
        settings: ReconciliationSettings | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        self._uow = uow
        self._access = access
        self._settings = settings or ReconciliationSettings()
        self._clock = clock or SystemClock()

    def run(self, caller: uuid.UUID, statement: StatementFile | None) -> ReconciliationRun:
        """Reconcile the statement against the ledger and keep the run (with its audit entry)."""
        grants = self._access.require(caller, RECONCILE)
        if statement is None:
            raise StatementFileMissing(details=[{"field": "file", "message": "no file in the request"}])
        lines = self._statement_lines(statement)
        first, last = min(line.on for line in lines), max(line.on for line in lines)
        start, end = business_day_bounds(first)[0], business_day_bounds(last)[1]
        digest = hashlib.sha256(statement.content).hexdigest()
        run_id = uuid.uuid4()
        with self._uow() as uow:
            completed = self._complete_top_ups(uow, caller, grants, lines, run_id)
            booked = uow.runs.ledger_movements(start, end)
            known = {m.transaction_id for m in booked}
            result = reconcile(lines, booked + [m for m in completed if m.transaction_id not in known])
            run = ReconciliationRun(
                id=run_id,
                status=COMPLETED,
                statement_from=first,
                statement_to=last,
                file_name=statement.name[:MAX_FILE_NAME] if statement.name else None,
                file_sha256=digest,
                statement_lines=len(lines),
                matched_count=len(result.matched),
                unmatched_in_bank_count=len(result.unmatched_in_bank),
                unmatched_in_ledger_count=len(result.unmatched_in_ledger),
                created_by=caller,
                created_at=self._clock.now(),
                result=result,
            )
            uow.runs.add(run)
            uow.audit.record(
                "reconciliation.run",
                Actor(str(caller), tuple(sorted(grants.roles))),
                Resource("reconciliation_run", str(run.id)),
                Changes(
                    after={
                        "statement_from": first.isoformat(),
                        "statement_to": last.isoformat(),
                        "file_sha256": digest,
                        "statement_lines": run.statement_lines,
                        "matched": run.matched_count,
                        "unmatched_in_bank": run.unmatched_in_bank_count,
                        "unmatched_in_ledger": run.unmatched_in_ledger_count,
                    }
                ),
            )
            uow.commit()
        return run

    def _complete_top_ups(
        self,
        uow: ReconciliationUnitOfWork,
        caller: uuid.UUID,
        grants: Grants,
        lines: list[StatementLine],
        run_id: uuid.UUID,
    ) -> list[LedgerMovement]:
        """Complete the pending top-ups the statement shows paid (`paid_top_ups`: same
        reference, amount and currency, money in, dated on or after the announcement), each
        line paying at most one; a top-up into the reconciler's own wallet is left for a
        colleague. Returned as the ledger movements they now are."""
        now = self._clock.now()
        pending = uow.ledger.pending_top_ups({line.reference for line in lines if line.amount > 0})
        wallets = uow.ledger.find_accounts({t.destination_account_id for t in pending})
        owners = {a.id: a.owner_id for a in wallets}
        candidates = [
            LedgerMovement(
                t.id, t.external_reference or "", t.amount, t.currency, business_date(t.created_at)
            )
            for t in pending
            if owners.get(t.destination_account_id) != caller
        ]
        completed = []
        actor = Actor(str(caller), tuple(sorted(grants.roles)))
        for _, movement in paid_top_ups(lines, candidates):
            decided = uow.ledger.decide(
                movement.transaction_id, caller, approve=True, reason=f"reconciliation run {run_id}"
            )
            uow.audit.record(
                "deposit.approved",
                actor,
                Resource("transaction", str(decided.id)),
                Changes(
                    before={"status": "pending_approval"},
                    after={"status": decided.status, "amount": str(decided.amount)},
                ),
                reason=f"matched by reconciliation run {run_id}",
            )
            uow.publish(decided_event(decided))
            completed.append(dataclasses.replace(movement, on=business_date(decided.completed_at or now)))
        return completed

    def runs(self, caller: uuid.UUID, page: PageRequest) -> Page[ReconciliationRun]:
        self._access.require(caller, RECONCILE)
        with self._uow() as uow:
            found, total = uow.runs.list(offset=page.offset, limit=page.per_page)
        return Page(found, page.page, page.per_page, total)

    def get(self, caller: uuid.UUID, run_id: uuid.UUID) -> ReconciliationRun:
        self._access.require(caller, RECONCILE)
        with self._uow() as uow:
            found = uow.runs.get(run_id)
        if found is None:
            raise NotFound("Reconciliation run not found")
        return found

    # -- helpers ---------------------------------------------------------------------------
    def _statement_lines(self, statement: StatementFile) -> list[StatementLine]:
        """The statement's rows, refused whole when malformed or covering too many days."""
        lines = parse_statement(self._checked_text(statement))
        if not lines:
            raise StatementMalformed(
                "The bank statement has no rows; nothing was reconciled",
                details=[{"line": 2, "message": "no statement rows after the header"}],
            )
        first, last = min(line.on for line in lines), max(line.on for line in lines)
        days = (last - first).days + 1
        if days > self._settings.max_period_days:
            raise StatementPeriodTooLong(
                f"The statement covers {days} days ({first} to {last}); one run takes at most "
                f"{self._settings.max_period_days}",
                details=[{"field": "file", "message": "split the statement into shorter periods"}],
            )
        return lines

    def _checked_text(self, statement: StatementFile) -> str:
        """The statement's text, or why the file is refused (before anything is parsed)."""
        limit = self._settings.max_file_bytes
        if len(statement.content) > limit:
            raise StatementFileTooLarge(
                f"The bank statement has {len(statement.content)} bytes; at most {limit} are accepted"
            )
        if not statement.content.strip():
            raise StatementFileMissing(details=[{"field": "file", "message": "the file is empty"}])
        declared = (statement.content_type or "").split(";")[0].strip().lower()
        named_csv = (statement.name or "").lower().endswith(".csv")
        if not (declared in CSV_TYPES or (declared in GENERIC_TYPES and named_csv)):
            raise StatementFileType(
                f"The bank statement was sent as {declared or 'no type'}; send it as text/csv"
            )
        if b"\x00" in statement.content:
            raise StatementFileType("The bank statement is binary, not CSV text")
        try:
            return statement.content.decode("utf-8-sig")  # a leading BOM is not data
        except UnicodeDecodeError as exc:
            raise StatementFileEncoding(
                f"The bank statement is not UTF-8 (byte {exc.start + 1} is not valid)",
                details=[{"field": "file", "message": "save the statement as UTF-8 CSV"}],
            ) from exc
