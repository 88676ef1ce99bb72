"""Email verification links, password recovery and the signed-in password change: links are
single-use, expire and void their predecessors; a new password meets the policy and none of
the recent ones; sessions end."""

from __future__ import annotations

import itertools

import pytest

from elcorp.identity.application.results import TokenPair
from elcorp.identity.domain.errors import InvalidCredentials, InvalidLinkToken, PasswordReused, WeakPassword
from elcorp.identity.domain.events import EmailVerificationRequested, PasswordResetRequested, SecurityNotice
from elcorp.shared.domain.errors import InvalidEmail, ValidationFailed
from support.fakes_identity import IdentityFakes
from unit.identity.scenarios import NEW_PASSWORD, PASSWORD, login, principal, register, signed_in

PASSWORDS = [f"Namib-Dune-{n}-Sossusvlei!" for n in range(1, 7)]


def reset_link(fakes: IdentityFakes, email: str) -> str:
    fakes.accounts.forgot_password(email)
    event = fakes.db.events_of(PasswordResetRequested)[-1]
    found = fakes.accounts.send_reset_email(event.user_id)  # type: ignore[attr-defined]
    assert found is not None
    return found[1]


def notices(fakes: IdentityFakes) -> list[str]:
    return [e.kind for e in fakes.db.events_of(SecurityNotice)]  # type: ignore[attr-defined]


class TestEmailVerification:
    def test_the_link_is_for_the_users_address_and_verifies_it(self, fakes: IdentityFakes):
        user = register(fakes)
        found = fakes.accounts.send_verification_email(user.id)
        assert found is not None and found[0] == user.email
        fakes.accounts.verify_email(found[1])
        assert fakes.db.user(user.id).email_verified_at == fakes.clock.now()
        assert fakes.db.actions()[-1] == "user.email_verified"

    def test_a_verified_or_unknown_account_gets_no_link(self, fakes: IdentityFakes):
        user = register(fakes)
        fakes.accounts.verify_email(fakes.accounts.send_verification_email(user.id)[1])  # type: ignore[index]
        assert fakes.accounts.send_verification_email(user.id) is None
        assert fakes.accounts.send_verification_email(fakes.db.user(user.id).wallet_address) is None

    def test_a_link_works_once(self, fakes: IdentityFakes):
        user = register(fakes)
        _, token = fakes.accounts.send_verification_email(user.id)  # type: ignore[misc]
        fakes.accounts.verify_email(token)
        with pytest.raises(InvalidLinkToken):
            fakes.accounts.verify_email(token)

    @pytest.mark.parametrize(("after", "valid"), [(86_399, True), (86_400, False)])
    def test_a_link_lasts_a_day(self, fakes: IdentityFakes, after, valid):
        user = register(fakes)
        _, token = fakes.accounts.send_verification_email(user.id)  # type: ignore[misc]
        fakes.clock.advance(after)
        if valid:
            fakes.accounts.verify_email(token)
            assert fakes.db.user(user.id).email_verified
        else:
            with pytest.raises(InvalidLinkToken):
                fakes.accounts.verify_email(token)

    def test_a_new_link_voids_the_older_one(self, fakes: IdentityFakes):
        user = register(fakes)
        _, old = fakes.accounts.send_verification_email(user.id)  # type: ignore[misc]
        _, new = fakes.accounts.send_verification_email(user.id)  # type: ignore[misc]
        with pytest.raises(InvalidLinkToken):
            fakes.accounts.verify_email(old)
        fakes.accounts.verify_email(new)

    def test_a_password_reset_code_does_not_verify_the_email_and_survives_the_attempt(
        self, fakes: IdentityFakes
    ):
        user = register(fakes)
        token = reset_link(fakes, user.email)
        with pytest.raises(InvalidLinkToken):
            fakes.accounts.verify_email(token)
        fakes.accounts.reset_password(token, NEW_PASSWORD)

    def test_the_address_of_a_user(self, fakes: IdentityFakes):
        user = register(fakes)
        assert fakes.accounts.address_of(user.id) == user.email
        assert fakes.accounts.address_of(user.wallet_address) is None


