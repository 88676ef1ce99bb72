import base64

import pytest
from cryptography.fernet import Fernet

from elcorp.shared.infrastructure.redis import celery_url, limiter_storage_uri
from elcorp.shared.security.encryption import (
    DecryptionFailed,
    FieldCipher,
    FieldKeyError,
    generate_key,
)


def payload_of(token: str) -> bytes:
    return base64.urlsafe_b64decode(token.split(":", 2)[2])


def with_payload(token: str, payload: bytes) -> str:
    version, kid, _ = token.split(":", 2)
    return f"{version}:{kid}:{base64.urlsafe_b64encode(payload).decode()}"


def test_round_trip_and_ciphertext_hides_plaintext():
    cipher = FieldCipher([generate_key()])
    token = cipher.encrypt("+264811234567")
    assert "264811234567" not in token
    assert cipher.decrypt(token) == "+264811234567"


def test_values_are_aes_256_gcm_with_the_key_id_and_a_fresh_nonce_each():
    cipher = FieldCipher([generate_key("k2026")])
    first, second = cipher.encrypt("same"), cipher.encrypt("same")
    assert first.startswith("v2:k2026:") and second.startswith("v2:k2026:")
    assert first != second
    # 12-byte nonce + ciphertext (as long as the plaintext) + 16-byte tag
    assert len(payload_of(first)) == 12 + len("same") + 16
    assert payload_of(first)[:12] != payload_of(second)[:12]


@pytest.mark.parametrize("bit", [0, 8 * 12, 8 * 12 + 3, -1])  # nonce, ciphertext, ..., tag
def test_a_flipped_bit_anywhere_is_detected(bit):
    cipher = FieldCipher([generate_key()])
    token = cipher.encrypt("national-id-123")
    payload = bytearray(payload_of(token))
    index = bit // 8 if bit >= 0 else len(payload) - 1
    payload[index] ^= 1 << (bit % 8 if bit >= 0 else 0)
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(with_payload(token, bytes(payload)))


def test_a_swapped_key_id_is_detected_even_when_that_key_is_configured():
    first, second = generate_key("one"), generate_key("two")
    cipher = FieldCipher([first, second])
    token = cipher.encrypt("national-id-123")
    relabelled = token.replace("v2:one:", "v2:two:", 1)
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(relabelled)


def test_an_unknown_key_id_is_refused():
    token = FieldCipher([generate_key("retired")]).encrypt("national-id-123")
    with pytest.raises(DecryptionFailed, match="retired"):
        FieldCipher([generate_key("current")]).decrypt(token)


def test_legacy_fernet_values_still_decrypt_and_rotate_to_aes_gcm():
    fernet_key, gcm_key = Fernet.generate_key().decode(), generate_key("gcm1")
    legacy_token = Fernet(fernet_key.encode()).encrypt(b"+264811234567").decode()
    cipher = FieldCipher([gcm_key, fernet_key])

    assert cipher.decrypt(legacy_token) == "+264811234567"
    assert not cipher.is_current(legacy_token)
    rotated = cipher.rotate(legacy_token)
    assert rotated.startswith("v2:gcm1:") and cipher.is_current(rotated)
    assert FieldCipher([gcm_key]).decrypt(rotated) == "+264811234567"  # Fernet key retired
    with pytest.raises(DecryptionFailed, match="Fernet"):
        FieldCipher([gcm_key]).decrypt(legacy_token)


def test_new_values_are_never_written_with_a_legacy_fernet_key():
    with pytest.raises(FieldKeyError, match="must start with an AES-256-GCM key"):
        FieldCipher([Fernet.generate_key().decode()])


@pytest.mark.parametrize(
    "entries",
    [
        ["change-me"],
        ["k1:" + base64.urlsafe_b64encode(bytes(16)).decode()],  # AES-128 is not enough
        ["k1:not-base64!"],
        ["bad id:" + base64.urlsafe_b64encode(bytes(32)).decode()],
        [generate_key("twin"), generate_key("twin")],
    ],
)
def test_malformed_keys_are_refused_with_a_clear_error(entries):
    with pytest.raises(FieldKeyError, match=r"FIELD_ENCRYPTION_KEYS|key"):
        FieldCipher(entries)


def test_rotation_new_key_first_still_reads_old_tokens():
    old, new = generate_key(), generate_key()
    token = FieldCipher([old]).encrypt("national-id-123")
    rotated_cipher = FieldCipher([new, old])
    assert rotated_cipher.decrypt(token) == "national-id-123"
    rotated = rotated_cipher.rotate(token)
    assert FieldCipher([new]).decrypt(rotated) == "national-id-123"
    with pytest.raises(DecryptionFailed):
        FieldCipher([new]).decrypt(token)


def test_tampered_ciphertext_is_rejected():
    cipher = FieldCipher([generate_key()])
    token = cipher.encrypt("secret")
    tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    with pytest.raises(DecryptionFailed):
        cipher.decrypt(tampered)


def test_an_older_gcm_key_still_reads_and_rotation_moves_values_to_the_newest():
    old, new = generate_key("old"), generate_key("new")
    token = FieldCipher([old]).encrypt("national-id-123")
    rotated = FieldCipher([new, old]).rotate(token)
    assert rotated.startswith("v2:new:")
    assert FieldCipher([new]).decrypt(rotated) == "national-id-123"


def test_a_cipher_needs_a_key():
    with pytest.raises(ValueError, match="key"):
        FieldCipher([])


@pytest.mark.parametrize(
    ("url", "celery", "limiter"),
    [
        ("redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3", "redis://127.0.0.1:6379/3"),
        (
            "unix:///srv/var/redis.sock?db=2",
            "redis+socket:///srv/var/redis.sock?virtual_host=2",
            "redis+unix:///srv/var/redis.sock?db=2",
        ),
    ],
)
def test_one_redis_url_spelled_for_each_library(url, celery, limiter):
    assert celery_url(url) == celery
    assert limiter_storage_uri(url) == limiter
