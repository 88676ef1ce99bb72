"""identity infrastructure: adapters for the identity ports: SQLAlchemy tables and repositories,
Redis, outbound senders, document rendering. Implements what application/ and domain/ declare."""
