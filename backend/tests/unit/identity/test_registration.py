"""Registration: the password policy, uniqueness, normalisation of what the user typed, and
what a new account starts with (role, wallet, first password in the history, event, audit)."""

from __future__ import annotations

import pytest

from elcorp.identity.domain.errors import WeakPassword
from elcorp.identity.domain.events import UserRegistered
from elcorp.shared.domain.errors import AlreadyExists, InvalidEmail, InvalidPhoneNumber, ValidationFailed
from support.factories.identity import RegistrationCommandFactory
from support.fakes_identity import IdentityFakes
from unit.identity.scenarios import PASSWORD, login, register


def messages(error: pytest.ExceptionInfo[Exception]) -> list[str]:
    return [item["message"] for item in error.value.details]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1!abc", "must be at least 12 characters"),
        ("Aa1!" * 33, "must be at most 128 characters"),
        ("KALAHARI-SUNSET-2026!", "must contain a lower-case letter"),
        ("kalahari-sunset-2026!", "must contain an upper-case letter"),
        ("Kalahari-Sunset-Dunes!", "must contain a digit"),
        ("KalahariSunset2026x", "must contain a special character"),
    ],
)
def test_a_password_breaking_the_policy_is_refused_and_nothing_is_stored(fakes, password, message):
    with pytest.raises(WeakPassword) as error:
        register(fakes, password=password)
    assert message in messages(error)
    assert fakes.db.state.users == {}
    assert fakes.db.events == []


@pytest.mark.parametrize(
    ("overrides", "password"),
    [
        ({"full_name": "Ndapewa Shikongo"}, "Shikongo-Dunes-2026!"),
        ({"username": "kuiseb77"}, "Kuiseb77-Dunes-Wind!"),
        ({"email": "omaruru.river@example.na"}, "Omaruru.River#2026x"),
    ],
)
def test_a_password_containing_the_users_own_name_username_or_email_is_refused(fakes, overrides, password):
    with pytest.raises(WeakPassword) as error:
        register(fakes, password=password, **overrides)
    assert messages(error) == ["must not contain your name, username or email"]


def test_a_password_the_estimator_finds_guessable_is_refused_with_its_feedback(fakes):
    fakes.estimator.weak.add("Password-12345!")
    with pytest.raises(WeakPassword) as error:
        register(fakes, password="Password-12345!")
    assert messages(error) == ["This is similar to a commonly used password."]


def test_the_estimator_is_told_the_users_own_details(fakes):
    register(fakes, username="tjiuee7", full_name="Uazuva Tjiuee", email="uazuva@example.na")
    assert fakes.estimator.seen_inputs[-1] == ["tjiuee7", "uazuva@example.na", "Uazuva", "Tjiuee"]


def test_the_length_is_checked_before_uniqueness_so_no_lookup_runs_for_a_short_password(fakes):
    first = register(fakes)
    with pytest.raises(WeakPassword):
        register(fakes, email=first.email, password="short")


def test_uniqueness_is_checked_before_strength(fakes):
    first = register(fakes)
    with pytest.raises(AlreadyExists):
        register(fakes, email=first.email, password="kalahari-sunset-2026!")


def test_an_email_registered_in_another_case_is_a_duplicate(fakes):
    register(fakes, email="Selma.Upper@Example.NA")
    with pytest.raises(AlreadyExists) as error:
        register(fakes, email="selma.upper@example.na")
    assert error.value.details == [{"field": "email", "message": "is already registered"}]


def test_a_username_differing_only_in_case_and_spaces_is_a_duplicate(fakes):
    register(fakes, username="selma7")
    with pytest.raises(AlreadyExists) as error:
        register(fakes, username="  Selma7 ")
    assert error.value.details == [{"field": "username", "message": "is already taken"}]


def test_a_phone_number_written_locally_is_the_same_number(fakes):
    register(fakes, phone="+264811112222")
    with pytest.raises(AlreadyExists) as error:
        register(fakes, phone="081 111 2222")
    assert error.value.details == [{"field": "phone", "message": "is already registered"}]


def test_every_clashing_field_is_named_at_once(fakes):
    first = register(fakes)
    with pytest.raises(AlreadyExists) as error:
        register(fakes, email=first.email, username=first.username, phone=first.phone)
    assert [d["field"] for d in error.value.details] == ["email", "username", "phone"]


def test_a_deleted_accounts_email_stays_taken(fakes):
    first = register(fakes)
    user = fakes.db.state.users[first.id]
    user.soft_delete(fakes.clock.now())
    with pytest.raises(AlreadyExists):
        register(fakes, email=first.email)


def test_the_email_is_kept_as_typed_and_found_in_any_case(fakes):
    view = register(fakes, email="  Selma.Upper@Example.NA ")
    assert view.email == "Selma.Upper@Example.NA"
    assert fakes.db.user(view.id).email.normalized == "selma.upper@example.na"
    assert login(fakes, "SELMA.UPPER@example.na").token_type == "Bearer"  # type: ignore[union-attr]


def test_the_username_is_stored_lower_case_and_trimmed(fakes):
    assert register(fakes, username="  Selma7 ").username == "selma7"


def test_the_full_name_has_its_spaces_collapsed(fakes):
    assert register(fakes, full_name="  Selma   Nangolo ").full_name == "Selma Nangolo"


def test_the_phone_is_stored_in_e164(fakes):
    assert register(fakes, phone="081 111 2222").phone == "+264811112222"


