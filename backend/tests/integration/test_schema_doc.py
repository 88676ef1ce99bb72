"""docs/DATABASE_SCHEMA.md's generated reference is the schema the migrations build.

A fresh database on the test server is migrated to head and documented by the same code as
`elcorp schema-doc`; the committed file must be exactly what that gives. A migration added
without regenerating the document fails here (run `elcorp schema-doc`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from elcorp.cli.schema_doc import BEGIN, END, generate, merge, scratch_database
from elcorp.config import Settings
from elcorp.shared.infrastructure.db import build_engine

DOCUMENT = Path(__file__).resolve().parents[3] / "docs" / "DATABASE_SCHEMA.md"


@pytest.fixture(scope="module")
def migrated(server_urls: tuple[str, str], settings: Settings) -> Iterator[tuple[str, str]]:
    """(URL of a freshly migrated database, its generated reference)."""
    with scratch_database(server_urls[0]) as url:
        yield url, generate(url, settings.MIGRATIONS_DIR)


def test_the_committed_schema_document_is_the_migrated_schema(migrated: tuple[str, str]) -> None:
    committed = DOCUMENT.read_text(encoding="utf-8")
    expected = merge(committed, migrated[1])
    diff = "".join(
        difflib.unified_diff(
            committed.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            "committed",
            "migrated",
            n=1,
        )
    )
    assert not diff, "docs/DATABASE_SCHEMA.md is out of date; run `elcorp schema-doc`:\n" + diff[:4000]


def test_the_reference_names_every_table_constraint_and_trigger(migrated: tuple[str, str]) -> None:
    url, generated = migrated
    engine = build_engine(url, pool_size=1)
    with engine.connect() as conn:
        tables = (
            conn.execute(
                text(
                    "SELECT relname FROM pg_class WHERE relkind IN ('r', 'p') AND NOT relispartition "
                    "AND relnamespace = 'public'::regnamespace"
                )
            )
            .scalars()
            .all()
        )
        constraints = (
            conn.execute(
                text(
                    "SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                    "AND conrelid IN (SELECT oid FROM pg_class WHERE NOT relispartition)"
                )
            )
            .scalars()
            .all()
        )
        triggers = (
            conn.execute(
                text(
                    "SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE NOT tgisinternal AND NOT c.relispartition"
                )
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert generated.startswith(BEGIN) and generated.rstrip().endswith(END)
    assert len(tables) > 50
    for name in tables:
        assert f"### `{name}`" in generated
    for name in [*constraints, *triggers]:
        assert f"`{name}`" in generated
    assert "```mermaid\nerDiagram" in generated
    assert 'payment_transaction ||--o{ journal_entry : "journal_entry_transaction_id_fkey"' in generated
    assert "audit_log_20" not in generated  # the dated partitions are left out


def test_the_command_checks_and_rewrites_only_the_generated_part(
    server_urls: tuple[str, str], tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from elcorp.cli import main

    stale = tmp_path / "schema.md"
    prose = "# Database schema\n\nHand-written prose stays.\n\n"
    stale.write_text(f"{prose}{BEGIN}\nan old reference\n{END}\n", encoding="utf-8")
    env = {"DATABASE_URL": server_urls[0], "REDIS_URL": server_urls[1], "VAR_DIR": str(tmp_path)}
    runner = CliRunner()

    checked = runner.invoke(main, ["schema-doc", "--out", str(stale), "--check"], env=env)
    assert checked.exit_code == 1, checked.output
    assert "an old reference" in stale.read_text(encoding="utf-8")

    rewritten = runner.invoke(main, ["schema-doc", "--out", str(stale)], env=env)
    assert rewritten.exit_code == 0, rewritten.output
    text = stale.read_text(encoding="utf-8")
    assert text.startswith(prose + BEGIN) and "an old reference" not in text
    assert "### `payment_transaction`" in text

    again = runner.invoke(main, ["schema-doc", "--out", str(stale), "--check"], env=env)
    assert again.exit_code == 0, again.output
