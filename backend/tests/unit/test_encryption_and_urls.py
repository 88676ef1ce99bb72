import pytest

from elcorp.shared.infrastructure.redis import celery_url, limiter_storage_uri
from elcorp.shared.security.encryption import DecryptionFailed, FieldCipher, generate_key


def test_round_trip_and_ciphertext_hides_plaintext():
    cipher = FieldCipher([generate_key()])
    token = cipher.encrypt("+264811234567")
    assert "264811234567" not in token
    assert cipher.decrypt(token) == "+264811234567"


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
