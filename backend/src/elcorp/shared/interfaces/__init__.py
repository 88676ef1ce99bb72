"""Shared HTTP layer: the response envelope, error mapping, request middleware (request id,
JSON-only bodies, security headers, access log, metrics), rate limiting, operations
endpoints (/health, /ready, /metrics) and the API docs."""
