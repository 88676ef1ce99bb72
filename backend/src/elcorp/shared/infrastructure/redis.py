"""Redis clients and the URL spellings each library wants for the same server.

`REDIS_URL` may be `redis://host:port/db`, `rediss://...` or, for the embedded server,
`unix:///path/redis.sock?db=0`. Celery and `limits` spell the unix socket differently.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import redis


def build_redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=5, health_check_interval=30)


def _unix_parts(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    db = parse_qs(parts.query).get("db", ["0"])[0]
    return parts.path, db


def celery_url(url: str) -> str:
    """Celery (broker and result backend) names a unix-socket Redis `redis+socket://`."""
    if url.startswith("unix://"):
        path, db = _unix_parts(url)
        return f"redis+socket://{path}?virtual_host={db}"
    return url


def limiter_storage_uri(url: str) -> str:
    """`limits` names a unix-socket Redis `redis+unix://`."""
    if url.startswith("unix://"):
        path, db = _unix_parts(url)
        return f"redis+unix://{path}?db={db}"
    return url
