"""User administration by staff: who a caller's grant reaches (all, their organization, only
themselves; anyone else is "not found"), and the account changes with their side effects
(sessions ended, events, audit) and the last-administrator guard."""

from __future__ import annotations

import uuid

import pytest

from elcorp.governance.domain.rbac import Scope
from elcorp.identity.application.results import Principal, TokenPair
from elcorp.identity.domain.errors import InvalidCredentials
from elcorp.identity.domain.events import SecurityNotice, UserDeleted, UserRegistered
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.errors import AlreadyExists, Conflict, NotFound
from support.factories.identity import RegistrationCommandFactory
from support.fakes_identity import IdentityFakes
from unit.identity.scenarios import PASSWORD, login, register, signed_in, staff

PAGE = PageRequest(1, 50)


def listed(fakes: IdentityFakes, caller: Principal, **filters: object) -> list[uuid.UUID]:
    options = {"search": None, "role": None, "status": None, **filters}
    return [u.id for u in fakes.admin.list_users(caller, PAGE, **options).items]  # type: ignore[arg-type]


def change(fakes: IdentityFakes, caller: Principal, user_id: uuid.UUID, **fields: object):
    values = {"full_name": None, "phone": None, "organization": None, "status": None, **fields}
    return fakes.admin.update_user(caller, user_id, **values)  # type: ignore[arg-type]


def org_scoped(fakes: IdentityFakes) -> None:
    fakes.db.role_grants["org_admin"] = {
        "user:read": Scope.ORGANIZATION,
        "user:update": Scope.ORGANIZATION,
    }


class TestReach:
    def test_an_administrator_lists_everyone_newest_first(self, fakes: IdentityFakes):
        users = []
        for _ in range(2):
            users.append(register(fakes).id)
            fakes.clock.advance(1)
        admin = staff(fakes, "admin")
        assert listed(fakes, admin) == [admin.user_id, *reversed(users)]

    def test_a_customer_lists_only_themselves(self, fakes: IdentityFakes):
        register(fakes)
        caller = staff(fakes, "user", mfa=False)
        assert listed(fakes, caller) == [caller.user_id]

    def test_an_organization_grant_reaches_the_callers_organization(self, fakes: IdentityFakes):
        org_scoped(fakes)
        colleague, outsider = register(fakes), register(fakes)
        caller = staff(fakes, "org_admin")
        org = uuid.uuid4()
        fakes.organizations.membership.update(
            {caller.user_id: org, colleague.id: org, outsider.id: uuid.uuid4()}
        )
        assert sorted(listed(fakes, caller)) == sorted([caller.user_id, colleague.id])
        assert fakes.admin.get_user(caller, colleague.id).id == colleague.id
        with pytest.raises(NotFound):
            fakes.admin.get_user(caller, outsider.id)

    def test_an_organization_grant_without_an_organization_reaches_only_the_caller(
        self, fakes: IdentityFakes
    ):
        org_scoped(fakes)
        other = register(fakes)
        caller = staff(fakes, "org_admin")
        assert listed(fakes, caller) == [caller.user_id]
        with pytest.raises(NotFound):
            change(fakes, caller, other.id, organization="NamWater")

    def test_someone_out_of_reach_is_not_found_rather_than_forbidden(self, fakes: IdentityFakes):
        other = register(fakes)
        caller = staff(fakes, "user", mfa=False)
        with pytest.raises(NotFound):
            fakes.admin.get_user(caller, other.id)

    def test_a_caller_without_the_permission_reaches_no_one(self, fakes: IdentityFakes):
        other = register(fakes)
        caller = staff(fakes, "guest")
        assert listed(fakes, caller) == []
        with pytest.raises(NotFound):
            fakes.admin.get_user(caller, other.id)

    def test_staff_can_read_but_not_change_accounts(self, fakes: IdentityFakes):
        other = register(fakes)
        caller = staff(fakes, "staff")
        assert fakes.admin.get_user(caller, other.id).id == other.id
        with pytest.raises(NotFound):
            change(fakes, caller, other.id, status="locked")


