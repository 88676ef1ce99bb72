"""What identity offers other contexts (the user directory, data-subject corrections), the
permission gate every guarded route passes, and the mails the outbox handlers send."""

from __future__ import annotations

import re
import uuid

import pytest

from elcorp.identity.application.api import ProfileCorrections, UserDirectory
from elcorp.identity.application.authorization import PermissionGate
from elcorp.identity.application.notifications import IdentityMailer
from elcorp.identity.application.results import Principal
from elcorp.identity.domain.errors import MfaEnrolmentRequired
from elcorp.identity.domain.events import (
    AccountLocked,
    EmailVerificationRequested,
    PasswordResetRequested,
    SecurityNotice,
    UserRegistered,
)
from elcorp.shared.domain.errors import AccessDenied, AlreadyExists, NotFound, ValidationFailed
from support.fakes_identity import IdentityFakes
from unit.identity.scenarios import NEW_PASSWORD, PASSWORD, login, register, staff


class Outbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def send(self, to: str, subject: str, body: str) -> None:
        self.sent.append((to, subject, body))


def mailer(fakes: IdentityFakes) -> tuple[IdentityMailer, Outbox]:
    outbox = Outbox()
    return IdentityMailer(fakes.accounts, outbox, "https://api.elcorp.na"), outbox


def code_in(body: str) -> str:
    match = re.search(r"^    (\S+)$", body, re.MULTILINE)
    assert match, body
    return match.group(1)


class TestPermissionGate:
    def caller(self, fakes: IdentityFakes, *roles: str, mfa: bool) -> Principal:
        return staff(fakes, *roles, mfa=mfa)

    def test_a_held_permission_passes(self, fakes: IdentityFakes):
        caller = self.caller(fakes, "admin", mfa=True)
        PermissionGate(fakes.access).authorize(caller, "role:manage")

    def test_a_missing_permission_is_denied(self, fakes: IdentityFakes):
        caller = self.caller(fakes, "user", mfa=False)
        with pytest.raises(AccessDenied, match="role:manage"):
            PermissionGate(fakes.access).authorize(caller, "role:manage")

    def test_a_privileged_permission_without_mfa_asks_for_enrolment(self, fakes: IdentityFakes):
        caller = self.caller(fakes, "admin", mfa=False)
        with pytest.raises(MfaEnrolmentRequired):
            PermissionGate(fakes.access).authorize(caller, "role:manage")

    def test_the_customer_set_needs_no_mfa(self, fakes: IdentityFakes):
        caller = self.caller(fakes, "user", mfa=False)
        PermissionGate(fakes.access).authorize(caller, "payment:create")

    def test_staff_without_mfa_keep_no_wider_grant_than_a_customer(self, fakes: IdentityFakes):
        caller = self.caller(fakes, "staff", mfa=False)
        with pytest.raises(MfaEnrolmentRequired):
            PermissionGate(fakes.access).authorize(caller, "payment:create")  # held at `all`

    def test_without_mfa_enforcement_a_privileged_grant_needs_no_mfa(self):
        fakes = IdentityFakes(mfa_enforced=False)
        caller = self.caller(fakes, "admin", mfa=False)
        PermissionGate(fakes.access).authorize(caller, "role:manage")

    def test_a_role_granted_later_is_seen_at_once(self, fakes: IdentityFakes):
        caller = self.caller(fakes, "user", mfa=True)
        gate = PermissionGate(fakes.access)
        with pytest.raises(AccessDenied):
            gate.authorize(caller, "user:delete")
        email = fakes.db.user(caller.user_id).email.value
        fakes.accounts.ensure_admin(email=email, password=PASSWORD)
        gate.authorize(caller, "user:delete")


class TestUserDirectory:
    def test_exists_only_for_accounts_not_deleted(self, fakes: IdentityFakes):
        kept, deleted = register(fakes), register(fakes)
        fakes.db.state.users[deleted.id].soft_delete(fakes.clock.now())
        directory = UserDirectory(fakes.uow)
        assert [directory.exists(u) for u in (kept.id, deleted.id, uuid.uuid4())] == [True, False, False]

    def test_active_among_leaves_out_locked_and_deleted_accounts(self, fakes: IdentityFakes):
        active, locked, deleted = register(fakes), register(fakes), register(fakes)
        fakes.db.state.users[locked.id].lock(fakes.clock.now())
        fakes.db.state.users[deleted.id].soft_delete(fakes.clock.now())
        directory = UserDirectory(fakes.uow)
        assert directory.active_among([active.id, locked.id, deleted.id]) == {active.id}
        assert directory.active_among([]) == frozenset()

    def test_addresses_and_names_of_active_accounts(self, fakes: IdentityFakes):
        active = register(fakes, full_name="Tangeni Iipumbu")
        locked = register(fakes)
        fakes.db.state.users[locked.id].lock(fakes.clock.now())
        directory = UserDirectory(fakes.uow)
        assert directory.addresses([active.id, locked.id]) == {active.id: active.email}
        assert directory.names([active.id, locked.id]) == {active.id: "Tangeni Iipumbu"}