class TestResendVerification:
    def test_an_unverified_address_asks_for_a_new_mail(self, fakes: IdentityFakes):
        user = register(fakes, email="Selma.Case@example.na")
        fakes.accounts.resend_verification(email="selma.case@EXAMPLE.na")
        (event,) = fakes.db.events_of(EmailVerificationRequested)
        assert event.user_id == user.id  # type: ignore[attr-defined]
        entry = fakes.db.audit[-1]
        assert (entry.action, entry.actor.id, entry.resource.id) == (
            "user.verification_email_requested",
            "anonymous",
            str(user.id),
        )

    def test_the_signed_in_caller_asks_for_their_own(self, fakes: IdentityFakes):
        user = register(fakes)
        fakes.accounts.resend_verification(user_id=user.id)
        (event,) = fakes.db.events_of(EmailVerificationRequested)
        assert event.user_id == user.id  # type: ignore[attr-defined]
        assert fakes.db.audit[-1].actor.id == str(user.id)

    def test_an_unknown_or_verified_address_looks_the_same_but_sends_nothing(self, fakes: IdentityFakes):
        user = register(fakes)
        fakes.accounts.verify_email(fakes.accounts.send_verification_email(user.id)[1])  # type: ignore[index]
        for address in ("nobody@example.na", user.email):
            commits = fakes.db.commits
            fakes.accounts.resend_verification(email=address)
            assert fakes.db.commits == commits + 1
            entry = fakes.db.audit[-1]
            assert (entry.resource.id, entry.reason) == (None, "no account with an unverified address")
        assert fakes.db.events_of(EmailVerificationRequested) == []

    def test_neither_address_nor_caller_asks_for_the_address(self, fakes: IdentityFakes):
        with pytest.raises(ValidationFailed) as raised:
            fakes.accounts.resend_verification()
        assert [d["field"] for d in raised.value.details] == ["email"]

    def test_a_malformed_address_is_an_invalid_email_naming_the_field(self, fakes: IdentityFakes):
        with pytest.raises(InvalidEmail) as raised:
            fakes.accounts.resend_verification(email="not an address")
        assert [d["field"] for d in raised.value.details] == ["email"]

    def test_an_unusable_code_names_the_route_that_sends_a_new_one(self, fakes: IdentityFakes):
        with pytest.raises(InvalidLinkToken) as verification:
            fakes.accounts.verify_email("x" * 40)
        with pytest.raises(InvalidLinkToken) as reset:
            fakes.accounts.reset_password("x" * 40, NEW_PASSWORD)
        assert "POST /api/v1/auth/verification/resend" in verification.value.message
        assert "POST /api/v1/auth/password/forgot" in reset.value.message


class TestForgotPassword:
    def test_a_known_address_asks_for_a_reset_mail(self, fakes: IdentityFakes):
        user = register(fakes, email="Selma.Case@example.na")
        fakes.accounts.forgot_password("selma.case@EXAMPLE.na")
        (event,) = fakes.db.events_of(PasswordResetRequested)
        assert event.user_id == user.id  # type: ignore[attr-defined]
        entry = fakes.db.audit[-1]
        assert (entry.action, entry.actor.id, entry.resource.id) == (
            "user.password_reset_requested",
            "anonymous",
            str(user.id),
        )

    def test_an_unknown_address_looks_the_same_but_sends_nothing(self, fakes: IdentityFakes):
        commits = fakes.db.commits
        fakes.accounts.forgot_password("nobody@example.na")
        assert fakes.db.events_of(PasswordResetRequested) == []
        assert fakes.db.commits == commits + 1
        entry = fakes.db.audit[-1]
        assert (entry.resource.id, entry.reason) == (None, "no active account for the address")

    def test_a_locked_account_gets_no_reset(self, fakes: IdentityFakes):
        user = register(fakes)
        fakes.db.state.users[user.id].lock(fakes.clock.now())
        fakes.accounts.forgot_password(user.email)
        assert fakes.db.events_of(PasswordResetRequested) == []
        assert fakes.accounts.send_reset_email(user.id) is None

    def test_a_malformed_address_is_a_validation_error_naming_email(self, fakes: IdentityFakes):
        with pytest.raises(InvalidEmail) as raised:
            fakes.accounts.forgot_password("not an address")
        assert [d["field"] for d in raised.value.details] == ["email"]


