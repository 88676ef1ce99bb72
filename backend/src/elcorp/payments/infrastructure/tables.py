"""Payments tables (migration 0013_payments_ledger holds the triggers and functions)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare

MONEY = Numeric(20, 8, asdecimal=True)


def timestamp(name: str, nullable: bool = True, server_default: Any = None) -> Column:
    """A timestamptz column (UTC)."""
    return Column(name, DateTime(timezone=True), nullable=nullable, server_default=server_default)


account = Table(
    "account",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("owner_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT")),
    Column("kind", Text, nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("address", Uuid),
    Column("balance", MONEY, nullable=False, server_default=text("0")),
    Column("held", MONEY, nullable=False, server_default=text("0")),
    Column("allow_negative", Boolean, nullable=False, server_default=text("false")),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Column("postings", BigInteger, nullable=False, server_default=text("0")),
    Column("last_hash", Text),
    timestamp("created_at", False, server_default=func.now()),
    Index(
        "uq_account_address", "address", "currency", unique=True, postgresql_where=text("address IS NOT NULL")
    ),
    UniqueConstraint("id", "currency", name="uq_account_id_currency"),
    UniqueConstraint("id", "owner_id", name="uq_account_id_owner_id"),
    Index(
        "uq_account_system",
        "kind",
        "currency",
        unique=True,
        postgresql_where=text("kind IN ('clearing', 'fees', 'suspense')"),
    ),
    Index("uq_account_wallet", "owner_id", "currency", unique=True, postgresql_where=text("kind = 'wallet'")),
    comment="Ledger accounts (payments): wallets, system and vehicle accounts, cached balances.",
)
# Personal information (POPIA s17): transaction records the Financial Intelligence Act 2012
# requires to keep. They reference people only through the wallet's pseudonymous address
# and owner id, so erasure keeps them, restricted, and cuts the link to the person.
WALLET_ADDRESS = PersonalData(
    category="user.identity.wallet_address",
    purpose="address payments to the account holder's wallet (a pseudonymous identifier)",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
BALANCE = PersonalData(
    category="financial.account.balance",
    purpose="keep the wallet's balance and what is held on it",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
AMOUNT = PersonalData(
    category="financial.transaction.amount",
    purpose="move money and keep the transaction record (FIA 2012: 5 years after the transaction)",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
TRANSACTION_TEXT = PersonalData(
    category="financial.transaction.description",
    purpose="move money and keep the transaction record (FIA 2012: 5 years after the transaction); "
    "the payer's words to the payee and staff's reasons",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
TRANSACTION_REFERENCE = PersonalData(
    category="financial.transaction.reference",
    purpose="move money and keep the transaction record (FIA 2012: 5 years after the transaction); "
    "the bank's reference, which may name the payer",
    classification=Classification.CONFIDENTIAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
declare("payments", account, "address", WALLET_ADDRESS)
declare("payments", account, "balance", BALANCE)
declare("payments", account, "held", BALANCE)

payment_transaction = Table(
    "payment_transaction",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("fee", MONEY, nullable=False, server_default=text("0")),
    Column("currency", CHAR(3), nullable=False),
    Column("source_account_id", Uuid, ForeignKey("account.id"), nullable=False),
    Column("destination_account_id", Uuid, ForeignKey("account.id"), nullable=False),
    Column("description", Text),
    Column("external_reference", Text),
    Column("initiated_by", Uuid, ForeignKey("user_account.id"), nullable=False),
    Column("decided_by", Uuid, ForeignKey("user_account.id")),
    timestamp("decided_at"),
    Column("decision_reason", Text),
    Column("reversal_of", Uuid, ForeignKey("payment_transaction.id")),
    Column("reversed_amount", MONEY, nullable=False, server_default=text("0")),
    Column(
        "unique_reference",
        Boolean,
        nullable=False,
        server_default=text("false"),
        comment="A deposit or withdrawal whose external reference is unique on its clearing account "
        "and direction.",
    ),
    timestamp("expires_at"),
    timestamp("reminded_at"),
    timestamp("created_at", False, server_default=func.now()),
    timestamp("completed_at"),
    Index("ix_payment_transaction_created_at", text("created_at DESC"), text("id DESC")),
    Index("ix_payment_transaction_destination", "destination_account_id", text("created_at DESC")),
    Index(
        "ix_payment_transaction_external_completed",
        "completed_at",
        postgresql_where=text("(type IN ('deposit', 'withdrawal')) AND (completed_at IS NOT NULL)"),
    ),
    Index(
        "ix_payment_transaction_pending", "expires_at", postgresql_where=text("status = 'pending_approval'")
    ),
    Index("ix_payment_transaction_source", "source_account_id", text("created_at DESC")),
    Index(
        "ix_payment_transaction_staff_day",
        "initiated_by",
        "created_at",
        postgresql_where=text("type IN ('deposit', 'withdrawal', 'reversal')"),
    ),
    Index(
        "uq_payment_transaction_clearing_reference",
        "currency",
        "type",
        text("upper(btrim(COALESCE(external_reference, '')))"),
        unique=True,
        postgresql_where=text("unique_reference AND (status IN ('pending_approval', 'completed'))"),
    ),
)
declare("payments", payment_transaction, "amount", AMOUNT)
declare("payments", payment_transaction, "fee", AMOUNT)
declare("payments", payment_transaction, "description", TRANSACTION_TEXT)
declare("payments", payment_transaction, "decision_reason", TRANSACTION_TEXT)
declare("payments", payment_transaction, "external_reference", TRANSACTION_REFERENCE)

journal_entry = Table(
    "journal_entry",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("transaction_id", Uuid, ForeignKey("payment_transaction.id"), nullable=False),
    timestamp("created_at", False, server_default=func.now()),
    Index("ix_journal_entry_transaction_id", "transaction_id"),
)

posting = Table(
    "posting",
    metadata,
    Column("id", BigInteger, primary_key=True),
    Column("journal_entry_id", Uuid, ForeignKey("journal_entry.id"), nullable=False),
    Column("account_id", Uuid, nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("account_seq", BigInteger, nullable=False),
    Column("prev_hash", Text),
    Column("hash", Text, nullable=False),
    timestamp("created_at", False, server_default=func.now()),
    Index("ix_posting_journal_entry_id", "journal_entry_id"),
    UniqueConstraint("account_id", "account_seq", name="uq_posting_account_seq"),
    ForeignKeyConstraint(
        ["account_id", "currency"], ["account.id", "account.currency"], name="fk_posting_account"
    ),
)
declare("payments", posting, "amount", AMOUNT)

hold = Table(
    "hold",
    metadata,
    Column("id", Uuid, primary_key=True, server_default=text("gen_random_uuid()")),
    Column("transaction_id", Uuid, ForeignKey("payment_transaction.id"), nullable=False),
    Column("account_id", Uuid, ForeignKey("account.id"), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    timestamp("created_at", False, server_default=func.now()),
    timestamp("closed_at"),
    Index(
        "uq_hold_transaction_active",
        "transaction_id",
        unique=True,
        postgresql_where=text("status = 'active'"),
    ),
)
declare("payments", hold, "amount", AMOUNT)

idempotency_key = Table(
    "idempotency_key",
    metadata,
    Column("owner_id", Uuid, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("request_hash", Text, nullable=False),
    Column("transaction_id", Uuid, ForeignKey("payment_transaction.id")),
    Column("status_code", Integer, nullable=False),
    Column("response", JSONB, nullable=False),
    timestamp("created_at", False, server_default=func.now()),
    timestamp("expires_at", False),
    Index("ix_idempotency_key_expires_at", "expires_at"),
)
