"""The caller's signed-in devices (one refresh-token family each): listing and signing one out."""

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
        page = page or PageRequest()
        now = self.d.clock.now()
        with self.d.uow() as uow:
            rows = uow.devices.active(principal.user_id, now, offset=page.offset, limit=page.per_page)
            total = uow.devices.count_active(principal.user_id, now)
        items = [
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
        return Page(items, page.page, page.per_page, total, offset=page.offset)

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
