"""Shared application layer: ports (unit of work, audit, outbox), the message bus,
request context and pagination. Framework-free: adapters live in `shared.infrastructure`."""
