"""identity domain: entities, value objects, aggregates, domain services, repository
interfaces (Protocols) and domain events of the identity context. Plain Python only: stdlib and
`elcorp.shared.domain`; never Flask, SQLAlchemy, Redis, Celery or pydantic."""
