"""Correction of a subject's profile on a data-subject request (POPIA s24(1)(a)), with the
same validation as the subject's or an administrator's own edit: the full name's rules,
a valid and unused phone number or email address. A corrected email address must be
verified again. Audited as `user.profile_corrected` with the field's name, never its value."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from elcorp.identity.application.accounts import Accounts
from elcorp.identity.application.authentication import audit
from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.shared.application.audit import Changes
from elcorp.shared.domain.clock import Clock
from elcorp.shared.domain.email import EmailAddress
from elcorp.shared.domain.errors import AlreadyExists, NotFound, ValidationFailed

CORRECTABLE = ("full_name", "phone", "email", "organization")


class ProfileCorrections:
    def __init__(self, uow: Callable[[], IdentityUnitOfWork], accounts: Accounts, clock: Clock) -> None:
        self._uow = uow
        self._accounts = accounts
        self._clock = clock

    def correct(self, subject_id: uuid.UUID, field: str, value: str, *, actor_id: uuid.UUID) -> bool:
        """Set `field` to `value`; True if it changed. Idempotent (the same value again: False)."""
        if field not in CORRECTABLE:
            raise ValidationFailed(
                details=[{"field": "field", "message": f"one of {', '.join(CORRECTABLE)}"}]
            )
        with self._uow() as uow:
            user = uow.users.get(subject_id, for_update=True)
            if user is None:
                raise NotFound("Account not found")
            if field == "email":
                address = EmailAddress(value)
                if address.normalized == user.email.normalized and address.value == user.email.value:
                    return False
                if uow.users.email_taken(address.normalized, except_id=user.id):
                    raise AlreadyExists(details=[{"field": "email", "message": "is already registered"}])
                now = self._clock.now()
                user.email = address
                user.email_verified_at = None  # the new address is proven by a new verification
                user.updated_at = now
                uow.users.save(user)
                changed = True
            else:
                before = user.updated_at
                self._accounts.apply_profile(
                    uow,
                    user,
                    actor_id,
                    full_name=value if field == "full_name" else None,
                    phone=value if field == "phone" else None,
                    organization=value if field == "organization" else None,
                )
                changed = user.updated_at != before
            if changed:
                audit(
                    uow,
                    "user.profile_corrected",
                    actor_id,
                    user.id,
                    changes=Changes(after={"fields": [field]}),
                    reason="data-subject correction request (POPIA s24)",
                )
            uow.commit()
        return changed
