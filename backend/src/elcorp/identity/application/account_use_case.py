"""What the account use cases (registration, email verification, profile, passwords,
devices) share: their dependencies, the account lookup and the view they return."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from elcorp.identity.application.authentication import Authentication
from elcorp.identity.application.deps import IdentityDeps
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.identity.application.results import UserView
from elcorp.identity.domain.user import User
from elcorp.shared.domain.errors import NotFound

EMAIL_VERIFY, PASSWORD_RESET = "email_verify", "password_reset"


def user_view(user: User, roles: Sequence[str]) -> UserView:
    return UserView(
        id=user.id,
        username=user.username,
        email=user.email.value,
        full_name=user.full_name,
        phone=user.phone.e164 if user.phone else None,
        organization=user.organization,
        roles=sorted(roles),
        status=user.status.value,
        mfa_enabled=user.mfa_enabled,
        email_verified=user.email_verified,
        wallet_address=user.wallet_address,
        created_at=user.created_at,
        deleted_at=user.deleted_at,
    )


class AccountUseCase:
    """Base of the account use-case classes; `Accounts` combines them behind one name."""

    def __init__(self, deps: IdentityDeps, auth: Authentication) -> None:
        self.d = deps
        self.auth = auth

    def _view(self, user: User) -> UserView:
        """The account as its owner sees it, with the roles as stored."""
        return user_view(user, sorted(self.d.access.stored_grants(user.id).roles))

    @staticmethod
    def _require(uow: IdentityUnitOfWork, user_id: uuid.UUID) -> User:
        user = uow.users.get(user_id, for_update=True)
        if user is None:
            raise NotFound("Account not found")
        return user
