"""Identity's section of an access bundle (POPIA s23): the profile, roles, sign-in devices
and MFA state of one subject. Secrets (password hash, MFA secrets, refresh-token hashes,
backup codes) are never exported: only that they exist."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from elcorp.identity.application.ports import IdentityUnitOfWork
from elcorp.shared.application.personal_data_export import json_value


class DeviceHistory(Protocol):
    def of(self, user_id: uuid.UUID) -> list[dict[str, Any]]:
        """Every sign-in device of the user, revoked ones too, without token hashes."""
        ...


class IdentityPersonalData:
    """Implements shared.application.personal_data_export.PersonalDataExporter."""

    section = "identity"

    def __init__(self, uow: Callable[[], IdentityUnitOfWork], devices: DeviceHistory) -> None:
        self._uow = uow
        self._devices = devices

    def export(self, subject_id: uuid.UUID) -> Mapping[str, Any]:
        with self._uow() as uow:
            user = uow.users.get(subject_id, include_deleted=True)
            if user is None:
                return {"profile": None, "roles": [], "devices": []}
            roles = sorted(uow.grants.roles_of_many([user.id]).get(user.id, ()))
            backup_codes_left = uow.mfa.backup_codes_left(user.id) if user.mfa_enabled else 0
        profile = {
            "id": user.id,
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email.value,
            "email_verified_at": user.email_verified_at,
            "phone": user.phone.e164 if user.phone else None,
            "organization": user.organization,
            "wallet_address": user.wallet_address,
            "status": user.status.value,
            "mfa_enabled": user.mfa_enabled,
            "mfa_backup_codes_left": backup_codes_left,
            "password_changed_at": user.password_changed_at,
            "created_at": user.created_at,
            "updated_at": user.updated_at,
            "deleted_at": user.deleted_at,
        }
        return {
            "profile": json_value(profile),
            "roles": roles,
            "devices": json_value(self._devices.of(subject_id)),
        }
