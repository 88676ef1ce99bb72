"""HTTP routes of the identity context: /auth/*, /me, /users (mounted under /api/v1)."""

from __future__ import annotations

import dataclasses
from typing import Any, cast

from flask import Response, request
from flask_openapi3 import APIBlueprint

from elcorp.identity.application.results import DeviceInfo, MfaChallenge, Principal, TokenPair, UserView
from elcorp.identity.interfaces import schemas as s
from elcorp.identity.interfaces.services import IdentityServices
from elcorp.shared.application.pagination import PageRequest
from elcorp.shared.domain.clock import isoformat_z
from elcorp.shared.domain.errors import ValidationFailed
from elcorp.shared.interfaces import envelope
from elcorp.shared.interfaces.api import BEARER, context_blueprint
from elcorp.shared.interfaces.auth import authenticated, current_caller, public, require_permission


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


def token_response(result: TokenPair | MfaChallenge) -> Response:
    if isinstance(result, MfaChallenge):
        return envelope.success({"mfa_required": True, "mfa_token": result.mfa_token})
    return envelope.success(
        {
            "access_token": result.access_token,
            "refresh_token": result.refresh_token,
            "token_type": result.token_type,
            "expires_in": result.expires_in,
        }
    )


def principal() -> Principal:
    return cast(Principal, current_caller())


def client_ip() -> str | None:
    return request.remote_addr


def blueprint(services: IdentityServices) -> APIBlueprint:
    """The routes, closing over the services they call (built by the context's wiring)."""
    api = context_blueprint(
        "identity",
        "users, credentials, devices and refresh tokens, MFA, password reset, email verification, profile",
    )
    _sign_in_routes(api, services)
    _credential_routes(api, services)
    _profile_routes(api, services)
    _user_admin_routes(api, services)
    return api


def _sign_in_routes(api: APIBlueprint, services: IdentityServices) -> None:
    # -- registration and sign-in -----------------------------------------------------------------
    @api.post("/auth/register")
    @public
    def register(body: s.RegisterBody) -> Response:
        view = services.accounts.register(
            username=body.username,
            full_name=body.full_name,
            email=body.email,
            password=body.password,
            phone=body.phone,
            organization=body.organization,
            consents=list(dict.fromkeys(body.consents)),
        )
        return envelope.success(user_json(view), status=201)

    @api.post("/auth/verify-email")
    @public
    def verify_email(body: s.TokenBody) -> Response:
        services.accounts.verify_email(body.token)
        return envelope.success({"email_verified": True})

    @api.post("/auth/login")
    @public
    def login(body: s.LoginBody) -> Response:
        identifier = body.email or body.username
        if not identifier or (body.email and body.username):
            raise ValidationFailed(details=[{"field": "email", "message": "send either email or username"}])
        result = services.auth.login(
            login=identifier,
            password=body.password,
            device_id=body.device_id,
            device_name=body.device_name,
            ip=client_ip(),
            user_agent=request.headers.get("User-Agent"),
        )
        return token_response(result)

    @api.post("/auth/mfa/verify")
    @public
    def mfa_verify(body: s.MfaVerifyBody) -> Response:
        result = services.auth.verify_mfa(
            mfa_token=body.mfa_token,
            code=body.code,
            ip=client_ip(),
            user_agent=request.headers.get("User-Agent"),
        )
        return token_response(result)

    @api.post("/auth/refresh")
    @public
    def refresh(body: s.RefreshBody) -> Response:
        result = services.auth.refresh(
            refresh_token=body.refresh_token, ip=client_ip(), user_agent=request.headers.get("User-Agent")
        )
        return token_response(result)


def _credential_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.post("/auth/logout", security=BEARER)
    @authenticated
    def logout(body: s.LogoutBody) -> Response:
        services.auth.logout(principal(), all_devices=body.all_devices)
        return envelope.success({"logged_out": True, "all_devices": body.all_devices})

    # -- recovery -----------------------------------------------------------------------------
    @api.post("/auth/password/forgot")
    @public
    def forgot_password(body: s.ForgotBody) -> Response:
        services.accounts.forgot_password(body.email)
        # The same answer whether or not the address has an account (no enumeration).
        return envelope.success(
            {"message": "If the address has an account, a reset email is on its way."}, status=202
        )

    @api.post("/auth/password/reset")
    @public
    def reset_password(body: s.ResetBody) -> Response:
        services.accounts.reset_password(body.token, body.new_password)
        return envelope.success({"password_reset": True})  # nosec B105

    # -- MFA ----------------------------------------------------------------------------------
    @api.post("/auth/mfa/setup", security=BEARER)
    @authenticated
    def mfa_setup() -> Response:
        setup = services.mfa.setup(principal())
        return envelope.success(
            {"secret": setup.secret, "otpauth_uri": setup.otpauth_uri, "qr_svg": setup.qr_svg}
        )

    @api.post("/auth/mfa/enable", security=BEARER)
    @authenticated
    def mfa_enable(body: s.MfaEnableBody) -> Response:
        codes = services.mfa.enable(principal(), body.code, password=body.password)
        return envelope.success({"mfa_enabled": True, "backup_codes": codes})

    @api.post("/auth/mfa/disable", security=BEARER)
    @authenticated
    def mfa_disable(body: s.MfaDisableBody) -> Response:
        services.mfa.disable(principal(), password=body.password, code=body.code)
        return envelope.success({"mfa_enabled": False})

    @api.post("/auth/mfa/backup-codes", security=BEARER)
    @authenticated
    def mfa_backup_codes(body: s.PasswordBody) -> Response:
        codes = services.mfa.regenerate_backup_codes(principal(), password=body.password)
        return envelope.success({"backup_codes": codes})


