"""PostgreSQL adapter of the invoice store (migration 0017_invoices holds the triggers that
freeze issued invoices and keep credit notes and receipts unchangeable).

Rows map to the `Invoice` aggregate and back: the store remembers each invoice it handed
out or took in as it was then, and at commit writes only the columns whose value the
aggregate changed (so the `invoice_frozen` trigger, the backstop, sees exactly the change
the domain allowed)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any, Self

from sqlalchemy import (
    CHAR,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    and_,
    func,
    insert,
    or_,
    select,
    text,
    true,
    update,
)
from sqlalchemy.orm import Session

from elcorp.payments.application.ports import InvoiceFilter
from elcorp.payments.domain.invoice import CreditNote, DocumentLine, Invoice, Issuer, Receipt
from elcorp.payments.infrastructure.document_numbers import SqlDocumentNumbers
from elcorp.payments.infrastructure.ledger import SqlLedger
from elcorp.payments.infrastructure.movements import SqlMovements, within
from elcorp.payments.infrastructure.tables import MONEY, timestamp
from elcorp.shared.application.unit_of_work import SeenAggregates, publish_new_events
from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

QUANTITY = Numeric(20, 4, asdecimal=True)


invoice_issuer = Table(
    "invoice_issuer",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("name", Text, nullable=False),
    Column("address", Text, nullable=False),
    Column("vat_number", Text),
    Column("owner_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT")),
    Column("is_platform", Boolean, nullable=False, server_default=text("false")),
    timestamp("created_at", False, server_default=func.now()),
    Index("uq_invoice_issuer_platform", "is_platform", unique=True, postgresql_where=text("is_platform")),
    comment="Payments: businesses that issue invoices (the platform itself, or one paid into its owner's "
    "wallet).",
)
# Personal information (POPIA s17): an issuer may be a sole trader. Issuers and the parties
# named on an invoice are kept with the transaction records (FIA 2012), pseudonymised after
# erasure.
_ISSUER_NAME = PersonalData(
    category="organization.identity.name",
    purpose="identify the business customer (FIA 2012) and show it to its members",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_CUSTOMER,
    disposal=Disposal.PSEUDONYMISE,
)
_ISSUER_ADDRESS = PersonalData(
    category="organization.contact.address",
    purpose="print the issuer's address on its tax invoices",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_CUSTOMER,
    disposal=Disposal.PSEUDONYMISE,
)
_ISSUER_VAT = PersonalData(
    category="organization.tax.vat_number",
    purpose="identify the business for VAT (tax invoices)",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_CUSTOMER,
    disposal=Disposal.PSEUDONYMISE,
)
declare("payments", invoice_issuer, "name", _ISSUER_NAME)
declare("payments", invoice_issuer, "address", _ISSUER_ADDRESS)
declare("payments", invoice_issuer, "vat_number", _ISSUER_VAT)

invoice = Table(
    "invoice",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("issuer_id", Uuid, ForeignKey("invoice_issuer.id", ondelete="RESTRICT"), nullable=False),
    Column("payer_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("status", Text, nullable=False, server_default=text("'draft'")),
    Column("number", Text),
    Column("vat_rate", Numeric(5, 2, asdecimal=True), nullable=False),
    Column("subtotal", MONEY, nullable=False),
    Column("vat", MONEY, nullable=False),
    Column("total", MONEY, nullable=False),
    Column("credited", MONEY, nullable=False, server_default=text("0")),
    Column("due_date", Date),
    Column("payer_name", Text, nullable=False),
    Column("payer_address", Text),
    Column("payer_vat_number", Text),
    Column("issuer_name", Text),
    Column("issuer_address", Text),
    Column("issuer_vat_number", Text),
    Column("created_by", Uuid, nullable=False),
    timestamp("created_at", False, server_default=func.now()),
    timestamp("issued_at"),
    timestamp("paid_at"),
    timestamp("voided_at"),
    Column("void_reason", Text),
    Column("payment_transaction_id", Uuid, ForeignKey("payment_transaction.id", ondelete="RESTRICT")),
    Column("payment_key", Text),
    timestamp("reminded_at"),
    Index("ix_invoice_created", text("created_at DESC"), text("id DESC")),
    Index("ix_invoice_overdue", "due_date", postgresql_where=text("status = 'issued'")),
    Index("ix_invoice_payer", "payer_id", text("created_at DESC")),
    Index(
        "uq_invoice_issuer_number",
        "issuer_id",
        "number",
        unique=True,
        postgresql_where=text("number IS NOT NULL"),
    ),
    Index(
        "uq_invoice_payment_transaction",
        "payment_transaction_id",
        unique=True,
        postgresql_where=text("payment_transaction_id IS NOT NULL"),
    ),
    comment="Payments: tax invoices. Numbered and frozen when issued (invoice_frozen); corrected by credit "
    "notes.",
)
_PARTICULARS = "issue the tax invoice with the particulars the VAT Act 10 of 2000 (s21) asks for"
_PARTY_NAME = PersonalData(
    category="financial.invoice.party_name",
    purpose=_PARTICULARS,
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
_PARTY_ADDRESS = PersonalData(
    category="financial.invoice.party_address",
    purpose=_PARTICULARS,
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
_PARTY_VAT = PersonalData(
    category="financial.invoice.party_vat_number",
    purpose=_PARTICULARS,
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
for _party in ("payer", "issuer"):
    declare("payments", invoice, f"{_party}_name", _PARTY_NAME)
    declare("payments", invoice, f"{_party}_address", _PARTY_ADDRESS)
    declare("payments", invoice, f"{_party}_vat_number", _PARTY_VAT)


def _lines_table(name: str, parent: str, parent_column: str, comment: str) -> Table:
    return Table(
        name,
        metadata,
        Column(parent_column, Uuid, ForeignKey(f"{parent}.id", ondelete="RESTRICT"), primary_key=True),
        Column("position", Integer, primary_key=True),
        Column("description", Text, nullable=False),
        Column("quantity", QUANTITY, nullable=False),
        Column("unit_price", MONEY, nullable=False),
        Column("net", MONEY, nullable=False),
        comment=comment,
    )


invoice_line = _lines_table(
    "invoice_line",
    "invoice",
    "invoice_id",
    "Payments: invoice lines (quantity x unit price excluding VAT, net rounded per line).",
)

credit_note = Table(
    "credit_note",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("invoice_id", Uuid, ForeignKey("invoice.id", ondelete="RESTRICT"), nullable=False),
    Column("number", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("subtotal", MONEY, nullable=False),
    Column("vat", MONEY, nullable=False),
    Column("total", MONEY, nullable=False),
    Column("refund_transaction_id", Uuid, ForeignKey("payment_transaction.id", ondelete="RESTRICT")),
    Column("refund_key", Text),
    Column("created_by", Uuid, nullable=False),
    timestamp("created_at", False, server_default=func.now()),
    Index("ix_credit_note_invoice", "invoice_id", "created_at"),
    Index(
        "uq_credit_note_refund_key",
        "invoice_id",
        "refund_key",
        unique=True,
        postgresql_where=text("refund_key IS NOT NULL"),
    ),
    comment="Payments: credit notes correcting issued invoices (CRN series); rows never change.",
)

credit_note_line = _lines_table(
    "credit_note_line", "credit_note", "credit_note_id", "Payments: credit note lines."
)

receipt = Table(
    "receipt",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("invoice_id", Uuid, ForeignKey("invoice.id", ondelete="RESTRICT"), nullable=False),
    Column("transaction_id", Uuid, ForeignKey("payment_transaction.id", ondelete="RESTRICT"), nullable=False),
    Column("number", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("currency", CHAR(3), nullable=False),
    timestamp("issued_at", False, server_default=func.now()),
    UniqueConstraint("invoice_id", name="receipt_invoice_id_key"),
    UniqueConstraint("transaction_id", name="receipt_transaction_id_key"),
    comment="Payments: receipts of paid invoices (RCT series); rows never change.",
)

PLATFORM_ISSUER = text(
    """
    INSERT INTO invoice_issuer (name, address, vat_number, is_platform)
    VALUES (:name, :address, :vat_number, true)
    ON CONFLICT (is_platform) WHERE is_platform DO UPDATE
        SET name = EXCLUDED.name, address = EXCLUDED.address, vat_number = EXCLUDED.vat_number
        WHERE (invoice_issuer.name, invoice_issuer.address, invoice_issuer.vat_number)
              IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.address, EXCLUDED.vat_number)
    RETURNING id
    """
)


def _issuer(row: Any) -> Issuer:
    return Issuer(
        row.id, row.name, row.address, row.vat_number, row.owner_id, row.is_platform, row.created_at
    )


def _line(row: Any) -> DocumentLine:
    return DocumentLine(row.description, row.quantity, row.unit_price, row.net)


def _line_rows(lines: list[DocumentLine], parent_column: str, parent_id: uuid.UUID) -> list[dict[str, Any]]:
    return [
        {
            parent_column: parent_id,
            "position": position,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "net": line.net,
        }
        for position, line in enumerate(lines, start=1)
    ]


INVOICE_FIELDS = [c.name for c in invoice.columns if c.name != "reminded_at"]


def _row_values(found: Invoice) -> dict[str, Any]:
    """The invoice's columns as stored (its lines are rows of their own)."""
    values = {name: getattr(found, name) for name in INVOICE_FIELDS}
    values["status"] = found.status.value
    return values


