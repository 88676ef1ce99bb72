"""Fixtures of the payments tests: a teller who books deposits, a funded and an empty wallet."""

from __future__ import annotations

import pytest

from support.identity import grant_roles, signed_in
from support.payments import fund, wallet_of


@pytest.fixture
def teller(client, container):
    """Staff who books deposits (payment:create + payment:deposit), by direct service calls."""
    user = signed_in(client)
    grant_roles(container, user, "staff")
    return user


@pytest.fixture
def alice(client, container, teller):
    """A customer whose wallet holds NAD 1,000.00."""
    user = signed_in(client)
    user.wallet = wallet_of(client, container, user)
    fund(container, teller, user.wallet["id"], "1000.00")
    return user


@pytest.fixture
def bob(client, container):
    """A customer with an empty wallet."""
    user = signed_in(client)
    user.wallet = wallet_of(client, container, user)
    return user
