"""HTTP routes of the identity context: /auth/*, /me, /users (mounted under /api/v1)."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from flask import Response, request
from flask_openapi3 import APIBlueprint

from elcorp.identity.application.results import DeviceInfo, MfaChallenge, Principal, TokenPair, UserView
from elcorp.identity.domain.errors import (
    BrowserSessionRefused,
    InvalidCredentials,
    InvalidLinkToken,
    InvalidMfaCode,
    LoginThrottled,
    MfaAlreadyEnabled,
    MfaNotEnabled,
    PasswordReused,
    RefreshTokenReused,
    TokenExpired,
    TokenInvalid,
    WeakPassword,
)
from elcorp.identity.interfaces import examples as ex
from elcorp.identity.interfaces import schemas as s
from elcorp.identity.interfaces.services import IdentityServices
from elcorp.identity.interfaces.web_session import (
    CLEAR_COOKIE_HEADER,
    COOKIE_PARAMETER,
    CSRF_PARAMETER,
    SET_COOKIE_HEADER,
    WEB_CLIENT_PARAMETER,
    WebSessionPolicy,
)
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import (
    AlreadyExists,
    Conflict,
    InvalidEmail,
    InvalidPhoneNumber,
    MissingToken,
    NotFound,
    ServiceUnavailable,
    ValidationFailed,
)
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import API_V1, BEARER, context_blueprint, document_header
from elcorp.shared.interfaces.auth import authenticated, current_caller, public, require_permission
from elcorp.shared.interfaces.openapi import accepted, created, listed, no_content, ok
from elcorp.shared.interfaces.pagination import page_response

# A route open to anonymous callers that also reads the caller when a token is sent.
OPTIONAL_BEARER: list[dict[str, list[str]]] = [{}, *BEARER]

# The browser-session headers (and the refresh cookie) the sign-in routes read themselves.
for _path in ("/auth/login", "/auth/mfa/verify", "/auth/refresh"):
    document_header("post", API_V1 + _path, WEB_CLIENT_PARAMETER)
    document_header("post", API_V1 + _path, CSRF_PARAMETER)
document_header("post", API_V1 + "/auth/refresh", COOKIE_PARAMETER)
document_header("post", API_V1 + "/auth/logout", WEB_CLIENT_PARAMETER)


def user_json(view: UserView) -> dict[str, Any]:
    data = dataclasses.asdict(view)
    data["id"] = str(view.id)
    data["wallet_address"] = str(view.wallet_address)
    data["created_at"] = isoformat_z(view.created_at)
    data["deleted_at"] = isoformat_z(view.deleted_at) if view.deleted_at else None
    return data


def device_json(info: DeviceInfo) -> dict[str, Any]:
    return {
        "device_id": str(info.device_id),
        "device_name": info.device_name,
        "user_agent": info.user_agent,
        "ip_address": info.ip_address,
        "created_at": isoformat_z(info.created_at),
        "last_used_at": isoformat_z(info.last_used_at),
        "expires_at": isoformat_z(info.expires_at),
        "current": info.current,
    }


def token_response(result: TokenPair | MfaChallenge, web: WebSessionPolicy | None = None) -> Response:
    """The token pair in the body; for a browser session (`web`) the refresh token goes into
    the HttpOnly cookie instead, never into the body, and the body names the session's
    absolute end (`session_expires_at`)."""
    if isinstance(result, MfaChallenge):
        return envelope.success({"mfa_required": True, "mfa_token": result.mfa_token})
    data = {
        "access_token": result.access_token,
        "refresh_token": result.refresh_token,
        "token_type": result.token_type,
        "expires_in": result.expires_in,
    }
    if web is None:
        return envelope.success(data)
    del data["refresh_token"]
    if result.session_expires_at is not None:
        # The page cannot read the cookie's Max-Age: it warns before this instant instead.
        data["session_expires_at"] = isoformat_z(result.session_expires_at)
    response = envelope.success(data)
    web.set_refresh_cookie(response, result.refresh_token, result.refresh_expires_in)
    return response


def browser_session(web: WebSessionPolicy) -> WebSessionPolicy | None:
    """The policy when this request asks for a browser session (after its CSRF check)."""
    if not web.is_web_client():
        return None
    web.check_request()
    return web


def with_cookie_header(responses: Any, header: dict[str, Any]) -> Any:
    """Declare the Set-Cookie header of a route's success response."""
    success = next(r for status, r in responses.items() if str(status).startswith("2"))
    success.setdefault("headers", {}).update(header)
    return responses


def user_created(view: UserView) -> Response:
    return envelope.created(user_json(view), location=f"{API_V1}/users/{view.id}")