class TestListing:
    def test_filters_by_role_status_and_text(self, fakes: IdentityFakes):
        named = register(fakes, full_name="Tangeni Iipumbu")
        locked = register(fakes)
        fakes.db.state.users[locked.id].lock(fakes.clock.now())
        admin = staff(fakes, "admin")
        assert listed(fakes, admin, role="admin") == [admin.user_id]
        assert listed(fakes, admin, status="locked") == [locked.id]
        assert listed(fakes, admin, search="IIPUMBU") == [named.id]

    def test_deleted_accounts_show_only_when_asked_and_erased_ones_never(self, fakes: IdentityFakes):
        deleted, erased = register(fakes), register(fakes)
        fakes.db.state.users[deleted.id].soft_delete(fakes.clock.now())
        fakes.db.state.users[erased.id].soft_delete(fakes.clock.now())
        fakes.db.state.users[erased.id].status = fakes.db.state.users[erased.id].status.ERASED
        admin = staff(fakes, "admin")
        assert deleted.id not in listed(fakes, admin)
        assert deleted.id in listed(fakes, admin, include_deleted=True)
        assert erased.id not in listed(fakes, admin, include_deleted=True)

    def test_a_page_carries_the_total_and_the_roles(self, fakes: IdentityFakes):
        oldest = []
        for _ in range(3):
            oldest.append(register(fakes).id)
            fakes.clock.advance(1)
        admin = staff(fakes, "admin")
        page = fakes.admin.list_users(admin, PageRequest(2, 2), search=None, role=None, status=None)
        assert page.total == 4
        assert [item.id for item in page.items] == [oldest[1], oldest[0]]
        assert all(item.roles == ["user"] for item in page.items)


class TestReading:
    def test_a_staff_read_of_someone_else_is_audited(self, fakes: IdentityFakes):
        other = register(fakes)
        admin = staff(fakes, "admin")
        assert fakes.admin.get_user(admin, other.id).email == other.email
        entry = fakes.db.audit[-1]
        assert (entry.action, entry.actor.id, entry.resource.id) == (
            "user.viewed",
            str(admin.user_id),
            str(other.id),
        )

    def test_reading_oneself_is_not_audited(self, fakes: IdentityFakes):
        caller = staff(fakes, "user", mfa=False)
        audited = len(fakes.db.audit)
        fakes.admin.get_user(caller, caller.user_id)
        assert len(fakes.db.audit) == audited

    def test_an_administrator_can_read_a_deleted_account(self, fakes: IdentityFakes):
        other = register(fakes)
        deleted_at = fakes.clock.now()
        fakes.db.state.users[other.id].soft_delete(deleted_at)
        admin = staff(fakes, "admin")
        assert fakes.admin.get_user(admin, other.id).deleted_at == deleted_at


class TestCreate:
    def test_staff_creation_is_audited_and_announced(self, fakes: IdentityFakes):
        admin = staff(fakes, "admin")
        view = fakes.admin.create_user(admin, email_verified=True, **RegistrationCommandFactory())
        assert view.roles == ["user"] and view.email_verified
        event = fakes.db.events_of(UserRegistered)[-1]
        assert event.user_id == view.id and event.email_verified is True  # type: ignore[attr-defined]
        entry = fakes.db.audit[-1]
        assert (entry.action, entry.actor.id) == ("user.created", str(admin.user_id))
        assert entry.changes is not None and entry.changes.after == {"email_verified": True}

    def test_staff_creation_refuses_duplicates(self, fakes: IdentityFakes):
        admin = staff(fakes, "admin")
        existing = register(fakes)
        with pytest.raises(AlreadyExists):
            fakes.admin.create_user(
                admin, email_verified=False, **RegistrationCommandFactory(email=existing.email.upper())
            )


