"""compliance domain: entities, value objects, aggregates, domain services, repository
interfaces (Protocols) and domain events of the compliance context. Plain Python only: stdlib and
`elcorp.shared.domain`; never Flask, SQLAlchemy, Redis, Celery or pydantic."""
