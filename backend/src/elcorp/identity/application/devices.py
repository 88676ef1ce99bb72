"""Signed-in devices (one refresh-token family each): listing and signing one out, by the
user themself (/me/devices) or by staff for a user they administer (/users/{id}/devices)."""

from __future__ import annotations

import uuid

from elcorp.identity.application.account_use_case import AccountUseCase
from elcorp.identity.application.authentication import audit
from elcorp.identity.application.results import DeviceInfo, Principal
from elcorp.shared.application.audit import Changes
from elcorp.shared.application.pagination import Page, PageRequest
from elcorp.shared.domain.errors import NotFound


class Devices(AccountUseCase):
    def devices(self, principal: Principal, page: PageRequest | None = None) -> Page[DeviceInfo]:
        """The caller's signed-in devices, most recently used first, a page at a time."""
        return self.device_page(principal.user_id, page, current_device=principal.device_id)

    def revoke_device(self, principal: Principal, device_id: uuid.UUID) -> None:
        self.end_device(principal.user_id, principal.user_id, device_id, action="auth.device_revoked")

    def device_page(
        self, user_id: uuid.UUID, page: PageRequest | None = None, *, current_device: uuid.UUID | None
    ) -> Page[DeviceInfo]:
        """`user_id`'s active devices, most recently used first; `current_device` is marked
        `current` (the caller's own device, when the caller is that user)."""
        page = page or PageRequest()
        now = self.d.clock.now()
        with self.d.uow() as uow:
            rows = uow.devices.active(user_id, now, offset=page.offset, limit=page.per_page)
            total = uow.devices.count_active(user_id, now)
        items = [
            DeviceInfo(
                device_id=r.device_id,
                device_name=r.device_name,
                user_agent=r.user_agent,
                ip_address=r.ip_address,
                created_at=r.created_at,
                last_used_at=r.last_used_at,
                expires_at=r.expires_at,
                current=current_device is not None and r.device_id == current_device,
            )
            for r in rows
        ]
        return Page(items, page.page, page.per_page, total, offset=page.offset)

    def end_device(self, actor: uuid.UUID, user_id: uuid.UUID, device_id: uuid.UUID, *, action: str) -> None:
        """Revoke `user_id`'s tokens on `device_id` (its refresh family and every access
        token already issued to it), audited as `action` by `actor`. A device that is not
        the user's, or no longer signed in, is a 404."""
        with self.d.uow() as uow:
            if not uow.devices.revoke(user_id, device_id, self.d.clock.now()):
                raise NotFound("No active session on this device")
            self.d.revocations.revoke_device(user_id, device_id)
            audit(uow, action, actor, user_id, changes=Changes(after={"device_id": str(device_id)}))
            uow.commit()
