"""The ledger's PL/pgSQL functions, one file per released version (`<name>.v<N>.sql`).

A migration loads a version by name and records it on the function (`COMMENT ON
FUNCTION`), so changing a function means a new file and a new migration, and an old
migration keeps loading exactly what it loaded when it was written."""

from __future__ import annotations

from importlib.resources import files

# The version of each ledger function the newest migration installs.
CURRENT: dict[str, int] = {
    "payments_execute": 3,
    "posting_apply": 1,
    "journal_entry_balanced": 1,
    "ledger_refuse_change": 1,
    "hold_apply": 1,
}


def source(function: str, version: int) -> str:
    """The `CREATE OR REPLACE FUNCTION` statement of that version of the function."""
    return files(__package__).joinpath(f"{function}.v{version}.sql").read_text(encoding="utf-8")


def version_comment(function: str, signature: str, version: int) -> str:
    """The statement recording which version of the function the database runs."""
    return f"COMMENT ON FUNCTION {function}({signature}) IS 'elcorp {function} v{version}'"
