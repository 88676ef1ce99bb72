"""Transfers interrupted by real failures, on a database of its own whose transactions
really commit: a worker process killed while its movement runs, a backend terminated
while it runs, a connection cut before the movement's statement reached the server, a
half-written journal entry on a terminated backend, and a movement whose answer never
reached the client.

A movement is one statement (payments_execute) in a transaction of its own. Whatever the
interruption, PostgreSQL shows all of a movement or nothing of it, and a retry with the
same Idempotency-Key moves the money exactly once (or replays it when the first attempt
did commit).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import selectors
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

import psycopg2
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from elcorp.bootstrap import Container, bootstrap
from elcorp.main import create_app
from elcorp.shared.domain.errors import DomainError, ServiceUnavailable
from elcorp.shared.domain.money import Money
from elcorp.shared.infrastructure.db import build_engine
from support.committed import committed_container
from support.identity import grant_roles, register
from support.payments import fund

FUNDED = Decimal("100.00")
AMOUNT = Decimal("42.50")
PATIENCE_S = 15  # how long a test waits for another process before it fails


@dataclass
class Party:
    id: uuid.UUID
    wallet: uuid.UUID


@dataclass
class Books:
    container: Container
    staff: uuid.UUID
    alice: Party
    bob: Party


@pytest.fixture
def books(server_urls, settings, redis_client) -> Iterator[Books]:
    """Alice (funded) and Bob with NAD wallets, and a staff member, committed for real."""
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_ledger_crash", pool_size=4
    ) as container:
        client = create_app(container=container).test_client()
        teller = register(client)
        grant_roles(container, teller, "staff")
        users = [register(client) for _ in range(2)]
        container.outbox.dispatch_pending()
        alice, bob = (
            Party(uuid.UUID(u.id), container.payments.wallets(uuid.UUID(u.id))[0].id) for u in users
        )
        fund(container, teller, str(alice.wallet), str(FUNDED))
        yield Books(container, uuid.UUID(teller.id), alice, bob)


def send(container: Container, books: Books, key: str):
    """Alice pays Bob AMOUNT under `key` (the key is also the description, to find its rows)."""
    body = {
        "source_wallet_id": str(books.alice.wallet),
        "destination_wallet_id": str(books.bob.wallet),
        "amount": str(AMOUNT),
        "description": key,
    }
    return container.payments.transfer(
        books.alice.id,
        key=key,
        body=body,
        source=books.alice.wallet,
        destination=books.bob.wallet,
        destination_address=None,
        amount=Money.of(str(AMOUNT)),
        description=key,
    )


def ledger(books: Books, key: str) -> dict:
    """What any other connection sees of the ledger, and of the transfer under `key`."""
    with books.container.session_factory() as session:

        def scalar(sql: str, **params):
            return session.execute(text(sql), params).scalar()

        return {
            "transactions": scalar("SELECT count(*) FROM payment_transaction WHERE description = :k", k=key),
            "journal_entries": scalar("SELECT count(*) FROM journal_entry"),
            "postings": scalar("SELECT count(*) FROM posting"),
            "keys": scalar(
                "SELECT count(*) FROM idempotency_key WHERE owner_id = :a AND key = :k",
                a=books.alice.id,
                k=key,
            ),
            "audited": scalar("SELECT count(*) FROM audit_log WHERE action = 'transfer.completed'"),
            "alice": scalar("SELECT balance FROM account WHERE id = :w", w=books.alice.wallet),
            "bob": scalar("SELECT balance FROM account WHERE id = :w", w=books.bob.wallet),
        }


def moved_once(before: dict) -> dict:
    return before | {
        "transactions": 1,
        "journal_entries": before["journal_entries"] + 1,
        "postings": before["postings"] + 2,
        "keys": 1,
        "audited": before["audited"] + 1,
        "alice": before["alice"] - AMOUNT,
        "bob": before["bob"] + AMOUNT,
    }


def assert_books_balance(books: Books) -> None:
    trial = books.container.payments.trial_balance(books.staff)
    assert trial.totals == {"NAD": Decimal(0)} and trial.mismatched_accounts == [], trial
    chains = books.container.payments.verify(books.staff)
    assert chains.ok, chains.first_broken


def wait_for_the_key(books: Books, key: str) -> None:
    """Block until no transaction holds the key's lock any more (as payments_execute takes
    it): a backend whose client vanished rolls back and lets go of it."""
    with books.container.engine.connect() as conn:
        conn.execute(text(f"SET LOCAL lock_timeout = '{PATIENCE_S}s'"))
        conn.execute(
            text("SELECT pg_advisory_xact_lock(hashtextextended(:caller || '/' || :key, 0))"),
            {"caller": str(books.alice.id), "key": key},
        )
        conn.rollback()


def retry_moves_money_once(books: Books, key: str, before: dict) -> None:
    retried = send(books.container, books, key)
    assert (retried.replayed, retried.status_code, retried.data["status"]) == (False, 201, "completed")
    again = send(books.container, books, key)
    assert (again.replayed, again.status_code, again.data) == (True, 201, retried.data)
    assert ledger(books, key) == moved_once(before)
    assert_books_balance(books)


def raw_connection(books: Books):
    url = books.container.engine.url
    return psycopg2.connect(url.render_as_string(hide_password=False).replace("+psycopg2", ""))


def wait_until(condition: Callable[[], object]) -> object:
    """Poll another process's progress (it cannot signal us) for at most PATIENCE_S."""
    deadline = time.monotonic() + PATIENCE_S
    while not (found := condition()):
        if time.monotonic() > deadline:
            raise TimeoutError("the other process never got there")
        time.sleep(0.02)
    return found


