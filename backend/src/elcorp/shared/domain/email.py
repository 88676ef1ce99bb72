"""EmailAddress: a syntactically valid address, compared case-insensitively."""

from __future__ import annotations

import re
from dataclasses import dataclass

from elcorp.shared.domain.errors import InvalidEmail

# A pragmatic subset of RFC 5322 addr-spec; deliverability is proven by the verification mail.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_DOMAIN = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
_PATTERN = re.compile(rf"^{_LOCAL}@{_DOMAIN}$")
MAX_LENGTH = 254  # RFC 5321 path limit


@dataclass(frozen=True, slots=True)
class EmailAddress:
    """An email address as the user typed it; `normalized` is the lookup key."""

    value: str

    def __post_init__(self) -> None:
        value = self.value.strip() if isinstance(self.value, str) else ""
        if not value or len(value) > MAX_LENGTH or not _PATTERN.match(value):
            raise InvalidEmail("Enter a valid email address, such as name@example.com")
        if len(value.split("@", 1)[0]) > 64:
            raise InvalidEmail("The part before @ may be at most 64 characters")
        object.__setattr__(self, "value", value)

    @property
    def normalized(self) -> str:
        """Lower-cased form used for uniqueness and lookups."""
        return self.value.lower()

    @property
    def domain(self) -> str:
        return self.value.rsplit("@", 1)[1].lower()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, EmailAddress) and other.normalized == self.normalized

    def __hash__(self) -> int:
        return hash(self.normalized)

    def __str__(self) -> str:
        return self.value
