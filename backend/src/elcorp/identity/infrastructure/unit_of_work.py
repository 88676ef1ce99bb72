"""The identity unit of work: the kernel's SQL unit of work plus identity's repositories
(and governance's grants store, handed in by the composition root)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Self

from sqlalchemy.orm import Session

from elcorp.governance.application.api import GrantsStore
from elcorp.identity.infrastructure.lookup import LookupHasher
from elcorp.identity.infrastructure.repositories import SqlUserRepository
from elcorp.identity.infrastructure.stores import SqlDeviceStore, SqlMfaStore, SqlOneTimeTokens
from elcorp.shared.infrastructure.unit_of_work import SqlAlchemyUnitOfWork
from elcorp.shared.security.encryption import FieldCipher


class SqlIdentityUnitOfWork(SqlAlchemyUnitOfWork):
    users: SqlUserRepository
    devices: SqlDeviceStore
    links: SqlOneTimeTokens
    mfa: SqlMfaStore
    grants: GrantsStore

    def __init__(
        self,
        session_factory: Callable[[], Session],
        cipher: FieldCipher,
        lookup: LookupHasher,
        grants_store: Callable[[Session], GrantsStore],
    ) -> None:
        super().__init__(session_factory)
        self._cipher = cipher
        self._lookup = lookup
        self._grants_store = grants_store

    def __enter__(self) -> Self:
        super().__enter__()
        self.users = SqlUserRepository(self.session, self._cipher, self._lookup)
        self.devices = SqlDeviceStore(self.session)
        self.links = SqlOneTimeTokens(self.session)
        self.mfa = SqlMfaStore(self.session, self._lookup)
        self.grants = self._grants_store(self.session)
        return self