def blocked_by(books: Books, blocker_pid: int, process: multiprocessing.Process):
    """The backend waiting for `blocker_pid`, if any (one query per transaction: PostgreSQL
    keeps one snapshot of its activity view per transaction)."""
    assert process.exitcode is None, "the worker ended instead of waiting"
    with books.container.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT pid, backend_xid IS NOT NULL AS wrote FROM pg_stat_activity "
                "WHERE :blocker = ANY(pg_blocking_pids(pid))"
            ),
            {"blocker": blocker_pid},
        ).first()


# -- a worker process killed, or its backend terminated, mid-movement ----------------------
def start_a_waiting_movement(books: Books, key: str):
    """A worker process whose movement is running and waiting: an uncommitted row under
    the same key makes its last write (storing the response) wait, when its transaction
    row, journal entry, postings and audit entry are written, not committed. Returns
    (the worker, its waiting backend's pid, the blocking connection)."""
    blocker = raw_connection(books)
    blocker.cursor().execute(
        "INSERT INTO idempotency_key (owner_id, key, request_hash, status_code, response, expires_at) "
        "VALUES (%s, %s, 'blocker', 0, '{}', now() + interval '1 hour')",
        (str(books.alice.id), key),
    )
    blocker_pid = blocker.get_backend_pid()

    def worker() -> None:  # a forked process: it must not share the parent's connections
        books.container.engine.dispose(close=False)
        try:
            send(books.container, books, key)
        except DomainError:
            os._exit(3)
        os._exit(0)

    process = multiprocessing.get_context("fork").Process(target=worker, daemon=True)
    process.start()
    waiting = wait_until(lambda: blocked_by(books, blocker_pid, process))
    assert waiting.wrote  # the worker's transaction has written rows
    return process, waiting.pid, blocker


def test_a_worker_killed_mid_movement_leaves_all_of_it_or_nothing_and_the_retry_moves_money_once(books):
    key = "killed-worker"
    before = ledger(books, key)
    process, _, blocker = start_a_waiting_movement(books, key)
    try:
        assert ledger(books, key) == before  # what it wrote, nobody else can see
        os.kill(process.pid, signal.SIGKILL)
        process.join(PATIENCE_S)
        assert process.exitcode == -signal.SIGKILL
    finally:
        if process.is_alive():
            process.kill()
        blocker.rollback()
        blocker.close()
    wait_for_the_key(books, key)

    # The statement had reached the server: it runs to its end and commits, whole, though
    # its client is gone. Never a part of it.
    assert ledger(books, key) == moved_once(before)
    assert_books_balance(books)
    replayed = send(books.container, books, key)
    assert (replayed.replayed, replayed.status_code, replayed.data["status"]) == (True, 201, "completed")
    assert ledger(books, key) == moved_once(before)  # and not again


def test_a_backend_terminated_mid_movement_leaves_nothing_and_the_retry_moves_money_once(books):
    key = "terminated-mid-movement"
    before = ledger(books, key)
    process, backend_pid, blocker = start_a_waiting_movement(books, key)
    try:
        with books.container.engine.connect() as conn:
            terminated = conn.execute(
                text("SELECT pg_terminate_backend(:pid, :ms)"), {"pid": backend_pid, "ms": PATIENCE_S * 1000}
            ).scalar()
        assert terminated is True
        process.join(PATIENCE_S)
        assert process.exitcode == 3  # the worker was told the service is unavailable
    finally:
        if process.is_alive():
            process.kill()
        blocker.rollback()
        blocker.close()
    wait_for_the_key(books, key)

    assert ledger(books, key) == before
    assert_books_balance(books)
    retry_moves_money_once(books, key, before)


