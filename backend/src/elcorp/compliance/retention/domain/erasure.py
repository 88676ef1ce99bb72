"""Erasure against retention (POPIA s14 and s24 against the Financial Intelligence Act 2012,
s26; DESIGN §7): which retention bases survive an erasure, until when, and on which legal
basis, in words the outcome notice can print.

- `account`, `consent`, `security`: no basis is left once the account is closed: erased.
- `fia_customer`: a customer's identification is kept for FIA years (default 5) after the
  business relationship ends (the erasure ends it), restricted and pseudonymised.
- `fia_transaction`: transaction records are kept for FIA years after the transaction
  (the latest one counts for the subject's restricted copy).
- `audit`: the audit trail references subjects by id only and stays as it is.

A subject with no financial records at all (never a customer in the Act's sense) keeps
nothing: every basis is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from elcorp.shared.domain.personal_data import RetentionBasis

KEPT_WHEN_CUSTOMER = frozenset({RetentionBasis.FIA_CUSTOMER.value, RetentionBasis.FIA_TRANSACTION.value})

LEGAL_BASES: dict[str, str] = {
    RetentionBasis.FIA_CUSTOMER.value: (
        "Financial Intelligence Act 2012 (Namibia), s26: customer identification records are kept "
        "for {years} years after the business relationship ends; restricted to that legal purpose "
        "(POPIA s14(1)(a) and s24(1))"
    ),
    RetentionBasis.FIA_TRANSACTION.value: (
        "Financial Intelligence Act 2012 (Namibia), s26: transaction records are kept for {years} years "
        "after the transaction; restricted to that legal purpose (POPIA s14(1)(a) and s24(1))"
    ),
    RetentionBasis.AUDIT.value: (
        "POPIA s14(1)(a) and s19 (security safeguards): the audit trail is kept and stays verifiable; "
        "it references the subject by id only"
    ),
}


@dataclass(frozen=True, slots=True)
class RetentionYears:
    """The Act's periods, configurable (RETENTION_FIA_CUSTOMER_YEARS, _TRANSACTION_YEARS)."""

    customer: int = 5
    transaction: int = 5


def add_years(day: date, years: int) -> date:
    """`day` plus whole years; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def kept_bases(has_financial_records: bool) -> frozenset[str]:
    """The retention bases that outlive the erasure of a subject."""
    return KEPT_WHEN_CUSTOMER if has_financial_records else frozenset()


def keep_until(
    basis: str, *, relationship_end: date, last_transaction: date | None, years: RetentionYears
) -> date | None:
    """When the kept records of `basis` are due for final disposal (None: not scheduled)."""
    if basis == RetentionBasis.FIA_CUSTOMER.value:
        return add_years(relationship_end, years.customer)
    if basis == RetentionBasis.FIA_TRANSACTION.value:
        return add_years(last_transaction or relationship_end, years.transaction)
    return None


def legal_basis(basis: str, years: RetentionYears) -> str:
    n = years.customer if basis == RetentionBasis.FIA_CUSTOMER.value else years.transaction
    return LEGAL_BASES.get(basis, "POPIA s14(1): retention required by law").format(years=n)


def pseudonym_label(digest_hex: str) -> str:
    """The stable pseudonym of an erased subject: `erased-` + 16 hex digits of a keyed hash
    of its id (a valid username, unique, and meaningless without the key)."""
    return f"erased-{digest_hex[:16]}"
