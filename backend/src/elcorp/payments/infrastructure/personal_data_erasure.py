"""SQL side of payments' erasure. Ledger rows (accounts, transactions, journal entries,
postings) are never touched: they hold ids and amounts only, so the trial balance and the
posting hash chains verify after any erasure. Invoice snapshots are rewritten under the
transaction-local `elcorp.erasure` setting, the one exception `invoice_frozen()` allows
(migration 0023); amounts, numbers and dates of an issued invoice stay frozen."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Text, delete, func, or_, select, text, update
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from elcorp.payments.infrastructure.invoices import invoice, invoice_issuer
from elcorp.payments.infrastructure.tables import account, idempotency_key, payment_transaction
from elcorp.shared.application.personal_data_erasure import (
    ErasureStep,
    ErasureSubject,
    RecordRef,
    SubjectFootprint,
)
from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.infrastructure.personal_data_erasure import session_of, treatment

ERASED_ADDRESS = "erased"


class SqlPaymentsErasureStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    @classmethod
    def factory(cls) -> Callable[[UnitOfWork], SqlPaymentsErasureStore]:
        return lambda tx: cls(session_of(tx))

    def _accounts(self, subject_id: uuid.UUID) -> list[uuid.UUID]:
        return list(
            self._session.execute(select(account.c.id).where(account.c.owner_id == subject_id)).scalars()
        )

    def _transactions(self, subject_id: uuid.UUID, accounts: list[uuid.UUID]) -> Any:
        t = payment_transaction
        return or_(
            t.c.initiated_by == subject_id,
            t.c.source_account_id.in_(accounts),
            t.c.destination_account_id.in_(accounts),
        )

    def footprint(self, subject_id: uuid.UUID) -> SubjectFootprint:
        accounts = self._accounts(subject_id)
        count, last = self._session.execute(
            select(func.count(), func.max(payment_transaction.c.created_at)).where(
                self._transactions(subject_id, accounts)
            )
        ).one()
        invoices = self._session.execute(
            select(func.count(), func.max(invoice.c.created_at)).where(invoice.c.payer_id == subject_id)
        ).one()
        lasts: list[datetime] = [d for d in (last, invoices[1]) if isinstance(d, datetime)]
        return SubjectFootprint(
            has_financial_records=bool(count or invoices[0]),
            last_transaction_at=max(lasts) if lasts else None,
        )

    def records(self, subject_id: uuid.UUID) -> list[RecordRef]:
        accounts = self._accounts(subject_id)
        found = [RecordRef("account", str(a)) for a in accounts]
        transactions: list[uuid.UUID] = list(
            self._session.execute(
                select(payment_transaction.c.id).where(self._transactions(subject_id, accounts))
            ).scalars()
        )
        invoices: list[uuid.UUID] = list(
            self._session.execute(select(invoice.c.id).where(invoice.c.payer_id == subject_id)).scalars()
        )
        found += [RecordRef("payment_transaction", str(i)) for i in transactions]
        found += [RecordRef("invoice", str(i)) for i in invoices]
        return found

    def _issuers(self, subject_id: uuid.UUID) -> list[uuid.UUID]:
        return list(
            self._session.execute(
                select(invoice_issuer.c.id).where(invoice_issuer.c.owner_id == subject_id)
            ).scalars()
        )

    def _scrub_descriptions(
        self, subject_id: uuid.UUID, accounts: list[uuid.UUID], values: tuple[str, ...], pseudonym: str
    ) -> int:
        """Free text on the subject's transactions (descriptions, decision reasons) that names
        the subject: each occurrence is replaced by the pseudonym; the record stays."""
        pattern = _pattern(values)
        if pattern is None:
            return 0
        t = payment_transaction
        changed = 0
        for column in (t.c.description, t.c.decision_reason):
            changed += int(
                self._session.execute(
                    update(t)
                    .where(self._transactions(subject_id, accounts), column.op("~*")(pattern))
                    .values({column.name: func.regexp_replace(column, pattern, pseudonym, "gi")})
                ).rowcount  # type: ignore[attr-defined]
            )
        # Others' replay caches of those transactions (a counterparty's transfer response
        # repeats its description): scrubbed, not deleted, so a retry still replays.
        keys = idempotency_key
        changed += int(
            self._session.execute(
                update(keys)
                .where(
                    keys.c.transaction_id.in_(select(t.c.id).where(self._transactions(subject_id, accounts))),
                    func.cast(keys.c.response, Text).op("~*")(pattern),
                )
                .values(
                    response=func.cast(
                        func.regexp_replace(func.cast(keys.c.response, Text), pattern, pseudonym, "gi"), JSONB
                    )
                )
            ).rowcount  # type: ignore[attr-defined]
        )
        return changed

    def invoice_snapshots(self, subject_id: uuid.UUID) -> dict[str, Any]:
        issuers = self._issuers(subject_id)
        rows = self._session.execute(
            select(
                invoice.c.id,
                invoice.c.payer_id,
                invoice.c.payer_name,
                invoice.c.payer_address,
                invoice.c.payer_vat_number,
                invoice.c.issuer_id,
                invoice.c.issuer_name,
                invoice.c.issuer_address,
                invoice.c.issuer_vat_number,
            ).where(or_(invoice.c.payer_id == subject_id, invoice.c.issuer_id.in_(issuers)))
        ).all()
        snapshots: dict[str, Any] = {}
        for r in rows:
            kept: dict[str, Any] = {}
            if r.payer_id == subject_id:
                kept.update(
                    payer_name=r.payer_name,
                    payer_address=r.payer_address,
                    payer_vat_number=r.payer_vat_number,
                )
            if r.issuer_id in issuers:
                kept.update(
                    issuer_name=r.issuer_name,
                    issuer_address=r.issuer_address,
                    issuer_vat_number=r.issuer_vat_number,
                )
            snapshots[str(r.id)] = kept
        return snapshots

    def pseudonymise(self, subject: ErasureSubject) -> list[ErasureStep]:
        sid, pseudonym = subject.subject_id, subject.pseudonym
        kept = "fia_transaction" in subject.kept_bases
        steps = self._pseudonymise_invoices(sid, pseudonym, kept)
        accounts = self._accounts(sid)
        steps += self._restrict_ledger(sid, accounts)
        steps += self._scrub_step(sid, accounts, subject.values, pseudonym, kept)
        steps += self._drop_idempotency_keys(sid)
        return steps

    def _pseudonymise_invoices(self, sid: uuid.UUID, pseudonym: str, kept: bool) -> list[ErasureStep]:
        """The payer and issuer snapshots on the subject's invoices, and their issuer records
        (pseudonymised while the FIA keeps the transactions, anonymised otherwise)."""
        payer = treatment(
            invoice, "payer_name", "transaction.invoice.payer", "fia_transaction", "pseudonymise"
        )
        # The one exception invoice_frozen() allows, for this transaction only.
        self._session.execute(text("SELECT set_config('elcorp.erasure', 'on', true)"))
        try:
            paid = self._session.execute(
                update(invoice)
                .where(invoice.c.payer_id == sid)
                .values(payer_name=pseudonym, payer_address=None, payer_vat_number=None)
            ).rowcount  # type: ignore[attr-defined]
            issuers = self._issuers(sid)
            issued = self._rename_issuers(issuers, pseudonym)
        finally:
            self._session.execute(text("SELECT set_config('elcorp.erasure', 'off', true)"))
        disposal = "pseudonymise" if kept else "anonymise"
        steps: list[ErasureStep] = []
        if paid:
            steps.append(ErasureStep(payer.category, disposal, int(paid), payer.basis))
        if issued or issuers:
            steps.append(
                ErasureStep("transaction.invoice.issuer", disposal, issued + len(issuers), "fia_transaction")
            )
        return steps

    def _rename_issuers(self, issuers: list[uuid.UUID], pseudonym: str) -> int:
        """The issuers' records and their invoices' issuer snapshots; returns how many
        invoices were rewritten."""
        if not issuers:
            return 0
        issued = self._session.execute(
            update(invoice)
            .where(invoice.c.issuer_id.in_(issuers))
            .values(issuer_name=pseudonym, issuer_address=ERASED_ADDRESS, issuer_vat_number=None)
        ).rowcount  # type: ignore[attr-defined]
        self._session.execute(
            update(invoice_issuer)
            .where(invoice_issuer.c.id.in_(issuers))
            .values(name=pseudonym, address=ERASED_ADDRESS, vat_number=None)
        )
        return int(issued)

    def _restrict_ledger(self, sid: uuid.UUID, accounts: list[uuid.UUID]) -> list[ErasureStep]:
        """Active wallets are frozen; the transactions are kept as they are (ids and amounts
        only), restricted with the frozen wallets."""
        frozen = self._session.execute(
            update(account)
            .where(account.c.owner_id == sid, account.c.kind == "wallet", account.c.status == "active")
            .values(status="frozen")
        ).rowcount  # type: ignore[attr-defined]
        transactions = self._session.execute(
            select(func.count()).select_from(payment_transaction).where(self._transactions(sid, accounts))
        ).scalar_one()
        if transactions:
            return [ErasureStep("transaction.records", "pseudonymise", int(transactions), "fia_transaction")]
        if frozen:
            return [ErasureStep("payments.wallet", "anonymise", int(frozen), "account")]
        return []

    def _scrub_step(
        self, sid: uuid.UUID, accounts: list[uuid.UUID], values: tuple[str, ...], pseudonym: str, kept: bool
    ) -> list[ErasureStep]:
        scrubbed = self._scrub_descriptions(sid, accounts, values, pseudonym)
        if not scrubbed:
            return []
        t = treatment(
            payment_transaction,
            "description",
            "financial.transaction.description",
            "fia_transaction",
            "pseudonymise",
        )
        return [ErasureStep(t.category, "pseudonymise" if kept else "anonymise", scrubbed, t.basis)]

    def _drop_idempotency_keys(self, sid: uuid.UUID) -> list[ErasureStep]:
        keys = self._session.execute(
            delete(idempotency_key).where(idempotency_key.c.owner_id == sid)
        ).rowcount  # type: ignore[attr-defined]
        return [ErasureStep("payments.idempotency_keys", "delete", int(keys), "security")] if keys else []


def expired_idempotency_keys(
    session_factory: Callable[[], Session], now: Callable[[], Any]
) -> Callable[[], int]:
    """How many idempotency keys payments' purge would remove now (the purge's dry run)."""

    def count() -> int:
        with session_factory() as session:
            return int(
                session.execute(
                    select(func.count())
                    .select_from(idempotency_key)
                    .where(idempotency_key.c.expires_at < now())
                ).scalar_one()
            )

    return count


def _pattern(values: tuple[str, ...]) -> str | None:
    """A case-insensitive POSIX regular expression matching any of `values` literally."""
    escaped = [re.sub(r"([\\.^$|?*+()\[\]{}-])", r"\\\1", v) for v in values if len(v) >= 3]
    return "|".join(escaped) if escaped else None
