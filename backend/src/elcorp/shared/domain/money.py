"""Money: a Decimal amount in an ISO 4217 currency. Floats are refused, never rounded in.

Amounts keep up to 8 decimal places (NUMERIC(20,8) in PostgreSQL, DESIGN.md section 5);
arithmetic between different currencies is an error, not a silent conversion.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from elcorp.shared.domain.errors import InvalidMoney

DEFAULT_CURRENCY = "NAD"
SCALE = 8
MAX_INTEGER_DIGITS = 12  # NUMERIC(20,8): 20 digits in all, 8 after the point
_QUANTUM = Decimal(1).scaleb(-SCALE)

# ISO 4217 codes the platform accepts. Namibia's dollar is pegged 1:1 to the rand (ZAR).
SUPPORTED_CURRENCIES = frozenset({"NAD", "ZAR", "USD", "EUR", "GBP", "BWP"})

# Decimal's own syntax, in ASCII digits only: `Decimal()` also reads Arabic-Indic
# ("\u0661\u0660"), full-width ("\uff11\uff10") and every other Unicode digit, and
# underscores ("1_000").
_ASCII_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def decimal_from_text(text: str) -> Decimal:
    """The decimal a person or a file wrote, in ASCII digits only: an amount must read the same
    to every system it reaches (a bank file, a spreadsheet, an auditor's script), so a string
    Python alone would read as a number (Arabic-Indic "\u0661\u0660" is 10 to `Decimal`) is refused with
    InvalidOperation, like any other non-number."""
    if not isinstance(text, str) or _ASCII_DECIMAL.fullmatch(text) is None:
        raise InvalidOperation(f"{text!r} is not a decimal written in ASCII digits")
    return Decimal(text)


@dataclass(frozen=True, slots=True)
class Money:
    """An exact amount of one currency."""

    amount: Decimal
    currency: str = DEFAULT_CURRENCY

    def __post_init__(self) -> None:
        amount = self.amount
        if isinstance(amount, bool) or not isinstance(amount, Decimal):
            raise InvalidMoney("Amount must be a decimal string or Decimal, never a float")
        if not amount.is_finite():
            raise InvalidMoney("Amount must be a finite number")
        if amount != amount.quantize(_QUANTUM, rounding="ROUND_DOWN"):
            raise InvalidMoney(f"Amount has more than {SCALE} decimal places")
        if amount.adjusted() >= MAX_INTEGER_DIGITS:
            raise InvalidMoney(f"Amount has more than {MAX_INTEGER_DIGITS} integer digits")
        currency = self.currency.upper() if isinstance(self.currency, str) else ""
        if currency not in SUPPORTED_CURRENCIES:
            raise InvalidMoney(f"Unsupported currency {self.currency!r}")
        object.__setattr__(self, "currency", currency)

    @classmethod
    def of(cls, amount: str | int | Decimal, currency: str = DEFAULT_CURRENCY) -> Money:
        """Parse an amount given as a string, int or Decimal (a float raises InvalidMoney)."""
        if isinstance(amount, bool | float):
            raise InvalidMoney("Amount must be a decimal string or Decimal, never a float")
        try:
            value = amount if isinstance(amount, Decimal) else decimal_from_text(str(amount).strip())
        except (InvalidOperation, ValueError) as exc:
            raise InvalidMoney(f"{amount!r} is not a decimal amount") from exc
        return cls(value, currency)

    @classmethod
    def zero(cls, currency: str = DEFAULT_CURRENCY) -> Money:
        return cls(Decimal(0), currency)

    def _same_currency(self, other: Money) -> None:
        if self.currency != other.currency:
            raise InvalidMoney(f"Cannot combine {self.currency} with {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same_currency(other)
        return self.amount <= other.amount

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def to_json(self) -> str:
        """The JSON form: a plain decimal string with at least two decimals, e.g. "12.50"."""
        normalized = self.amount.normalize()
        exponent = normalized.as_tuple().exponent
        if isinstance(exponent, int) and exponent > -2:
            normalized = normalized.quantize(Decimal("0.01"))
        return f"{normalized:f}"

    def __str__(self) -> str:
        return f"{self.to_json()} {self.currency}"
