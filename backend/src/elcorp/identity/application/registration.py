"""Registration: self-service sign-up, accounts created by staff (through `new_user`) and
the administrator the operator creates from the command line. Audit entries never carry
personal values (POPIA s24; DESIGN §7): the entry names the user by id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from elcorp.governance.application.api import ADMIN_ROLE, USER_ROLE
from elcorp.identity.application.account_use_case import AccountUseCase, user_view
from elcorp.identity.application.authentication import audit
from elcorp.identity.application.fields import for_field
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.identity.application.results import UserView
from elcorp.identity.domain.events import UserRegistered
from elcorp.identity.domain.user import User, normalize_username, validate_full_name
from elcorp.shared.application.audit import Changes
from elcorp.shared.domain.email import EmailAddress
from elcorp.shared.domain.errors import AlreadyExists
from elcorp.shared.domain.phone import PhoneNumber

CREATE_ADMIN_REASON = "elcorp create-admin"


def _username_from(address: EmailAddress) -> str:
    local = "".join(c for c in address.value.split("@")[0].lower() if c.isalnum() or c in "._-")
    return (local.strip("._-") or "admin")[:32].ljust(3, "0")


def _ensure_unique(
    uow: IdentityUnitOfWork, address: EmailAddress, handle: str, number: PhoneNumber | None
) -> None:
    """One 409 naming every clashing field, so the form can mark them all at once."""
    conflicts = []
    if uow.users.email_taken(address.normalized):
        conflicts.append({"field": "email", "message": "is already registered"})
    if uow.users.username_taken(handle):
        conflicts.append({"field": "username", "message": "is already taken"})
    if number and uow.users.phone_taken(number.e164):
        conflicts.append({"field": "phone", "message": "is already registered"})
    if conflicts:
        raise AlreadyExists("An account with these details already exists", details=conflicts)


class Registration(AccountUseCase):
    def new_user(
        self,
        uow: IdentityUnitOfWork,
        *,
        username: str,
        full_name: str,
        email: str,
        password: str,
        phone: str | None,
        organization: str | None,
        email_verified: bool = False,
        consents: Sequence[str] = (),
    ) -> User:
        """Validate and add a user (shared by self-registration and admin creation)."""
        d = self.d
        d.policy.check_length(password)  # before anything expensive
        name = validate_full_name(full_name)
        handle = normalize_username(username)
        with for_field("email"):
            address = EmailAddress(email)
        with for_field("phone"):
            number = PhoneNumber.parse(phone) if phone else None
        _ensure_unique(uow, address, handle, number)
        d.policy.check(password, d.estimator, [handle, address.value, *name.split()])
        now = d.clock.now()
        user = User(
            id=uuid.uuid4(),
            username=handle,
            full_name=name,
            email=address,
            password_hash=d.hasher.hash(password),
            wallet_address=uuid.uuid4(),
            created_at=now,
            phone=number,
            organization=organization or None,
            email_verified_at=now if email_verified else None,
            password_changed_at=now,
            updated_at=now,
        )
        self._add(uow, user, consents)
        return user

    def _add(self, uow: IdentityUnitOfWork, user: User, consents: Sequence[str]) -> None:
        """Store the new account with its first password and the default role; announce it
        (payments opens the wallet, compliance records the consents, a mail verifies the address)."""
        uow.users.add(user)
        uow.users.add_password_history(user.id, user.password_hash)
        self.d.access.assign_roles(uow.grants, user.id, frozenset({USER_ROLE}), assigned_by=None)
        uow.publish(
            UserRegistered(
                user_id=user.id,
                wallet_address=user.wallet_address,
                email_verified=user.email_verified,
                consents=tuple(consents),
            )
        )

    def register(
        self,
        *,
        username: str,
        full_name: str,
        email: str,
        password: str,
        phone: str | None,
        organization: str | None,
        consents: Sequence[str] = (),
    ) -> UserView:
        """Self-registration. `consents`: the optional purposes the user ticked (validated by
        the HTTP schema); compliance records them from the UserRegistered event."""
        with self.d.uow() as uow:
            user = self.new_user(
                uow,
                username=username,
                full_name=full_name,
                email=email,
                password=password,
                phone=phone,
                organization=organization,
                consents=consents,
            )
            audit(uow, "user.registered", user.id, user.id, changes=Changes(after={"roles": [USER_ROLE]}))
            uow.commit()
        return user_view(user, [USER_ROLE])

    def ensure_admin(
        self,
        *,
        email: str,
        password: str,
        username: str | None = None,
        full_name: str = "Platform Administrator",
    ) -> tuple[bool, uuid.UUID]:
        """Create an administrator, or give an existing account the admin role (idempotent).
        Returns (created, user id)."""
        address = EmailAddress(email)
        with self.d.uow() as uow:
            existing = uow.users.by_login(address.normalized)
            if existing is not None:
                self._promote(uow, existing.id)
                return False, existing.id
            user = self.new_user(
                uow,
                username=username or _username_from(address),
                full_name=full_name,
                email=address.value,
                password=password,
                phone=None,
                organization=None,
                email_verified=True,
            )
            self.d.access.assign_roles(
                uow.grants, user.id, frozenset({USER_ROLE, ADMIN_ROLE}), assigned_by=None
            )
            audit(
                uow,
                "user.created",
                "system",
                user.id,
                changes=Changes(after={"roles": [ADMIN_ROLE, USER_ROLE]}),
                reason=CREATE_ADMIN_REASON,
            )
            uow.commit()
        self.d.access.forget(user.id)
        return True, user.id

    def _promote(self, uow: IdentityUnitOfWork, user_id: uuid.UUID) -> None:
        """Add the admin role to an existing account, unless it holds it already."""
        roles = uow.grants.roles_of_many([user_id])[user_id]
        if ADMIN_ROLE in roles:
            return
        promoted = roles | {ADMIN_ROLE}
        self.d.access.assign_roles(uow.grants, user_id, promoted, assigned_by=None)
        audit(
            uow,
            "role.assigned",
            "system",
            user_id,
            changes=Changes({"roles": sorted(roles)}, {"roles": sorted(promoted)}),
            reason=CREATE_ADMIN_REASON,
        )
        uow.commit()
        self.d.access.forget(user_id)

    def admin_exists(self) -> bool:
        with self.d.uow() as uow:
            return bool(uow.grants.users_with_role(ADMIN_ROLE))
