"""compliance infrastructure: adapters for the compliance ports: SQLAlchemy tables and repositories,
Redis, outbound senders, document rendering. Implements what application/ and domain/ declare."""