# -- a half-written journal entry on a terminated backend --------------------------------------
def test_a_half_written_journal_entry_dies_with_its_connection_and_the_retry_moves_money_once(books):
    key = "terminated-backend"
    before = ledger(books, key)
    # The first statements of a movement, by hand: the key's lock, the transaction row, its
    # journal entry and one of its two postings (Alice's balance drops, in this transaction).
    victim = raw_connection(books)
    cursor = victim.cursor()
    cursor.execute(
        "SELECT pg_advisory_xact_lock(hashtextextended(%s || '/' || %s, 0))", (str(books.alice.id), key)
    )
    txn, entry = uuid.uuid4(), uuid.uuid4()
    cursor.execute(
        "INSERT INTO payment_transaction (id, type, status, amount, currency, source_account_id, "
        "destination_account_id, description, initiated_by, completed_at) "
        "VALUES (%s, 'transfer', 'completed', %s, 'NAD', %s, %s, %s, %s, now())",
        (str(txn), AMOUNT, str(books.alice.wallet), str(books.bob.wallet), key, str(books.alice.id)),
    )
    cursor.execute("INSERT INTO journal_entry (id, transaction_id) VALUES (%s, %s)", (str(entry), str(txn)))
    cursor.execute(
        "INSERT INTO posting (journal_entry_id, account_id, currency, amount, account_seq, hash) "
        "VALUES (%s, %s, 'NAD', %s, 0, '')",
        (str(entry), str(books.alice.wallet), -AMOUNT),
    )
    cursor.execute("SELECT balance FROM account WHERE id = %s", (str(books.alice.wallet),))
    assert cursor.fetchone()[0] == FUNDED - AMOUNT  # seen from inside only
    assert ledger(books, key) == before

    with pytest.raises(DomainError) as in_flight:  # the same key, while the first is running
        send(books.container, books, key)
    assert str(in_flight.value.code) == "PAY_006"

    with books.container.engine.connect() as conn:
        terminated = conn.execute(
            text("SELECT pg_terminate_backend(:pid, :ms)"),
            {"pid": victim.get_backend_pid(), "ms": PATIENCE_S * 1000},
        ).scalar()
    assert terminated is True
    with pytest.raises(psycopg2.OperationalError):
        cursor.execute("SELECT 1")
    victim.close()

    assert ledger(books, key) == before
    assert_books_balance(books)
    retry_moves_money_once(books, key, before)


# -- the network cut around the movement's statement ------------------------------------------
class Cut(Enum):
    BEFORE_STATEMENT = "the movement's statement never reaches the server"
    AFTER_STATEMENT = "the server runs and commits it, its answer never reaches the client"


class CuttingRelay:
    """A TCP relay in front of PostgreSQL that breaks one connection around its first
    `payments_execute` call, as a failing network would; everything else passes through."""

    def __init__(self, upstream: tuple[int, object], cut: Cut) -> None:
        self._upstream, self._cut = upstream, cut
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.done = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client: socket.socket) -> None:
        family, address = self._upstream
        if family == socket.AF_UNIX:
            server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            server.connect(address)
        else:
            server = socket.create_connection(address)
        try:
            self._pass_on(client, server)
        except OSError:  # either side went away: so does the other
            _close(client, server)

    def _pass_on(self, client: socket.socket, server: socket.socket) -> None:
        frames = {client: Frames(typed=False), server: Frames(typed=True)}
        peer = {client: server, server: client}
        answering = False
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ)
            selector.register(server, selectors.EVENT_READ)
            while True:
                for ready, _ in selector.select():
                    data = ready.fileobj.recv(65536)
                    if not data:
                        _close(client, server)
                        return
                    for message in frames[ready.fileobj].feed(data):
                        if (
                            ready.fileobj is client
                            and message[:1] == b"Q"
                            and b"payments_execute" in message
                            and not self.done.is_set()
                        ):
                            if self._cut is Cut.BEFORE_STATEMENT:
                                self.done.set()
                                _close(client, server)
                                return
                            answering = True
                        if ready.fileobj is server and answering:
                            if message[:1] == b"Z":  # the server finished the statement
                                self.done.set()
                                _close(client, server)
                                return
                            continue  # dropped: the client never reads the answer
                        peer[ready.fileobj].sendall(message)


