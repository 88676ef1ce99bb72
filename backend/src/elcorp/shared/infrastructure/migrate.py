"""Run Alembic migrations programmatically (CLI, dev supervisor, tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine


def alembic_config(migrations_dir: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    return config


def upgrade(engine: Engine, migrations_dir: Path, target: str = "head") -> None:
    config = alembic_config(migrations_dir)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, target)


def downgrade(engine: Engine, migrations_dir: Path, target: str = "base") -> None:
    config = alembic_config(migrations_dir)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, target)