class TestResetPassword:
    def test_the_new_password_signs_in_and_the_old_one_no_longer(self, fakes: IdentityFakes):
        user = register(fakes)
        fakes.accounts.reset_password(reset_link(fakes, user.email), NEW_PASSWORD)
        assert isinstance(login(fakes, user.email, NEW_PASSWORD), TokenPair)
        with pytest.raises(InvalidCredentials):
            login(fakes, user.email, PASSWORD)

    def test_a_reset_ends_every_session_and_tells_the_owner(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        fakes.accounts.reset_password(reset_link(fakes, session.user.email), NEW_PASSWORD)
        assert fakes.db.state.devices[(session.id, session.device_id)].revoked_at is not None
        with pytest.raises(Exception, match="invalid or has been revoked"):
            principal(fakes, session)
        assert notices(fakes) == ["password_reset"]
        assert fakes.db.actions()[-1] == "user.password_reset"

    def test_a_reset_lifts_a_sign_in_lockout(self, fakes: IdentityFakes):
        user = register(fakes)
        for _ in range(5):
            with pytest.raises(InvalidCredentials):
                login(fakes, user.email, NEW_PASSWORD)
        fakes.accounts.reset_password(reset_link(fakes, user.email), PASSWORDS[0])
        assert isinstance(login(fakes, user.email, PASSWORDS[0]), TokenPair)

    def test_a_reset_code_works_once(self, fakes: IdentityFakes):
        user = register(fakes)
        token = reset_link(fakes, user.email)
        fakes.accounts.reset_password(token, NEW_PASSWORD)
        with pytest.raises(InvalidLinkToken):
            fakes.accounts.reset_password(token, PASSWORDS[0])

    @pytest.mark.parametrize(("after", "valid"), [(1_799, True), (1_800, False)])
    def test_a_reset_code_lasts_thirty_minutes(self, fakes: IdentityFakes, after, valid):
        user = register(fakes)
        token = reset_link(fakes, user.email)
        fakes.clock.advance(after)
        if valid:
            fakes.accounts.reset_password(token, NEW_PASSWORD)
        else:
            with pytest.raises(InvalidLinkToken):
                fakes.accounts.reset_password(token, NEW_PASSWORD)

    def test_a_refused_new_password_leaves_the_code_usable(self, fakes: IdentityFakes):
        user = register(fakes)
        token = reset_link(fakes, user.email)
        with pytest.raises(WeakPassword) as refused:
            fakes.accounts.reset_password(token, "all-lower-case-2026!")
        assert {d["field"] for d in refused.value.details} == {"new_password"}
        fakes.accounts.reset_password(token, NEW_PASSWORD)

    def test_the_current_password_cannot_be_chosen_again(self, fakes: IdentityFakes):
        user = register(fakes)
        with pytest.raises(PasswordReused) as error:
            fakes.accounts.reset_password(reset_link(fakes, user.email), PASSWORD)
        assert error.value.details == [
            {"field": "new_password", "message": "must differ from your last 5 passwords"}
        ]


class TestChangePassword:
    def test_a_change_keeps_this_session_and_ends_the_others(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        other = login(fakes, session.user.email)
        assert isinstance(other, TokenPair)
        fakes.clock.advance(1)
        fakes.accounts.change_password(
            principal(fakes, session), current_password=PASSWORD, new_password=NEW_PASSWORD
        )
        assert principal(fakes, session).user_id == session.id
        with pytest.raises(Exception, match="invalid or has been revoked"):
            fakes.auth.authenticate(other.access_token)
        assert notices(fakes) == ["password_changed"]
        assert fakes.db.audit[-1].reason == "other devices signed out"

    def test_a_wrong_current_password_is_refused_counted_and_audited(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        with pytest.raises(InvalidCredentials):
            fakes.accounts.change_password(
                principal(fakes, session), current_password=NEW_PASSWORD, new_password=PASSWORDS[0]
            )
        assert fakes.throttle.consecutive[session.id] == 1
        assert fakes.db.audit[-1].reason == "wrong current password"
        assert fakes.hasher.verify(fakes.db.user(session.id).password_hash, PASSWORD)

    def test_a_too_short_new_password_is_refused_before_the_current_one_is_checked(
        self, fakes: IdentityFakes
    ):
        session = signed_in(fakes)
        with pytest.raises(WeakPassword):
            fakes.accounts.change_password(
                principal(fakes, session), current_password="wrong", new_password="x"
            )
        assert session.id not in fakes.throttle.consecutive

    def test_the_new_password_must_not_contain_the_username(self, fakes: IdentityFakes):
        session = signed_in(fakes, username="kuiseb77")
        with pytest.raises(WeakPassword) as refused:
            fakes.accounts.change_password(
                principal(fakes, session), current_password=PASSWORD, new_password="Kuiseb77-Dunes-Wind!"
            )
        assert {d["field"] for d in refused.value.details} == {"new_password"}

    @pytest.mark.parametrize(("reuse", "allowed"), [(0, False), (1, False), (5, True)])
    def test_none_of_the_last_five_passwords_may_come_back(self, fakes: IdentityFakes, reuse, allowed):
        session = signed_in(fakes, password=PASSWORDS[5])
        history = [PASSWORDS[5], *PASSWORDS[:5]]  # the registration's, then five changes
        for current, new in itertools.pairwise(history):
            fakes.accounts.change_password(
                principal(fakes, session), current_password=current, new_password=new
            )
        candidate = list(reversed(history))[reuse]  # 0: the current one, 5: the oldest
        change = {"current_password": history[-1], "new_password": candidate}
        if allowed:
            fakes.accounts.change_password(principal(fakes, session), **change)
            assert fakes.hasher.verify(fakes.db.user(session.id).password_hash, candidate)
        else:
            with pytest.raises(PasswordReused):
                fakes.accounts.change_password(principal(fakes, session), **change)
