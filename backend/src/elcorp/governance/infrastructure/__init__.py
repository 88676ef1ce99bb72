"""governance infrastructure: adapters for the governance ports: SQLAlchemy tables and repositories,
Redis, outbound senders, document rendering. Implements what application/ and domain/ declare."""
