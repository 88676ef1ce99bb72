"""The database runs the versions of the ledger functions the code declares, and the
function raises only refusals the adapter knows by SQLSTATE."""

from __future__ import annotations

import re

from sqlalchemy import text

from elcorp.payments.infrastructure.ledger import REFUSAL_STATES
from elcorp.payments.infrastructure.sql import CURRENT, source
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from support.servers import create_database, drop_database


def test_every_ledger_function_records_the_version_the_code_declares(engine):
    with engine.connect() as connection:
        found = dict(
            connection.execute(
                text(
                    "SELECT p.proname, obj_description(p.oid, 'pg_proc') FROM pg_proc p "
                    "WHERE p.proname = ANY(:names)"
                ),
                {"names": list(CURRENT)},
            ).all()
        )
    assert found == {name: f"elcorp {name} v{version}" for name, version in CURRENT.items()}


def test_every_sqlstate_payments_execute_raises_is_a_known_refusal():
    raised = set(
        re.findall(r"ERRCODE = '(E[PR]\d{3})'", source("payments_execute", CURRENT["payments_execute"]))
    )
    assert raised == set(REFUSAL_STATES)


def test_the_released_version_before_raised_codes_as_message_text():
    """v2 stays as 0028 wrote it (0032's downgrade loads it): an old file never changes."""
    previous = source("payments_execute", 2)
    assert "RAISE EXCEPTION 'PAY_001' USING DETAIL = 'insufficient available funds'" in previous
    assert "ERRCODE = 'EP" not in previous


def test_0032_down_restores_the_function_of_0028_and_up_loads_v3_again(server_urls, settings):
    url = create_database(server_urls[0], prefix="elcorp_ledger_sql")
    engine = build_engine(url, pool_size=1)
    definition = text(
        "SELECT pg_get_functiondef(p.oid), obj_description(p.oid, 'pg_proc') FROM pg_proc p "
        "WHERE p.proname = 'payments_execute'"
    )
    try:
        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        migrate.downgrade(engine, settings.MIGRATIONS_DIR, "0031_outbox_deliveries")
        with engine.connect() as connection:
            body, comment = connection.execute(definition).one()
        assert "RAISE EXCEPTION 'PAY_001'" in body and "EP001" not in body
        assert comment is None
        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        with engine.connect() as connection:
            body, comment = connection.execute(definition).one()
        assert "ERRCODE = 'EP001'" in body
        assert comment == "elcorp payments_execute v3"
    finally:
        engine.dispose()
        drop_database(url)