@pytest.mark.parametrize(
    ("overrides", "error", "field"),
    [
        ({"username": "a"}, ValidationFailed, "username"),
        ({"username": "-selma"}, ValidationFailed, "username"),
        ({"full_name": "S"}, ValidationFailed, "full_name"),
        ({"email": "not-an-email"}, InvalidEmail, None),
        ({"phone": "12"}, InvalidPhoneNumber, None),
    ],
)
def test_malformed_details_are_refused(fakes, overrides, error, field):
    with pytest.raises(error) as raised:
        register(fakes, **overrides)
    if field:
        assert raised.value.details[0]["field"] == field
    assert fakes.db.state.users == {}


def test_an_empty_organization_is_none(fakes):
    assert register(fakes, organization="").organization is None


def test_a_new_account_has_the_user_role_and_is_unverified_and_active(fakes):
    view = register(fakes)
    assert view.roles == ["user"]
    assert fakes.db.state.roles[view.id] == frozenset({"user"})
    assert (view.status, view.email_verified, view.mfa_enabled) == ("active", False, False)


def test_the_password_is_stored_only_as_a_hash_and_starts_the_history(fakes):
    view = register(fakes)
    stored = fakes.db.user(view.id).password_hash
    assert stored != PASSWORD and fakes.hasher.verify(stored, PASSWORD)
    assert fakes.db.state.history[view.id] == [stored]


def test_registration_announces_the_account_with_its_wallet_and_consents(fakes):
    view = register(fakes, consents=("marketing", "analytics"))
    (event,) = fakes.db.events
    assert isinstance(event, UserRegistered)
    assert (event.user_id, event.wallet_address) == (view.id, view.wallet_address)
    assert event.consents == ("marketing", "analytics") and event.email_verified is False


def test_each_account_gets_its_own_wallet_address(fakes):
    wallets = {register(fakes).wallet_address for _ in range(3)}
    assert len(wallets) == 3


def test_registration_is_audited_by_id_without_personal_values(fakes):
    command = RegistrationCommandFactory()
    view = fakes.accounts.register(**command)
    (entry,) = fakes.db.audit
    assert (entry.action, entry.actor.id, entry.resource.id) == (
        "user.registered",
        str(view.id),
        str(view.id),
    )
    assert entry.changes is not None and entry.changes.after == {"roles": ["user"]}
    text = repr(entry)
    assert all(str(command[k]) not in text for k in ("email", "username", "phone", "password"))
    assert "Nangolo" not in text


class TestEnsureAdmin:
    def test_no_administrator_exists_at_first(self, fakes: IdentityFakes):
        assert fakes.accounts.admin_exists() is False

    def test_creates_a_verified_administrator_with_both_roles(self, fakes: IdentityFakes):
        created, user_id = fakes.accounts.ensure_admin(email="ops.team@elcorp.na", password=PASSWORD)
        assert created is True
        assert fakes.db.state.roles[user_id] == frozenset({"user", "admin"})
        assert fakes.db.user(user_id).email_verified
        assert fakes.accounts.admin_exists() is True
        assert fakes.access.stored_grants(user_id).allows("role:manage")

    def test_the_creation_is_audited_as_the_system_with_the_reason(self, fakes: IdentityFakes):
        _, user_id = fakes.accounts.ensure_admin(email="ops.team@elcorp.na", password=PASSWORD)
        entry = fakes.db.audit[-1]
        assert (entry.action, entry.actor.id, entry.reason) == (
            "user.created",
            "system",
            "elcorp create-admin",
        )
        assert entry.resource.id == str(user_id)

    @pytest.mark.parametrize(
        ("email", "username"),
        [("ops.team@elcorp.na", "ops.team"), ("ab@elcorp.na", "ab0"), ("--@elcorp.na", "admin")],
    )
    def test_the_username_comes_from_the_address(self, fakes: IdentityFakes, email, username):
        _, user_id = fakes.accounts.ensure_admin(email=email, password=PASSWORD)
        assert fakes.db.user(user_id).username == username

    def test_is_idempotent_for_an_existing_administrator(self, fakes: IdentityFakes):
        _, user_id = fakes.accounts.ensure_admin(email="ops.team@elcorp.na", password=PASSWORD)
        audited = len(fakes.db.audit)
        assert fakes.accounts.ensure_admin(email="OPS.TEAM@elcorp.na", password=PASSWORD) == (False, user_id)
        assert len(fakes.db.audit) == audited

    def test_promotes_an_existing_account_keeping_its_roles(self, fakes: IdentityFakes):
        view = register(fakes)
        fakes.set_roles(view.id, "user", "staff")
        assert fakes.accounts.ensure_admin(email=view.email, password=PASSWORD) == (False, view.id)
        assert fakes.db.state.roles[view.id] == frozenset({"user", "staff", "admin"})
        entry = fakes.db.audit[-1]
        assert entry.action == "role.assigned" and entry.changes is not None
        assert entry.changes.before == {"roles": ["staff", "user"]}
        assert entry.changes.after == {"roles": ["admin", "staff", "user"]}
        assert view.id in fakes.cache.invalidated


def test_the_registration_command_factory_builds_distinct_accepted_registrations(fakes):
    views = [fakes.accounts.register(**command) for command in RegistrationCommandFactory.build_batch(3)]
    assert len({(v.username, v.email, v.phone) for v in views}) == 3
    assert all(v.phone and v.phone.startswith("+26481") for v in views)