def principal() -> Principal:
    return cast(Principal, current_caller())


def client_ip() -> str | None:
    return request.remote_addr


def user_agent() -> str | None:
    return request.headers.get("User-Agent")


def blueprint(services: IdentityServices) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = context_blueprint(
        "identity",
        "users, credentials, devices and refresh tokens, MFA, password reset, email verification, profile",
    )
    for add_routes in (
        _registration_routes,
        _sign_in_routes,
        _refresh_routes,
        _sign_out_routes,
        _recovery_routes,
        _mfa_enrolment_routes,
        _mfa_management_routes,
        _profile_routes,
        _permission_routes,
        _profile_change_routes,
        _device_routes,
        _user_routes,
        _user_admin_routes,
        _user_device_routes,
    ):
        add_routes(api, services)
    return api


def _registration_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.post(
        "/auth/register",
        responses=created(
            s.User, InvalidEmail, InvalidPhoneNumber, WeakPassword, AlreadyExists, example=ex.USER
        ),
    )
    @public
    def register_user(body: s.RegisterBody) -> Response:
        """Create a customer account.

        Public. Answers the new user (roles `user`, email not yet verified) with its URL in
        `Location`; no tokens: sign in next. A verification mail follows."""
        view = services.accounts.register(
            username=body.username,
            full_name=body.full_name,
            email=body.email,
            password=body.password,
            phone=body.phone,
            organization=body.organization,
            consents=list(dict.fromkeys(body.consents)),
        )
        return user_created(view)

    @api.post(
        "/auth/verify-email",
        responses=ok(s.EmailVerified, InvalidLinkToken, example={"email_verified": True}),
    )
    @public
    def verify_email(body: s.VerifyEmailBody) -> Response:
        """Confirm an email address with the code from the verification mail.

        Public. A code works once and lasts EMAIL_VERIFICATION_TTL_SECONDS; a new one comes
        from POST /auth/verification/resend."""
        services.accounts.verify_email(body.token)
        return envelope.success({"email_verified": True})

    @api.post(
        "/auth/verification/resend",
        security=OPTIONAL_BEARER,
        responses=accepted(s.MailRequested, InvalidEmail, example={"message": ex.VERIFICATION_MAIL}),
    )
    @public
    def resend_verification_email(body: s.ResendVerificationBody) -> Response:
        """Send a new email-verification code.

        Public: send `email`, or call with an access token and no body to use the caller's
        account (neither: 401). The same 202 whether or not an account has the address; a
        new code voids the previous one."""
        user_id = None
        if body.email is None:
            if not request.headers.get("Authorization"):
                raise MissingToken("Send `email`, or call with an access token")
            user_id = principal().user_id  # a refused token is a 401 too
        services.accounts.resend_verification(email=body.email, user_id=user_id)
        return envelope.success({"message": ex.VERIFICATION_MAIL}, status=202)


def _sign_in_responses() -> Any:
    sign_in = ok(
        s.SignInResult, InvalidCredentials, LoginThrottled, ServiceUnavailable, BrowserSessionRefused
    )
    cast(dict[str, Any], sign_in["200"])["content"]["application/json"]["examples"] = {
        "tokens": {"summary": "Signed in", "value": ex.success(ex.TOKEN_PAIR)},
        "mfa_required": {
            "summary": "The account has MFA: verify a code next",
            "value": ex.success(ex.MFA_CHALLENGE),
        },
    }
    return with_cookie_header(sign_in, SET_COOKIE_HEADER)


def _sign_in_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.post("/auth/login", responses=_sign_in_responses())
    @public
    def login_user(body: s.LoginBody) -> Response:
        """Sign in with a password.

        Public. Send `email` or `username` (exactly one). Answers the token pair, or
        `{mfa_required, mfa_token}` when the account has MFA enabled. Browsers send
        `X-Client: web` and `X-Requested-With: elcorp-dashboard`: the refresh token is then
        the HttpOnly `elcorp_refresh` cookie, not in the body."""
        web = browser_session(services.web)
        identifier = body.email or body.username
        if not identifier or (body.email and body.username):
            raise ValidationFailed(details=[{"field": "email", "message": "send either email or username"}])
        result = services.auth.login(
            login=identifier,
            password=body.password,
            device_id=body.device_id,
            device_name=body.device_name,
            ip=client_ip(),
            user_agent=user_agent(),
        )
        return token_response(result, web)

    @api.post(
        "/auth/mfa/verify",
        responses=with_cookie_header(
            ok(
                s.TokenPair,
                InvalidMfaCode,
                TokenInvalid,
                InvalidCredentials,
                BrowserSessionRefused,
                example=ex.TOKEN_PAIR,
            ),
            SET_COOKIE_HEADER,
        ),
    )
    @public
    def verify_mfa(body: s.MfaVerifyBody) -> Response:
        """Finish an MFA sign-in with an authenticator or backup code.

        Public. The `mfa_token` from POST /auth/login works once and dies after a few wrong codes.
        With `X-Client: web` the refresh token is set as the `elcorp_refresh` cookie."""
        web = browser_session(services.web)
        result = services.auth.verify_mfa(
            mfa_token=body.mfa_token, code=body.code, ip=client_ip(), user_agent=user_agent()
        )
        return token_response(result, web)


