"""The schema the migrations build is the schema the code declares (`elcorp.tables`).

Tables are written twice: as SQL in the migrations (what production runs) and as SQLAlchemy
`Table` objects the code queries through (and Alembic autogenerates from). A fresh database
migrated to head must match the code's metadata: tables, columns, types, nullability, server
defaults, primary, unique and foreign keys, indexes, and table and column comments.

What the comparison leaves out, and why (nothing else is excluded):
- the monthly partitions of `audit_log` (`audit_log_YYYY_MM`, created by the migrations and
  by the partition job ahead of time): the code declares the partitioned parent only, and
  writes through it. They are found in the catalog (`relispartition`), not by name.
- the type of the two `xid8` columns, `audit_log.txid` and `audit_sequencer_state.low_xid`:
  SQLAlchemy has no `xid8` type to reflect, so the code reads and writes them as text
  (`test_only_the_xid8_columns_are_beyond_the_comparison` keeps that list exact).
- Alembic does not compare an index's `WHERE` clause: a test below has PostgreSQL itself
  compare every declared index (columns, expressions, order, uniqueness, predicate) with the
  migrated one.
- CHECK and EXCLUDE constraints, triggers and SQL functions live in the migrations only:
  Alembic does not compare them, and the tests of each rule (ledger, audit log, vehicle
  ownership, retention...) exercise them.
"""

from __future__ import annotations

import ast
import re
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Index, Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlalchemy.schema import CreateIndex

from elcorp import tables
from elcorp.shared.infrastructure import migrate
from elcorp.shared.infrastructure.db import build_engine
from elcorp.tables import metadata
from support.servers import create_database, drop_database

SOURCE = Path(tables.__file__).parent
XID8_COLUMNS = {("audit_log", "txid"), ("audit_sequencer_state", "low_xid")}


@pytest.fixture(scope="module")
def fresh_engine(server_urls, settings) -> Iterator[Engine]:
    """A database of its own, migrated from empty to head (no test has written to it)."""
    url = create_database(server_urls[0], prefix="elcorp_schema")
    engine = build_engine(url, pool_size=1)
    try:
        migrate.upgrade(engine, settings.MIGRATIONS_DIR)
        yield engine
    finally:
        engine.dispose()
        drop_database(url)


def partitions(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(text("SELECT relname FROM pg_class WHERE relispartition")).scalars())


def differences(engine: Engine) -> tuple[list[object], list[str]]:
    """Alembic's differences between the migrated database and the code, and its warnings."""
    skipped = partitions(engine)

    def include_object(obj, name, type_, reflected, compare_to):
        return not (type_ == "table" and reflected and compare_to is None and name in skipped)

    with engine.connect() as conn, warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        context = MigrationContext.configure(
            conn,
            opts={"compare_type": True, "compare_server_default": True, "include_object": include_object},
        )
        found = compare_metadata(context, metadata)
    return found, [str(w.message) for w in caught]


def test_a_freshly_migrated_database_is_the_schema_the_code_declares(fresh_engine):
    found, _ = differences(fresh_engine)
    assert found == []


def test_only_the_xid8_columns_are_beyond_the_comparison(fresh_engine):
    _, said = differences(fresh_engine)
    unrecognised = {m for m in said if "Did not recognize type" in m}
    assert unrecognised == {f"Did not recognize type 'xid8' of column '{c}'" for _, c in XID8_COLUMNS}
    declared = {
        (t.name, c.name) for t in metadata.tables.values() for c in t.c if c.name in {"txid", "low_xid"}
    }
    assert declared == XID8_COLUMNS


def index_definition(conn, name: str) -> str:
    found = conn.execute(
        text(
            "SELECT pg_get_indexdef(c.oid) FROM pg_class c WHERE c.relname = :n AND c.relkind IN ('i', 'I')"
        ),
        {"n": name},
    ).scalar_one_or_none()
    assert found is not None, f"index {name} is declared in the code but not in the database"
    return str(found).replace(f"INDEX {name} ON", "INDEX <name> ON")


def declared_indexes() -> list[Index]:
    return sorted((ix for t in metadata.tables.values() for ix in t.indexes), key=lambda ix: str(ix.name))


def test_every_declared_index_is_the_migrated_one_column_order_and_where_clause_included(fresh_engine):
    """PostgreSQL compares them: the code's index is created under another name (in a
    transaction rolled back), and both definitions are read back in PostgreSQL's own words."""
    mismatched = []
    with fresh_engine.connect() as conn:
        for index in declared_indexes():
            name = str(index.name)
            migrated = index_definition(conn, name)
            probe = Index(f"probe_{name}"[:63], *index.expressions, unique=index.unique, **index.kwargs)
            probe._set_parent(index.table)  # type: ignore[arg-type]
            try:
                ddl = str(CreateIndex(probe).compile(dialect=postgresql.dialect()))
                savepoint = conn.begin_nested() if conn.in_transaction() else conn.begin()
                conn.execute(text(ddl))
                declared = index_definition(conn, str(probe.name))
                savepoint.rollback()
            finally:
                index.table.indexes.discard(probe)  # type: ignore[union-attr]
            if declared != migrated:
                mismatched.append((name, migrated, declared))
    assert mismatched == []


def test_every_table_module_is_gathered():
    """A module that declares a `Table` and is missing from `elcorp.tables` is invisible to
    Alembic and to the comparison above."""
    declaring = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(
            isinstance(n, ast.Call) and getattr(n.func, "id", None) == Table.__name__ for n in ast.walk(tree)
        ):
            declaring.add(".".join(path.relative_to(SOURCE.parent).with_suffix("").parts))
    gathered = {module.__name__ for module in tables.TABLE_MODULES}
    assert declaring == gathered


def test_the_alembic_environment_compares_against_every_table():
    env = (SOURCE.parent.parent / "migrations" / "env.py").read_text(encoding="utf-8")
    assert re.search(r"^from elcorp\.tables import metadata$", env, re.MULTILINE)
    assert "target_metadata = metadata" in env
