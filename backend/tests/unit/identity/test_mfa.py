"""Two-factor authentication: enrolment with a first code and the password, the second
sign-in step (TOTP once per time step, backup codes once each, few attempts per challenge),
disabling and regenerating backup codes."""

from __future__ import annotations

import uuid

import pytest

from elcorp.identity.application.results import MfaChallenge, TokenPair
from elcorp.identity.domain.errors import (
    InvalidCredentials,
    InvalidMfaCode,
    MfaAlreadyEnabled,
    MfaNotEnabled,
    TokenInvalid,
)
from elcorp.identity.domain.events import SecurityNotice
from support.fakes_identity import IdentityFakes
from unit.identity.scenarios import (
    IP,
    NEW_PASSWORD,
    Session,
    enrol_mfa,
    login,
    mfa_login,
    principal,
    signed_in,
)


def challenge(fakes: IdentityFakes, session: Session) -> str:
    first = login(fakes, session.user.email, device_id=session.device_id)
    assert isinstance(first, MfaChallenge)
    return first.mfa_token


def verify(fakes: IdentityFakes, token: str, code: str) -> TokenPair:
    return fakes.auth.verify_mfa(mfa_token=token, code=code, ip=IP, user_agent="elcorp-app/1.0")


def now_code(fakes: IdentityFakes, secret: str, offset: int = 0) -> str:
    return fakes.totp.code_at(secret, fakes.clock.now(), offset)


def notices(fakes: IdentityFakes) -> list[str]:
    return [e.kind for e in fakes.db.events_of(SecurityNotice)]  # type: ignore[attr-defined]


