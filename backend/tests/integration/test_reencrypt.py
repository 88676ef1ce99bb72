"""Key rotation: after adding a new key in front, `reencrypt` moves every registered
column to the new key, so the old key can be retired; values written by older releases
with Fernet move to AES-256-GCM the same way."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import text

from elcorp.shared.infrastructure.reencrypt import reencrypt_columns
from elcorp.shared.security.encryption import EncryptedColumn, FieldCipher, generate_key

PROBE = EncryptedColumn("probe_person", "phone")


def store(container, tokens: dict[int, str | None]) -> None:
    with container.session_factory() as session:
        session.execute(text("CREATE TABLE probe_person (id int PRIMARY KEY, phone text)"))
        for i, token in tokens.items():
            session.execute(text("INSERT INTO probe_person VALUES (:i, :t)"), {"i": i, "t": token})
        session.commit()


def stored(container) -> list[str]:
    with container.session_factory() as session:
        return list(
            session.execute(
                text("SELECT phone FROM probe_person WHERE phone IS NOT NULL ORDER BY id")
            ).scalars()
        )


def test_reencrypt_moves_every_value_to_the_newest_key(container):
    old, new = generate_key("old"), generate_key("new")
    tokens: dict[int, str | None] = {i: FieldCipher([old]).encrypt(f"+26481123450{i}") for i in range(1, 8)}
    store(container, {**tokens, 99: None})

    counts = reencrypt_columns(container.session_factory, FieldCipher([new, old]), [PROBE], batch_size=3)

    assert counts == {"probe_person.phone": 7}
    only_new = FieldCipher([new])
    assert [only_new.decrypt(phone) for phone in stored(container)] == [
        f"+26481123450{i}" for i in range(1, 8)
    ]


def test_reencrypt_moves_legacy_fernet_values_to_aes_gcm_and_skips_current_ones(container):
    fernet_key, older_gcm, current = Fernet.generate_key().decode(), generate_key("g1"), generate_key("g2")
    legacy = Fernet(fernet_key.encode())
    tokens: dict[int, str | None] = {
        1: legacy.encrypt(b"+264811234501").decode(),
        2: FieldCipher([older_gcm]).encrypt("+264811234502"),
        3: FieldCipher([current]).encrypt("+264811234503"),
        4: legacy.encrypt(b"+264811234504").decode(),
    }
    store(container, tokens)
    cipher = FieldCipher([current, older_gcm, fernet_key])

    first = reencrypt_columns(container.session_factory, cipher, [PROBE], batch_size=2)
    again = reencrypt_columns(container.session_factory, cipher, [PROBE], batch_size=2)

    assert first == {"probe_person.phone": 3}  # the value already under g2 is left alone
    assert again == {"probe_person.phone": 0}
    values = stored(container)
    assert values[2] == tokens[3]
    assert all(v.startswith("v2:g2:") for v in values)
    only_current = FieldCipher([current])  # the Fernet key and g1 can now be removed
    assert [only_current.decrypt(v) for v in values] == [f"+26481123450{i}" for i in range(1, 5)]
