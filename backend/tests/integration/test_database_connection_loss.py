"""The database drops every connection (a restart, a failover, a network cut): the pool
finds out on use, not by testing each connection before every request. The request that
finds out gets 503 `SRV_002` (never a 500, never a stack trace), the pool reconnects, and a
money movement retried under its Idempotency-Key moves the money exactly once."""

from __future__ import annotations

import uuid
from decimal import Decimal

import psycopg2
import pytest

from elcorp.bootstrap import bootstrap
from elcorp.main import create_app
from elcorp.shared.infrastructure.db import build_engine
from support.committed import committed_container
from support.identity import grant_roles, signed_in
from support.payments import balance, fund, transfer, wallet_of


@pytest.fixture
def stack(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_connection_loss", pool_size=2
    ) as container:
        yield container, create_app(container=container).test_client()


def drop_every_connection(container) -> int:
    """What a database restart does to the pool: every backend of the database ends."""
    url = container.engine.url.render_as_string(hide_password=False).replace("+psycopg2", "")
    with psycopg2.connect(url) as admin, admin.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        (ended,) = cursor.fetchone()
    admin.close()
    return ended


def test_a_read_on_a_lost_connection_gets_503_and_the_next_request_reconnects(stack):
    container, client = stack
    user = signed_in(client)
    wallet = wallet_of(client, container, user)
    assert drop_every_connection(container) >= 1

    lost = client.get(f"/api/v1/wallets/{wallet['id']}", headers=user.auth)
    assert lost.status_code == 503, lost.get_json()
    assert lost.get_json()["error"]["code"] == "SRV_002"
    assert client.get(f"/api/v1/wallets/{wallet['id']}", headers=user.auth).status_code == 200


def test_a_transfer_on_a_lost_connection_gets_503_and_its_retry_moves_money_once(stack):
    container, client = stack
    teller, alice, bob = signed_in(client), signed_in(client), signed_in(client)
    grant_roles(container, teller, "staff")
    source, destination = wallet_of(client, container, alice), wallet_of(client, container, bob)
    fund(container, teller, source["id"], "100.00")
    assert drop_every_connection(container) >= 1

    key = str(uuid.uuid4())
    lost = transfer(client, alice, source["id"], destination["id"], "30.00", key=key)
    assert lost.status_code == 503, lost.get_json()
    assert lost.get_json()["error"]["code"] == "SRV_002"
    retried = transfer(client, alice, source["id"], destination["id"], "30.00", key=key)
    assert retried.status_code == 201, retried.get_json()
    again = transfer(client, alice, source["id"], destination["id"], "30.00", key=key)
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert balance(client, alice, source["id"]) == Decimal("70.00")
    assert balance(client, bob, destination["id"]) == Decimal("30.00")


def test_with_the_database_unreachable_requests_get_503_never_a_500(settings, redis_client, client):
    """The same API (same keys, same Redis) whose database cannot be reached at all: a
    read and a transfer are refused with 503 SRV_002 and the envelope."""
    user = signed_in(client)  # a real token, from the API whose database is up
    dead = settings.model_copy(update={"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/elcorp"})
    engine = build_engine(dead.DATABASE_URL, pool_size=1)  # port 1: refused at once
    try:
        down = create_app(container=bootstrap(dead, engine=engine, redis_client=redis_client)).test_client()
        read = down.get("/api/v1/wallets", headers=user.auth)
        assert (read.status_code, read.get_json()["error"]["code"]) == (503, "SRV_002")
        moved = transfer(down, user, str(uuid.uuid4()), str(uuid.uuid4()), "1.00")
        assert (moved.status_code, moved.get_json()["error"]["code"]) == (503, "SRV_002")
        assert "Traceback" not in moved.get_data(as_text=True)
    finally:
        engine.dispose()