class Frames:
    """Splits a PostgreSQL protocol stream into messages (the client's first, the startup
    message, has no type byte)."""

    def __init__(self, *, typed: bool) -> None:
        self._typed, self._buffer = typed, b""

    def feed(self, data: bytes) -> Iterator[bytes]:
        self._buffer += data
        while True:
            head = 1 if self._typed else 0
            if len(self._buffer) < head + 4:
                return
            size = head + int.from_bytes(self._buffer[head : head + 4], "big")
            if len(self._buffer) < size:
                return
            message, self._buffer = self._buffer[:size], self._buffer[size:]
            self._typed = True
            yield message


def _close(*sockets: socket.socket) -> None:
    for sock in sockets:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()


@pytest.fixture
def relayed(books, settings, redis_client):
    """(a container whose connections go through a CuttingRelay, the relay) for a cut."""
    opened = []

    def through(cut: Cut) -> tuple[Container, CuttingRelay]:
        with books.container.engine.connect() as conn:
            info = conn.connection.dbapi_connection.info
        if info.host.startswith("/"):
            upstream = (socket.AF_UNIX, f"{info.host}/.s.PGSQL.{info.port}")
        else:
            upstream = (socket.AF_INET, (info.host, info.port))
        relay = CuttingRelay(upstream, cut)
        url = (
            make_url(books.container.engine.url.render_as_string(hide_password=False))
            .set(host="127.0.0.1", port=relay.port, query={"sslmode": "disable", "gssencmode": "disable"})
            .render_as_string(hide_password=False)
        )
        engine = build_engine(url, pool_size=2)
        opened.append((engine, relay))
        return bootstrap(
            settings.model_copy(update={"DATABASE_URL": url}), engine=engine, redis_client=redis_client
        ), relay

    yield through
    for engine, relay in opened:
        engine.dispose()
        relay.close()


def test_a_statement_cut_off_before_the_server_leaves_nothing_and_the_retry_moves_money_once(books, relayed):
    key = "cut-before-statement"
    before = ledger(books, key)
    app, relay = relayed(Cut.BEFORE_STATEMENT)

    with pytest.raises(ServiceUnavailable):
        send(app, books, key)
    assert relay.done.is_set()
    wait_for_the_key(books, key)

    assert ledger(books, key) == before
    assert_books_balance(books)
    retry_moves_money_once(books, key, before)


def test_a_movement_whose_answer_was_lost_counts_as_done_and_the_retry_replays_it(books, relayed):
    key = "answer-lost"
    before = ledger(books, key)
    app, relay = relayed(Cut.AFTER_STATEMENT)

    with pytest.raises(ServiceUnavailable):
        send(app, books, key)
    assert relay.done.is_set()

    assert ledger(books, key) == moved_once(before)  # the money moved, once
    # The retry, through the same pool: the broken connection was discarded, not reused.
    replayed = send(app, books, key)
    assert (replayed.replayed, replayed.status_code, replayed.data["status"]) == (True, 201, "completed")
    with books.container.session_factory() as session:
        first = session.execute(
            text("SELECT id FROM payment_transaction WHERE description = :k"), {"k": key}
        ).scalar_one()
    assert replayed.data["id"] == str(first)
    assert ledger(books, key) == moved_once(before)  # and not again
    assert_books_balance(books)


# -- the movement's connection ----------------------------------------------------------------
def test_movements_hand_their_pooled_connection_back_in_transaction_mode(books):
    """A movement switches its pooled connection to autocommit for one statement; the pool
    (and so every unit of work after it) gets it back in transaction mode, refused or not."""
    assert send(books.container, books, "pooled-ok").status_code == 201
    with pytest.raises(DomainError):  # a refusal: Alice cannot send more than she holds
        books.container.payments.transfer(
            books.alice.id,
            key="pooled-refused",
            body={"amount": "1000000"},
            source=books.alice.wallet,
            destination=books.bob.wallet,
            destination_address=None,
            amount=Money.of("1000000"),
            description=None,
        )
    pool = books.container.engine.pool
    idle = [books.container.engine.raw_connection() for _ in range(pool.checkedin())]
    try:
        assert idle, "the movements returned no connection to the pool"
        assert [c.dbapi_connection.autocommit for c in idle] == [False] * len(idle)
    finally:
        for connection in idle:
            connection.close()
