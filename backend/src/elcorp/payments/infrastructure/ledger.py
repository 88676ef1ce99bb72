"""PostgreSQL adapter of the ledger: the payments_execute function for money movements,
plain SQL for decisions, reads and integrity reports."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any, Self

from sqlalchemy import Row, and_, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from elcorp.payments.application.movement_requests import movement_data, transaction_from_data
from elcorp.payments.application.ports import (
    Account,
    ChainReport,
    Counterparty,
    MovementOutcome,
    MovementRequest,
    Statement,
    StatementLine,
    Transaction,
    TransactionFilter,
    TrialBalance,
)
from elcorp.payments.domain.ledger import money_text
from elcorp.payments.domain.movement import (
    REFUSALS,
    DuplicateExternalReference,
    InsufficientFunds,
    LedgerRefusal,
    check_replay,
)
from elcorp.payments.infrastructure.document_numbers import SqlDocumentNumbers
from elcorp.payments.infrastructure.tables import (
    account,
    hold,
    idempotency_key,
    journal_entry,
    payment_transaction,
    posting,
)
from elcorp.shared.domain.errors import Conflict, NotFound
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

# Each posting's link, recomputed exactly as the posting_apply trigger computes it.
CHAIN_CHECK = text(
    """
    WITH links AS (
        SELECT account_id, account_seq, hash, prev_hash,
               lag(hash) OVER w AS previous_hash,
               lag(account_seq) OVER w AS previous_seq,
               encode(sha256(convert_to(concat_ws('|', coalesce(lag(hash) OVER w, ''), account_id::text,
                   account_seq::text, journal_entry_id::text, round(amount, 8)::text, currency), 'UTF8')),
                   'hex') AS expected
        FROM posting
        WINDOW w AS (PARTITION BY account_id ORDER BY account_seq)
    ), heads AS (
        SELECT a.id AS account_id, a.postings, a.last_hash,
               max(l.account_seq) AS last_seq,
               (array_agg(l.hash ORDER BY l.account_seq DESC))[1] AS last_posting_hash
        FROM account a LEFT JOIN links l ON l.account_id = a.id
        GROUP BY a.id
    )
    SELECT
        (SELECT count(*) FROM links) AS postings_checked,
        (SELECT count(*) FROM heads) AS accounts_checked,
        (SELECT json_build_object('account_id', account_id, 'account_seq', account_seq, 'problem',
                CASE WHEN account_seq <> coalesce(previous_seq, 0) + 1 THEN 'gap in the sequence'
                     WHEN prev_hash IS DISTINCT FROM previous_hash THEN 'prev_hash is not the previous hash'
                     ELSE 'hash does not match the posting' END)
         FROM links
         WHERE hash <> expected OR prev_hash IS DISTINCT FROM previous_hash
            OR account_seq <> coalesce(previous_seq, 0) + 1
         ORDER BY account_id, account_seq LIMIT 1) AS broken_link,
        (SELECT json_build_object('account_id', account_id, 'account_seq', last_seq,
                'problem', 'the account head does not match its last posting')
         FROM heads
         WHERE postings <> coalesce(last_seq, 0) OR last_hash IS DISTINCT FROM last_posting_hash
         ORDER BY account_id LIMIT 1) AS broken_head
    """
)


# A wallet's postings with the account on the other side of each movement (for a wallet
# that is the other of the transaction's two accounts; a fee's posting is not a wallet's).
STATEMENT_LINES = text(
    """
    SELECT p.created_at, t.id, t.type, t.description, p.amount,
           o.id AS other_id, o.kind AS other_kind, o.address AS other_address, o.owner_id AS other_owner
    FROM posting p
    JOIN journal_entry j ON j.id = p.journal_entry_id
    JOIN payment_transaction t ON t.id = j.transaction_id
    JOIN account o ON o.id = CASE WHEN t.source_account_id = p.account_id
                                  THEN t.destination_account_id ELSE t.source_account_id END
    WHERE p.account_id = :a
      AND (CAST(:s AS timestamptz) IS NULL OR p.created_at >= :s)
      AND (CAST(:e AS timestamptz) IS NULL OR p.created_at < :e)
    ORDER BY p.account_seq
    """
)


# The SQLSTATE of each refusal payments_execute raises (v3 on): class EP for the PAY_ codes,
# ER for the RES_ codes, the same three digits.
REFUSAL_STATES: dict[str, type[LedgerRefusal]] = {
    ("EP" if code.startswith("PAY_") else "ER") + code[-3:]: refusal for code, refusal in REFUSALS.items()
}

# The bank reference's unique index (0028): the loser of two parallel bookings of one
# reference meets it, whichever way the two interleave.
REFERENCE_INDEX = "uq_payment_transaction_clearing_reference"


def refusal_of(error: BaseException) -> LedgerRefusal | None:
    """The refusal payments_execute raised (by SQLSTATE; a `HINT` is the id of the
    transaction it refers to), a wallet's funds check or a bank reference booked in
    parallel; None for any other database error."""
    diag = getattr(error, "diag", None)
    pgcode = getattr(error, "pgcode", None)
    if diag is None or pgcode is None:
        return None
    refusal = REFUSAL_STATES.get(pgcode)
    if refusal is not None:
        hint = diag.message_hint
        return refusal(
            diag.message_primary or None, details=None if hint is None else {"transaction_id": hint}
        )
    if pgcode == "23514" and diag.constraint_name == "ck_account_funds":
        return InsufficientFunds()
    if pgcode == "23505" and diag.constraint_name == REFERENCE_INDEX:
        return DuplicateExternalReference()
    return None


def _account(row: Row[Any]) -> Account:
    return Account(
        row.id,
        row.owner_id,
        row.kind,
        row.currency,
        row.address,
        row.balance,
        row.held,
        row.status,
        row.created_at,
    )


def _transaction(row: Row[Any]) -> Transaction:
    return Transaction(
        id=row.id,
        type=row.type,
        status=row.status,
        amount=row.amount,
        fee=row.fee,
        currency=row.currency,
        source_account_id=row.source_account_id,
        destination_account_id=row.destination_account_id,
        description=row.description,
        external_reference=row.external_reference,
        initiated_by=row.initiated_by,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
        reversal_of=row.reversal_of,
        reversed_amount=row.reversed_amount,
        expires_at=row.expires_at,
        created_at=row.created_at,
        completed_at=row.completed_at,
    )


def _top_up_row(request: MovementRequest) -> dict[str, Any]:
    return {
        "id": request.transaction_id,
        "type": "deposit",
        "status": "pending_approval",
        "amount": request.amount,
        "fee": request.fee,
        "currency": request.currency,
        "source_account_id": request.source,
        "destination_account_id": request.destination,
        "description": request.description,
        "external_reference": request.external_reference,
        "initiated_by": request.caller,
        "expires_at": request.expires_at,
        "created_at": func.clock_timestamp(),
        "unique_reference": True,
    }


class SqlLedger:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- accounts --------------------------------------------------------------------------
    def open_wallet(self, owner_id: uuid.UUID, address: uuid.UUID, currency: str) -> bool:
        opened = self._session.execute(
            text(
                "INSERT INTO account (owner_id, kind, currency, address) VALUES (:o, 'wallet', :c, :a) "
                "ON CONFLICT DO NOTHING RETURNING id"
            ),
            {"o": owner_id, "c": currency, "a": address},
        ).first()
        return opened is not None

    def system_account(self, kind: str, currency: str) -> uuid.UUID:
        found: uuid.UUID | None = self._session.execute(
            select(account.c.id).where(account.c.kind == kind, account.c.currency == currency)
        ).scalar()
        if found is None:
            raise NotFound(f"No {kind} account in {currency}")
        return found

    def wallets_of(self, owner_id: uuid.UUID) -> list[Account]:
        rows = self._session.execute(
            select(account)
            .where(account.c.owner_id == owner_id, account.c.kind == "wallet")
            .order_by(account.c.currency)
        ).all()
        return [_account(r) for r in rows]

    def account(self, account_id: uuid.UUID) -> Account | None:
        row = self._session.execute(select(account).where(account.c.id == account_id)).first()
        return None if row is None else _account(row)

    def find_accounts(self, account_ids: Collection[uuid.UUID]) -> list[Account]:
        if not account_ids:
            return []
        rows = self._session.execute(select(account).where(account.c.id.in_(sorted(account_ids)))).all()
        return [_account(r) for r in rows]

    # -- movements -------------------------------------------------------------------------
    def decide(
        self, transaction_id: uuid.UUID, decider: uuid.UUID | None, *, approve: bool, reason: str | None
    ) -> Transaction:
        row = self._session.execute(
            select(payment_transaction).where(payment_transaction.c.id == transaction_id).with_for_update()
        ).first()
        if row is None:
            raise NotFound("Transaction not found")
        if row.status != "pending_approval":
            raise Conflict(
                f"The transaction is {row.status}, not pending approval", details={"state": row.status}
            )
        fees_id = self._lock_involved(row)
        self._session.execute(
            update(hold)
            .where(hold.c.transaction_id == transaction_id, hold.c.status == "active")
            .values(status="captured" if approve else "released", closed_at=func.now())
        )
        if approve:
            self._post(row, fees_id)
        self._session.execute(
            update(payment_transaction)
            .where(payment_transaction.c.id == transaction_id)
            .values(
                status="completed" if approve else ("expired" if decider is None else "rejected"),
                decided_by=decider,
                decided_at=func.now(),
                decision_reason=reason,
                completed_at=func.now() if approve else None,
            )
        )
        if row.reversal_of is not None:
            self._settle_reversal(row.reversal_of, row.amount, approve=approve)
        found = self.transaction(transaction_id)
        if found is None:  # the row is locked by this transaction: it cannot have gone
            raise NotFound("Transaction not found")
        return found

    def _lock_involved(self, row: Row[Any]) -> uuid.UUID | None:
        """Lock what a decision touches in payments_execute's order (a reversal's original,
        then the accounts in id order: no deadlock between them); the fees account, when
        the transaction carries a fee."""
        if row.reversal_of is not None:
            self._session.execute(
                select(payment_transaction.c.id)
                .where(payment_transaction.c.id == row.reversal_of)
                .with_for_update()
            )
        fees_id = self.system_account("fees", row.currency) if row.fee > 0 else None
        involved = [a for a in (row.source_account_id, row.destination_account_id, fees_id) if a is not None]
        self._session.execute(
            select(account.c.id).where(account.c.id.in_(involved)).order_by(account.c.id).with_for_update()
        )
        return fees_id

    def _post(self, row: Row[Any], fees_id: uuid.UUID | None) -> None:
        """An approved transaction's journal entry: the source pays amount and fee, the
        destination gets the amount, the fees account the fee (legs in account order)."""
        entry_id = uuid.uuid4()
        self._session.execute(insert(journal_entry).values(id=entry_id, transaction_id=row.id))
        legs = [(row.source_account_id, -(row.amount + row.fee)), (row.destination_account_id, row.amount)]
        if fees_id is not None:
            legs.append((fees_id, row.fee))
        self._session.execute(
            insert(posting),
            [
                {
                    "journal_entry_id": entry_id,
                    "account_id": account_id,
                    "currency": row.currency,
                    "amount": amount,
                    "account_seq": 0,
                    "hash": "",
                }
                for account_id, amount in sorted(legs, key=lambda leg: str(leg[0]))
            ],
        )

    def _settle_reversal(self, original_id: uuid.UUID, amount: Decimal, *, approve: bool) -> None:
        """A pending reversal reserved `amount` of the original (`reversed_amount`) when it
        was made, so that reversals together never return more than it moved: approved,
        the original is `reversed` once completed reversals return all of it; rejected or
        expired, the reservation is given back."""
        if approve:
            self._session.execute(
                text(
                    "UPDATE payment_transaction SET status = 'reversed' WHERE id = :id AND amount = "
                    "(SELECT sum(amount) FROM payment_transaction "
                    " WHERE reversal_of = :id AND status = 'completed')"
                ),
                {"id": original_id},
            )
        else:
            self._session.execute(
                update(payment_transaction)
                .where(payment_transaction.c.id == original_id)
                .values(reversed_amount=payment_transaction.c.reversed_amount - amount)
            )

    # -- top-ups ---------------------------------------------------------------------------
    def request_top_up(self, request: MovementRequest) -> MovementOutcome:
        """A pending deposit (clearing -> the caller's wallet) awaiting an external payment:
        no posting and no hold, only the transaction row and its Idempotency-Key, under the
        key's lock (as payments_execute takes it), in the unit of work's transaction."""
        self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:k, 0))"),
            {"k": f"{request.caller}/{request.idempotency_key}"},
        )
        k = idempotency_key.c
        stored = self._session.execute(
            select(k.request_hash, k.response, k.status_code).where(
                k.owner_id == request.caller, k.key == request.idempotency_key, k.expires_at > func.now()
            )
        ).first()
        if stored is not None:
            check_replay(stored.request_hash, request.request_hash)
            return MovementOutcome(transaction_from_data(stored.response), True, stored.status_code)
        try:
            with self._session.begin_nested():
                self._session.execute(insert(payment_transaction).values(**_top_up_row(request)))
        except IntegrityError as exc:
            refusal = None if exc.orig is None else refusal_of(exc.orig)
            if refusal is None:
                raise
            raise refusal from exc
        made = self.transaction(request.transaction_id)
        if made is None:  # inserted just now in this transaction
            raise NotFound("Transaction not found")
        self._session.execute(
            insert(idempotency_key).values(
                owner_id=request.caller,
                key=request.idempotency_key,
                request_hash=request.request_hash,
                transaction_id=made.id,
                status_code=201,
                response=movement_data(made),
                expires_at=func.now() + request.idempotency_ttl,
            )
        )
        return MovementOutcome(made, replayed=False)

    def pending_top_ups(self, references: Collection[str]) -> list[Transaction]:
        """Pending top-ups (deposits their wallet's owner asked for) with these references,
        compared as the bank reference index compares them (trimmed, any case), oldest first."""
        if not references:
            return []
        t = payment_transaction.c
        rows = self._session.execute(
            select(payment_transaction)
            .join(account, account.c.id == t.destination_account_id)
            .where(
                t.type == "deposit",
                t.status == "pending_approval",
                t.initiated_by == account.c.owner_id,
                func.upper(func.btrim(t.external_reference)).in_(
                    sorted({r.strip().upper() for r in references})
                ),
            )
            .order_by(t.created_at, t.id)
        ).all()
        return [_transaction(r) for r in rows]

    def pending_expired(self, now: datetime, limit: int) -> list[uuid.UUID]:
        return list(
            self._session.execute(
                select(payment_transaction.c.id)
                .where(
                    payment_transaction.c.status == "pending_approval",
                    payment_transaction.c.expires_at <= now,
                )
                .order_by(payment_transaction.c.expires_at)
                .limit(limit)
            ).scalars()
        )

    def purge_idempotency_keys(self, now: datetime) -> int:
        deleted = self._session.execute(
            text("DELETE FROM idempotency_key WHERE expires_at <= :now RETURNING 1"), {"now": now}
        ).all()
        return len(deleted)

    def claim_reminders(self, now: datetime, waiting: timedelta, every: timedelta) -> list[Transaction]:
        t = payment_transaction.c
        rows = self._session.execute(
            update(payment_transaction)
            .where(
                t.status == "pending_approval",
                t.created_at <= now - waiting,
                or_(t.reminded_at.is_(None), t.reminded_at <= now - every),
            )
            .values(reminded_at=now)
            .returning(payment_transaction)
        ).all()
        return [_transaction(r) for r in rows]

    # -- reads -----------------------------------------------------------------------------
    def transaction(self, transaction_id: uuid.UUID) -> Transaction | None:
        row = self._session.execute(
            select(payment_transaction).where(payment_transaction.c.id == transaction_id)
        ).first()
        return None if row is None else _transaction(row)

    def transactions(
        self, where: TransactionFilter, *, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[Transaction]:
        t = payment_transaction.c
        conditions: list[Any] = []
        if where.account_ids is not None:
            ids = sorted(where.account_ids)
            conditions.append(or_(t.source_account_id.in_(ids), t.destination_account_id.in_(ids)))
        if where.wallet_id is not None:
            conditions.append(
                or_(t.source_account_id == where.wallet_id, t.destination_account_id == where.wallet_id)
            )
        for column, value in ((t.status, where.status), (t.type, where.type)):
            if value is not None:
                conditions.append(column == value)
        if where.created_from is not None:
            conditions.append(t.created_at >= where.created_from)
        if where.created_to is not None:
            conditions.append(t.created_at < where.created_to)
        if where.amount_min is not None:
            conditions.append(t.amount >= where.amount_min)
        if where.amount_max is not None:
            conditions.append(t.amount <= where.amount_max)
        if after is not None:
            at, last_id = after
            conditions.append(or_(t.created_at < at, and_(t.created_at == at, t.id < last_id)))
        rows = self._session.execute(
            select(payment_transaction)
            .where(*conditions)
            .order_by(t.created_at.desc(), t.id.desc())
            .limit(limit)
        ).all()
        return [_transaction(r) for r in rows]

    def statement(
        self, account_id: uuid.UUID, start: datetime | None, end: datetime | None
    ) -> Statement | None:
        found = self.account(account_id)
        if found is None:
            return None
        opening = Decimal(0)
        if start is not None:
            opening = Decimal(
                str(
                    self._session.execute(
                        text(
                            "SELECT coalesce(sum(amount), 0) FROM posting "
                            "WHERE account_id = :a AND created_at < :s"
                        ),
                        {"a": account_id, "s": start},
                    ).scalar_one()
                )
            )
        rows = self._session.execute(STATEMENT_LINES, {"a": account_id, "s": start, "e": end}).all()
        running, lines = opening, []
        for row in rows:
            amount = Decimal(str(row.amount))
            running += amount
            internal = (
                row.other_kind == "wallet"
                and found.owner_id is not None
                and row.other_owner == found.owner_id
            )
            lines.append(
                StatementLine(
                    row.created_at,
                    row.id,
                    str(row.type),
                    row.description,
                    amount,
                    running,
                    direction="internal" if internal else ("in" if amount > 0 else "out"),
                    counterparty=Counterparty(row.other_id, str(row.other_kind), row.other_address),
                )
            )
        return Statement(found, opening, lines, running)

    # -- integrity -------------------------------------------------------------------------
    def trial_balance(self) -> TrialBalance:
        totals = {
            str(currency): Decimal(str(total))
            for currency, total in self._session.execute(
                text("SELECT currency, sum(amount) FROM posting GROUP BY currency ORDER BY currency")
            ).all()
        }
        mismatched = [
            {
                "account_id": str(r.id),
                "currency": r.currency,
                "balance": money_text(r.balance, r.currency),
                "postings_total": money_text(r.total, r.currency),
                "held": money_text(r.held, r.currency),
                "active_holds": money_text(r.holds, r.currency),
            }
            for r in self._session.execute(
                text(
                    """
                    SELECT a.id, a.currency, a.balance, a.held,
                           coalesce(p.total, 0) AS total, coalesce(h.total, 0) AS holds
                    FROM account a
                    LEFT JOIN (SELECT account_id, sum(amount) AS total FROM posting GROUP BY account_id) p
                        ON p.account_id = a.id
                    LEFT JOIN (SELECT account_id, sum(amount) AS total FROM hold WHERE status = 'active'
                               GROUP BY account_id) h ON h.account_id = a.id
                    WHERE a.balance <> coalesce(p.total, 0) OR a.held <> coalesce(h.total, 0)
                    ORDER BY a.id
                    """
                )
            ).all()
        ]
        return TrialBalance(totals, mismatched)

    def verify_chains(self) -> ChainReport:
        row = self._session.execute(CHAIN_CHECK).one()
        return ChainReport(
            int(row.accounts_checked), int(row.postings_checked), row.broken_link or row.broken_head
        )


class SqlPaymentsUnitOfWork(SqlAlchemyUnitOfWork):
    ledger: SqlLedger
    document_numbers: SqlDocumentNumbers

    def __enter__(self) -> Self:
        super().__enter__()
        self.ledger = SqlLedger(self.session)
        self.document_numbers = SqlDocumentNumbers(self.session)
        return self