def _profile_routes(api: APIBlueprint, services: IdentityServices) -> None:
    # -- me -----------------------------------------------------------------------------------
    @api.get("/me", security=BEARER)
    @authenticated
    def me() -> Response:
        return envelope.success(user_json(services.accounts.me(principal())))

    @api.patch("/me", security=BEARER)
    @authenticated
    def update_me(body: s.ProfileBody) -> Response:
        view = services.accounts.update_profile(
            principal(),
            full_name=body.full_name,
            phone=body.phone,
            organization=body.organization,
            current_password=body.current_password,
        )
        return envelope.success(user_json(view))

    @api.patch("/me/password", security=BEARER)
    @authenticated
    def change_password(body: s.ChangePasswordBody) -> Response:
        services.accounts.change_password(
            principal(), current_password=body.current_password, new_password=body.new_password
        )
        return envelope.success({"password_changed": True, "other_devices_signed_out": True})  # nosec B105

    @api.get("/me/devices", security=BEARER)
    @authenticated
    def my_devices() -> Response:
        devices = services.accounts.devices(principal())
        return envelope.success([device_json(d) for d in devices], meta={"total": len(devices)})

    @api.delete("/me/devices/<uuid:device_id>", security=BEARER)
    @authenticated
    def revoke_device(path: s.DevicePath) -> Response:
        services.accounts.revoke_device(principal(), path.device_id)
        return envelope.success({"revoked": True, "device_id": str(path.device_id)})

    # -- administration -----------------------------------------------------------------------
    @api.get("/users", security=BEARER)
    @require_permission("user:read")
    def list_users(query: s.UserListQuery) -> Response:
        page = services.admin.list_users(
            principal(),
            PageRequest(query.page, query.per_page),
            search=query.search,
            role=query.role,
            status=query.status,
            include_deleted=query.status == "deleted",
        )
        return envelope.success([user_json(u) for u in page.items], meta=page.meta)


def _user_admin_routes(api: APIBlueprint, services: IdentityServices) -> None:
    @api.post("/users", security=BEARER)
    @require_permission("user:create")
    def create_user(body: s.AdminCreateUserBody) -> Response:
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
        return envelope.success(user_json(view), status=201)

    @api.get("/users/<uuid:user_id>", security=BEARER)
    @require_permission("user:read")
    def get_user(path: s.UserPath) -> Response:
        return envelope.success(user_json(services.admin.get_user(principal(), path.user_id)))

    @api.patch("/users/<uuid:user_id>", security=BEARER)
    @require_permission("user:update")
    def update_user(path: s.UserPath, body: s.AdminUpdateUserBody) -> Response:
        view = services.admin.update_user(
            principal(),
            path.user_id,
            full_name=body.full_name,
            phone=body.phone,
            organization=body.organization,
            status=body.status,
        )
        return envelope.success(user_json(view))

    @api.delete("/users/<uuid:user_id>", security=BEARER)
    @require_permission("user:delete")
    def delete_user(path: s.UserPath) -> Response:
        reason = request.args.get("reason")
        services.admin.delete_user(principal(), path.user_id, reason)
        return envelope.success({"deleted": True, "id": str(path.user_id)})

    @api.post("/users/<uuid:user_id>/restore", security=BEARER)
    @require_permission("user:delete")
    def restore_user(path: s.UserPath) -> Response:
        return envelope.success(user_json(services.admin.restore_user(principal(), path.user_id)))

    @api.post("/users/<uuid:user_id>/unlock", security=BEARER)
    @require_permission("user:update")
    def unlock_user(path: s.UserPath) -> Response:
        return envelope.success(user_json(services.admin.unlock_user(principal(), path.user_id)))
