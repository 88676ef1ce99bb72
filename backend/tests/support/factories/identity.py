"""Identity test data: registration bodies for the API and `User` aggregates for the domain."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import factory

from elcorp.identity.domain.user import User, UserStatus
from elcorp.shared.domain.email import EmailAddress
from elcorp.shared.domain.phone import PhoneNumber

STRONG_PASSWORD = "Kalahari-Sunset-2026!"
REGISTERED_AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _unique_email(n: int) -> str:
    # Unique against users other tests committed to the shared database, not only this run's.
    return f"ndapewa.{n}.{uuid.uuid4().hex[:6]}@example.na"


def _unique_phone(n: int) -> str:
    return f"+26481{n % 1000:03d}{uuid.uuid4().int % 10000:04d}"


class RegistrationBodyFactory(factory.DictFactory):
    """What `POST /api/v1/auth/register` takes; any field can be overridden, extra ones added."""

    username = factory.Sequence(lambda n: f"ndapewa{n + 1}x")
    full_name = "Ndapewa Shikongo"
    email = factory.Sequence(lambda n: _unique_email(n + 1))
    password = STRONG_PASSWORD
    phone = factory.Sequence(lambda n: _unique_phone(n + 1))
    agreed_terms = True


class UserFactory(factory.Factory):
    """An active, unverified `User` aggregate as the domain holds it after registration."""

    class Meta:
        model = User

    id = factory.LazyFunction(uuid.uuid4)
    username = factory.Sequence(lambda n: f"user{n + 1}")
    full_name = "Ndapewa Shikongo"
    email = factory.Sequence(lambda n: EmailAddress(f"user.{n + 1}@example.na"))
    # Shaped like the stored hash; the domain never verifies it (the password hasher does).
    password_hash = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2g"
    wallet_address = factory.LazyFunction(uuid.uuid4)
    created_at = REGISTERED_AT
    phone = factory.Sequence(lambda n: PhoneNumber.parse(f"+26481{(n + 1) % 10_000_000:07d}"))
    status = UserStatus.ACTIVE


class RegistrationCommandFactory(factory.DictFactory):
    """The keyword arguments of `Accounts.register`: unique within a run (unit tests start from
    an empty in-memory store, so no random suffix is needed)."""

    username = factory.Sequence(lambda n: f"selma{n + 1}x")
    full_name = "Selma Nangolo"
    email = factory.Sequence(lambda n: f"selma.{n + 1}@example.na")
    password = STRONG_PASSWORD
    phone = factory.Sequence(lambda n: f"+26481{(n + 1) % 10_000_000:07d}")
    organization = None
