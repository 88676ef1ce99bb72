"""The caller's own profile: reading it and changing name, phone and organization. A new
phone number (a recovery channel) needs the current password (DESIGN.md section 6)."""

from __future__ import annotations

import uuid

from elcorp.identity.application.account_use_case import AccountUseCase
from elcorp.identity.application.authentication import audit
from elcorp.identity.application.fields import for_field
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.identity.application.results import Principal, UserView
from elcorp.identity.domain.user import User, validate_full_name
from elcorp.shared.application.audit import Changes
from elcorp.shared.domain.errors import AlreadyExists, NotFound, ValidationFailed
from elcorp.shared.domain.phone import PhoneNumber


class Profile(AccountUseCase):
    def me(self, principal: Principal) -> UserView:
        with self.d.uow() as uow:
            user = uow.users.get(principal.user_id)
        if user is None:
            raise NotFound("Account not found")
        return self._view(user)

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
            if phone is not None and (user.phone is None or _phone(phone) != user.phone):
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
        """Validate and apply a profile change inside the caller's unit of work (shared by
        the owner's edit, an administrator's and a data-subject correction)."""
        number = _phone(phone) if phone else None
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
        return self._view(user)


def _phone(raw: str) -> PhoneNumber:
    with for_field("phone"):
        return PhoneNumber.parse(raw)