def _refresh_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.post(
        "/auth/refresh",
        responses=with_cookie_header(
            ok(
                s.TokenPair,
                TokenExpired,
                TokenInvalid,
                RefreshTokenReused,
                MissingToken,
                BrowserSessionRefused,
                example=ex.TOKEN_PAIR,
            ),
            SET_COOKIE_HEADER,
        ),
    )
    @public
    def refresh_tokens(body: s.RefreshBody) -> Response:
        """Swap a refresh token for a new token pair.

        Public. The refresh token sent is spent; sending it again signs the device out (AUTH_007).
        Browsers send no body: the `elcorp_refresh` cookie is read (with
        `X-Requested-With: elcorp-dashboard`, else 403 CSRF_001) and replaced by a new one."""
        web = browser_session(services.web)
        token = body.refresh_token
        if token is None:
            token = services.web.cookie_token()
            if token is None:
                raise ValidationFailed(
                    "Send refresh_token, or the browser session's cookie",
                    details=[{"field": "refresh_token", "message": "Field required"}],
                )
            services.web.check_request()
            web = services.web
        result = services.auth.refresh(refresh_token=token, ip=client_ip(), user_agent=user_agent())
        return token_response(result, web)


def _sign_out_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.post(
        "/auth/logout",
        security=BEARER,
        responses=with_cookie_header(
            ok(s.SignedOut, example={"logged_out": True, "all_devices": False}), CLEAR_COOKIE_HEADER
        ),
    )
    @authenticated
    def logout_user(body: s.LogoutBody) -> Response:
        """Sign out this device, or every device.

        Any signed-in caller. The body is optional (no body means this device only). A browser
        session's `elcorp_refresh` cookie is cleared."""
        services.auth.logout(principal(), all_devices=body.all_devices)
        response = envelope.success({"logged_out": True, "all_devices": body.all_devices})
        if services.web.is_web_client() or services.web.cookie_token() is not None:
            services.web.clear_refresh_cookie(response)
        return response


def _recovery_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.post(
        "/auth/password/forgot",
        responses=accepted(s.MailRequested, InvalidEmail, example={"message": ex.RESET_MAIL}),
    )
    @public
    def request_password_reset(body: s.ForgotPasswordBody) -> Response:
        """Mail a password-reset code.

        Public. The same 202 whether or not the address has an account (no enumeration)."""
        services.accounts.forgot_password(body.email)
        return envelope.success({"message": ex.RESET_MAIL}, status=202)

    @api.post(
        "/auth/password/reset",
        responses=ok(
            s.PasswordReset,
            InvalidLinkToken,
            WeakPassword,
            PasswordReused,
            example={"password_reset": True},  # nosec B105 - an OpenAPI example
        ),
    )
    @public
    def reset_password(body: s.ResetPasswordBody) -> Response:
        """Set a new password with the code from the reset mail.

        Public. Every session of the user ends."""
        services.accounts.reset_password(body.token, body.new_password)
        return envelope.success({"password_reset": True})  # nosec B105


def _mfa_enrolment_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.post(
        "/auth/mfa/setup", security=BEARER, responses=ok(s.MfaSetup, MfaAlreadyEnabled, example=ex.MFA_SETUP)
    )
    @authenticated
    def setup_mfa() -> Response:
        """Start MFA enrolment: a new TOTP secret and its QR code.

        Any signed-in caller whose MFA is off. Calling it again replaces the pending secret."""
        setup = services.mfa.setup(principal())
        return envelope.success(
            {"secret": setup.secret, "otpauth_uri": setup.otpauth_uri, "qr_svg": setup.qr_svg}
        )

    @api.post(
        "/auth/mfa/enable",
        security=BEARER,
        responses=ok(
            s.MfaEnabled,
            InvalidMfaCode,
            InvalidCredentials,
            MfaAlreadyEnabled,
            MfaNotEnabled,
            example={"mfa_enabled": True, "backup_codes": ex.BACKUP_CODES},
        ),
    )
    @authenticated
    def enable_mfa(body: s.MfaEnableBody) -> Response:
        """Turn MFA on with a code from the authenticator; answers 10 backup codes.

        Any signed-in caller who started enrolment; the password is asked again."""
        codes = services.mfa.enable(principal(), body.code, password=body.password)
        return envelope.success({"mfa_enabled": True, "backup_codes": codes})


