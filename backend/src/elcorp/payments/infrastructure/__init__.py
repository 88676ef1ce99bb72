"""payments infrastructure: adapters for the payments ports: SQLAlchemy tables and repositories,
Redis, outbound senders, document rendering. Implements what application/ and domain/ declare."""