class TestCorrections:
    def corrections(self, fakes: IdentityFakes) -> ProfileCorrections:
        return ProfileCorrections(fakes.uow, fakes.accounts, fakes.clock)

    def test_only_the_correctable_fields(self, fakes: IdentityFakes):
        user = register(fakes)
        with pytest.raises(ValidationFailed):
            self.corrections(fakes).correct(user.id, "username", "someone", actor_id=user.id)

    def test_a_corrected_email_must_be_verified_again(self, fakes: IdentityFakes):
        user = register(fakes)
        fakes.accounts.verify_email(fakes.accounts.send_verification_email(user.id)[1])  # type: ignore[index]
        officer = uuid.uuid4()
        assert self.corrections(fakes).correct(user.id, "email", "selma.new@example.na", actor_id=officer)
        stored = fakes.db.user(user.id)
        assert (stored.email.value, stored.email_verified) == ("selma.new@example.na", False)
        entry = fakes.db.audit[-1]
        assert (entry.action, entry.actor.id) == ("user.profile_corrected", str(officer))
        assert entry.changes is not None and entry.changes.after == {"fields": ["email"]}
        assert "selma.new" not in repr(entry)

    def test_the_same_value_again_is_no_change(self, fakes: IdentityFakes):
        user = register(fakes, full_name="Selma Nangolo")
        corrections = self.corrections(fakes)
        assert corrections.correct(user.id, "email", user.email, actor_id=user.id) is False
        assert corrections.correct(user.id, "full_name", "Selma Nangolo", actor_id=user.id) is False
        assert "user.profile_corrected" not in fakes.db.actions()

    def test_an_email_of_another_account_is_refused(self, fakes: IdentityFakes):
        user, other = register(fakes), register(fakes)
        with pytest.raises(AlreadyExists):
            self.corrections(fakes).correct(user.id, "email", other.email.upper(), actor_id=user.id)

    def test_a_name_correction_goes_through_the_profile_rules(self, fakes: IdentityFakes):
        user = register(fakes)
        corrections = self.corrections(fakes)
        with pytest.raises(ValidationFailed):
            corrections.correct(user.id, "full_name", "S", actor_id=user.id)
        fakes.clock.advance(1)  # "changed" is read from the update time
        assert corrections.correct(user.id, "full_name", "Selma  Amutenya", actor_id=user.id) is True
        assert fakes.db.user(user.id).full_name == "Selma Amutenya"

    def test_an_unknown_subject_is_not_found(self, fakes: IdentityFakes):
        with pytest.raises(NotFound):
            self.corrections(fakes).correct(uuid.uuid4(), "organization", "NamPower", actor_id=uuid.uuid4())


class TestMail:
    def test_the_welcome_mail_carries_a_code_that_verifies_the_address(self, fakes: IdentityFakes):
        user = register(fakes)
        handler, outbox = mailer(fakes)
        handler.on_user_registered(fakes.db.events_of(UserRegistered)[0])  # type: ignore[arg-type]
        ((to, subject, body),) = outbox.sent
        assert (to, subject) == (user.email, "Confirm your email address")
        assert "within 24 hours" in body and "https://api.elcorp.na/api/v1/auth/verify-email" in body
        fakes.accounts.verify_email(code_in(body))
        assert fakes.db.user(user.id).email_verified

    def test_a_requested_verification_mail_carries_a_fresh_code_and_names_the_resend_route(
        self, fakes: IdentityFakes
    ):
        user = register(fakes)
        fakes.accounts.resend_verification(email=user.email)
        handler, outbox = mailer(fakes)
        handler.on_email_verification_requested(fakes.db.events_of(EmailVerificationRequested)[0])  # type: ignore[arg-type]
        ((to, subject, body),) = outbox.sent
        assert (to, subject) == (user.email, "Confirm your email address")
        assert "https://api.elcorp.na/api/v1/auth/verification/resend" in body
        fakes.accounts.verify_email(code_in(body))
        assert fakes.db.user(user.id).email_verified
        handler.on_email_verification_requested(EmailVerificationRequested(user_id=user.id))
        assert len(outbox.sent) == 1  # verified meanwhile: nothing more to send

    def test_an_account_created_verified_gets_no_welcome_code(self, fakes: IdentityFakes):
        user = register(fakes)
        handler, outbox = mailer(fakes)
        handler.on_user_registered(
            UserRegistered(user_id=user.id, wallet_address=uuid.uuid4(), email_verified=True)
        )
        assert outbox.sent == []

    def test_the_reset_mail_carries_a_code_that_resets_the_password(self, fakes: IdentityFakes):
        user = register(fakes)
        fakes.accounts.forgot_password(user.email)
        handler, outbox = mailer(fakes)
        handler.on_password_reset_requested(fakes.db.events_of(PasswordResetRequested)[0])  # type: ignore[arg-type]
        ((_, subject, body),) = outbox.sent
        assert subject == "Reset your password" and "within 30 minutes" in body
        fakes.accounts.reset_password(code_in(body), NEW_PASSWORD)
        assert login(fakes, user.email, NEW_PASSWORD)

    @pytest.mark.parametrize(("seconds", "minutes"), [(30, 1), (60, 1), (240, 4)])
    def test_the_lockout_mail_says_how_long(self, fakes: IdentityFakes, seconds, minutes):
        user = register(fakes)
        handler, outbox = mailer(fakes)
        handler.on_account_locked(AccountLocked(user_id=user.id, locked_seconds=seconds))
        assert f"about {minutes} minute(s)" in outbox.sent[0][2]

    def test_security_notices_are_mailed_and_unknown_kinds_are_not(self, fakes: IdentityFakes):
        user = register(fakes)
        handler, outbox = mailer(fakes)
        handler.on_security_notice(SecurityNotice(user_id=user.id, kind="mfa_disabled"))
        handler.on_security_notice(SecurityNotice(user_id=user.id, kind="something_else"))
        ((to, _, body),) = outbox.sent
        assert to == user.email and body.startswith("Two-factor authentication was turned off")

    def test_no_mail_for_an_account_that_is_gone(self, fakes: IdentityFakes):
        user = register(fakes)
        fakes.db.state.users[user.id].soft_delete(fakes.clock.now())
        handler, outbox = mailer(fakes)
        handler.on_security_notice(SecurityNotice(user_id=user.id, kind="password_changed"))
        handler.on_password_reset_requested(PasswordResetRequested(user_id=user.id))
        assert outbox.sent == []
