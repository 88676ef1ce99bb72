"""Alembic environment: URL from Settings (or a connection handed in by the CLI/tests)."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from elcorp.governance.infrastructure import tables as _governance_tables  # noqa: F401
from elcorp.identity.infrastructure import tables as _identity_tables  # noqa: F401
from elcorp.shared.infrastructure import tables as _kernel_tables  # noqa: F401 - registers tables
from elcorp.shared.infrastructure.db import metadata

config = context.config
target_metadata = metadata


def run_with(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with(connection)
        return
    from elcorp.config import Settings
    from elcorp.shared.infrastructure.db import build_engine

    url = config.get_main_option("sqlalchemy.url") or Settings().DATABASE_URL
    if not url:
        raise SystemExit("DATABASE_URL is not set")
    engine = build_engine(url, pool_size=1)
    try:
        with engine.connect() as conn:
            run_with(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported: migrations use triggers")
run_migrations_online()
