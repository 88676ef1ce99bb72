"""Personal information as the platform declares it (POPIA): every column that holds
personal information is declared once, next to its table, with what it is, why it is held,
how sensitive it is, how long it must be kept and how it is disposed of. The data
inventory, the PAIA manual, erasure and retention are all derived from these declarations,
so they cannot drift from the schema.

Retention bases (why a value may or must be kept):

- `account`: needed to provide the service the subject signed up for (POPIA s11(1)(b));
  nothing left once the account is closed and erased.
- `fia_customer`: customer identification under Namibia's Financial Intelligence Act 2012
  (s26): kept 5 years after the business relationship ends, restricted meanwhile.
- `fia_transaction`: transaction records under the same Act: kept 5 years after the
  transaction, restricted meanwhile.
- `security`: security records (sessions, devices, sign-in evidence): kept for a short,
  fixed period to protect the subject and the platform (s11(1)(d)/(f)).
- `consent`: held only while the subject's consent for the purpose stands (s11(1)(a)).
- `audit`: the audit trail, which must stay verifiable; it references subjects by id, never
  by personal values.

Pure: imports nothing but the standard library.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Classification(StrEnum):
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    RESTRICTED = "restricted"  # special personal information (s26) or financial secrets


class RetentionBasis(StrEnum):
    ACCOUNT = "account"
    FIA_CUSTOMER = "fia_customer"
    FIA_TRANSACTION = "fia_transaction"
    SECURITY = "security"
    CONSENT = "consent"
    AUDIT = "audit"


class Disposal(StrEnum):
    """What erasure or the end of retention does to the value."""

    DELETE = "delete"  # the row or value is removed
    ANONYMISE = "anonymise"  # replaced by a value that identifies no one
    CRYPTO_SHRED = "crypto_shred"  # an encrypted value whose key or ciphertext is destroyed
    PSEUDONYMISE = "pseudonymise"  # replaced by a stable pseudonym; the record itself is kept


@dataclass(frozen=True, slots=True)
class PersonalData:
    """The declaration of one column that holds personal information."""

    category: str  # dotted, e.g. `user.contact.email`
    purpose: str  # why it is processed, in the words of the processing register
    classification: Classification
    retention: RetentionBasis
    disposal: Disposal
    special: bool = False  # special personal information (POPIA s26)


@dataclass(frozen=True, slots=True)
class DeclaredColumn:
    """A declaration placed on its table's column."""

    context: str  # the bounded context that owns the table
    table: str
    column: str
    data: PersonalData