def _mfa_management_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.post(
        "/auth/mfa/disable",
        security=BEARER,
        responses=ok(
            s.MfaDisabled, InvalidCredentials, InvalidMfaCode, MfaNotEnabled, example={"mfa_enabled": False}
        ),
    )
    @authenticated
    def disable_mfa(body: s.MfaDisableBody) -> Response:
        """Turn MFA off.

        Any signed-in caller, with the password and a current code; other devices are signed out."""
        services.mfa.disable(principal(), password=body.password, code=body.code)
        return envelope.success({"mfa_enabled": False})

    @api.post(
        "/auth/mfa/backup-codes",
        security=BEARER,
        responses=ok(
            s.BackupCodes, InvalidCredentials, MfaNotEnabled, example={"backup_codes": ex.BACKUP_CODES}
        ),
    )
    @authenticated
    def regenerate_backup_codes(body: s.BackupCodesBody) -> Response:
        """Replace the MFA backup codes with 10 new ones.

        Any signed-in caller with MFA on, with the password."""
        codes = services.mfa.regenerate_backup_codes(principal(), password=body.password)
        return envelope.success({"backup_codes": codes})


def _profile_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.get("/me", security=BEARER, responses=ok(s.User, example=ex.USER))
    @authenticated
    def get_me() -> Response:
        """Show the caller's own account.

        Any signed-in caller."""
        return envelope.success(user_json(services.accounts.me(principal())))


def _permission_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.get("/me/permissions", security=BEARER, responses=ok(s.SessionPermissions, example=ex.PERMISSIONS))
    @authenticated
    def get_my_permissions() -> Response:
        """Show what the caller's session may do.

        Any signed-in caller. The same grants every route is authorised with (a session that
        did not pass MFA keeps only the customer set; `withheld` lists the rest), so a client
        can hide what the API would refuse."""
        effective = services.permissions.effective(principal())
        return envelope.success(
            {
                "roles": effective.roles,
                "permissions": sorted(effective.permissions),
                "scopes": effective.permissions,
                "withheld": effective.withheld,
                "mfa": effective.mfa,
            }
        )


def _profile_change_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.patch(
        "/me",
        security=BEARER,
        responses=ok(s.User, InvalidPhoneNumber, InvalidCredentials, AlreadyExists, example=ex.USER),
    )
    @authenticated
    def update_me(body: s.ProfileBody) -> Response:
        """Change the caller's name, phone or organization.

        Any signed-in caller; a new phone number needs `current_password`."""
        view = services.accounts.update_profile(
            principal(),
            full_name=body.full_name,
            phone=body.phone,
            organization=body.organization,
            current_password=body.current_password,
        )
        return envelope.success(user_json(view))

    @api.patch(
        "/me/password",
        security=BEARER,
        responses=ok(
            s.PasswordChanged,
            InvalidCredentials,
            WeakPassword,
            PasswordReused,
            example={"password_changed": True, "other_devices_signed_out": True},  # nosec B105 - an OpenAPI example
        ),
    )
    @authenticated
    def change_password(body: s.ChangePasswordBody) -> Response:
        """Change the caller's password.

        Any signed-in caller, with the current password; the other devices are signed out."""
        services.accounts.change_password(
            principal(), current_password=body.current_password, new_password=body.new_password
        )
        return envelope.success({"password_changed": True, "other_devices_signed_out": True})  # nosec B105


def _device_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.get("/me/devices", security=BEARER, responses=listed(s.Device))
    @authenticated
    def list_my_devices(query: s.DeviceListQuery) -> Response:
        """List the caller's signed-in devices, most recently used first.

        Any signed-in caller; `current` marks the device making the call."""
        page = services.accounts.devices(principal(), query.page_request())
        return page_response([device_json(d) for d in page.items], page)

    @api.delete("/me/devices/<uuid:device_id>", security=BEARER, responses=no_content())
    @authenticated
    def revoke_device(path: s.DevicePath) -> Response:
        """Sign one of the caller's devices out.

        Any signed-in caller, for their own devices only (another user's device is a 404)."""
        services.accounts.revoke_device(principal(), path.device_id)
        return envelope.no_content()


