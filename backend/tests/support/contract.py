"""Shared by the contract tests: which operations a run checks."""

from __future__ import annotations

import os


def selected(path: str) -> bool:
    """`CONTRACT_PATHS=/api/v1/incidents,/api/v1/risks` limits a run to those path prefixes."""
    prefixes = [p for p in os.environ.get("CONTRACT_PATHS", "").split(",") if p]
    return not prefixes or any(path.startswith(p) for p in prefixes)
