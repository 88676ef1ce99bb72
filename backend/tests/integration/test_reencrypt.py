"""Key rotation: after adding a new key in front, `reencrypt` moves every registered
column to the new key, so the old key can be retired."""

from __future__ import annotations

from sqlalchemy import text

from elcorp.shared.infrastructure.reencrypt import reencrypt_columns
from elcorp.shared.security.encryption import EncryptedColumn, FieldCipher, generate_key


def test_reencrypt_moves_every_value_to_the_newest_key(container):
    old, new = generate_key(), generate_key()
    with container.session_factory() as session:
        session.execute(text("CREATE TABLE probe_person (id int PRIMARY KEY, phone text)"))
        tokens = {i: FieldCipher([old]).encrypt(f"+26481123450{i}") for i in range(1, 8)}
        for i, token in tokens.items():
            session.execute(text("INSERT INTO probe_person VALUES (:i, :t)"), {"i": i, "t": token})
        session.execute(text("INSERT INTO probe_person VALUES (99, NULL)"))
        session.commit()

    counts = reencrypt_columns(
        container.session_factory,
        FieldCipher([new, old]),
        [EncryptedColumn("probe_person", "phone")],
        batch_size=3,
    )
    assert counts == {"probe_person.phone": 7}

    only_new = FieldCipher([new])
    with container.session_factory() as session:
        rows = session.execute(
            text("SELECT id, phone FROM probe_person WHERE phone IS NOT NULL ORDER BY id")
        ).all()
    assert [only_new.decrypt(phone) for _, phone in rows] == [f"+26481123450{i}" for i in range(1, 8)]
