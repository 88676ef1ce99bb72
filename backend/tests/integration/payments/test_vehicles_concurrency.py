"""Ownership changes racing each other, each thread in its own connection and transaction
(a database of its own, committed for real): the vehicle's row lock lets exactly one of
several concurrent accepts / forces of the same change win, changes to different owners
queue up one after the other, and the ownership periods stay contiguous and never overlap,
with the token account always owned by the vehicle's owner."""

from __future__ import annotations

import itertools
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from elcorp.main import create_app
from elcorp.payments.application.vehicle_ports import VehicleDetails
from elcorp.payments.domain.vehicle_ownership import TransferDecision
from elcorp.shared.domain.errors import DomainError
from support.committed import committed_container
from support.identity import grant_roles, register

THREADS = 8
HONDA = "1HGCM82633A004352"
CHASSIS = "SV30-0169266"
WON = "won"


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_vehicle_conc", pool_size=THREADS + 4
    ) as container:
        yield container, create_app(container=container).test_client()


@pytest.fixture
def people(committed):
    """An owner, a buyer, a member of staff and THREADS heirs, all committed."""
    container, client = committed
    owner, buyer, staff = register(client), register(client), register(client)
    grant_roles(container, staff, "staff")
    heirs = [register(client) for _ in range(THREADS)]
    return (
        container,
        uuid.UUID(owner.id),
        uuid.UUID(buyer.id),
        uuid.UUID(staff.id),
        [uuid.UUID(h.id) for h in heirs],
    )


def race(calls) -> list[str]:
    """Run the calls at the same instant, one thread each: WON or the refusal's code."""
    barrier = threading.Barrier(len(calls))

    def run(call) -> str:
        barrier.wait()
        try:
            call()
        except DomainError as refused:
            return str(refused.code)
        return WON

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def books_of(container, identifier: str):
    """The vehicle's owner, its account's owner, and its periods (oldest first)."""
    with container.session_factory() as session:
        owner, account_owner = session.execute(
            text(
                "SELECT v.owner_id, a.owner_id FROM vehicle v JOIN account a ON a.id = v.account_id "
                "WHERE v.identifier = :i"
            ),
            {"i": identifier},
        ).one()
        periods = session.execute(
            text(
                "SELECT o.owner_id, lower(o.period) AS started, upper(o.period) AS ended "
                "FROM vehicle_ownership o JOIN vehicle v ON v.key = o.vehicle_key "
                "WHERE v.identifier = :i ORDER BY lower(o.period)"
            ),
            {"i": identifier},
        ).all()
        statuses = session.execute(
            text(
                "SELECT t.status, count(*) FROM vehicle_transfer t JOIN vehicle v ON v.key = t.vehicle_key "
                "WHERE v.identifier = :i GROUP BY t.status"
            ),
            {"i": identifier},
        ).all()
    return owner, account_owner, periods, dict(statuses)


def assert_contiguous(periods) -> None:
    for earlier, later in itertools.pairwise(periods):
        assert earlier.ended is not None and earlier.ended == later.started
    assert periods[-1].ended is None


def test_of_concurrent_accepts_and_forces_of_one_change_exactly_one_wins(people):
    container, owner, buyer, staff, _ = people
    registry = container.vehicles
    registry.register(owner, vin=HONDA, chassis_number=None, details=VehicleDetails())
    offered = registry.offer(owner, HONDA, buyer)

    def accept():
        registry.decide(buyer, HONDA, offered.transfer.id, TransferDecision.ACCEPT)

    def force():
        registry.offer(staff, HONDA, buyer, force=True, reason="registry correction")

    outcomes = race([accept, force] * (THREADS // 2))

    assert outcomes.count(WON) == 1, outcomes
    assert set(outcomes) - {WON} <= {"VEH_007", "VEH_008"}  # offer no longer open / already the owner
    owner_now, account_owner, periods, statuses = books_of(container, HONDA)
    assert owner_now == account_owner == buyer
    assert [p.owner_id for p in periods] == [owner, buyer]
    assert_contiguous(periods)
    assert statuses.get("accepted", 0) + statuses.get("forced", 0) == 1
    assert "open" not in statuses


def test_concurrent_forces_to_different_owners_queue_and_the_periods_never_overlap(people):
    container, owner, _, staff, heirs = people
    registry = container.vehicles
    registry.register(owner, vin=None, chassis_number=CHASSIS, details=VehicleDetails())

    outcomes = race(
        [
            (lambda heir=heir: registry.offer(staff, CHASSIS, heir, force=True, reason=f"estate {heir}"))
            for heir in heirs
        ]
    )

    assert outcomes == [WON] * THREADS
    owner_now, account_owner, periods, statuses = books_of(container, CHASSIS)
    assert len(periods) == THREADS + 1 and periods[0].owner_id == owner
    assert {p.owner_id for p in periods[1:]} == set(heirs)
    assert_contiguous(periods)
    assert owner_now == account_owner == periods[-1].owner_id
    assert statuses == {"forced": THREADS}
    with container.session_factory() as session:
        audited = session.execute(
            text("SELECT count(*) FROM audit_log WHERE action = 'vehicle.transfer_forced'")
        ).scalar_one()
    assert audited == THREADS


def test_of_concurrent_registrations_of_one_vin_exactly_one_wins(people):
    container, owner, buyer, staff, heirs = people
    registrants = [owner, buyer, staff, *heirs][:THREADS]
    outcomes = race(
        [
            (
                lambda who=who: container.vehicles.register(
                    who, vin=HONDA, chassis_number=None, details=VehicleDetails()
                )
            )
            for who in registrants
        ]
    )
    assert outcomes.count(WON) == 1 and set(outcomes) == {WON, "VEH_005"}, outcomes
    with container.session_factory() as session:
        vehicles = session.execute(text("SELECT count(*) FROM vehicle")).scalar_one()
        accounts = session.execute(text("SELECT count(*) FROM account WHERE kind = 'vehicle'")).scalar_one()
        periods = session.execute(text("SELECT count(*) FROM vehicle_ownership")).scalar_one()
    assert (vehicles, accounts, periods) == (1, 1, 1)  # the refused ones left nothing behind


def test_of_concurrent_offers_of_one_vehicle_exactly_one_stays_open(people):
    container, owner, _, _, heirs = people
    registry = container.vehicles
    registry.register(owner, vin=HONDA, chassis_number=None, details=VehicleDetails())
    outcomes = race([(lambda heir=heir: registry.offer(owner, HONDA, heir)) for heir in heirs])
    assert outcomes.count(WON) == 1 and set(outcomes) == {WON, "VEH_006"}, outcomes
    assert books_of(container, HONDA)[3] == {"open": 1}
