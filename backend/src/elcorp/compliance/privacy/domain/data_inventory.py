"""The data inventory: the personal-data declarations of every table, grouped by data
category. It is computed from the declarations placed next to the tables, never kept by
hand, so it cannot drift from the schema (POPIA s17: the documentation of processing).

A category is one kind of personal information with one retention basis and one disposal
method: retention policies and erasure act per category, so two columns of one category
that disagree on either are a mistake (`inconsistencies`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from elcorp.shared.domain.personal_data import (
    Classification,
    DeclaredColumn,
    Disposal,
    RetentionBasis,
)

_RANK = {Classification.INTERNAL: 0, Classification.CONFIDENTIAL: 1, Classification.RESTRICTED: 2}


@dataclass(frozen=True, slots=True)
class InventoryCategory:
    """One data category and every column that holds it."""

    category: str
    classification: Classification  # the strictest of its columns
    retention: RetentionBasis
    disposal: Disposal
    special: bool  # special personal information (POPIA s26) in any of its columns
    contexts: tuple[str, ...]
    columns: tuple[DeclaredColumn, ...]


def inventory(declared: Iterable[DeclaredColumn]) -> list[InventoryCategory]:
    """The declarations grouped by category, categories and columns sorted."""
    by_category: dict[str, list[DeclaredColumn]] = {}
    for column in declared:
        by_category.setdefault(column.data.category, []).append(column)
    found = []
    for category in sorted(by_category):
        columns = sorted(by_category[category], key=lambda c: (c.table, c.column))
        first = columns[0].data
        found.append(
            InventoryCategory(
                category=category,
                classification=max((c.data.classification for c in columns), key=_RANK.__getitem__),
                retention=first.retention,
                disposal=first.disposal,
                special=any(c.data.special for c in columns),
                contexts=tuple(sorted({c.context for c in columns})),
                columns=tuple(columns),
            )
        )
    return found


def inconsistencies(declared: Iterable[DeclaredColumn]) -> list[str]:
    """Categories whose columns disagree on retention basis or disposal, one line each."""
    seen: dict[str, tuple[RetentionBasis, Disposal, str]] = {}
    problems = []
    for column in declared:
        where = f"{column.table}.{column.column}"
        rule = (column.data.retention, column.data.disposal)
        first = seen.setdefault(column.data.category, (*rule, where))
        if (first[0], first[1]) != rule:
            problems.append(
                f"{column.data.category}: {where} is {rule[0].value}/{rule[1].value} "
                f"but {first[2]} is {first[0].value}/{first[1].value}"
            )
    return problems