def _user_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.get("/users", security=BEARER, responses=listed(s.User))
    @require_permission("user:read")
    def list_users(query: s.UserListQuery) -> Response:
        """List user accounts, newest first.

        Needs `user:read`; its scope limits the list (own: the caller; organization: its members)."""
        page = services.admin.list_users(
            principal(),
            query.page_request(),
            search=query.q,
            role=query.role,
            status=query.status,
            include_deleted=query.status == "deleted",
        )
        return page_response([user_json(u) for u in page.items], page)

    @api.post(
        "/users",
        security=BEARER,
        responses=created(
            s.User, InvalidEmail, InvalidPhoneNumber, WeakPassword, AlreadyExists, example=ex.USER
        ),
    )
    @require_permission("user:create")
    def create_user(body: s.AdminCreateUserBody) -> Response:
        """Create a user account for someone.

        Needs `user:create`. The account gets the `user` role; its URL is in `Location`."""
        view = services.admin.create_user(
            principal(),
            username=body.username,
            full_name=body.full_name,
            email=body.email,
            password=body.password,
            phone=body.phone,
            organization=body.organization,
            email_verified=body.email_verified,
        )
        return user_created(view)

    @api.get("/users/<uuid:user_id>", security=BEARER, responses=ok(s.User, NotFound, example=ex.USER))
    @require_permission("user:read")
    def get_user(path: s.UserPath) -> Response:
        """Show a user account.

        Needs `user:read` with a scope that reaches the user (otherwise 404)."""
        return envelope.success(user_json(services.admin.get_user(principal(), path.user_id)))


def _user_admin_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.patch(
        "/users/<uuid:user_id>",
        security=BEARER,
        responses=ok(s.User, NotFound, Conflict, AlreadyExists, InvalidPhoneNumber, example=ex.USER),
    )
    @require_permission("user:update")
    def update_user(path: s.UserPath, body: s.AdminUpdateUserBody) -> Response:
        """Change a user's profile, or lock or unlock the account.

        Needs `user:update`; the last active administrator cannot be locked."""
        view = services.admin.update_user(
            principal(),
            path.user_id,
            full_name=body.full_name,
            phone=body.phone,
            organization=body.organization,
            status=body.status,
        )
        return envelope.success(user_json(view))

    @api.delete("/users/<uuid:user_id>", security=BEARER, responses=no_content(NotFound, Conflict))
    @require_permission("user:delete")
    def delete_user(path: s.UserPath, query: s.DeleteUserQuery) -> Response:
        """Soft-delete a user account; its sessions end at once.

        Needs `user:delete`; the last active administrator cannot be deleted."""
        services.admin.delete_user(principal(), path.user_id, query.reason)
        return envelope.no_content()

    @api.post(
        "/users/<uuid:user_id>/restore",
        security=BEARER,
        responses=ok(s.User, NotFound, Conflict, example=ex.USER),
    )
    @require_permission("user:delete")
    def restore_user(path: s.UserPath) -> Response:
        """Restore a deleted user account.

        Needs `user:delete`; an account that is not deleted is a 409."""
        return envelope.success(user_json(services.admin.restore_user(principal(), path.user_id)))

    @api.post(
        "/users/<uuid:user_id>/unlock", security=BEARER, responses=ok(s.User, NotFound, example=ex.USER)
    )
    @require_permission("user:update")
    def unlock_user(path: s.UserPath) -> Response:
        """Lift an administrator's lock and any temporary sign-in lock.

        Needs `user:update`; the user is emailed."""
        return envelope.success(user_json(services.admin.unlock_user(principal(), path.user_id)))


def _user_device_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.get("/users/<uuid:user_id>/devices", security=BEARER, responses=listed(s.Device, NotFound))
    @require_permission("user:read")
    def list_user_devices(path: s.UserPath, query: s.DeviceListQuery) -> Response:
        """List a user's signed-in devices, most recently used first.

        Needs `user:read` with a scope that reaches the user (otherwise 404); a read of
        someone else's devices is audited as `user.devices_viewed`."""
        page = services.admin.user_devices(principal(), path.user_id, query.page_request())
        return page_response([device_json(d) for d in page.items], page)

    @api.delete(
        "/users/<uuid:user_id>/devices/<uuid:device_id>", security=BEARER, responses=no_content(NotFound)
    )
    @require_permission("user:update")
    def revoke_user_device(path: s.UserDevicePath) -> Response:
        """Sign one of a user's devices out; its tokens stop working at once.

        Needs `user:update` with a scope that reaches the user (otherwise 404); a device
        that is not the user's, or no longer signed in, is a 404. Audited as
        `user.device_revoked`."""
        services.admin.revoke_user_device(principal(), path.user_id, path.device_id)
        return envelope.no_content()
