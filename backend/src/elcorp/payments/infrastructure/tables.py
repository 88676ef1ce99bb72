"""Payments tables (migration 0013_payments_ledger holds the triggers and functions)."""

from __future__ import annotations

from sqlalchemy import (
    CHAR,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    Numeric,
    Table,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import JSONB

from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare

MONEY = Numeric(20, 8, asdecimal=True)


def timestamp(name: str, nullable: bool = True) -> Column:
    """A timestamptz column (UTC)."""
    return Column(name, DateTime(timezone=True), nullable=nullable)


account = Table(
    "account",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("owner_id", Uuid, ForeignKey("user_account.id")),
    Column("kind", Text, nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("address", Uuid),
    Column("balance", MONEY, nullable=False),
    Column("held", MONEY, nullable=False),
    Column("allow_negative", Boolean, nullable=False),
    Column("status", Text, nullable=False),
    Column("postings", BigInteger, nullable=False),
    Column("last_hash", Text),
    timestamp("created_at", False),
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
    Column("fee", MONEY, nullable=False),
    Column("currency", CHAR(3), nullable=False),
    Column("source_account_id", Uuid, ForeignKey("account.id"), nullable=False),
    Column("destination_account_id", Uuid, ForeignKey("account.id"), nullable=False),
    Column("description", Text),
    Column("external_reference", Text),
    Column("initiated_by", Uuid, nullable=False),
    Column("decided_by", Uuid),
    timestamp("decided_at"),
    Column("decision_reason", Text),
    Column("reversal_of", Uuid),
    Column("reversed_amount", MONEY, nullable=False),
    timestamp("expires_at"),
    timestamp("reminded_at"),
    timestamp("created_at", False),
    timestamp("completed_at"),
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
    timestamp("created_at", False),
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
    timestamp("created_at", False),
)
declare("payments", posting, "amount", AMOUNT)

hold = Table(
    "hold",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("transaction_id", Uuid, ForeignKey("payment_transaction.id"), nullable=False),
    Column("account_id", Uuid, ForeignKey("account.id"), nullable=False),
    Column("amount", MONEY, nullable=False),
    Column("status", Text, nullable=False),
    timestamp("created_at", False),
    timestamp("closed_at"),
)
declare("payments", hold, "amount", AMOUNT)

idempotency_key = Table(
    "idempotency_key",
    metadata,
    Column("owner_id", Uuid, primary_key=True),
    Column("key", Text, primary_key=True),
    Column("request_hash", Text, nullable=False),
    Column("transaction_id", Uuid),
    Column("status_code", Integer, nullable=False),
    Column("response", JSONB, nullable=False),
    timestamp("created_at", False),
    timestamp("expires_at", False),
)
