"""In-memory fakes of the invoices' and vehicle transfers' ports, for unit tests of the
aggregates' use cases without PostgreSQL.

Each fake unit of work behaves like the SQL one where a use case can tell: the store hands
out copies, so nothing a use case changes is kept unless it commits; commit stores what the
aggregates it saw now say and publishes the events they recorded; leaving without commit
keeps nothing, document numbers included (they are gap-free).
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any, Self

from elcorp.governance.application.api import AccessControl, Grants, Scope
from elcorp.payments.application.invoices import InvoiceService, InvoiceSettings, PlatformBusiness
from elcorp.payments.application.ports import Account, InvoiceFilter, MovementOutcome, Transaction
from elcorp.payments.application.vehicle_ports import (
    Direction,
    OfferFilter,
    OwnershipPeriod,
    Vehicle,
    VehicleDetails,
    VehicleOffer,
    VehicleSummary,
)
from elcorp.payments.application.vehicles import VehicleRegistry
from elcorp.payments.domain.invoice import CreditNote, Invoice, Issuer, Receipt
from elcorp.payments.domain.invoices import InvoiceStatus
from elcorp.payments.domain.vehicle_ownership import OwnershipTransfer, TransferStatus
from elcorp.payments.domain.vehicles import IdentifierType
from elcorp.shared.application.unit_of_work import SeenAggregates, publish_new_events
from elcorp.shared.domain.errors import NotFound
from support.fakes import FakeClock, FakeGrantsCache, FakeUnitOfWork

NAD = "NAD"
START = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
PLATFORM = PlatformBusiness(name="Elcorp Namibia (Pty) Ltd", address="Windhoek", vat_number="99-000-0001")


class Roles:
    """Who holds what: the real `AccessControl`, reading grants from this dict."""

    def __init__(self) -> None:
        self.grants: dict[uuid.UUID, Grants] = {}
        self.access = AccessControl(self._load, FakeGrantsCache(), mfa_enforced=False)

    def _load(self, user_id: uuid.UUID) -> Grants:
        return self.grants.get(user_id, Grants(frozenset(), {}))

    def give(self, user_id: uuid.UUID, role: str, **scopes: Scope) -> uuid.UUID:
        """`scopes` by permission with `_` for `:` (`invoice_read=Scope.ALL`)."""
        permissions = {name.replace("_", ":", 1): scope for name, scope in scopes.items()}
        self.grants[user_id] = Grants(frozenset({role}), permissions)
        return user_id


# -- invoices --------------------------------------------------------------------------------
@dataclass
class InvoiceBook:
    """What the database holds for invoices: committed state only."""

    issuers: dict[uuid.UUID, Issuer] = field(default_factory=dict)
    invoices: dict[uuid.UUID, Invoice] = field(default_factory=dict)
    notes: list[tuple[CreditNote, str | None]] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    reminded: dict[uuid.UUID, datetime] = field(default_factory=dict)
    counters: dict[tuple[uuid.UUID, str, int], int] = field(default_factory=dict)


class FakeInvoices:
    """The invoice repository over an `InvoiceBook`: copies out, writes back at commit."""

    def __init__(self, book: InvoiceBook) -> None:
        self._book = book
        self.seen: SeenAggregates[Invoice] = SeenAggregates()
        self._issuers: list[Issuer] = []
        self._notes: list[tuple[CreditNote, str | None]] = []
        self._receipts: list[Receipt] = []
        self._reminded: dict[uuid.UUID, datetime] = {}

    def _out(self, found: Invoice | None) -> Invoice | None:
        return None if found is None else self.seen.add(copy.deepcopy(found))

    def platform_issuer(self, name: str, address: str, vat_number: str | None) -> Issuer:
        platform = next((i for i in self._all_issuers() if i.is_platform), None)
        if platform is None:
            platform = Issuer(uuid.uuid4(), name, address, vat_number, None, True, START)
        else:
            platform = replace(platform, name=name, address=address, vat_number=vat_number)
        self._issuers.append(platform)
        return platform

    def _all_issuers(self) -> list[Issuer]:
        merged = dict(self._book.issuers)
        merged.update({i.id: i for i in self._issuers})
        return list(merged.values())

    def add_issuer(self, issuer: Issuer) -> None:
        self._issuers.append(issuer)

    def issuer(self, issuer_id: uuid.UUID) -> Issuer | None:
        return next((i for i in self._all_issuers() if i.id == issuer_id), None)

    def issuers(self) -> list[Issuer]:
        return sorted(self._all_issuers(), key=lambda i: (not i.is_platform, i.name))

    def add(self, invoice: Invoice) -> None:
        self.seen.add(invoice)

    def get(self, invoice_id: uuid.UUID, *, lock: bool = False) -> Invoice | None:
        return self._out(self._book.invoices.get(invoice_id))

    def by_payment(self, transaction_id: uuid.UUID, *, lock: bool = False) -> Invoice | None:
        found = (i for i in self._book.invoices.values() if i.payment_transaction_id == transaction_id)
        return self._out(next(found, None))

    def search(self, where: InvoiceFilter, *, offset: int, limit: int) -> tuple[list[Invoice], int]:
        found = [
            i
            for i in sorted(self._book.invoices.values(), key=lambda i: i.created_at, reverse=True)
            if (where.payer_id is None or i.payer_id == where.payer_id)
            and (where.issuer_id is None or i.issuer_id == where.issuer_id)
            and (where.status is None or i.status == where.status)
        ]
        return [copy.deepcopy(i) for i in found[offset : offset + limit]], len(found)

    def add_credit_note(self, note: CreditNote, *, refund_key: str | None = None) -> None:
        self._notes.append((note, refund_key))

    def credit_notes(self, invoice_id: uuid.UUID) -> list[CreditNote]:
        return [n for n, _ in self._book.notes + self._notes if n.invoice_id == invoice_id]

    def credit_note_by_refund_key(self, invoice_id: uuid.UUID, key: str) -> CreditNote | None:
        notes = self._book.notes + self._notes
        return next((n for n, k in notes if n.invoice_id == invoice_id and k == key), None)

    def add_receipt(self, receipt: Receipt) -> None:
        self._receipts.append(receipt)

    def receipt_for(self, transaction_id: uuid.UUID) -> Receipt | None:
        return next((r for r in self._book.receipts if r.transaction_id == transaction_id), None)

    def receipt_of(self, invoice_id: uuid.UUID) -> Receipt | None:
        return next((r for r in self._book.receipts if r.invoice_id == invoice_id), None)

    def claim_overdue(self, today: date, now: datetime, every: timedelta, limit: int) -> list[Invoice]:
        due = [
            i
            for i in sorted(self._book.invoices.values(), key=lambda i: (i.due_date or today, str(i.id)))
            if i.status is InvoiceStatus.ISSUED
            and i.due_date is not None
            and i.due_date < today
            and (i.id not in self._book.reminded or self._book.reminded[i.id] <= now - every)
        ][:limit]
        self._reminded.update({i.id: now for i in due})
        return [self.seen.add(copy.deepcopy(i)) for i in due]

    def write(self) -> None:
        """What commit makes durable."""
        for found in self.seen:
            self._book.invoices[found.id] = copy.deepcopy(replace(found, events=[]))
        self._book.issuers.update({i.id: i for i in self._issuers})
        self._book.notes.extend(self._notes)
        self._book.receipts.extend(self._receipts)
        self._book.reminded.update(self._reminded)


class FakeLedger:
    """Wallets, system accounts and the transactions movements made."""

    def __init__(self) -> None:
        self.wallets: list[Account] = []
        self.system: dict[tuple[str, str], uuid.UUID] = {("revenue", NAD): uuid.uuid4()}
        self.transactions: dict[uuid.UUID, Transaction] = {}

    def open(self, owner_id: uuid.UUID, currency: str = NAD) -> Account:
        wallet = Account(
            uuid.uuid4(), owner_id, "wallet", currency, None, Decimal(0), Decimal(0), "active", START
        )
        self.wallets.append(wallet)
        return wallet

    def system_account(self, kind: str, currency: str) -> uuid.UUID:
        try:
            return self.system[(kind, currency)]
        except KeyError:
            raise NotFound(f"No {kind} account in {currency}") from None

    def wallets_of(self, owner_id: uuid.UUID) -> list[Account]:
        return [w for w in self.wallets if w.owner_id == owner_id]

    def transaction(self, transaction_id: uuid.UUID) -> Transaction | None:
        return self.transactions.get(transaction_id)


@dataclass(frozen=True)
class Move:
    """A movement as the fake `Payments` prepares it (the fake store reads only this)."""

    kind: str
    caller: uuid.UUID
    key: str | None
    body: dict[str, Any]
    source: uuid.UUID
    destination: uuid.UUID
    amount: Decimal
    currency: str
    description: str
    reversal_of: uuid.UUID | None = None


class FakePayments:
    """The part of `Payments` invoices use: preparing a transfer or a reversal."""

    def __init__(self) -> None:
        self.prepared: list[Move] = []

    def prepare_transfer(
        self, caller, *, key, body, source, destination, amount, description, external_reference=None
    ):
        move = Move(
            "transfer", caller, key, body, source, destination, amount.amount, amount.currency, description
        )
        self.prepared.append(move)
        return move, "audit"

    def prepare_reversal(self, caller, *, key, body, original, amount, reason):
        move = Move(
            "reversal",
            caller,
            key,
            body,
            original.destination_account_id,
            original.source_account_id,
            amount.amount,
            amount.currency,
            reason,
            original.id,
        )
        self.prepared.append(move)
        return move, "audit"


class FakeMovements:
    """Runs a movement at once (`completed`) or holds it for approval (`pending` when
    `hold` is set); a key used before answers its first transaction, replayed."""

    def __init__(self, ledger: FakeLedger) -> None:
        self._ledger = ledger
        self.hold = False
        self.by_key: dict[str | None, uuid.UUID] = {}
        self.executed: list[Move] = []

    def execute(self, request: Move, audit: object) -> MovementOutcome:
        if request.key is not None and request.key in self.by_key:
            return MovementOutcome(self._ledger.transactions[self.by_key[request.key]], replayed=True)
        self.executed.append(request)
        made = _transaction(request, "pending" if self.hold else "completed")
        self._ledger.transactions[made.id] = made
        self.by_key[request.key] = made.id
        return MovementOutcome(made, replayed=False)


def _transaction(move: Move, status: str) -> Transaction:
    return Transaction(
        id=uuid.uuid4(),
        type=move.kind,
        status=status,
        amount=move.amount,
        fee=Decimal(0),
        currency=move.currency,
        source_account_id=move.source,
        destination_account_id=move.destination,
        description=move.description,
        external_reference=None,
        initiated_by=move.caller,
        decided_by=None,
        decided_at=None,
        decision_reason=None,
        reversal_of=move.reversal_of,
        reversed_amount=Decimal(0),
        expires_at=None,
        created_at=START,
        completed_at=START if status == "completed" else None,
    )


class FakeDocumentNumbers:
    def __init__(self, book: InvoiceBook) -> None:
        self._book = book
        self.taken: dict[tuple[uuid.UUID, str, int], int] = {}

    def next(self, issuer_id: uuid.UUID, series: str, year: int) -> int:
        key = (issuer_id, series, year)
        self.taken[key] = self.taken.get(key, self._book.counters.get(key, 0)) + 1
        return self.taken[key]


class FakeInvoicesUnitOfWork(FakeUnitOfWork):
    def __init__(self, book: InvoiceBook, ledger: FakeLedger, movements: FakeMovements) -> None:
        super().__init__()
        self.book = book
        self.ledger = ledger
        self.movements = movements
        self.invoices = FakeInvoices(book)
        self.document_numbers = FakeDocumentNumbers(book)

    def __enter__(self) -> Self:
        super().__enter__()
        self.invoices = FakeInvoices(self.book)
        self.document_numbers = FakeDocumentNumbers(self.book)
        return self

    def commit(self) -> None:
        publish_new_events(self, self.invoices.seen)
        self.invoices.write()
        self.book.counters.update(self.document_numbers.taken)
        super().commit()


class FakePeople:
    def __init__(self) -> None:
        self.active: dict[uuid.UUID, str] = {}

    def add(self, name: str) -> uuid.UUID:
        user_id = uuid.uuid4()
        self.active[user_id] = name
        return user_id

    def names(self, user_ids) -> dict[uuid.UUID, str]:
        return {u: self.active[u] for u in user_ids if u in self.active}

    def active_among(self, user_ids) -> frozenset[uuid.UUID]:
        return frozenset(u for u in user_ids if u in self.active)


class FakeDocuments:
    def tax_invoice(self, invoice: Invoice) -> bytes:
        return f"tax invoice {invoice.number}".encode()

    def receipt(self, receipt: Receipt, invoice: Invoice) -> bytes:
        return f"receipt {receipt.number} of {invoice.number}".encode()


@dataclass
class InvoicingWorld:
    """An `InvoiceService` over the fakes, with the people, roles and wallets it needs."""

    clock: FakeClock = field(default_factory=lambda: FakeClock(START))
    book: InvoiceBook = field(default_factory=InvoiceBook)
    ledger: FakeLedger = field(default_factory=FakeLedger)
    roles: Roles = field(default_factory=Roles)
    people: FakePeople = field(default_factory=FakePeople)
    payments: FakePayments = field(default_factory=FakePayments)
    uow: FakeInvoicesUnitOfWork = field(init=False)
    service: InvoiceService = field(init=False)

    def __post_init__(self) -> None:
        self.movements = FakeMovements(self.ledger)
        self.uow = FakeInvoicesUnitOfWork(self.book, self.ledger, self.movements)
        self.service = InvoiceService(
            lambda: self.uow,
            self.payments,  # type: ignore[arg-type]
            self.roles.access,
            self.people,
            FakeDocuments(),
            InvoiceSettings(business=PLATFORM),
            clock=self.clock,
        )

    def staff(self) -> uuid.UUID:
        user = self.people.add("Staff Member")
        return self.roles.give(
            user, "staff", invoice_create=Scope.ALL, invoice_read=Scope.ALL, invoice_manage=Scope.ALL
        )

    def customer(self, name: str = "Ndapewa Shikongo", *, wallet: bool = True) -> uuid.UUID:
        user = self.people.add(name)
        self.roles.give(user, "user", invoice_read=Scope.OWN)
        if wallet:
            self.ledger.open(user)
        return user

    def business_owner(self) -> uuid.UUID:
        user = self.people.add("Shop Owner")
        self.roles.give(
            user, "user", invoice_create=Scope.OWN, invoice_read=Scope.OWN, invoice_manage=Scope.OWN
        )
        self.ledger.open(user)
        return user

    def draft(
        self, caller: uuid.UUID, payer: uuid.UUID, *lines: tuple[str, str, str], **more: Any
    ) -> Invoice:
        return self.service.create(
            caller, payer_id=payer, currency=NAD, lines=list(lines) or [("Service", "1", "100.00")], **more
        )

    def issued(
        self, caller: uuid.UUID, payer: uuid.UUID, *lines: tuple[str, str, str], **more: Any
    ) -> Invoice:
        return self.service.issue(caller, self.draft(caller, payer, *lines, **more).id)


# -- vehicles --------------------------------------------------------------------------------
@dataclass
class Garage:
    """What the database holds for vehicles: committed state only."""

    vehicles: dict[uuid.UUID, Vehicle] = field(default_factory=dict)
    transfers: dict[uuid.UUID, OwnershipTransfer] = field(default_factory=dict)
    periods: dict[uuid.UUID, list[OwnershipPeriod]] = field(default_factory=dict)

    def park(self, owner_id: uuid.UUID, identifier: str = "SV30-0169266") -> Vehicle:
        found = Vehicle(
            id=uuid.uuid4(),
            identifier=identifier,
            identifier_type=IdentifierType.CHASSIS,
            check_digit_valid=None,
            manufacturer=None,
            country=None,
            model_year=None,
            details=VehicleDetails(),
            owner_id=owner_id,
            account_id=uuid.uuid4(),
            status="active",
            registered_by=owner_id,
            created_at=START,
        )
        self.vehicles[found.id] = found
        self.periods[found.id] = [OwnershipPeriod(owner_id, START, None, None)]
        return found


class FakeVehicles:
    """The vehicle store; ownership moves at once (as the SQL store does inside the
    transaction) and is kept only if the unit of work commits."""

    def __init__(self, garage: Garage, clock: FakeClock) -> None:
        self._garage = garage
        self._clock = clock
        self.moved: dict[uuid.UUID, tuple[uuid.UUID, uuid.UUID]] = {}

    def register(self, vehicle: Any) -> Vehicle | None:
        raise NotImplementedError("registration is exercised against PostgreSQL")

    def by_identifier(self, identifier: str, *, lock: bool = False) -> Vehicle | None:
        found = next((v for v in self._garage.vehicles.values() if v.identifier == identifier), None)
        if found is not None and found.id in self.moved:
            found = replace(found, owner_id=self.moved[found.id][0])
        return found

    def by_id(self, vehicle_id: uuid.UUID) -> Vehicle | None:
        return self._garage.vehicles.get(vehicle_id)

    def search(self, owner_id: uuid.UUID | None, *, offset: int, limit: int) -> tuple[list[Vehicle], int]:
        found = [v for v in self._garage.vehicles.values() if owner_id is None or v.owner_id == owner_id]
        return found[offset : offset + limit], len(found)

    def change_owner(self, vehicle_id: uuid.UUID, new_owner: uuid.UUID, transfer_id: uuid.UUID) -> datetime:
        self.moved[vehicle_id] = (new_owner, transfer_id)
        return self._clock.now()

    def history(self, vehicle_id: uuid.UUID) -> list[OwnershipPeriod]:
        return list(self._garage.periods[vehicle_id])

    def write(self) -> None:
        at = self._clock.now()
        for vehicle_id, (owner, transfer_id) in self.moved.items():
            self._garage.vehicles[vehicle_id] = replace(self._garage.vehicles[vehicle_id], owner_id=owner)
            periods = self._garage.periods[vehicle_id]
            periods[-1] = replace(periods[-1], ended_at=at)
            periods.append(OwnershipPeriod(owner, at, None, transfer_id))


class FakeTransfers:
    def __init__(self, garage: Garage) -> None:
        self._garage = garage
        self.seen: SeenAggregates[OwnershipTransfer] = SeenAggregates()

    def _out(self, found: OwnershipTransfer | None) -> OwnershipTransfer | None:
        return None if found is None else self.seen.add(copy.deepcopy(found))

    def add(self, transfer: OwnershipTransfer) -> None:
        self.seen.add(transfer)

    def get(self, vehicle_id: uuid.UUID, transfer_id: uuid.UUID) -> OwnershipTransfer | None:
        found = self._garage.transfers.get(transfer_id)
        return self._out(found if found is not None and found.vehicle_id == vehicle_id else None)

    def open_for(self, vehicle_id: uuid.UUID) -> OwnershipTransfer | None:
        found = (
            t
            for t in self._garage.transfers.values()
            if t.vehicle_id == vehicle_id and t.status is TransferStatus.OPEN
        )
        return self._out(next(found, None))

    def of_vehicle(self, vehicle_id: uuid.UUID) -> list[OwnershipTransfer]:
        found = [t for t in self._garage.transfers.values() if t.vehicle_id == vehicle_id]
        return [copy.deepcopy(t) for t in sorted(found, key=lambda t: (t.created_at, str(t.id)))]

    def open_to(self, user_id: uuid.UUID, vehicle_id: uuid.UUID) -> bool:
        return any(
            t.vehicle_id == vehicle_id and t.status is TransferStatus.OPEN and t.to_user_id == user_id
            for t in self._garage.transfers.values()
        )

    def of_user(self, where: OfferFilter, *, offset: int, limit: int) -> tuple[list[VehicleOffer], int]:
        def matches(t: OwnershipTransfer) -> bool:
            sides = {Direction.INCOMING: t.to_user_id, Direction.OUTGOING: t.from_owner_id}
            wanted = [where.direction] if where.direction is not None else list(Direction)
            mine = any(sides[d] == where.user_id for d in wanted)
            return mine and (where.status is None or t.status is where.status)

        found = sorted(
            (t for t in self._garage.transfers.values() if matches(t)),
            key=lambda t: (t.created_at, str(t.id)),
            reverse=True,
        )
        offers = [
            VehicleOffer(copy.deepcopy(t), VehicleSummary.of(self._garage.vehicles[t.vehicle_id]))
            for t in found
        ]
        return offers[offset : offset + limit], len(found)

    def write(self) -> None:
        for found in self.seen:
            self._garage.transfers[found.id] = copy.deepcopy(replace(found, events=[]))


class FakeVehiclesUnitOfWork(FakeUnitOfWork):
    def __init__(self, garage: Garage, clock: FakeClock) -> None:
        super().__init__()
        self.garage = garage
        self.clock = clock
        self.vehicles = FakeVehicles(garage, clock)
        self.transfers = FakeTransfers(garage)

    def __enter__(self) -> Self:
        super().__enter__()
        self.vehicles = FakeVehicles(self.garage, self.clock)
        self.transfers = FakeTransfers(self.garage)
        return self

    def commit(self) -> None:
        publish_new_events(self, self.transfers.seen)
        self.transfers.write()
        self.vehicles.write()
        super().commit()


@dataclass
class VehicleWorld:
    """A `VehicleRegistry` over the fakes."""

    clock: FakeClock = field(default_factory=lambda: FakeClock(START))
    garage: Garage = field(default_factory=Garage)
    roles: Roles = field(default_factory=Roles)
    people: FakePeople = field(default_factory=FakePeople)
    uow: FakeVehiclesUnitOfWork = field(init=False)
    registry: VehicleRegistry = field(init=False)

    def __post_init__(self) -> None:
        self.uow = FakeVehiclesUnitOfWork(self.garage, self.clock)
        self.registry = VehicleRegistry(
            lambda: self.uow, self.roles.access, self.people, _no_decoder, clock=self.clock
        )

    def customer(self, name: str = "Tangeni Amutenya") -> uuid.UUID:
        user = self.people.add(name)
        return self.roles.give(user, "user", vehicle_read=Scope.OWN, vehicle_transfer=Scope.OWN)

    def staff(self) -> uuid.UUID:
        user = self.people.add("Staff Member")
        return self.roles.give(user, "staff", vehicle_read=Scope.ALL, vehicle_transfer=Scope.ALL)


def _no_decoder(vin: str, *, this_year: int) -> Any:
    raise AssertionError("no VIN is decoded in these tests")
