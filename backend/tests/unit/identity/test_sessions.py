"""Staying signed in: refresh-token rotation and reuse detection (RFC 9700 s4.14.2), the
per-request token check, logout, and the devices a user can see and sign out."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from elcorp.identity.application.results import TokenPair
from elcorp.identity.domain.errors import RefreshTokenReused, TokenExpired, TokenInvalid
from elcorp.identity.domain.events import SecurityNotice
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.errors import NotFound
from support.fakes_identity import IdentityFakes
from unit.identity.scenarios import Session, enrol_mfa, login, mfa_login, principal, signed_in


def refresh(fakes: IdentityFakes, token: str, ip: str = "203.0.113.5") -> TokenPair:
    return fakes.auth.refresh(refresh_token=token, ip=ip, user_agent="elcorp-app/2.0")


def second_device(fakes: IdentityFakes, session: Session) -> Session:
    device = uuid.uuid4()
    pair = login(fakes, session.user.email, device_id=device)
    assert isinstance(pair, TokenPair)
    fakes.clock.advance(1)
    return Session(session.user, device, pair)


class TestRefresh:
    def test_a_refresh_returns_a_new_pair_and_records_where_it_came_from(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        pair = refresh(fakes, session.pair.refresh_token)
        assert pair.refresh_token != session.pair.refresh_token
        assert fakes.auth.authenticate(pair.access_token).user_id == session.id
        row = fakes.db.state.devices[(session.id, session.device_id)]
        assert (row.ip_address, row.user_agent, row.last_used_at) == (
            "203.0.113.5",
            "elcorp-app/2.0",
            fakes.clock.now(),
        )

    def test_the_rotated_token_is_the_one_accepted_next(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        second = refresh(fakes, session.pair.refresh_token)
        third = refresh(fakes, second.refresh_token)
        assert isinstance(third, TokenPair)

    def test_a_spent_token_presented_again_ends_the_device_and_warns_the_owner(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        refresh(fakes, session.pair.refresh_token)
        with pytest.raises(RefreshTokenReused):
            refresh(fakes, session.pair.refresh_token)
        assert fakes.db.state.devices[(session.id, session.device_id)].revoked_at is not None
        assert [e.kind for e in fakes.db.events_of(SecurityNotice)] == ["refresh_token_reused"]  # type: ignore[attr-defined]
        entry = fakes.db.audit[-1]
        assert (entry.action, entry.actor.id) == ("auth.refresh_token_reused", "system")

    def test_after_reuse_the_legitimate_holders_tokens_die_too(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        current = refresh(fakes, session.pair.refresh_token)
        with pytest.raises(RefreshTokenReused):
            refresh(fakes, session.pair.refresh_token)
        with pytest.raises(TokenInvalid):
            refresh(fakes, current.refresh_token)
        with pytest.raises(TokenInvalid):
            fakes.auth.authenticate(current.access_token)

    def test_an_access_token_is_not_a_refresh_token(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        with pytest.raises(TokenInvalid):
            refresh(fakes, session.pair.access_token)

    def test_a_new_sign_in_on_the_device_voids_the_old_family(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        login(fakes, session.user.email, device_id=session.device_id)
        with pytest.raises(TokenInvalid):
            refresh(fakes, session.pair.refresh_token)

    def test_the_family_ends_seven_days_after_the_sign_in_however_often_it_rotates(
        self, fakes: IdentityFakes
    ):
        session = signed_in(fakes)
        family_end = fakes.db.state.devices[(session.id, session.device_id)].expires_at
        fakes.clock.advance(6 * 86_400)
        rotated = refresh(fakes, session.pair.refresh_token)
        assert fakes.tokens.issued[rotated.refresh_token].expires_at == family_end.timestamp()
        fakes.clock.at = family_end
        with pytest.raises(TokenExpired):
            refresh(fakes, rotated.refresh_token)

    def test_a_locked_account_cannot_refresh(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        fakes.db.state.users[session.id].lock(fakes.clock.now())
        with pytest.raises(TokenInvalid):
            refresh(fakes, session.pair.refresh_token)

    def test_a_signed_out_device_cannot_refresh(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        fakes.auth.logout(principal(fakes, session), all_devices=False)
        with pytest.raises(TokenInvalid):
            refresh(fakes, session.pair.refresh_token)

    @pytest.mark.parametrize("with_mfa", [True, False])
    def test_a_refresh_keeps_whether_the_session_passed_mfa(self, fakes: IdentityFakes, with_mfa):
        session = signed_in(fakes)
        pair = session.pair
        if with_mfa:
            _, codes = enrol_mfa(fakes, session)
            pair = mfa_login(fakes, session, codes[0])
        renewed = refresh(fakes, pair.refresh_token)
        assert fakes.auth.authenticate(renewed.access_token).mfa is with_mfa


class TestAccessTokens:
    def test_a_valid_access_token_names_the_caller_and_device(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        caller = principal(fakes, session)
        assert (caller.user_id, caller.device_id, caller.mfa) == (session.id, session.device_id, False)

    def test_an_access_token_expires(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        fakes.clock.advance(fakes.tokens.access_ttl)
        with pytest.raises(TokenExpired):
            principal(fakes, session)

    def test_a_refresh_token_is_not_an_access_token(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        with pytest.raises(TokenInvalid):
            fakes.auth.authenticate(session.pair.refresh_token)


class TestLogout:
    def test_logout_kills_this_sessions_token_and_device_only(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        other = second_device(fakes, session)
        fakes.auth.logout(principal(fakes, session), all_devices=False)
        with pytest.raises(TokenInvalid):
            principal(fakes, session)
        assert principal(fakes, other).device_id == other.device_id
        assert fakes.db.state.devices[(session.id, session.device_id)].revoked_at is not None
        entry = fakes.db.audit[-1]
        assert entry.action == "auth.logout" and entry.changes is not None
        assert entry.changes.after == {"all_devices": False}

    def test_logout_everywhere_ends_every_device(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        other = second_device(fakes, session)
        fakes.auth.logout(principal(fakes, session), all_devices=True)
        with pytest.raises(TokenInvalid):
            principal(fakes, other)
        with pytest.raises(TokenInvalid):
            refresh(fakes, other.pair.refresh_token)
        assert all(row.revoked_at is not None for row in fakes.db.state.devices.values())

    def test_a_sign_in_after_logout_everywhere_works(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        fakes.auth.logout(principal(fakes, session), all_devices=True)
        fakes.clock.advance(1)
        assert principal(fakes, second_device(fakes, session)).user_id == session.id


class TestDevices:
    def test_the_list_shows_active_devices_most_recent_first_marking_this_one(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        other = second_device(fakes, session)
        listed = fakes.accounts.devices(principal(fakes, session)).items
        assert [d.device_id for d in listed] == [other.device_id, session.device_id]
        assert [d.current for d in listed] == [False, True]

    def test_signed_out_and_expired_devices_are_not_listed(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        other = second_device(fakes, session)
        fakes.accounts.revoke_device(principal(fakes, session), other.device_id)
        listed = fakes.accounts.devices(principal(fakes, session)).items
        assert [d.device_id for d in listed] == [session.device_id]
        fakes.db.state.devices[(session.id, session.device_id)].expires_at = fakes.clock.now() - timedelta(1)
        assert fakes.accounts.devices(principal(fakes, session)).items == []

    def test_the_list_comes_a_window_at_a_time_with_the_total(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        others = [second_device(fakes, session) for _ in range(2)]
        me = principal(fakes, session)
        first = fakes.accounts.devices(me, PageRequest(per_page=2))
        rest = fakes.accounts.devices(me, PageRequest(per_page=2, start=2))
        assert (first.total, first.has_more, rest.has_more) == (3, True, False)
        walked = [d.device_id for d in first.items + rest.items]
        assert walked == [others[1].device_id, others[0].device_id, session.device_id]

    def test_signing_out_another_device_kills_its_tokens_and_is_audited(self, fakes: IdentityFakes):
        session = signed_in(fakes)
        other = second_device(fakes, session)
        fakes.accounts.revoke_device(principal(fakes, session), other.device_id)
        with pytest.raises(TokenInvalid):
            principal(fakes, other)
        with pytest.raises(TokenInvalid):
            refresh(fakes, other.pair.refresh_token)
        entry = fakes.db.audit[-1]
        assert entry.action == "auth.device_revoked" and entry.changes is not None
        assert entry.changes.after == {"device_id": str(other.device_id)}

    @pytest.mark.parametrize("twice", [True, False])
    def test_an_unknown_or_already_signed_out_device_is_not_found(self, fakes: IdentityFakes, twice):
        session = signed_in(fakes)
        other = second_device(fakes, session) if twice else None
        target = other.device_id if other else uuid.uuid4()
        if other:
            fakes.accounts.revoke_device(principal(fakes, session), target)
        with pytest.raises(NotFound):
            fakes.accounts.revoke_device(principal(fakes, session), target)

    def test_another_users_device_cannot_be_signed_out(self, fakes: IdentityFakes):
        mine, theirs = signed_in(fakes), signed_in(fakes)
        with pytest.raises(NotFound):
            fakes.accounts.revoke_device(principal(fakes, mine), theirs.device_id)
        assert principal(fakes, theirs).user_id == theirs.id
