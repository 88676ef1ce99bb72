"""Accounts: registration, email verification, profile, password change and recovery,
devices. Every change is audited; nothing sensitive goes into the audit record."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from elcorp.governance.application.api import ADMIN_ROLE, USER_ROLE
from elcorp.identity.application.authentication import Authentication, audit
from elcorp.identity.application.deps import IdentityDeps
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.identity.application.results import DeviceInfo, Principal, UserView
from elcorp.identity.domain.errors import InvalidLinkToken, PasswordReused
from elcorp.identity.domain.events import PasswordResetRequested, SecurityNotice, UserRegistered
from elcorp.identity.domain.user import User, normalize_username, validate_full_name
from elcorp.shared.application.audit import Changes
from elcorp.shared.domain.email import EmailAddress
from elcorp.shared.domain.errors import AlreadyExists, NotFound, ValidationFailed
from elcorp.shared.domain.phone import PhoneNumber

EMAIL_VERIFY, PASSWORD_RESET = "email_verify", "password_reset"


def _username_from(address: EmailAddress) -> str:
    local = "".join(c for c in address.value.split("@")[0].lower() if c.isalnum() or c in "._-")
    return (local.strip("._-") or "admin")[:32].ljust(3, "0")


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


class Accounts:
    def __init__(self, deps: IdentityDeps, auth: Authentication) -> None:
        self.d = deps
        self.auth = auth

    # -- registration -------------------------------------------------------------------------
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
        address = EmailAddress(email)
        number = PhoneNumber.parse(phone) if phone else None
        conflicts = []
        if uow.users.email_taken(address.normalized):
            conflicts.append({"field": "email", "message": "is already registered"})
        if uow.users.username_taken(handle):
            conflicts.append({"field": "username", "message": "is already taken"})
        if number and uow.users.phone_taken(number.e164):
            conflicts.append({"field": "phone", "message": "is already registered"})
        if conflicts:
            raise AlreadyExists("An account with these details already exists", details=conflicts)
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
        uow.users.add(user)
        uow.users.add_password_history(user.id, user.password_hash)
        d.access.assign_roles(uow.grants, user.id, frozenset({USER_ROLE}), assigned_by=None)
        uow.publish(
            UserRegistered(
                user_id=user.id,
                wallet_address=user.wallet_address,
                email_verified=email_verified,
                consents=tuple(consents),
            )
        )
        return user

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
            audit(
                uow,
                "user.registered",
                user.id,
                user.id,
                # Personal values (username, name, email) stay out of the audit trail: it cannot
                # be erased (POPIA s24; DESIGN §7), and the entry names the user by id.
                changes=Changes(after={"roles": [USER_ROLE]}),
            )
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
                roles = uow.grants.roles_of_many([existing.id])[existing.id]
                if ADMIN_ROLE not in roles:
                    self.d.access.assign_roles(
                        uow.grants, existing.id, roles | {ADMIN_ROLE}, assigned_by=None
                    )
                    audit(
                        uow,
                        "role.assigned",
                        "system",
                        existing.id,
                        changes=Changes({"roles": sorted(roles)}, {"roles": sorted(roles | {ADMIN_ROLE})}),
                        reason="elcorp create-admin",
                    )
                    uow.commit()
                    self.d.access.forget(existing.id)
                return False, existing.id
            handle = username or _username_from(address)
            user = self.new_user(
                uow,
                username=handle,
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
                changes=Changes(after={"roles": [ADMIN_ROLE, USER_ROLE]}),  # no personal values (DESIGN §7)
                reason="elcorp create-admin",
            )
            uow.commit()
        self.d.access.forget(user.id)
        return True, user.id

    def admin_exists(self) -> bool:
        with self.d.uow() as uow:
            return bool(uow.grants.users_with_role(ADMIN_ROLE))

    def send_verification_email(self, user_id: uuid.UUID) -> tuple[str, str] | None:
        """(address, raw token) for the verification mail, or None if nothing to send.
        Called by the outbox handler; the raw token lives only in the mail."""
        with self.d.uow() as uow:
            user = uow.users.get(user_id)
            if user is None or user.email_verified:
                return None
            raw = uow.links.issue(user.id, EMAIL_VERIFY, self.d.email_verification_ttl, self.d.clock.now())
            uow.commit()
            return user.email.value, raw

    def verify_email(self, token: str) -> None:
        with self.d.uow() as uow:
            now = self.d.clock.now()
            user_id = uow.links.consume(token, EMAIL_VERIFY, now)
            user = uow.users.get(user_id, for_update=True) if user_id else None
            if user is None:
                raise InvalidLinkToken()
            user.verify_email(now)
            uow.users.save(user)
            audit(uow, "user.email_verified", user.id, user.id)
            uow.commit()

    def address_of(self, user_id: uuid.UUID) -> str | None:
        with self.d.uow() as uow:
            user = uow.users.get(user_id)
        return user.email.value if user else None

    # -- me ------------------------------------------------------------------------------
    def me(self, principal: Principal) -> UserView:
        with self.d.uow() as uow:
            user = uow.users.get(principal.user_id)
        if user is None:
            raise NotFound("Account not found")
        return user_view(user, sorted(self.d.access.stored_grants(user.id).roles))

    def update_profile(
        self,
        principal: Principal,
        *,
        full_name: str | None,
        phone: str | None,
        organization: str | None,
        current_password: str | None = None,
    ) -> UserView:
        with self.d.uow() as uow:
            user = self._require(uow, principal.user_id)
            if phone is not None and (user.phone is None or PhoneNumber.parse(phone) != user.phone):
                # DESIGN.md section 6: changing a recovery channel needs the current password.
                if not current_password:
                    raise ValidationFailed(
                        details=[
                            {"field": "current_password", "message": "is required to change the phone number"}
                        ]
                    )
                self.auth.reprove_password(uow, user, current_password)
            view = self.apply_profile(
                uow, user, principal.user_id, full_name=full_name, phone=phone, organization=organization
            )
            uow.commit()
        return view

    def apply_profile(
        self,
        uow: IdentityUnitOfWork,
        user: User,
        actor: uuid.UUID,
        *,
        full_name: str | None,
        phone: str | None,
        organization: str | None,
    ) -> UserView:
        number = PhoneNumber.parse(phone) if phone else None
        if number and uow.users.phone_taken(number.e164, except_id=user.id):
            raise AlreadyExists(details=[{"field": "phone", "message": "is already registered"}])
        changes = user.update_profile(
            full_name=validate_full_name(full_name) if full_name is not None else None,
            phone=number,
            organization=organization,
            at=self.d.clock.now(),
        )
        if changes:
            uow.users.save(user)
            # Personal values are not copied into the audit trail: only which fields changed.
            audit(
                uow,
                "user.profile_updated",
                actor,
                user.id,
                changes=Changes(after={"fields": sorted(changes)}),
            )
        return user_view(user, sorted(self.d.access.stored_grants(user.id).roles))

    def change_password(self, principal: Principal, *, current_password: str, new_password: str) -> None:
        d = self.d
        d.policy.check_length(new_password)
        with d.uow() as uow:
            user = self._require(uow, principal.user_id)
            self.auth.reprove_password(uow, user, current_password)
            self._set_password(uow, user, new_password)
            self.auth.end_sessions(uow, user.id, d.clock.now(), keep_device=principal.device_id)
            audit(uow, "user.password_changed", user.id, user.id, reason="other devices signed out")
            uow.publish(SecurityNotice(user_id=user.id, kind="password_changed"))
            uow.commit()

    def _set_password(self, uow: IdentityUnitOfWork, user: User, new_password: str) -> None:
        d = self.d
        d.policy.check(new_password, d.estimator, user.identifying_inputs())
        recent = uow.users.password_history(user.id, d.password_history)
        if any(d.hasher.verify(old, new_password) for old in recent):
            raise PasswordReused(
                details=[
                    {
                        "field": "new_password",
                        "message": f"must differ from your last {d.password_history} passwords",
                    }
                ]
            )
        user.change_password(d.hasher.hash(new_password), d.clock.now())
        uow.users.save(user)
        uow.users.add_password_history(user.id, user.password_hash)

    # -- recovery --------------------------------------------------------------------------
    def forgot_password(self, email: str) -> None:
        """Always succeeds from the caller's view (no account enumeration)."""
        address = EmailAddress(email)  # a malformed address is a 422, which reveals nothing
        with self.d.uow() as uow:
            user = uow.users.by_login(address.normalized)
            known = user is not None and user.can_sign_in
            if user is not None and known:
                uow.publish(PasswordResetRequested(user_id=user.id))
            # The same writes either way (an audit row and a commit), so the response time
            # does not tell whether the address has an account; the email is sent later.
            audit(
                uow,
                "user.password_reset_requested",
                None,
                user.id if known and user else None,
                reason=None if known else "no active account for the address",
            )
            uow.commit()

    def send_reset_email(self, user_id: uuid.UUID) -> tuple[str, str] | None:
        with self.d.uow() as uow:
            user = uow.users.get(user_id)
            if user is None or not user.can_sign_in:
                return None
            raw = uow.links.issue(user.id, PASSWORD_RESET, self.d.password_reset_ttl, self.d.clock.now())
            uow.commit()
            return user.email.value, raw

    def reset_password(self, token: str, new_password: str) -> None:
        d = self.d
        d.policy.check_length(new_password)
        with d.uow() as uow:
            now = d.clock.now()
            user_id = uow.links.consume(token, PASSWORD_RESET, now)
            user = uow.users.get(user_id, for_update=True) if user_id else None
            if user is None:
                raise InvalidLinkToken()
            self._set_password(uow, user, new_password)
            d.throttle.clear(user.id)
            self.auth.end_sessions(uow, user.id, now)
            audit(uow, "user.password_reset", user.id, user.id, reason="all sessions ended")
            uow.publish(SecurityNotice(user_id=user.id, kind="password_reset"))
            uow.commit()

    # -- devices ---------------------------------------------------------------------------
    def devices(self, principal: Principal) -> list[DeviceInfo]:
        with self.d.uow() as uow:
            rows = uow.devices.active(principal.user_id, self.d.clock.now())
        return [
            DeviceInfo(
                device_id=r.device_id,
                device_name=r.device_name,
                user_agent=r.user_agent,
                ip_address=r.ip_address,
                created_at=r.created_at,
                last_used_at=r.last_used_at,
                expires_at=r.expires_at,
                current=r.device_id == principal.device_id,
            )
            for r in rows
        ]

    def revoke_device(self, principal: Principal, device_id: uuid.UUID) -> None:
        with self.d.uow() as uow:
            if not uow.devices.revoke(principal.user_id, device_id, self.d.clock.now()):
                raise NotFound("No active session on this device")
            self.d.revocations.revoke_device(principal.user_id, device_id)
            audit(
                uow,
                "auth.device_revoked",
                principal.user_id,
                principal.user_id,
                changes=Changes(after={"device_id": str(device_id)}),
            )
            uow.commit()

    @staticmethod
    def _require(uow: IdentityUnitOfWork, user_id: uuid.UUID) -> User:
        user = uow.users.get(user_id, for_update=True)
        if user is None:
            raise NotFound("Account not found")
        return user
