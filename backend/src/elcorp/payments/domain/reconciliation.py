"""Reconciliation of the ledger against a bank statement. Pure: the store reads the
ledger's deposits and withdrawals, the API takes the statement file.

A statement is CSV with a header naming the columns `date, reference, amount, currency`
(any order, any case; other columns are ignored). `amount` is signed as the bank writes
it: money received is positive (our deposits, clearing -> wallet), money paid out negative
(our withdrawals). Every malformed row is reported by its line number, all of them at once,
and then nothing is reconciled: a statement is taken whole or not at all.

Matching: a statement line and a ledger movement match when reference, amount and currency
are equal; each is matched at most once (a reference repeated on the statement matches one
movement, the other line stays unmatched). What is left is `unmatched_in_bank` (money the
bank saw that the ledger has not booked) and `unmatched_in_ledger` (bookings the bank has
not seen).
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from elcorp.shared.domain.clock import EARLIEST_BUSINESS_YEAR, LATEST_BUSINESS_YEAR, within_business_years
from elcorp.shared.domain.errors import ValidationFailed
from elcorp.shared.domain.money import decimal_from_text

COLUMNS = ("date", "reference", "amount", "currency")
MAX_LINES = 100_000
MAX_REFERENCE = 100
MAX_PROBLEMS = 100  # reported; the count of all of them is in the message
STATEMENT_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class StatementMalformed(ValidationFailed):
    code = "REC_001"
    default_message = "The bank statement has malformed rows; nothing was reconciled"


@dataclass(frozen=True, slots=True)
class StatementLine:
    line: int  # 1-based line of the file (the header is line 1)
    on: date
    reference: str
    amount: Decimal
    currency: str


@dataclass(frozen=True, slots=True)
class LedgerMovement:
    transaction_id: uuid.UUID
    reference: str
    amount: Decimal  # signed as the bank sees it: deposits +, withdrawals -
    currency: str
    on: date


@dataclass(frozen=True, slots=True)
class Reconciliation:
    matched: list[tuple[StatementLine, LedgerMovement]]
    unmatched_in_bank: list[StatementLine]
    unmatched_in_ledger: list[LedgerMovement]


def _parse_row(number: int, row: dict[str, str]) -> StatementLine | list[str]:
    """The row's statement line, or what is wrong with it."""
    problems: list[str] = []
    raw_date, reference = row["date"].strip(), row["reference"].strip()
    raw_amount, currency = row["amount"].strip(), row["currency"].strip().upper()
    on: date | None = None
    try:
        if STATEMENT_DATE.fullmatch(raw_date) is None:
            raise ValueError(raw_date)
        on = date.fromisoformat(raw_date)
    except ValueError:
        problems.append(f"date {raw_date!r} is not YYYY-MM-DD")
    if on is not None and not within_business_years(on.year):
        problems.append(f"date {raw_date!r} is outside {EARLIEST_BUSINESS_YEAR}-{LATEST_BUSINESS_YEAR}")
        on = None
    if not reference or len(reference) > MAX_REFERENCE:
        problems.append(f"reference must have 1 to {MAX_REFERENCE} characters")
    try:
        amount = decimal_from_text(raw_amount)
    except InvalidOperation:
        amount = Decimal(0)
    if not amount.is_finite() or amount == 0:
        problems.append(f"amount {raw_amount!r} is not a non-zero decimal number")
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        problems.append(f"currency {currency!r} is not an ISO 4217 code")
    if problems or on is None:
        return problems
    return StatementLine(number, on, reference, amount, currency)


def parse_statement(content: str) -> list[StatementLine]:
    """The statement's lines, or StatementMalformed listing every bad row as {line, message}."""
    reader = csv.reader(io.StringIO(content))
    try:
        header = next(reader)
    except StopIteration:
        raise StatementMalformed(details=[{"line": 1, "message": "the file is empty"}]) from None
    except csv.Error as exc:
        raise StatementMalformed(details=[{"line": 1, "message": f"not CSV: {exc}"}]) from exc
    names = [name.strip().lower() for name in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise StatementMalformed(
            details=[
                {
                    "line": 1,
                    "message": f"the header lacks {', '.join(missing)} (it needs {', '.join(COLUMNS)})",
                }
            ]
        )
    position = {c: names.index(c) for c in COLUMNS}
    lines: list[StatementLine] = []
    problems: list[dict[str, object]] = []
    try:
        for row in reader:
            number = reader.line_num
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(lines) + len(problems) >= MAX_LINES:
                problems.append({"line": number, "message": f"more than {MAX_LINES} rows"})
                break
            if len(row) < len(names):
                problems.append(
                    {"line": number, "message": f"{len(row)} fields, the header has {len(names)}"}
                )
                continue
            parsed = _parse_row(number, {c: row[i] for c, i in position.items()})
            if isinstance(parsed, StatementLine):
                lines.append(parsed)
            else:
                problems.append({"line": number, "message": "; ".join(parsed)})
    except csv.Error as exc:
        problems.append({"line": reader.line_num, "message": f"not CSV: {exc}"})
    if problems:
        raise StatementMalformed(
            f"{len(problems)} malformed row(s) in the bank statement; nothing was reconciled",
            details=problems[:MAX_PROBLEMS],
        )
    return lines


def reconcile(statement: Sequence[StatementLine], ledger: Sequence[LedgerMovement]) -> Reconciliation:
    """Match by (reference, amount, currency), each side at most once, in file and ledger order."""
    waiting: dict[tuple[str, Decimal, str], list[LedgerMovement]] = defaultdict(list)
    for movement in ledger:
        waiting[(movement.reference, movement.amount, movement.currency)].append(movement)
    matched, in_bank = [], []
    for line in statement:
        candidates = waiting.get((line.reference, line.amount, line.currency))
        if candidates:
            matched.append((line, candidates.pop(0)))
        else:
            in_bank.append(line)
    used = {id(movement) for _, movement in matched}
    in_ledger = [movement for movement in ledger if id(movement) not in used]
    return Reconciliation(matched, in_bank, in_ledger)


def paid_top_ups(
    statement: Sequence[StatementLine], pending: Sequence[LedgerMovement]
) -> list[tuple[StatementLine, LedgerMovement]]:
    """The pending top-ups (`on`: the business day the customer announced them) that
    statement lines pay: money received with the same reference, amount and currency, dated
    on or after that day (a payment the bank saw before anyone announced it is not claimed
    by a later announcement). Each line pays at most one top-up and each top-up is paid
    once, in file order."""
    waiting: dict[tuple[str, Decimal, str], list[LedgerMovement]] = defaultdict(list)
    for movement in pending:
        waiting[(movement.reference, movement.amount, movement.currency)].append(movement)
    paid = []
    for line in statement:
        if line.amount <= 0:
            continue
        candidates = waiting.get((line.reference, line.amount, line.currency), [])
        found = next((m for m in candidates if m.on <= line.on), None)
        if found is not None:
            candidates.remove(found)
            paid.append((line, found))
    return paid
