"""Where the data inventory is read from: the personal-data declarations on the columns of
the application's SQLAlchemy metadata. The composition root imports every context's tables
before it builds the register, so the metadata it reads is complete."""

from __future__ import annotations

from elcorp.shared.domain.personal_data import DeclaredColumn
from elcorp.shared.infrastructure.db import metadata
from elcorp.shared.infrastructure.personal_data import declared_columns


def metadata_declarations() -> list[DeclaredColumn]:
    """Every declaration on the tables known to the metadata, by table and column."""
    return declared_columns(metadata)