class SqlInvoices:
    def __init__(self, session: Session) -> None:
        self._session = session
        self.seen: SeenAggregates[Invoice] = SeenAggregates()
        self._as_stored: dict[int, dict[str, Any]] = {}

    def _track(self, found: Invoice) -> Invoice:
        if id(found) not in self._as_stored:
            self._as_stored[id(found)] = _row_values(found)
        return self.seen.add(found)

    def save_changes(self) -> None:
        """Write what the aggregates changed since they were read or added, column by column."""
        for found in self.seen:
            before, after = self._as_stored[id(found)], _row_values(found)
            changed = {name: value for name, value in after.items() if before[name] != value}
            if changed:
                self._session.execute(update(invoice).where(invoice.c.id == found.id).values(**changed))
                self._as_stored[id(found)] = after

    # -- issuers -----------------------------------------------------------------------------
    def platform_issuer(self, name: str, address: str, vat_number: str | None) -> Issuer:
        params = {"name": name, "address": address, "vat_number": vat_number}
        self._session.execute(PLATFORM_ISSUER, params)
        row = self._session.execute(select(invoice_issuer).where(invoice_issuer.c.is_platform)).one()
        return _issuer(row)

    def add_issuer(self, issuer: Issuer) -> None:
        self._session.execute(
            insert(invoice_issuer).values(
                id=issuer.id,
                name=issuer.name,
                address=issuer.address,
                vat_number=issuer.vat_number,
                owner_id=issuer.owner_id,
                is_platform=issuer.is_platform,
                created_at=issuer.created_at,
            )
        )

    def issuer(self, issuer_id: uuid.UUID) -> Issuer | None:
        row = self._session.execute(select(invoice_issuer).where(invoice_issuer.c.id == issuer_id)).first()
        return None if row is None else _issuer(row)

    def issuers(self) -> list[Issuer]:
        rows = self._session.execute(
            select(invoice_issuer).order_by(invoice_issuer.c.is_platform.desc(), invoice_issuer.c.name)
        ).all()
        return [_issuer(r) for r in rows]

    # -- invoices ----------------------------------------------------------------------------
    def add(self, found: Invoice) -> None:
        self._session.execute(insert(invoice).values(**_row_values(found)))
        self._session.execute(insert(invoice_line), _line_rows(found.lines, "invoice_id", found.id))
        self._track(found)

    def get(self, invoice_id: uuid.UUID, *, lock: bool = False) -> Invoice | None:
        return self._one(invoice.c.id == invoice_id, lock)

    def by_payment(self, transaction_id: uuid.UUID, *, lock: bool = False) -> Invoice | None:
        return self._one(invoice.c.payment_transaction_id == transaction_id, lock)

    def _one(self, where: Any, lock: bool) -> Invoice | None:
        query = select(invoice).where(where)
        if lock:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return None if row is None else self._invoices([row])[0]

    def _invoices(self, rows: list[Any]) -> list[Invoice]:
        ids = [r.id for r in rows]
        lines: dict[uuid.UUID, list[DocumentLine]] = {i: [] for i in ids}
        if ids:
            for line in self._session.execute(
                select(invoice_line)
                .where(invoice_line.c.invoice_id.in_(ids))
                .order_by(invoice_line.c.invoice_id, invoice_line.c.position)
            ):
                lines[line.invoice_id].append(_line(line))
        return [
            self._track(Invoice(**{name: getattr(r, name) for name in INVOICE_FIELDS}, lines=lines[r.id]))
            for r in rows
        ]

    def search(self, where: InvoiceFilter, *, offset: int, limit: int) -> tuple[list[Invoice], int]:
        conditions = []
        if where.payer_id is not None:
            conditions.append(invoice.c.payer_id == where.payer_id)
        if where.issuer_id is not None:
            conditions.append(invoice.c.issuer_id == where.issuer_id)
        if where.status is not None:
            conditions.append(invoice.c.status == where.status)
        condition = and_(true(), *conditions)
        total = self._session.execute(select(func.count()).select_from(invoice).where(condition)).scalar_one()
        rows = self._session.execute(
            select(invoice)
            .where(condition)
            .order_by(invoice.c.created_at.desc(), invoice.c.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return self._invoices(list(rows)), total

    def claim_overdue(self, today: date, now: datetime, every: timedelta, limit: int) -> list[Invoice]:
        due = (
            select(invoice.c.id)
            .where(
                invoice.c.status == "issued",
                invoice.c.due_date < today,
                or_(invoice.c.reminded_at.is_(None), invoice.c.reminded_at <= now - every),
            )
            .order_by(invoice.c.due_date, invoice.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        ids: list[uuid.UUID] = list(
            self._session.execute(
                update(invoice).where(invoice.c.id.in_(due)).values(reminded_at=now).returning(invoice.c.id)
            ).scalars()
        )
        if not ids:
            return []
        rows = self._session.execute(
            select(invoice).where(invoice.c.id.in_(ids)).order_by(invoice.c.due_date)
        )
        return self._invoices(list(rows))

    # -- credit notes and receipts -----------------------------------------------------------
    def add_credit_note(self, note: CreditNote, *, refund_key: str | None = None) -> None:
        self._session.execute(
            insert(credit_note).values(
                id=note.id,
                invoice_id=note.invoice_id,
                number=note.number,
                reason=note.reason,
                subtotal=note.subtotal,
                vat=note.vat,
                total=note.total,
                refund_transaction_id=note.refund_transaction_id,
                refund_key=refund_key,
                created_by=note.created_by,
                created_at=note.created_at,
            )
        )
        self._session.execute(insert(credit_note_line), _line_rows(note.lines, "credit_note_id", note.id))

    def credit_notes(self, invoice_id: uuid.UUID) -> list[CreditNote]:
        return self._credit_notes(credit_note.c.invoice_id == invoice_id)

    def credit_note_by_refund_key(self, invoice_id: uuid.UUID, key: str) -> CreditNote | None:
        found = self._credit_notes(
            and_(credit_note.c.invoice_id == invoice_id, credit_note.c.refund_key == key)
        )
        return found[0] if found else None

    def _credit_notes(self, where: Any) -> list[CreditNote]:
        notes = self._session.execute(
            select(credit_note).where(where).order_by(credit_note.c.created_at, credit_note.c.number)
        ).all()
        ids = [n.id for n in notes]
        lines: dict[uuid.UUID, list[DocumentLine]] = {i: [] for i in ids}
        if ids:
            for line in self._session.execute(
                select(credit_note_line)
                .where(credit_note_line.c.credit_note_id.in_(ids))
                .order_by(credit_note_line.c.credit_note_id, credit_note_line.c.position)
            ):
                lines[line.credit_note_id].append(_line(line))
        return [
            CreditNote(
                n.id,
                n.invoice_id,
                n.number,
                n.reason,
                lines[n.id],
                n.subtotal,
                n.vat,
                n.total,
                n.refund_transaction_id,
                n.created_by,
                n.created_at,
            )
            for n in notes
        ]

    def add_receipt(self, found: Receipt) -> None:
        self._session.execute(
            insert(receipt).values(
                id=found.id,
                invoice_id=found.invoice_id,
                transaction_id=found.transaction_id,
                number=found.number,
                amount=found.amount,
                currency=found.currency,
                issued_at=found.issued_at,
            )
        )

    def receipt_for(self, transaction_id: uuid.UUID) -> Receipt | None:
        return self._receipt(receipt.c.transaction_id == transaction_id)

    def receipt_of(self, invoice_id: uuid.UUID) -> Receipt | None:
        return self._receipt(receipt.c.invoice_id == invoice_id)

    def _receipt(self, where: Any) -> Receipt | None:
        row = self._session.execute(select(receipt).where(where)).first()
        if row is None:
            return None
        return Receipt(
            row.id, row.invoice_id, row.transaction_id, row.number, row.amount, row.currency, row.issued_at
        )


class SqlInvoicesUnitOfWork(SqlAlchemyUnitOfWork):
    """Invoices, their numbers and their money movements in one transaction: a payment's
    `payments_execute` runs on this unit of work's own connection, so the movement and the
    invoice becoming paid commit together or not at all."""

    invoices: SqlInvoices
    ledger: SqlLedger
    document_numbers: SqlDocumentNumbers
    movements: SqlMovements

    def __enter__(self) -> Self:
        super().__enter__()
        self.invoices = SqlInvoices(self.session)
        self.ledger = SqlLedger(self.session)
        self.document_numbers = SqlDocumentNumbers(self.session)
        self.movements = SqlMovements(within(self.session))
        return self

    def commit(self) -> None:
        """The invoices' changes, then their events into the outbox, then one commit."""
        self.invoices.save_changes()
        publish_new_events(self, self.invoices.seen)
        super().commit()
