"""Identity's part of a data subject's access bundle and erasure: what is exported (never a
secret), and how an erasure closes the account, kills its tokens and names the values the
erasers after it must find."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from elcorp.identity.application.personal_data_erasure import (
    IdentityPersonalDataErasure,
    IdentityRetentionPurge,
)
from elcorp.identity.application.personal_data_export import IdentityPersonalData
from elcorp.shared.application.personal_data_erasure import ErasureStep, ErasureSubject, PurgeCount
from elcorp.shared.domain.errors import NotFound
from support.fakes import FakeUnitOfWork
from support.fakes_identity import IdentityFakes
from unit.identity.scenarios import enrol_mfa, register, signed_in

DEVICE = {"device_id": "d-1", "device_name": "Pixel 8", "revoked_at": None}


class Devices:
    def __init__(self) -> None:
        self.asked: list[uuid.UUID] = []

    def of(self, user_id: uuid.UUID) -> list[dict[str, Any]]:
        self.asked.append(user_id)
        return [DEVICE]


def exporter(fakes: IdentityFakes) -> tuple[IdentityPersonalData, Devices]:
    devices = Devices()
    return IdentityPersonalData(fakes.uow, devices), devices


class TestExport:
    def test_the_profile_roles_and_devices_as_json_values(self, fakes: IdentityFakes):
        user = register(fakes, organization="NamPower")
        bundle, devices = exporter(fakes)
        section = bundle.export(user.id)
        profile = section["profile"]
        assert profile["id"] == str(user.id) and profile["wallet_address"] == str(user.wallet_address)
        assert (profile["email"], profile["phone"], profile["organization"]) == (
            user.email,
            user.phone,
            "NamPower",
        )
        assert profile["created_at"] == user.created_at.isoformat()
        assert section["roles"] == ["user"]
        assert section["devices"] == [DEVICE] and devices.asked == [user.id]

    def test_no_secret_is_exported_only_that_it_exists(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        enrol_mfa(fakes, session)
        bundle, _ = exporter(fakes)
        section = bundle.export(session.id)
        stored = fakes.db.user(session.id)
        text = repr(section)
        assert stored.password_hash not in text and "password_hash" not in text
        assert fakes.db.state.mfa[session.id].secret not in text  # type: ignore[operator]
        assert section["profile"]["mfa_enabled"] is True
        assert section["profile"]["mfa_backup_codes_left"] == 10

    def test_without_mfa_no_backup_codes_are_counted(self, fakes: IdentityFakes):
        user = register(fakes)
        bundle, _ = exporter(fakes)
        assert bundle.export(user.id)["profile"]["mfa_backup_codes_left"] == 0

    def test_a_deleted_account_is_still_exported(self, fakes: IdentityFakes):
        user = register(fakes)
        fakes.db.state.users[user.id].soft_delete(fakes.clock.now())
        bundle, _ = exporter(fakes)
        assert bundle.export(user.id)["profile"]["deleted_at"] == fakes.clock.now().isoformat()

    def test_an_unknown_subject_has_an_empty_section(self, fakes: IdentityFakes):
        bundle, devices = exporter(fakes)
        assert bundle.export(uuid.uuid4()) == {"profile": None, "roles": [], "devices": []}
        assert devices.asked == []


class ErasureStore:
    """The SQL side of the erasure, as the use case sees it."""

    def __init__(self, found: dict[str, Any] | None) -> None:
        self.found = found
        self.calls: list[str] = []
        self.needles: list[str] = []
        self.purged: list[tuple[str, dict[str, Any]]] = []

    def identification(self, subject_id: uuid.UUID) -> dict[str, Any] | None:
        self.calls.append("identification")
        return self.found

    def close_and_pseudonymise(self, subject: ErasureSubject) -> list[ErasureStep]:
        self.calls.append("close")
        return [ErasureStep("user.contact.email", "pseudonymise", 1, "none")]

    def delete_security_records(self, subject_id: uuid.UUID) -> list[ErasureStep]:
        self.calls.append("delete")
        return [ErasureStep("user.credentials", "delete", 3, "none")]

    def restricted_values(self, subject: ErasureSubject, found: dict[str, Any]) -> dict[str, Any]:
        return {"fia_customer": {"email": found["email"]}}

    def spool_cleaner(self, needles: list[str]) -> Callable[[], int] | None:
        self.needles = needles
        return lambda: len(needles)

    def purge_expired(
        self,
        table: str,
        *,
        before: datetime,
        held_subjects: frozenset[uuid.UUID],
        held_records: frozenset[tuple[str, str]],
        dry_run: bool,
    ) -> PurgeCount:
        self.purged.append((table, {"before": before, "held": held_subjects, "dry_run": dry_run}))
        return PurgeCount(3, held=1)


FOUND = {
    "email": "selma@example.na",
    "username": "selma1",
    "full_name": "Selma Nangolo",
    "phone": None,
    "id": "x",
}


def erase(store: ErasureStore, revoked: list[uuid.UUID], subject_id: uuid.UUID):
    eraser = IdentityPersonalDataErasure(lambda _tx: store, revoked.append)
    subject = ErasureSubject(
        subject_id, "erased-1", datetime(2026, 12, 7, tzinfo=UTC), frozenset({"fia_customer"})
    )
    return eraser.erase(FakeUnitOfWork(), subject)


class TestErasure:
    def test_an_unknown_subject_is_not_found_and_nothing_is_touched(self):
        store, revoked = ErasureStore(None), []
        with pytest.raises(NotFound):
            erase(store, revoked, uuid.uuid4())
        assert store.calls == ["identification"] and revoked == []

    def test_closes_the_account_deletes_credentials_and_kills_every_token(self):
        store, revoked = ErasureStore(dict(FOUND)), []
        subject_id = uuid.uuid4()
        result = erase(store, revoked, subject_id)
        assert store.calls == ["identification", "close", "delete"]
        assert [s.category for s in result.steps] == ["user.contact.email", "user.credentials"]
        assert revoked == [subject_id]
        assert result.context == "identity"

    def test_hands_on_the_identifying_values_and_the_restricted_ones(self):
        store, revoked = ErasureStore(dict(FOUND)), []
        result = erase(store, revoked, uuid.uuid4())
        assert result.values == ["selma@example.na", "selma1", "Selma Nangolo"] == store.needles
        assert result.restricted == {"fia_customer": {"email": "selma@example.na"}}
        assert result.after_commit is not None and result.after_commit() == 3

    def test_the_subjects_only_record_is_the_account(self):
        subject_id = uuid.uuid4()
        eraser = IdentityPersonalDataErasure(lambda _tx: ErasureStore(None), lambda _id: None)
        records = eraser.records(FakeUnitOfWork(), subject_id)
        assert [(r.table, r.id) for r in records] == [("user_account", str(subject_id))]

    @pytest.mark.parametrize(
        ("category", "table"),
        [("security.sessions", "device_token"), ("security.one_time_tokens", "one_time_token")],
    )
    def test_retention_purges_expired_sessions_and_links(self, category, table):
        store = ErasureStore(None)
        purge = IdentityRetentionPurge(lambda _tx: store)
        held = frozenset({uuid.uuid4()})
        counted = purge.purge(
            FakeUnitOfWork(),
            category,
            before=datetime(2026, 1, 1, tzinfo=UTC),
            held_subjects=held,
            held_records=frozenset(),
            dry_run=True,
        )
        assert store.purged == [
            (table, {"before": datetime(2026, 1, 1, tzinfo=UTC), "held": held, "dry_run": True})
        ]
        assert counted == PurgeCount(3, held=1)
        assert category in purge.categories
