"""SECURITY.md's permission table is the catalogue and the system roles' seeded grants."""

from __future__ import annotations

import re
from pathlib import Path

from elcorp.governance.domain.rbac import ADMIN, CATALOGUE, DEFAULT_GRANTS, STAFF, USER

SECURITY = Path(__file__).resolve().parents[4] / "docs" / "SECURITY.md"
ROW = re.compile(r"^\| `([a-z_]+:[a-z_]+)` \|[^|]+\|\s*(\w*)\s*\|\s*(\w*)\s*\|\s*(\w*)\s*\|$")


def test_the_documented_catalogue_matches_the_code():
    rows = {m[1]: (m[2], m[3], m[4]) for line in SECURITY.read_text().splitlines() if (m := ROW.match(line))}
    assert sorted(rows) == sorted(p.name for p in CATALOGUE)
    for name, documented in rows.items():
        seeded = tuple(
            DEFAULT_GRANTS[role][name].value if name in DEFAULT_GRANTS[role] else ""
            for role in (ADMIN, STAFF, USER)
        )
        assert documented == seeded, name
