"""Token attacks (RFC 8725): algorithm confusion, forged claims, wrong type, expiry, kid."""

from __future__ import annotations

import base64
import json
import time
import uuid

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from elcorp.bootstrap import bootstrap
from elcorp.main import create_app
from support.identity import signed_in


@pytest.fixture
def victim(client):
    return signed_in(client)


def claims_for(user, settings, **overrides):
    now = time.time()
    claims = {
        "sub": user.id,
        "type": "access",
        "jti": uuid.uuid4().hex,
        "device_id": user.device_id,
        "iat": now,
        "nbf": int(now),
        "exp": int(now) + 600,
        "iss": settings.JWT_ISSUER,
        "aud": settings.JWT_AUDIENCE,
    }
    claims.update(overrides)
    return claims


def forge(settings, claims, *, alg="HS256", key=None, typ="at+jwt", kid=None):
    kid_default, secret = settings.jwt_keys()[0]
    return jwt.encode(claims, key or secret, algorithm=alg, headers={"typ": typ, "kid": kid or kid_default})


def me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


def test_a_correctly_forged_token_with_the_real_key_is_accepted(client, settings, victim):
    # Control: the forging helper itself produces valid tokens, so the refusals below are real.
    assert me(client, forge(settings, claims_for(victim, settings))).status_code == 200


def test_alg_none_is_refused(client, settings, victim):
    header = {"alg": "none", "typ": "at+jwt", "kid": settings.jwt_keys()[0][0]}
    token = f"{b64(header)}.{b64(claims_for(victim, settings))}."
    response = me(client, token)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_003"


def test_rs256_token_signed_with_an_attackers_key_is_refused(client, settings, victim):
    attacker_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = forge(settings, claims_for(victim, settings), alg="RS256", key=attacker_key)
    assert me(client, token).status_code == 401


def test_another_hmac_algorithm_with_the_right_secret_is_refused(client, settings, victim):
    assert me(client, forge(settings, claims_for(victim, settings), alg="HS512")).status_code == 401


def test_a_wrong_secret_is_refused(client, settings, victim):
    token = forge(settings, claims_for(victim, settings), key="not-the-secret-but-long-enough-0123456789")
    assert me(client, token).get_json()["error"]["code"] == "AUTH_003"


@pytest.mark.parametrize(
    "override",
    [{"aud": "someone-else"}, {"iss": "https://evil.example"}, {"type": "refresh"}, {"sub": "not-a-uuid"}],
)
def test_forged_claims_are_refused(client, settings, victim, override):
    assert me(client, forge(settings, claims_for(victim, settings, **override))).status_code == 401


@pytest.mark.parametrize("missing", ["jti", "device_id", "aud", "iss", "exp", "type"])
def test_a_token_missing_a_required_claim_is_refused(client, settings, victim, missing):
    claims = claims_for(victim, settings)
    del claims[missing]
    assert me(client, forge(settings, claims)).status_code == 401


def test_a_refresh_typ_header_is_refused_on_api_calls(client, settings, victim):
    assert me(client, forge(settings, claims_for(victim, settings), typ="rt+jwt")).status_code == 401


def test_an_unknown_kid_is_refused(client, settings, victim):
    assert me(client, forge(settings, claims_for(victim, settings), kid="retired-key")).status_code == 401


def test_an_expired_token_gets_its_own_code(client, settings, victim):
    past = time.time() - 3600
    token = forge(settings, claims_for(victim, settings, iat=past, nbf=int(past), exp=int(past) + 900))
    response = me(client, token)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_002"


def test_tokens_are_never_read_from_the_query_string(client, victim):
    response = client.get(f"/api/v1/me?access_token={victim.access}")
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "AUTH_004"


def test_only_the_bearer_scheme_is_accepted(client, victim):
    response = client.get("/api/v1/me", headers={"Authorization": f"Basic {victim.access}"})
    assert response.status_code == 401


def test_signing_keys_rotate_by_kid(client, settings, engine, session_factory, redis_client, victim):
    from elcorp.config import Settings

    old_kid, old_secret = settings.jwt_keys()[0]
    new_keys = f"k2:{'n' * 48},{old_kid}:{old_secret}"  # the new key first, the old one still verifies
    rotated = Settings(_env_file=None, **{**settings.model_dump(), "JWT_SIGNING_KEYS": new_keys})
    container = bootstrap(rotated, engine=engine, session_factory=session_factory, redis_client=redis_client)
    rotated_client = create_app(container=container).test_client()
    # A token signed with the old key still verifies until it expires...
    assert me(rotated_client, victim.access).status_code == 200
    # ...and new tokens are signed with the new key.
    new = rotated_client.post(
        "/api/v1/auth/login",
        json={"email": victim.email, "password": victim.password, "device_id": str(uuid.uuid4())},
    ).get_json()["data"]["access_token"]
    assert jwt.get_unverified_header(new)["kid"] == "k2"
