"""PostgreSQL adapter of the VIN registry and its ownership transfers (migration
0016_vehicles holds the constraints: one active registration per identifier, one open offer
per vehicle, ownership periods that never overlap)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Self

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Identity,
    Index,
    Integer,
    Row,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import TSTZRANGE
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from elcorp.payments.application.vehicle_ports import (
    Direction,
    NewVehicle,
    OfferFilter,
    OwnershipPeriod,
    Vehicle,
    VehicleDetails,
    VehicleOffer,
    VehicleSummary,
)
from elcorp.payments.domain.vehicle_ownership import OwnershipTransfer, TransferStatus
from elcorp.payments.domain.vehicles import IdentifierType
from elcorp.payments.infrastructure.tables import account, timestamp
from elcorp.shared.application.unit_of_work import SeenAggregates, publish_new_events
from elcorp.shared.domain.personal_data import Classification, Disposal, PersonalData, RetentionBasis
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declare
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork

ACCOUNT_CURRENCY = "NAD"


vehicle = Table(
    "vehicle",
    metadata,
    Column("key", BigInteger, Identity(always=True), primary_key=True),
    Column("id", Uuid, nullable=False, unique=True),
    Column("identifier", Text, nullable=False),
    Column("identifier_type", Text, nullable=False),
    Column("check_digit_valid", Boolean),
    Column("manufacturer", Text),
    Column("country", Text),
    Column("model_year", Integer),
    Column("make", Text),
    Column("model", Text),
    Column("year", Integer),
    Column("colour", Text),
    Column("registration_number", Text),
    Column("owner_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("account_id", Uuid, ForeignKey("account.id", ondelete="RESTRICT"), nullable=False),
    Column("status", Text, nullable=False, server_default=text("'active'")),
    Column("registered_by", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    timestamp("created_at", False, server_default=func.now()),
    timestamp("deregistered_at"),
    Index("ix_vehicle_owner_id", "owner_id", "created_at"),
    UniqueConstraint("account_id", name="uq_vehicle_account_id"),
    Index(
        "uq_vehicle_identifier_active", "identifier", unique=True, postgresql_where=text("status = 'active'")
    ),
    ForeignKeyConstraint(
        ["account_id", "owner_id"],
        ["account.id", "account.owner_id"],
        name="fk_vehicle_account_owner",
        deferrable=True,
        initially="DEFERRED",
    ),
    comment="Payments: the VIN registry; one active registration per VIN or chassis number, each with its "
    "token account.",
)
# Personal information (POPIA s17): who owns which vehicle, and since when. The vehicle's
# token account is a ledger account, so its ownership history is kept with the transaction
# records (FIA 2012), referencing owners by pseudonymous id. The number plate identifies
# the owner through the vehicle registers.
_PLATE = PersonalData(
    category="vehicle.registration_number",
    purpose="identify the registered vehicle (its number plate)",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
_OWNERSHIP = PersonalData(
    category="vehicle.ownership",
    purpose="record who owns the vehicle and its token account, and the ownership history",
    classification=Classification.INTERNAL,
    retention=RetentionBasis.FIA_TRANSACTION,
    disposal=Disposal.PSEUDONYMISE,
)
declare("payments", vehicle, "registration_number", _PLATE)
declare("payments", vehicle, "owner_id", _OWNERSHIP)

vehicle_transfer = Table(
    "vehicle_transfer",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("vehicle_key", BigInteger, ForeignKey("vehicle.key", ondelete="RESTRICT"), nullable=False),
    Column("from_owner_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("to_user_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("status", Text, nullable=False),
    Column("offered_by", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("reason", Text),
    timestamp("created_at", False, server_default=func.now()),
    Column("decided_by", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT")),
    timestamp("decided_at"),
    Index("ix_vehicle_transfer_vehicle_key", "vehicle_key", "created_at"),
    Index("ix_vehicle_transfer_to_user", "to_user_id", "created_at"),
    Index("ix_vehicle_transfer_from_owner", "from_owner_id", "created_at"),
    Index("uq_vehicle_transfer_open", "vehicle_key", unique=True, postgresql_where=text("status = 'open'")),
    comment="Payments: vehicle ownership offers (at most one open per vehicle) and forced transfers by "
    "staff.",
)
declare("payments", vehicle_transfer, "from_owner_id", _OWNERSHIP)
declare("payments", vehicle_transfer, "to_user_id", _OWNERSHIP)

vehicle_ownership = Table(
    "vehicle_ownership",
    metadata,
    Column("id", BigInteger, Identity(always=True), primary_key=True),
    Column("vehicle_key", BigInteger, ForeignKey("vehicle.key", ondelete="RESTRICT"), nullable=False),
    Column("owner_id", Uuid, ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False),
    Column("period", TSTZRANGE, nullable=False),
    Column("transfer_id", Uuid, ForeignKey("vehicle_transfer.id", ondelete="RESTRICT")),
    comment="Payments: ownership periods [started, ended) of each vehicle; periods of one vehicle never "
    "overlap.",
)
declare("payments", vehicle_ownership, "owner_id", _OWNERSHIP)

_VEHICLE_COLUMNS = [c for c in vehicle.c if c.name != "key"]
_TRANSFER_COLUMNS = [
    *[c for c in vehicle_transfer.c if c.name != "vehicle_key"],
    vehicle.c.id.label("vehicle_id"),
]


def _vehicle(row: Row[Any]) -> Vehicle:
    return Vehicle(
        id=row.id,
        identifier=row.identifier,
        identifier_type=IdentifierType(row.identifier_type),
        check_digit_valid=row.check_digit_valid,
        manufacturer=row.manufacturer,
        country=row.country,
        model_year=row.model_year,
        details=VehicleDetails(row.make, row.model, row.year, row.colour, row.registration_number),
        owner_id=row.owner_id,
        account_id=row.account_id,
        status=row.status,
        registered_by=row.registered_by,
        created_at=row.created_at,
    )


def _summary(row: Row[Any]) -> VehicleSummary:
    return VehicleSummary(
        id=row.vehicle_id,
        identifier=row.identifier,
        identifier_type=IdentifierType(row.identifier_type),
        make=row.make,
        model=row.model,
        year=row.year,
    )


def _offers_where(where: OfferFilter) -> list[Any]:
    incoming = vehicle_transfer.c.to_user_id == where.user_id
    outgoing = vehicle_transfer.c.from_owner_id == where.user_id
    conditions: list[Any] = [
        {None: incoming | outgoing, Direction.INCOMING: incoming, Direction.OUTGOING: outgoing}[
            where.direction
        ]
    ]
    if where.status is not None:
        conditions.append(vehicle_transfer.c.status == where.status.value)
    return conditions


def _transfer(row: Row[Any]) -> OwnershipTransfer:
    return OwnershipTransfer(
        id=row.id,
        vehicle_id=row.vehicle_id,
        from_owner_id=row.from_owner_id,
        to_user_id=row.to_user_id,
        status=TransferStatus(row.status),
        offered_by=row.offered_by,
        reason=row.reason,
        created_at=row.created_at,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )


class SqlVehicles:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- registrations ---------------------------------------------------------------------
    def register(self, new: NewVehicle) -> Vehicle | None:
        # The token account first: the vehicle row names it. On a duplicate identifier the
        # unit of work rolls back, account included.
        account_id: uuid.UUID = self._session.execute(
            insert(account)
            .values(id=uuid.uuid4(), owner_id=new.owner_id, kind="vehicle", currency=ACCOUNT_CURRENCY)
            .returning(account.c.id)
        ).scalar_one()
        details = new.details
        row = self._session.execute(
            pg_insert(vehicle)
            .values(
                id=new.id,
                identifier=new.identifier,
                identifier_type=new.identifier_type.value,
                check_digit_valid=new.check_digit_valid,
                manufacturer=new.manufacturer,
                country=new.country,
                model_year=new.model_year,
                make=details.make,
                model=details.model,
                year=details.year,
                colour=details.colour,
                registration_number=details.registration_number,
                owner_id=new.owner_id,
                account_id=account_id,
                status="active",
                registered_by=new.registered_by,
                created_at=func.clock_timestamp(),
            )
            .on_conflict_do_nothing(index_elements=["identifier"], index_where=vehicle.c.status == "active")
            .returning(vehicle.c.key, *_VEHICLE_COLUMNS)
        ).first()
        if row is None:
            return None
        self._session.execute(
            text(
                "INSERT INTO vehicle_ownership (vehicle_key, owner_id, period) "
                "VALUES (:key, :owner, tstzrange(:at, NULL, '[)'))"
            ),
            {"key": row.key, "owner": new.owner_id, "at": row.created_at},
        )
        return _vehicle(row)

    def by_identifier(self, identifier: str, *, lock: bool = False) -> Vehicle | None:
        query = select(*_VEHICLE_COLUMNS).where(
            vehicle.c.identifier == identifier, vehicle.c.status == "active"
        )
        if lock:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return None if row is None else _vehicle(row)

    def by_id(self, vehicle_id: uuid.UUID) -> Vehicle | None:
        row = self._session.execute(select(*_VEHICLE_COLUMNS).where(vehicle.c.id == vehicle_id)).first()
        return None if row is None else _vehicle(row)

    def search(self, owner_id: uuid.UUID | None, *, offset: int, limit: int) -> tuple[list[Vehicle], int]:
        conditions: list[Any] = [vehicle.c.status == "active"]
        if owner_id is not None:
            conditions.append(vehicle.c.owner_id == owner_id)
        total = self._session.execute(
            select(func.count()).select_from(vehicle).where(*conditions)
        ).scalar_one()
        rows = self._session.execute(
            select(*_VEHICLE_COLUMNS)
            .where(*conditions)
            .order_by(vehicle.c.created_at.desc(), vehicle.c.key.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return [_vehicle(r) for r in rows], int(total)

    # -- ownership -------------------------------------------------------------------------
    def change_owner(self, vehicle_id: uuid.UUID, new_owner: uuid.UUID, transfer_id: uuid.UUID) -> datetime:
        row = self._session.execute(
            text(
                """
                WITH v AS (
                    UPDATE vehicle SET owner_id = :owner WHERE id = :vehicle
                    RETURNING key, account_id
                ), moved AS (
                    UPDATE account SET owner_id = :owner FROM v WHERE account.id = v.account_id
                    RETURNING account.id
                ), ended AS (
                    UPDATE vehicle_ownership o
                    SET period = tstzrange(lower(o.period), clock_timestamp(), '[)')
                    FROM v WHERE o.vehicle_key = v.key AND upper_inf(o.period)
                    RETURNING upper(o.period) AS at
                )
                SELECT v.key, (SELECT at FROM ended) AS at, (SELECT count(*) FROM moved) AS moved FROM v
                """
            ),
            {"owner": new_owner, "vehicle": vehicle_id},
        ).one()
        if row.at is None or row.moved != 1:
            raise LookupError(f"vehicle {vehicle_id} has no current owner or no token account")
        self._session.execute(
            text(
                "INSERT INTO vehicle_ownership (vehicle_key, owner_id, period, transfer_id) "
                "VALUES (:key, :owner, tstzrange(:at, NULL, '[)'), :transfer)"
            ),
            {"key": row.key, "owner": new_owner, "at": row.at, "transfer": transfer_id},
        )
        moved_at: datetime = row.at
        return moved_at

    def history(self, vehicle_id: uuid.UUID) -> list[OwnershipPeriod]:
        rows = self._session.execute(
            text(
                """
                SELECT o.owner_id, lower(o.period) AS started_at, upper(o.period) AS ended_at, o.transfer_id
                FROM vehicle_ownership o JOIN vehicle v ON v.key = o.vehicle_key
                WHERE v.id = :vehicle
                ORDER BY lower(o.period)
                """
            ),
            {"vehicle": vehicle_id},
        ).all()
        return [OwnershipPeriod(r.owner_id, r.started_at, r.ended_at, r.transfer_id) for r in rows]


class SqlOwnershipTransfers:
    """Transfers map to the `OwnershipTransfer` aggregate: a new one is inserted when added
    (the ownership period it starts names it); a decision is written at commit, and only
    over the state the aggregate was read in, so a decision never overwrites another."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.seen: SeenAggregates[OwnershipTransfer] = SeenAggregates()
        self._as_stored: dict[int, TransferStatus] = {}

    def _track(self, found: OwnershipTransfer) -> OwnershipTransfer:
        self._as_stored.setdefault(id(found), found.status)
        return self.seen.add(found)

    def _select(self) -> Any:
        return select(*_TRANSFER_COLUMNS).join(vehicle, vehicle.c.key == vehicle_transfer.c.vehicle_key)

    def _one(self, *where: Any) -> OwnershipTransfer | None:
        row = self._session.execute(self._select().where(*where)).first()
        return None if row is None else self._track(_transfer(row))

    def add(self, transfer: OwnershipTransfer) -> None:
        self._session.execute(
            insert(vehicle_transfer).values(
                id=transfer.id,
                vehicle_key=select(vehicle.c.key)
                .where(vehicle.c.id == transfer.vehicle_id)
                .scalar_subquery(),
                from_owner_id=transfer.from_owner_id,
                to_user_id=transfer.to_user_id,
                status=transfer.status.value,
                offered_by=transfer.offered_by,
                reason=transfer.reason,
                created_at=transfer.created_at,
                decided_by=transfer.decided_by,
                decided_at=transfer.decided_at,
            )
        )
        self._track(transfer)

    def get(self, vehicle_id: uuid.UUID, transfer_id: uuid.UUID) -> OwnershipTransfer | None:
        return self._one(vehicle.c.id == vehicle_id, vehicle_transfer.c.id == transfer_id)

    def open_for(self, vehicle_id: uuid.UUID) -> OwnershipTransfer | None:
        return self._one(vehicle.c.id == vehicle_id, vehicle_transfer.c.status == TransferStatus.OPEN.value)

    def of_vehicle(self, vehicle_id: uuid.UUID) -> list[OwnershipTransfer]:
        rows = self._session.execute(
            self._select()
            .where(vehicle.c.id == vehicle_id)
            .order_by(vehicle_transfer.c.created_at, vehicle_transfer.c.id)
        ).all()
        return [self._track(_transfer(r)) for r in rows]

    def open_to(self, user_id: uuid.UUID, vehicle_id: uuid.UUID) -> bool:
        found = self._session.execute(
            self._select().where(
                vehicle.c.id == vehicle_id,
                vehicle_transfer.c.status == TransferStatus.OPEN.value,
                vehicle_transfer.c.to_user_id == user_id,
            )
        ).first()
        return found is not None

    def of_user(self, where: OfferFilter, *, offset: int, limit: int) -> tuple[list[VehicleOffer], int]:
        conditions = _offers_where(where)
        total = self._session.execute(
            select(func.count()).select_from(vehicle_transfer).where(*conditions)
        ).scalar_one()
        rows = self._session.execute(
            self._select()
            .add_columns(
                vehicle.c.identifier,
                vehicle.c.identifier_type,
                vehicle.c.make,
                vehicle.c.model,
                vehicle.c.year,
            )
            .where(*conditions)
            .order_by(vehicle_transfer.c.created_at.desc(), vehicle_transfer.c.id.desc())
            .offset(offset)
            .limit(limit)
        ).all()
        return [VehicleOffer(_transfer(r), _summary(r)) for r in rows], int(total)

    def save_changes(self) -> None:
        """Write the decisions taken since the transfers were read."""
        for found in self.seen:
            before = self._as_stored[id(found)]
            if found.status is before:
                continue
            written = self._session.execute(
                update(vehicle_transfer)
                .where(vehicle_transfer.c.id == found.id, vehicle_transfer.c.status == before.value)
                .values(status=found.status.value, decided_by=found.decided_by, decided_at=found.decided_at)
                .returning(vehicle_transfer.c.id)
            ).first()
            if written is None:
                raise LookupError(f"transfer {found.id} is no longer {before.value}")
            self._as_stored[id(found)] = found.status


class SqlVehiclesUnitOfWork(SqlAlchemyUnitOfWork):
    vehicles: SqlVehicles
    transfers: SqlOwnershipTransfers

    def __enter__(self) -> Self:
        super().__enter__()
        self.vehicles = SqlVehicles(self.session)
        self.transfers = SqlOwnershipTransfers(self.session)
        return self

    def commit(self) -> None:
        """The transfers' decisions, then their events into the outbox, then one commit."""
        self.transfers.save_changes()
        publish_new_events(self, self.transfers.seen)
        super().commit()
