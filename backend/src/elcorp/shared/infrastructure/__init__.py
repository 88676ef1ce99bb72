"""Shared adapters: SQLAlchemy metadata and engine, the unit of work, the transactional
outbox and its dispatcher, the audit-log adapter, Redis, and the embedded dev/test servers."""
