"""The caller's own profile: what they see, which edits are validated, which need the
current password, and that the audit trail records which fields changed, never their values."""

from __future__ import annotations

import pytest

from elcorp.identity.domain.errors import InvalidCredentials
from elcorp.shared.domain.errors import AlreadyExists, NotFound, ValidationFailed
from support.fakes_identity import IdentityFakes
from unit.identity.scenarios import NEW_PASSWORD, PASSWORD, Session, principal, signed_in


def update(fakes: IdentityFakes, session: Session, **changes: object):
    fields = {"full_name": None, "phone": None, "organization": None, **changes}
    return fakes.accounts.update_profile(principal(fakes, session), **fields)  # type: ignore[arg-type]


def test_me_shows_the_account_with_its_roles_and_wallet(fakes):
    session = signed_in(fakes)
    fakes.set_roles(session.id, "user", "staff")
    me = fakes.accounts.me(principal(fakes, session))
    assert (me.id, me.email, me.roles) == (session.id, session.user.email, ["staff", "user"])
    assert me.wallet_address == session.user.wallet_address


def test_me_for_a_deleted_account_is_not_found(fakes):
    session = signed_in(fakes)
    fakes.db.state.users[session.id].soft_delete(fakes.clock.now())
    with pytest.raises(NotFound):
        fakes.accounts.me(principal(fakes, session))


def test_a_name_change_is_stored_tidied_and_audited_by_field_name_only(fakes):
    session = signed_in(fakes)
    view = update(fakes, session, full_name="  Selma   Amutenya ")
    assert view.full_name == "Selma Amutenya" == fakes.db.user(session.id).full_name
    entry = fakes.db.audit[-1]
    assert entry.action == "user.profile_updated" and entry.changes is not None
    assert entry.changes.after == {"fields": ["full_name"]}
    assert "Amutenya" not in repr(entry)


def test_an_edit_that_changes_nothing_writes_nothing(fakes):
    session = signed_in(fakes)
    before = fakes.db.user(session.id).updated_at
    audited = len(fakes.db.audit)
    update(fakes, session, full_name=session.user.full_name, organization=session.user.organization)
    assert len(fakes.db.audit) == audited
    assert fakes.db.user(session.id).updated_at == before


def test_the_organization_can_be_changed(fakes):
    session = signed_in(fakes)
    assert update(fakes, session, organization="NamPower").organization == "NamPower"
    assert fakes.db.audit[-1].changes.after == {"fields": ["organization"]}  # type: ignore[union-attr]


def test_a_malformed_name_is_refused_and_nothing_changes(fakes):
    session = signed_in(fakes)
    with pytest.raises(ValidationFailed):
        update(fakes, session, full_name="S")
    assert fakes.db.user(session.id).full_name == session.user.full_name


@pytest.mark.parametrize("current", [None, ""])
def test_a_new_phone_number_needs_the_current_password(fakes, current):
    session = signed_in(fakes)
    with pytest.raises(ValidationFailed) as error:
        update(fakes, session, phone="+264819998877", current_password=current)
    assert error.value.details[0]["field"] == "current_password"


def test_a_first_phone_number_needs_the_current_password_too(fakes):
    session = signed_in(fakes, phone=None)
    with pytest.raises(ValidationFailed):
        update(fakes, session, phone="+264819998877")


def test_a_wrong_current_password_is_counted_as_a_failed_sign_in(fakes):
    session = signed_in(fakes)
    with pytest.raises(InvalidCredentials):
        update(fakes, session, phone="+264819998877", current_password=NEW_PASSWORD)
    assert fakes.throttle.consecutive[session.id] == 1
    assert fakes.db.user(session.id).phone.e164 == session.user.phone  # type: ignore[union-attr]


def test_the_right_password_changes_the_phone(fakes):
    session = signed_in(fakes)
    assert update(fakes, session, phone="081 999 8877", current_password=PASSWORD).phone == "+264819998877"
    assert fakes.db.audit[-1].changes.after == {"fields": ["phone"]}  # type: ignore[union-attr]


def test_the_same_number_written_differently_needs_no_password_and_changes_nothing(fakes):
    session = signed_in(fakes, phone="+264811230000")
    audited = len(fakes.db.audit)
    assert update(fakes, session, phone="081 123 0000").phone == "+264811230000"
    assert len(fakes.db.audit) == audited


def test_another_users_phone_number_is_refused(fakes):
    other = signed_in(fakes)
    session = signed_in(fakes)
    with pytest.raises(AlreadyExists) as error:
        update(fakes, session, phone=other.user.phone, current_password=PASSWORD)
    assert error.value.details == [{"field": "phone", "message": "is already registered"}]


def test_the_wallet_address_never_changes_with_the_profile(fakes):
    session = signed_in(fakes)
    update(fakes, session, full_name="Selma Amutenya", phone="+264819998877", current_password=PASSWORD)
    assert fakes.db.user(session.id).wallet_address == session.user.wallet_address
