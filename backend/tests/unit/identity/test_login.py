"""Signing in: one answer for every failure, failures counted towards a growing lockout and
an IP throttle, the session a success starts, and the MFA step it may ask for."""

from __future__ import annotations

import uuid

import pytest

from elcorp.identity.application.results import MfaChallenge, TokenPair
from elcorp.identity.domain.errors import InvalidCredentials, LoginThrottled
from elcorp.identity.domain.events import AccountLocked
from support.fakes_identity import IdentityFakes
from unit.identity.scenarios import IP, NEW_PASSWORD, PASSWORD, enrol_mfa, login, register, signed_in


def fail(fakes: IdentityFakes, login_name: str, times: int = 1, **kwargs: object) -> None:
    for _ in range(times):
        with pytest.raises(InvalidCredentials):
            login(fakes, login_name, NEW_PASSWORD, **kwargs)  # type: ignore[arg-type]


def test_a_correct_password_starts_a_session_on_the_device(fakes):
    user = register(fakes)
    device = uuid.uuid4()
    pair = login(fakes, user.email, device_id=device)
    assert isinstance(pair, TokenPair)
    assert fakes.auth.authenticate(pair.access_token).user_id == user.id
    row = fakes.db.state.devices[(user.id, device)]
    assert (row.device_name, row.user_agent, row.ip_address) == ("Pixel 8", "elcorp-app/1.0", IP)
    entry = fakes.db.audit[-1]
    assert entry.action == "auth.login" and entry.changes is not None
    assert entry.changes.after == {"device_id": str(device)}


def test_the_username_signs_in_as_well_as_the_email(fakes):
    register(fakes, username="selma42")
    assert isinstance(login(fakes, "  SELMA42 "), TokenPair)


def test_an_unknown_account_costs_a_hash_and_counts_against_the_ip(fakes):
    with pytest.raises(InvalidCredentials):
        login(fakes, "nobody@example.na")
    assert fakes.hasher.burned == 1
    assert fakes.throttle.ip_failures[IP].count == 1
    entry = fakes.db.audit[-1]
    assert (entry.action, entry.resource.id, entry.reason) == ("auth.login_failed", None, "unknown account")


def test_a_wrong_password_is_the_same_answer_and_is_counted_for_the_account(fakes):
    user = register(fakes)
    fail(fakes, user.email)
    assert fakes.throttle.consecutive[user.id] == 1
    entry = fakes.db.audit[-1]
    assert (entry.action, entry.resource.id) == ("auth.login_failed", str(user.id))
    assert entry.reason == "wrong password or inactive"
    assert fakes.db.state.devices == {}


def test_five_failures_in_a_row_lock_the_account_and_tell_the_owner(fakes):
    user = register(fakes)
    fail(fakes, user.email, times=5)
    (event,) = fakes.db.events_of(AccountLocked)
    assert (event.user_id, event.locked_seconds, event.ip) == (user.id, 60, IP)  # type: ignore[attr-defined]
    assert "auth.account_locked" in fakes.db.actions()


def test_four_failures_do_not_lock(fakes):
    user = register(fakes)
    fail(fakes, user.email, times=4)
    assert fakes.db.events_of(AccountLocked) == []
    assert isinstance(login(fakes, user.email), TokenPair)


def test_a_locked_account_refuses_even_the_right_password_without_counting_it(fakes):
    user = register(fakes)
    fail(fakes, user.email, times=5)
    with pytest.raises(InvalidCredentials):
        login(fakes, user.email)
    assert fakes.db.audit[-1].reason == "locked"
    assert user.id not in fakes.throttle.consecutive
    assert len(fakes.db.events_of(AccountLocked)) == 1


def test_the_lock_lifts_after_its_time(fakes):
    user = register(fakes)
    fail(fakes, user.email, times=5)
    fakes.clock.advance(61)
    assert isinstance(login(fakes, user.email), TokenPair)


def test_a_second_lock_lasts_twice_as_long(fakes):
    user = register(fakes)
    fail(fakes, user.email, times=5)
    fakes.clock.advance(61)
    fail(fakes, user.email, times=5)
    assert [e.locked_seconds for e in fakes.db.events_of(AccountLocked)] == [60, 120]  # type: ignore[attr-defined]


def test_a_success_forgets_earlier_failures(fakes):
    user = register(fakes)
    fail(fakes, user.email, times=4)
    login(fakes, user.email)
    fail(fakes, user.email, times=4)
    assert fakes.db.events_of(AccountLocked) == []


def test_too_many_failures_from_one_ip_answer_429_with_the_wait(fakes):
    fakes.throttle.ip_max = 3
    user = register(fakes)
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            login(fakes, "nobody@example.na")
    with pytest.raises(LoginThrottled) as error:
        login(fakes, user.email)
    assert error.value.retry_after == 3600


def test_the_ip_throttle_spares_other_networks(fakes):
    fakes.throttle.ip_max = 3
    user = register(fakes)
    for _ in range(3):
        with pytest.raises(InvalidCredentials):
            login(fakes, "nobody@example.na")
    assert isinstance(login(fakes, user.email, ip="203.0.113.9"), TokenPair)


def test_an_account_locked_by_an_administrator_cannot_sign_in(fakes):
    user = register(fakes)
    fakes.db.state.users[user.id].lock(fakes.clock.now())
    with pytest.raises(InvalidCredentials):
        login(fakes, user.email)
    assert fakes.db.audit[-1].reason == "wrong password or inactive"


def test_a_deleted_account_is_unknown(fakes):
    user = register(fakes)
    fakes.db.state.users[user.id].soft_delete(fakes.clock.now())
    with pytest.raises(InvalidCredentials):
        login(fakes, user.email)
    assert fakes.db.audit[-1].reason == "unknown account"


def test_a_hash_made_with_old_parameters_is_upgraded_on_sign_in(fakes):
    user = register(fakes)
    fakes.hasher.version = 2
    login(fakes, user.email)
    stored = fakes.db.user(user.id).password_hash
    assert stored.startswith("fake$v2$") and fakes.hasher.verify(stored, PASSWORD)


def test_a_current_hash_is_left_alone(fakes):
    user = register(fakes)
    before = fakes.db.user(user.id).password_hash
    login(fakes, user.email)
    assert fakes.db.user(user.id).password_hash == before


def test_with_mfa_on_the_password_step_returns_a_challenge_and_no_session(fakes):
    session = signed_in(fakes)
    enrol_mfa(fakes, session)
    devices_before = dict(fakes.db.state.devices)
    result = login(fakes, session.user.email, device_id=uuid.uuid4())
    assert isinstance(result, MfaChallenge) and result.mfa_required
    assert result.mfa_token in fakes.challenges.live
    assert fakes.db.state.devices.keys() == devices_before.keys()
    assert fakes.db.actions()[-1] == "auth.mfa_challenged"


def test_with_mfa_on_the_password_step_does_not_reset_the_failures(fakes):
    session = signed_in(fakes)
    enrol_mfa(fakes, session)
    fail(fakes, session.user.email, times=2)
    login(fakes, session.user.email)
    assert fakes.throttle.consecutive[session.id] == 2