class TestEnrolment:
    def test_setup_returns_the_secret_its_uri_and_qr_and_stores_it_encrypted(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        setup = fakes.mfa.setup(principal(fakes, session))
        assert setup.secret in setup.otpauth_uri and session.user.email in setup.otpauth_uri
        assert setup.qr_svg.startswith("<svg")
        stored = fakes.db.state.mfa[session.id]
        assert stored.pending is not None and stored.pending != setup.secret
        assert fakes.deps.ciphers.decrypt(stored.pending) == setup.secret
        assert fakes.db.user(session.id).mfa_enabled is False

    def test_enable_with_a_code_and_the_password_turns_it_on_with_ten_backup_codes(
        self, fakes: IdentityFakes
    ):
        session = signed_in(fakes)
        _, codes = enrol_mfa(fakes, session)
        assert len(set(codes)) == 10
        assert fakes.db.user(session.id).mfa_enabled is True
        assert fakes.db.state.mfa[session.id].pending is None
        assert notices(fakes) == ["mfa_enabled"]
        assert "auth.mfa_enabled" in fakes.db.actions()

    def test_enable_with_a_wrong_code_changes_nothing(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        caller = principal(fakes, session)
        setup = fakes.mfa.setup(caller)
        wrong = now_code(fakes, setup.secret, offset=5)
        with pytest.raises(InvalidMfaCode):
            fakes.mfa.enable(caller, wrong, password=session.password)
        assert fakes.db.user(session.id).mfa_enabled is False

    def test_enable_needs_the_password_and_a_wrong_one_counts_as_a_failure(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        caller = principal(fakes, session)
        setup = fakes.mfa.setup(caller)
        with pytest.raises(InvalidCredentials):
            fakes.mfa.enable(caller, now_code(fakes, setup.secret), password=NEW_PASSWORD)
        assert fakes.throttle.consecutive[session.id] == 1
        assert fakes.db.audit[-1].reason == "wrong current password"

    def test_enable_without_setup_is_refused(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        with pytest.raises(MfaNotEnabled):
            fakes.mfa.enable(principal(fakes, session), "123456", password=session.password)

    @pytest.mark.parametrize("step", ["setup", "enable"])
    def test_setup_and_enable_are_refused_when_already_on(self, fakes: IdentityFakes, step):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        caller = principal(fakes, session)
        actions = {
            "setup": lambda: fakes.mfa.setup(caller),
            "enable": lambda: fakes.mfa.enable(caller, now_code(fakes, secret), password=session.password),
        }
        with pytest.raises(MfaAlreadyEnabled):
            actions[step]()


class TestSecondStep:
    def test_a_current_code_completes_the_sign_in_with_an_mfa_session(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        pair = mfa_login(fakes, session, now_code(fakes, secret))
        caller = fakes.auth.authenticate(pair.access_token)
        assert caller.mfa is True and caller.device_id == session.device_id
        entry = fakes.db.audit[-1]
        assert (
            entry.action == "auth.login" and entry.changes is not None and entry.changes.after["mfa"] is True
        )

    @pytest.mark.parametrize(("offset", "accepted"), [(-1, True), (1, True), (-2, False), (2, False)])
    def test_one_step_of_clock_drift_is_tolerated(self, fakes: IdentityFakes, offset, accepted):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        fakes.clock.advance(60)  # clear of the enrolment's step either way
        token = challenge(fakes, session)
        if accepted:
            assert isinstance(verify(fakes, token, now_code(fakes, secret, offset)), TokenPair)
        else:
            with pytest.raises(InvalidMfaCode):
                verify(fakes, token, now_code(fakes, secret, offset))

    def test_a_code_is_accepted_once_per_time_step(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        code = now_code(fakes, secret)
        mfa_login(fakes, session, code)
        with pytest.raises(InvalidMfaCode):
            mfa_login(fakes, session, code)

    def test_a_wrong_code_counts_as_a_failed_sign_in(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        with pytest.raises(InvalidMfaCode):
            verify(fakes, challenge(fakes, session), now_code(fakes, secret, offset=9))
        assert fakes.throttle.consecutive[session.id] == 1
        assert fakes.db.audit[-1].reason == "wrong second factor"

    def test_a_challenge_allows_only_its_few_attempts(self, fakes: IdentityFakes):
        fakes.throttle.max_consecutive = 100
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        token = challenge(fakes, session)
        for _ in range(fakes.challenges.max_attempts):
            with pytest.raises(InvalidMfaCode):
                verify(fakes, token, "000000")
        with pytest.raises(TokenInvalid):
            verify(fakes, token, now_code(fakes, secret))

    def test_a_challenge_is_spent_by_its_success(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        token = challenge(fakes, session)
        verify(fakes, token, now_code(fakes, secret))
        with pytest.raises(TokenInvalid):
            verify(fakes, token, now_code(fakes, secret, offset=1))

    def test_a_challenge_expires(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        token = challenge(fakes, session)
        fakes.clock.advance(fakes.challenges.ttl)
        with pytest.raises(TokenInvalid):
            verify(fakes, token, now_code(fakes, secret))

    def test_an_unknown_challenge_is_invalid(self, fakes: IdentityFakes):
        with pytest.raises(TokenInvalid):
            verify(fakes, "mfa-forged", "123456")

    def test_an_account_locked_meanwhile_is_refused_and_the_challenge_spent(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        token = challenge(fakes, session)
        fakes.throttle.locked_until[session.id] = fakes.clock.at.replace(year=2030)
        with pytest.raises(InvalidCredentials):
            verify(fakes, token, now_code(fakes, secret))
        assert token not in fakes.challenges.live

    def test_mfa_turned_off_meanwhile_voids_the_challenge(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        token = challenge(fakes, session)
        fakes.db.state.users[session.id].mfa_enabled = False
        with pytest.raises(TokenInvalid):
            verify(fakes, token, now_code(fakes, secret))

    def test_success_forgets_the_failed_attempts(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        with pytest.raises(InvalidMfaCode):
            verify(fakes, challenge(fakes, session), "000000")
        mfa_login(fakes, session, now_code(fakes, secret))
        assert session.id not in fakes.throttle.consecutive


class TestBackupCodes:
    def test_a_backup_code_signs_in_and_the_count_left_is_audited(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        _, codes = enrol_mfa(fakes, session)
        assert isinstance(mfa_login(fakes, session, codes[0]), TokenPair)
        used = next(e for e in fakes.db.audit if e.action == "auth.backup_code_used")
        assert used.changes is not None and used.changes.after == {"backup_codes_left": 9}

    def test_a_backup_code_works_only_once(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        _, codes = enrol_mfa(fakes, session)
        mfa_login(fakes, session, codes[0])
        with pytest.raises(InvalidMfaCode):
            mfa_login(fakes, session, codes[0])

    @pytest.mark.parametrize("shape", [str.upper, lambda c: c.replace("-", ""), lambda c: f"  {c} "])
    def test_a_backup_code_is_read_whatever_its_case_dashes_and_spaces(self, fakes: IdentityFakes, shape):
        session = signed_in(fakes)
        _, codes = enrol_mfa(fakes, session)
        assert isinstance(mfa_login(fakes, session, shape(codes[1])), TokenPair)

    def test_regenerating_replaces_every_old_code(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        _, old = enrol_mfa(fakes, session)
        new = fakes.mfa.regenerate_backup_codes(principal(fakes, session), password=session.password)
        assert len(new) == 10 and not set(new) & set(old)
        with pytest.raises(InvalidMfaCode):
            mfa_login(fakes, session, old[0])
        assert isinstance(mfa_login(fakes, session, new[0]), TokenPair)

    def test_regenerating_needs_mfa_on_and_the_password(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        with pytest.raises(MfaNotEnabled):
            fakes.mfa.regenerate_backup_codes(principal(fakes, session), password=session.password)
        enrol_mfa(fakes, session)
        with pytest.raises(InvalidCredentials):
            fakes.mfa.regenerate_backup_codes(principal(fakes, session), password=NEW_PASSWORD)


class TestDisable:
    def test_disabling_needs_a_code_ends_the_other_sessions_and_tells_the_owner(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        secret, _ = enrol_mfa(fakes, session)
        other = uuid.uuid4()
        mfa_login(fakes, Session(session.user, other, session.pair), now_code(fakes, secret))
        fakes.clock.advance(30)
        fakes.mfa.disable(principal(fakes, session), password=session.password, code=now_code(fakes, secret))
        assert fakes.db.user(session.id).mfa_enabled is False
        assert fakes.db.state.backup_codes.get(session.id) is None
        assert fakes.db.state.devices[(session.id, other)].revoked_at is not None
        assert fakes.db.state.devices[(session.id, session.device_id)].revoked_at is None
        assert notices(fakes) == ["mfa_enabled", "mfa_disabled"]

    def test_disabling_with_a_wrong_code_keeps_it_on(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        enrol_mfa(fakes, session)
        with pytest.raises(InvalidMfaCode):
            fakes.mfa.disable(principal(fakes, session), password=session.password, code="000000")
        assert fakes.db.user(session.id).mfa_enabled is True

    def test_disabling_when_off_is_refused(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        with pytest.raises(MfaNotEnabled):
            fakes.mfa.disable(principal(fakes, session), password=session.password, code="000000")

    def test_after_disabling_the_password_alone_signs_in(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        _, codes = enrol_mfa(fakes, session)
        fakes.mfa.disable(principal(fakes, session), password=session.password, code=codes[0])
        assert isinstance(login(fakes, session.user.email), TokenPair)
