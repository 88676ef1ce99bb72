"""SQLAlchemy 2.x metadata (with the client's constraint naming convention) and engines."""

from __future__ import annotations

from typing import Any

from sqlalchemy import MetaData, create_engine
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

# The client's naming convention (architecture-production.md section 4.2), so Alembic
# autogenerate and hand-written migrations name every constraint the same way.
NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def sqlalchemy_url(database_url: str) -> URL:
    """The URL with an explicit driver: `postgresql://` means psycopg2 here."""
    url = make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg2")
    if not url.drivername.startswith("postgresql"):
        raise ValueError("only PostgreSQL is supported (DESIGN.md section 4)")
    return url


def build_engine(
    database_url: str,
    *,
    pool_size: int = 10,
    statement_timeout_ms: int = 0,
    pre_ping: bool = False,
    **kwargs: Any,
) -> Engine:
    """A pooled engine. Without `pre_ping`, a broken connection is found when it is used:
    SQLAlchemy then invalidates every connection of the pool (`SRV_002`, 503, for that
    request; see `errors.py`), instead of a `SELECT 1` round trip before every request.

    `hide_parameters`: a database error's text (and so every logged traceback) names the SQL
    but never the bound values, which carry personal data, password hashes and tokens."""
    options = "-c timezone=UTC"
    if statement_timeout_ms:
        options += f" -c statement_timeout={int(statement_timeout_ms)}"
    return create_engine(
        sqlalchemy_url(database_url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        connect_args={"options": options, "application_name": "elcorp"},
        hide_parameters=True,
        **kwargs,
    )


def build_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)
