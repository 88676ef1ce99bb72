"""A rule broken by one request field names that field in the error's details (docs/API.md:
`field` is the request's parameter, never the body as a whole)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from elcorp.shared.domain.errors import ValidationFailed


@contextmanager
def for_field(name: str) -> Iterator[None]:
    """Value objects (EmailAddress, PhoneNumber) do not know the request's name for their
    input: a failure inside without details gets one naming `name`."""
    try:
        yield
    except ValidationFailed as exc:
        if not exc.details:
            exc.details = [{"field": name, "message": exc.message}]
        raise
