"""What the SQL erasers of every context share: the session of the erasure's unit of work,
and the declaration (category, retention basis, disposal) of the column they dispose of."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table
from sqlalchemy.orm import Session

from elcorp.shared.application.unit_of_work import UnitOfWork
from elcorp.shared.domain.personal_data import DeclaredColumn
from elcorp.shared.infrastructure.personal_data import INFO_KEY
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork


def session_of(tx: UnitOfWork) -> Session:
    """The SQLAlchemy session of the erasure's unit of work (all erasers share it)."""
    if not isinstance(tx, SqlAlchemyUnitOfWork):
        raise TypeError(f"an SQL eraser needs an SQL unit of work, not {type(tx).__name__}")
    return tx.session


@dataclass(frozen=True, slots=True)
class Treatment:
    """How one column is treated: its category, retention basis and declared disposal."""

    category: str
    basis: str
    disposal: str


def treatment(table: Table, column: str, category: str, basis: str, disposal: str) -> Treatment:
    """The column's declaration if it has one (the data inventory is the source), else the
    eraser's own default for it."""
    declared = table.c[column].info.get(INFO_KEY)
    if isinstance(declared, DeclaredColumn):
        return Treatment(declared.data.category, declared.data.retention.value, declared.data.disposal.value)
    return Treatment(category, basis, disposal)


def row_treatments(table: Table, category: str, basis: str, disposal: str) -> list[Treatment]:
    """The categories a row of `table` holds (one per declared category; the default when
    none is declared): deleting the row disposes of each of them."""
    found: dict[str, Treatment] = {}
    for column in table.columns:
        declared = column.info.get(INFO_KEY)
        if isinstance(declared, DeclaredColumn) and declared.data.category not in found:
            found[declared.data.category] = Treatment(
                declared.data.category, declared.data.retention.value, declared.data.disposal.value
            )
    return list(found.values()) or [Treatment(category, basis, disposal)]
