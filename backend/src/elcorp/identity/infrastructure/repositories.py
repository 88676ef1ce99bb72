"""SQL adapter of the UserRepository port (SQLAlchemy Core; the domain class stays plain)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from elcorp.identity.domain.user import User, UserStatus
from elcorp.identity.infrastructure.lookup import LookupHasher
from elcorp.identity.infrastructure.tables import password_history, user_account
from elcorp.shared.domain.email import EmailAddress
from elcorp.shared.domain.phone import PhoneNumber
from elcorp.shared.security.encryption import FieldCipher


class SqlUserRepository:
    def __init__(self, session: Session, cipher: FieldCipher, lookup: LookupHasher) -> None:
        self._session = session
        self._cipher = cipher
        self._lookup = lookup

    # -- mapping -------------------------------------------------------------------------
    def _to_user(self, row: Row[Any]) -> User:
        phone = PhoneNumber(self._cipher.decrypt(row.phone_encrypted)) if row.phone_encrypted else None
        return User(
            id=row.id,
            username=row.username,
            full_name=row.full_name,
            email=EmailAddress(row.email),
            password_hash=row.password_hash,
            wallet_address=row.wallet_address,
            created_at=row.created_at,
            phone=phone,
            organization=row.organization,
            status=UserStatus(row.status),
            email_verified_at=row.email_verified_at,
            mfa_enabled=row.mfa_enabled,
            password_changed_at=row.password_changed_at,
            updated_at=row.updated_at,
            deleted_at=row.deleted_at,
        )

    def _values(self, user: User) -> dict[str, Any]:
        return {
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email.value,
            "email_normalized": user.email.normalized,
            "phone_encrypted": self._cipher.encrypt(user.phone.e164) if user.phone else None,
            "phone_lookup": self._lookup(user.phone.e164) if user.phone else None,
            "organization": user.organization,
            "wallet_address": user.wallet_address,
            "password_hash": user.password_hash,
            "password_changed_at": user.password_changed_at,
            "status": user.status.value,
            "email_verified_at": user.email_verified_at,
            "mfa_enabled": user.mfa_enabled,
            "created_at": user.created_at,
            "updated_at": user.updated_at or user.created_at,
            "deleted_at": user.deleted_at,
        }

    # -- port ----------------------------------------------------------------------------
    def add(self, user: User) -> None:
        self._session.execute(insert(user_account).values(id=user.id, **self._values(user)))

    def save(self, user: User) -> None:
        self._session.execute(
            update(user_account).where(user_account.c.id == user.id).values(**self._values(user))
        )

    def search(
        self,
        *,
        text: str | None,
        status: str | None,
        only_ids: Sequence[uuid.UUID] | None,
        include_deleted: bool,
        offset: int,
        limit: int,
    ) -> tuple[list[User], int]:
        # Erased accounts are never listed (POPIA s24: restricted to the legal purpose).
        conditions: list[Any] = [user_account.c.status != UserStatus.ERASED.value]
        if not include_deleted:
            conditions.append(user_account.c.deleted_at.is_(None))
        if status:
            conditions.append(user_account.c.status == status)
        if only_ids is not None:
            conditions.append(user_account.c.id.in_(list(only_ids)))
        if text:
            # A bound parameter with escaped wildcards: the search box cannot inject SQL or patterns.
            escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            conditions.append(
                or_(
                    func.lower(user_account.c.full_name).like(pattern, escape="\\"),
                    user_account.c.email_normalized.like(pattern, escape="\\"),
                    user_account.c.username.like(pattern, escape="\\"),
                )
            )
        total = self._session.execute(
            select(func.count()).select_from(user_account).where(*conditions)
        ).scalar_one()
        rows = self._session.execute(
            select(user_account)
            .where(*conditions)
            .order_by(user_account.c.created_at.desc(), user_account.c.id)
            .offset(offset)
            .limit(limit)
        ).all()
        return [self._to_user(r) for r in rows], int(total)

    def get(
        self, user_id: uuid.UUID, *, for_update: bool = False, include_deleted: bool = False
    ) -> User | None:
        query = select(user_account).where(user_account.c.id == user_id)
        if not include_deleted:
            query = query.where(user_account.c.deleted_at.is_(None))
        if for_update:
            query = query.with_for_update()
        row = self._session.execute(query).first()
        return self._to_user(row) if row else None

    def by_login(self, login: str) -> User | None:
        value = login.strip().lower()
        column = user_account.c.email_normalized if "@" in value else user_account.c.username
        row = self._session.execute(
            select(user_account).where(column == value, user_account.c.deleted_at.is_(None))
        ).first()
        return self._to_user(row) if row else None

    def email_taken(self, normalized_email: str, except_id: uuid.UUID | None = None) -> bool:
        query = select(exists().where(user_account.c.email_normalized == normalized_email))
        if except_id:
            query = select(
                exists().where(
                    user_account.c.email_normalized == normalized_email, user_account.c.id != except_id
                )
            )
        return bool(self._session.execute(query).scalar())

    def username_taken(self, username: str) -> bool:
        return bool(
            self._session.execute(select(exists().where(user_account.c.username == username))).scalar()
        )

    def phone_taken(self, e164: str, except_id: uuid.UUID | None = None) -> bool:
        conditions = [user_account.c.phone_lookup == self._lookup(e164)]
        if except_id:
            conditions.append(user_account.c.id != except_id)
        return bool(self._session.execute(select(exists().where(*conditions))).scalar())

    def password_history(self, user_id: uuid.UUID, limit: int) -> Sequence[str]:
        return (
            self._session.execute(
                select(password_history.c.password_hash)
                .where(password_history.c.user_id == user_id)
                .order_by(password_history.c.changed_at.desc(), password_history.c.id.desc())
                .limit(limit)
            )
            .scalars()
            .all()
        )

    def add_password_history(self, user_id: uuid.UUID, password_hash: str) -> None:
        self._session.execute(insert(password_history).values(user_id=user_id, password_hash=password_hash))
