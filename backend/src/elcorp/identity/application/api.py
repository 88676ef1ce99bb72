"""Identity's public API: what other contexts may call.

Governance's role administration asks here whether a user exists and which administrators
are active (the composition root hands a `UserDirectory` to governance as its port).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection

from elcorp.identity.application.admin import active_among, active_users
from elcorp.identity.application.corrections import ProfileCorrections
from elcorp.identity.application.personal_data_erasure import (
    IdentityPersonalDataErasure,
    IdentityRetentionPurge,
)
from elcorp.identity.application.personal_data_export import IdentityPersonalData
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.identity.domain.events import AccountLocked, SecurityNotice, UserDeleted, UserRegistered

__all__ = [
    "AccountLocked",
    "IdentityPersonalData",
    "IdentityPersonalDataErasure",
    "IdentityRetentionPurge",
    "ProfileCorrections",
    "SecurityNotice",
    "UserDeleted",
    "UserDirectory",
    "UserRegistered",
]


class UserDirectory:
    def __init__(self, uow: Callable[[], IdentityUnitOfWork]) -> None:
        self._uow = uow

    def exists(self, user_id: uuid.UUID) -> bool:
        """Is there such a user, not deleted?"""
        with self._uow() as uow:
            return uow.users.get(user_id) is not None

    def active_among(self, user_ids: Collection[uuid.UUID]) -> frozenset[uuid.UUID]:
        """Those of `user_ids` whose accounts are active (neither locked nor deleted)."""
        with self._uow() as uow:
            return active_among(uow, user_ids)

    def addresses(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Email addresses of those of `user_ids` whose accounts are active (for notices)."""
        with self._uow() as uow:
            return {user.id: user.email.value for user in active_users(uow, user_ids)}

    def names(self, user_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Full names of those of `user_ids` whose accounts are active (what a document
        addressed to them prints)."""
        with self._uow() as uow:
            return {user.id: user.full_name for user in active_users(uow, user_ids)}
