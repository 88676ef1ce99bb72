"""Where the personal-data declarations live: in the `info` of the SQLAlchemy column they
describe, written next to the table (`declare(...)` right after the `Table(...)`)."""

from __future__ import annotations

from sqlalchemy import MetaData, Table

from elcorp.shared.domain.personal_data import DeclaredColumn, PersonalData

INFO_KEY = "personal_data"


def declare(context: str, table: Table, column: str, data: PersonalData) -> None:
    """Declare that `table.column` holds personal information (KeyError: no such column)."""
    table.c[column].info[INFO_KEY] = DeclaredColumn(context, table.name, column, data)


def declared_columns(metadata: MetaData) -> list[DeclaredColumn]:
    """Every declaration on the tables of `metadata`, by table and column."""
    found = [
        column.info[INFO_KEY]
        for table in metadata.tables.values()
        for column in table.columns
        if INFO_KEY in column.info
    ]
    return sorted(found, key=lambda d: (d.table, d.column))
