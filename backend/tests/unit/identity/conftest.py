"""Every identity unit test starts from fresh in-memory fakes (no database, no Redis)."""

from __future__ import annotations

import pytest

from support.fakes_identity import IdentityFakes


@pytest.fixture
def fakes() -> IdentityFakes:
    return IdentityFakes()
