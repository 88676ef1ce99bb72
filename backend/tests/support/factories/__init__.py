"""factory-boy factories of test data, one module per context.

`build()` gives the domain objects unit tests hand to pure rules and in-memory fakes; the
`*BodyFactory` dicts are what the HTTP API takes, so the same data reaches PostgreSQL
through the real routes. Generated values come from `factory.Sequence`, and factory-boy's
random source (which `factory.Faker` and fuzzy attributes draw from) is seeded here, so a run
is reproducible; only the parts that must stay unique against rows other
tests committed to the shared database (email, phone) carry a random suffix.
"""

from __future__ import annotations

import factory.random

# One seed for every Faker and fuzzy value the factories draw: the same data on every run.
factory.random.reseed_random("elcorp-namibia-tests")
