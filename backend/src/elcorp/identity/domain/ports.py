"""Ports the identity use cases depend on; adapters live in identity.infrastructure."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Protocol

from elcorp.identity.domain.user import User


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...

    def get(
        self, user_id: uuid.UUID, *, for_update: bool = False, include_deleted: bool = False
    ) -> User | None: ...

    def by_login(self, login: str) -> User | None:
        """By email (case-insensitive) or username; never a deleted user."""
        ...

    def email_taken(self, normalized_email: str, except_id: uuid.UUID | None = None) -> bool: ...

    def username_taken(self, username: str) -> bool: ...

    def phone_taken(self, e164: str, except_id: uuid.UUID | None = None) -> bool: ...

    def save(self, user: User) -> None: ...

    def search(
        self,
        *,
        text: str | None,
        status: str | None,
        only_ids: Sequence[uuid.UUID] | None,
        include_deleted: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[User], int]:
        """A page of users (newest first) and the total matching."""
        ...

    def password_history(self, user_id: uuid.UUID, limit: int) -> Sequence[str]: ...

    def add_password_history(self, user_id: uuid.UUID, password_hash: str) -> None: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...

    def needs_rehash(self, password_hash: str) -> bool: ...

    def burn(self, password: str) -> None:
        """Spend one verification's worth of time (unknown users: no timing oracle)."""
        ...