class TestStatus:
    def test_locking_ends_the_sessions_and_blocks_sign_in(self, fakes: IdentityFakes):
        target = signed_in(fakes)
        admin = staff(fakes, "admin")
        assert change(fakes, admin, target.id, status="locked").status == "locked"
        assert fakes.db.state.devices[(target.id, target.device_id)].revoked_at is not None
        with pytest.raises(InvalidCredentials):
            login(fakes, target.user.email)
        entry = next(e for e in fakes.db.audit if e.action == "user.status_changed")
        assert entry.changes is not None
        assert (entry.changes.before, entry.changes.after) == ({"status": "active"}, {"status": "locked"})

    def test_setting_active_unlocks(self, fakes: IdentityFakes):
        target = register(fakes)
        admin = staff(fakes, "admin")
        change(fakes, admin, target.id, status="locked")
        assert change(fakes, admin, target.id, status="active").status == "active"
        assert isinstance(login(fakes, target.email), TokenPair)

    def test_the_same_status_is_no_change(self, fakes: IdentityFakes):
        target = register(fakes)
        admin = staff(fakes, "admin")
        change(fakes, admin, target.id, status="active")
        assert "user.status_changed" not in fakes.db.actions()

    def test_an_administrator_can_change_someones_profile(self, fakes: IdentityFakes):
        target = register(fakes)
        admin = staff(fakes, "admin")
        assert change(fakes, admin, target.id, organization="NamPower").organization == "NamPower"
        entry = fakes.db.audit[-1]
        assert (entry.action, entry.actor.id) == ("user.profile_updated", str(admin.user_id))

    @pytest.mark.parametrize("verb", ["lock", "delete"])
    def test_the_last_active_administrator_cannot_be_locked_or_deleted(self, fakes: IdentityFakes, verb):
        admin = staff(fakes, "admin")
        actions = {
            "lock": lambda: change(fakes, admin, admin.user_id, status="locked"),
            "delete": lambda: fakes.admin.delete_user(admin, admin.user_id, None),
        }
        with pytest.raises(Conflict, match=f"Cannot {verb} the last active administrator"):
            actions[verb]()
        assert fakes.db.locked_roles == ["admin"]
        assert fakes.db.user(admin.user_id).status.value == "active"

    def test_a_locked_second_administrator_does_not_count(self, fakes: IdentityFakes):
        admin = staff(fakes, "admin")
        other = staff(fakes, "admin")
        change(fakes, admin, other.user_id, status="locked")
        with pytest.raises(Conflict):
            change(fakes, admin, admin.user_id, status="locked")

    def test_with_another_active_administrator_one_can_be_locked(self, fakes: IdentityFakes):
        admin = staff(fakes, "admin")
        other = staff(fakes, "admin")
        assert change(fakes, admin, other.user_id, status="locked").status == "locked"


class TestDeleteRestoreUnlock:
    def test_deleting_ends_sessions_announces_it_and_records_the_reason(self, fakes: IdentityFakes):
        target = signed_in(fakes)
        admin = staff(fakes, "admin")
        fakes.admin.delete_user(admin, target.id, "customer request")
        assert fakes.db.user(target.id).deleted_at is not None
        assert fakes.db.state.devices[(target.id, target.device_id)].revoked_at is not None
        (event,) = fakes.db.events_of(UserDeleted)
        assert event.user_id == target.id  # type: ignore[attr-defined]
        entry = fakes.db.audit[-1]
        assert (entry.action, entry.reason) == ("user.deleted", "customer request")

    def test_a_deleted_account_cannot_be_deleted_again(self, fakes: IdentityFakes):
        target = register(fakes)
        admin = staff(fakes, "admin")
        fakes.admin.delete_user(admin, target.id, None)
        with pytest.raises(NotFound):
            fakes.admin.delete_user(admin, target.id, None)

    def test_restoring_brings_the_account_back(self, fakes: IdentityFakes):
        target = register(fakes)
        admin = staff(fakes, "admin")
        fakes.admin.delete_user(admin, target.id, None)
        view = fakes.admin.restore_user(admin, target.id)
        assert (view.status, view.deleted_at, view.roles) == ("active", None, ["user"])
        assert fakes.db.actions()[-1] == "user.restored"
        assert isinstance(login(fakes, target.email), TokenPair)

    def test_restoring_an_account_that_is_not_deleted_is_a_conflict(self, fakes: IdentityFakes):
        target = register(fakes)
        admin = staff(fakes, "admin")
        with pytest.raises(Conflict):
            fakes.admin.restore_user(admin, target.id)

    def test_an_erased_account_is_never_restored(self, fakes: IdentityFakes):
        target = register(fakes)
        user = fakes.db.state.users[target.id]
        user.soft_delete(fakes.clock.now())
        user.status = user.status.ERASED
        admin = staff(fakes, "admin")
        with pytest.raises(Conflict, match="never restored"):
            fakes.admin.restore_user(admin, target.id)

    def test_unlocking_lifts_a_sign_in_lockout_and_tells_the_owner(self, fakes: IdentityFakes):
        target = register(fakes)
        for _ in range(5):
            with pytest.raises(InvalidCredentials):
                login(fakes, target.email, "Wrong-Password-2026!")
        admin = staff(fakes, "admin")
        fakes.admin.unlock_user(admin, target.id)
        assert isinstance(login(fakes, target.email, PASSWORD), TokenPair)
        assert [e.kind for e in fakes.db.events_of(SecurityNotice)] == ["account_unlocked"]  # type: ignore[attr-defined]
        assert "user.unlocked" in fakes.db.actions()
