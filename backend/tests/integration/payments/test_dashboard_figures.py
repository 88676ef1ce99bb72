"""The ledger's figures on the staff dashboard, from real transactions:
GET /transactions/daily (completed transfers per Africa/Windhoek day, exact decimal sums) and
GET /transactions/approval-queue (movements waiting for approval, by age)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from elcorp.payments.infrastructure.dashboard import SqlDashboardFigures
from elcorp.shared.domain.clock import WINDHOEK
from elcorp.shared.domain.money import Money
from support.identity import grant_roles, signed_in, staff_with_mfa
from support.payments import transfer, wallet_of

DAILY = "/api/v1/transactions/daily"
QUEUE = "/api/v1/transactions/approval-queue"


@pytest.fixture
def officer(client, container):
    return staff_with_mfa(client, container, "staff")


def made(client, user, source: str, destination: str, amount: str) -> str:
    response = transfer(client, user, source, destination, amount)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]["id"]


def set_row(container, transaction_id: str, **values) -> None:
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    with container.session_factory() as session:
        session.execute(
            text(f"UPDATE payment_transaction SET {assignments} WHERE id = :id"),  # noqa: S608 (test names)
            {"id": transaction_id, **values},
        )
        session.commit()


def windhoek_today() -> date:
    return datetime.now(UTC).astimezone(WINDHOEK).date()


def utc_at(day: date, hour: int, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


# -- GET /transactions/daily ----------------------------------------------------------------
def test_daily_counts_completed_transfers_per_windhoek_day_with_exact_sums(
    client, container, officer, alice, bob
):
    today = windhoek_today()
    two_days_ago, three_days_ago = today - timedelta(days=2), today - timedelta(days=3)
    a = made(client, alice, alice.wallet["id"], bob.wallet["id"], "100.10")
    b = made(client, alice, alice.wallet["id"], bob.wallet["id"], "0.20")
    c = made(client, alice, alice.wallet["id"], bob.wallet["id"], "33.33")
    late = made(client, alice, alice.wallet["id"], bob.wallet["id"], "7.00")
    early = made(client, alice, alice.wallet["id"], bob.wallet["id"], "5.00")
    rejected = made(client, alice, alice.wallet["id"], bob.wallet["id"], "99.00")
    # 22:30 UTC is 00:30 the next day in Windhoek (UTC+2): counted on that next day.
    set_row(container, late, created_at=utc_at(three_days_ago, 22, 30))
    # 21:59 UTC is 23:59 the same day in Windhoek.
    set_row(container, early, created_at=utc_at(three_days_ago, 21, 59))
    set_row(container, rejected, status="rejected")  # not completed: not counted
    del a, b, c  # today's: 100.10 + 0.20 + 33.33

    response = client.get(DAILY, headers=officer.auth, query_string={"days": 4})

    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    assert data["time_zone"] == "Africa/Windhoek"
    assert (data["first"], data["last"]) == (three_days_ago.isoformat(), today.isoformat())
    assert data["days"] == [
        {
            "date": three_days_ago.isoformat(),
            "count": 1,
            "totals": [{"currency": "NAD", "count": 1, "value": "5.00"}],
        },
        {
            "date": two_days_ago.isoformat(),
            "count": 1,
            "totals": [{"currency": "NAD", "count": 1, "value": "7.00"}],
        },
        {"date": (today - timedelta(days=1)).isoformat(), "count": 0, "totals": []},
        {
            "date": today.isoformat(),
            "count": 3,
            "totals": [{"currency": "NAD", "count": 3, "value": "133.63"}],
        },
    ]


def test_daily_defaults_to_14_days_and_leaves_out_deposits(client, officer, alice):
    data = client.get(DAILY, headers=officer.auth).get_json()["data"]

    assert len(data["days"]) == 14
    assert data["last"] == windhoek_today().isoformat()
    # alice's wallet was funded by a deposit today: a deposit is not a transfer.
    assert all(day["count"] == 0 and day["totals"] == [] for day in data["days"])


@pytest.mark.parametrize("days", ["0", "91", "x"])
def test_daily_refuses_a_window_outside_1_to_90_days(client, officer, days):
    response = client.get(DAILY, headers=officer.auth, query_string={"days": days})

    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "days"


def test_the_windhoek_day_boundary_and_the_window_in_sql(client, container, alice, bob):
    """The query itself: [start, end) on created_at, days in Africa/Windhoek."""
    ids = [
        made(client, alice, alice.wallet["id"], bob.wallet["id"], amount)
        for amount in ("1.00", "2.00", "4.00")
    ]
    day = date(2026, 3, 10)
    set_row(container, ids[0], created_at=utc_at(day, 21, 59))  # 23:59 on the 10th in Windhoek
    set_row(container, ids[1], created_at=utc_at(day, 22, 0))  # 00:00 on the 11th
    set_row(container, ids[2], created_at=utc_at(day, 22, 30))  # 00:30 on the 11th
    start = datetime(2026, 3, 10, tzinfo=WINDHOEK)
    end = datetime(2026, 3, 12, tzinfo=WINDHOEK)

    rows = SqlDashboardFigures(container.session_factory).completed_transfers(start, end)

    assert [(d.isoformat(), cur, n, str(v)) for d, cur, n, v in rows] == [
        ("2026-03-10", "NAD", 1, "1.00000000"),
        ("2026-03-11", "NAD", 2, "6.00000000"),
    ]
    # The end is exclusive: the 11th starts the next window.
    later = SqlDashboardFigures(container.session_factory).completed_transfers(end - timedelta(days=1), end)
    assert [(d.isoformat(), n) for d, _, n, _ in later] == [("2026-03-11", 2)]


def test_daily_is_for_staff_who_see_every_transaction(client, container):
    customer = signed_in(client)
    staff_without_mfa = signed_in(client)
    grant_roles(container, staff_without_mfa, "staff")

    assert client.get(DAILY).status_code == 401
    refused = client.get(DAILY, headers=customer.auth)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "ACC_001"
    assert client.get(DAILY, headers=staff_without_mfa.auth).status_code == 403


# -- GET /transactions/approval-queue -------------------------------------------------------
def pending_deposit(container, teller, wallet_id: str) -> str:
    """A deposit above the approval threshold: it waits for a second person."""
    result = container.payments.deposit(
        uuid.UUID(teller.id),
        key=f"pending-{uuid.uuid4()}",
        body={"amount": "60000.00"},
        wallet_id=uuid.UUID(wallet_id),
        amount=Money.of("60000.00"),
        external_reference=f"BANK-{uuid.uuid4().hex[:8]}",
    )
    assert result.data["status"] == "pending_approval", result.data
    return result.data["id"]


def test_the_queue_counts_waiting_movements_by_age(client, container, officer, teller, bob):
    now = datetime.now(UTC)
    ages = [
        timedelta(minutes=20),
        timedelta(hours=2),
        timedelta(hours=3),
        timedelta(hours=10),
        timedelta(hours=30),
    ]
    ids = [pending_deposit(container, teller, bob.wallet["id"]) for _ in ages]
    for transaction_id, age in zip(ids, ages, strict=True):
        set_row(container, transaction_id, created_at=now - age)

    response = client.get(QUEUE, headers=officer.auth)

    assert response.status_code == 200, response.get_json()
    data = response.get_json()["data"]
    oldest = data.pop("oldest_created_at")
    assert data == {"pending": 5, "under_1h": 1, "from_1h_to_4h": 2, "from_4h_to_24h": 1, "over_24h": 1}
    assert datetime.fromisoformat(oldest) == (now - timedelta(hours=30)).replace(
        microsecond=(now - timedelta(hours=30)).microsecond // 1000 * 1000
    )
    assert oldest.endswith("Z")


def test_the_age_buckets_take_the_lower_bound(client, container, teller, bob):
    """Exactly 1 h, 4 h and 24 h fall in the later bucket."""
    now = datetime(2026, 12, 8, 12, 0, tzinfo=UTC)
    ages = [
        timedelta(hours=1) - timedelta(microseconds=1),
        timedelta(hours=1),
        timedelta(hours=4),
        timedelta(hours=24),
    ]
    ids = [pending_deposit(container, teller, bob.wallet["id"]) for _ in ages]
    for transaction_id, age in zip(ids, ages, strict=True):
        set_row(container, transaction_id, created_at=now - age)

    queue = SqlDashboardFigures(container.session_factory).approval_queue(now)

    assert (queue.pending, queue.under_1h, queue.from_1h_to_4h, queue.from_4h_to_24h, queue.over_24h) == (
        4,
        1,
        1,
        1,
        1,
    )
    assert queue.oldest_created_at == now - timedelta(hours=24)


def test_an_empty_queue_has_no_oldest(client, officer):
    data = client.get(QUEUE, headers=officer.auth).get_json()["data"]

    assert data == {
        "pending": 0,
        "under_1h": 0,
        "from_1h_to_4h": 0,
        "from_4h_to_24h": 0,
        "over_24h": 0,
        "oldest_created_at": None,
    }


def test_the_queue_needs_payment_approve(client, container):
    customer = signed_in(client)
    customer.wallet = wallet_of(client, container, customer)

    assert client.get(QUEUE).status_code == 401
    refused = client.get(QUEUE, headers=customer.auth)
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "ACC_001"
