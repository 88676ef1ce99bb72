"""User administration by staff: list, read, create, change, delete, restore, unlock, and
a user's signed-in devices (list, sign one out).

Object-level authorisation: a caller whose grant (`user:read`, `user:update`, ...) is
scoped `own` sees only their own record, and one scoped `organization` only the users of
their own organization (only themselves when they belong to none); anyone else's id gets
404, so ids cannot be probed.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from elcorp.governance.application.api import ADMIN_ROLE, USER_ROLE, Scope
from elcorp.identity.application.account_use_case import user_view
from elcorp.identity.application.accounts import Accounts
from elcorp.identity.application.authentication import Authentication, audit
from elcorp.identity.application.deps import IdentityDeps
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.identity.application.results import DeviceInfo, Principal, UserView
from elcorp.identity.domain.events import SecurityNotice, UserDeleted
from elcorp.identity.domain.user import User, UserStatus
from elcorp.shared.application.audit import Changes
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.errors import Conflict, NotFound


class UserAdministration:
    def __init__(self, deps: IdentityDeps, auth: Authentication, accounts: Accounts) -> None:
        self.d = deps
        self.auth = auth
        self.accounts = accounts

    def _scope(self, principal: Principal, permission: str) -> Scope | None:
        return self.d.access.grants_for(principal.user_id).scope_of(permission)

    def _visible(self, principal: Principal, user_id: uuid.UUID, permission: str) -> None:
        scope = self._scope(principal, permission)
        if scope is None or not self._reaches(principal, scope, user_id):
            raise NotFound("User not found")

    def _reaches(self, principal: Principal, scope: Scope, user_id: uuid.UUID) -> bool:
        """Does a grant at `scope` reach `user_id`? `all`: anyone; `organization`: the
        members of the caller's organization; `own` (or no organization): the caller."""
        if scope is Scope.ALL or user_id == principal.user_id:
            return True
        if scope is Scope.ORGANIZATION:
            mine = self.d.organizations.organization_of(principal.user_id)
            return mine is not None and self.d.organizations.organization_of(user_id) == mine
        return False

    def _reach(self, principal: Principal, scope: Scope) -> frozenset[uuid.UUID]:
        """Everyone a grant narrower than `all` reaches (for lists)."""
        if scope is Scope.ORGANIZATION:
            mine = self.d.organizations.organization_of(principal.user_id)
            if mine is not None:
                return self.d.organizations.members_of(mine) | {principal.user_id}
        return frozenset({principal.user_id})

    def list_users(
        self,
        principal: Principal,
        page: PageRequest,
        *,
        search: str | None,
        role: str | None,
        status: str | None,
        include_deleted: bool = False,
    ) -> Page[UserView]:
        scope = self._scope(principal, "user:read")
        with self.d.uow() as uow:
            only: list[uuid.UUID] | None = None
            if role:
                only = uow.grants.users_with_role(role)
            if scope is not Scope.ALL:
                reach = self._reach(principal, scope) if scope is not None else frozenset()
                only = sorted(reach if only is None else reach & set(only))
            users, total = uow.users.search(
                text=search,
                status=status,
                only_ids=only,
                include_deleted=include_deleted,
                offset=page.offset,
                limit=page.per_page,
            )
            roles = uow.grants.roles_of_many([u.id for u in users])
        return Page(
            [user_view(u, sorted(roles.get(u.id, ()))) for u in users], page.page, page.per_page, total
        )

    def get_user(self, principal: Principal, user_id: uuid.UUID) -> UserView:
        self._visible(principal, user_id, "user:read")
        with self.d.uow() as uow:
            user = uow.users.get(user_id, include_deleted=self._scope(principal, "user:read") is Scope.ALL)
            if user is None:
                raise NotFound("User not found")
            roles = uow.grants.roles_of_many([user.id])[user.id]
            if principal.user_id != user.id:
                # A staff read of someone's personal data is itself recorded, so the
                # subject's access bundle can say who saw it (POPIA s23(1)(b)).
                audit(uow, "user.viewed", principal.user_id, user.id)
                uow.commit()
        return user_view(user, sorted(roles))

    def create_user(
        self,
        principal: Principal,
        *,
        username: str,
        full_name: str,
        email: str,
        password: str,
        phone: str | None,
        organization: str | None,
        email_verified: bool,
    ) -> UserView:
        with self.d.uow() as uow:
            user = self.accounts.new_user(
                uow,
                username=username,
                full_name=full_name,
                email=email,
                password=password,
                phone=phone,
                organization=organization,
                email_verified=email_verified,
            )
            audit(
                uow,
                "user.created",
                principal.user_id,
                user.id,
                changes=Changes(after={"email_verified": email_verified}),  # no personal values (DESIGN §7)
            )
            uow.commit()
        return user_view(user, [USER_ROLE])

    def update_user(
        self,
        principal: Principal,
        user_id: uuid.UUID,
        *,
        full_name: str | None,
        phone: str | None,
        organization: str | None,
        status: str | None,
    ) -> UserView:
        self._visible(principal, user_id, "user:update")
        with self.d.uow() as uow:
            user = self._get(uow, user_id)
            now = self.d.clock.now()
            if status is not None and status != user.status.value:
                before = user.status.value
                if status == UserStatus.LOCKED.value:
                    self._guard_last_admin(uow, user, "lock")
                    user.lock(now)
                    self.auth.end_sessions(uow, user.id, now)
                else:
                    user.unlock(now)
                uow.users.save(user)
                audit(
                    uow,
                    "user.status_changed",
                    principal.user_id,
                    user.id,
                    changes=Changes({"status": before}, {"status": user.status.value}),
                )
            view = self.accounts.apply_profile(
                uow, user, principal.user_id, full_name=full_name, phone=phone, organization=organization
            )
            uow.commit()
        return view

    def delete_user(self, principal: Principal, user_id: uuid.UUID, reason: str | None) -> None:
        self._visible(principal, user_id, "user:delete")
        with self.d.uow() as uow:
            user = self._get(uow, user_id)
            self._guard_last_admin(uow, user, "delete")
            now = self.d.clock.now()
            user.soft_delete(now)
            uow.users.save(user)
            self.auth.end_sessions(uow, user.id, now)
            audit(
                uow,
                "user.deleted",
                principal.user_id,
                user.id,
                changes=Changes({"status": "active"}, {"status": "deleted"}),
                reason=reason,
            )
            uow.publish(UserDeleted(occurred_at=now, user_id=user.id))
            uow.commit()

    def restore_user(self, principal: Principal, user_id: uuid.UUID) -> UserView:
        self._visible(principal, user_id, "user:delete")
        with self.d.uow() as uow:
            user = uow.users.get(user_id, for_update=True, include_deleted=True)
            if user is None:
                raise NotFound("User not found")
            user.restore(self.d.clock.now())
            uow.users.save(user)
            audit(
                uow,
                "user.restored",
                principal.user_id,
                user.id,
                changes=Changes({"status": "deleted"}, {"status": "active"}),
            )
            roles = uow.grants.roles_of_many([user.id])[user.id]
            uow.commit()
        return user_view(user, sorted(roles))

    def unlock_user(self, principal: Principal, user_id: uuid.UUID) -> UserView:
        """Lift an administrative lock and any temporary sign-in lockout."""
        self._visible(principal, user_id, "user:update")
        with self.d.uow() as uow:
            user = self._get(uow, user_id)
            before = user.status.value
            user.unlock(self.d.clock.now())
            uow.users.save(user)
            self.d.throttle.clear(user.id)
            uow.publish(SecurityNotice(user_id=user.id, kind="account_unlocked"))
            audit(
                uow,
                "user.unlocked",
                principal.user_id,
                user.id,
                changes=Changes({"status": before}, {"status": user.status.value}),
            )
            roles = uow.grants.roles_of_many([user.id])[user.id]
            uow.commit()
        return user_view(user, sorted(roles))

    def user_devices(self, principal: Principal, user_id: uuid.UUID, page: PageRequest) -> Page[DeviceInfo]:
        """A user's signed-in devices, most recently used first. Sign-in addresses and
        browsers are personal data: a staff read of someone else's is audited."""
        self._visible(principal, user_id, "user:read")
        with self.d.uow() as uow:
            if uow.users.get(user_id, include_deleted=True) is None:
                raise NotFound("User not found")
            if principal.user_id != user_id:
                audit(uow, "user.devices_viewed", principal.user_id, user_id)
                uow.commit()
        current = principal.device_id if principal.user_id == user_id else None
        return self.accounts.device_page(user_id, page, current_device=current)

    def revoke_user_device(self, principal: Principal, user_id: uuid.UUID, device_id: uuid.UUID) -> None:
        """Sign one of a user's devices out: its refresh tokens and the access tokens already
        issued to it stop working. Another user's device id, or one no longer signed in, is a 404."""
        self._visible(principal, user_id, "user:update")
        self.accounts.end_device(principal.user_id, user_id, device_id, action="user.device_revoked")

    @staticmethod
    def _get(uow: IdentityUnitOfWork, user_id: uuid.UUID) -> User:
        user = uow.users.get(user_id, for_update=True)
        if user is None:
            raise NotFound("User not found")
        return user

    @staticmethod
    def _guard_last_admin(uow: IdentityUnitOfWork, user: User, verb: str) -> None:
        # Every guard of the last administrator (here and in role administration) queues
        # on the admin role's row, so two racing changes never both see "another admin".
        uow.grants.lock_role(ADMIN_ROLE)
        admins = set(uow.grants.users_with_role(ADMIN_ROLE))
        if user.id not in admins:
            return
        if not active_among(uow, admins - {user.id}, limit=1):
            raise Conflict(f"Cannot {verb} the last active administrator")


def active_users(
    uow: IdentityUnitOfWork, user_ids: Collection[uuid.UUID], *, limit: int | None = None
) -> list[User]:
    """Those of `user_ids` whose accounts are active: neither locked nor deleted."""
    if not user_ids:
        return []
    found, _ = uow.users.search(
        text=None,
        status=UserStatus.ACTIVE.value,
        only_ids=list(user_ids),
        include_deleted=False,
        offset=0,
        limit=limit or len(user_ids),
    )
    return found


def active_among(
    uow: IdentityUnitOfWork, user_ids: Collection[uuid.UUID], *, limit: int | None = None
) -> frozenset[uuid.UUID]:
    """The ids of `active_users` (the meaning of "active administrator" for the
    last-administrator guards)."""
    return frozenset(u.id for u in active_users(uow, user_ids, limit=limit))
