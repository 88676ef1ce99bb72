"""The audit entry's stored form: the exact bytes that the audit chain hashes.

The audit port writes each entry once, as RFC 8785 canonical JSON (`entry` in audit_log),
next to a few plain columns that exist only to be searched. The sequencer hashes those
bytes, the export streams them and verification re-hashes them, so no reader ever rebuilds
an entry from columns. docs/AUDIT_FORMAT.md states the format for auditors.

`rfc8785` is a pure serialisation library (no I/O), allowed in the domain like `decimal`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import rfc8785

ENTRY_FIELDS = (
    "id",
    "occurred_at",
    "action",
    "actor_id",
    "actor_roles",
    "resource_type",
    "resource_id",
    "changes",
    "reason",
    "ip",
    "user_agent",
    "request_id",
)
MAX_SAFE_INTEGER = 2**53 - 1


def entry_timestamp(moment: datetime) -> str:
    """UTC, microseconds, `Z`: the one spelling of a time inside a hashed entry."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical_json(entry: Mapping[str, Any]) -> bytes:
    """The entry's fields (exactly ENTRY_FIELDS) in RFC 8785 form."""
    return canonical({name: entry[name] for name in ENTRY_FIELDS})


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value.

    For values without floats, huge integers or keys outside the Basic Multilingual Plane,
    RFC 8785 and `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
    produce the same bytes (same escapes, same key order), and the latter runs in C about
    six times faster. Anything else goes through the `rfc8785` package. A property test
    checks the two agree.
    """
    if _plain(value):
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return rfc8785.dumps(value)


def _plain(value: Any) -> bool:
    kind = type(value)
    if kind is str or value is None or kind is bool:
        return True
    if kind is int:
        return bool(-MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER)
    if kind is list:
        return all(_plain(v) for v in value)
    if kind is dict:
        for key, item in value.items():
            # ASCII keys sort the same by code point and by UTF-16 unit; others are checked.
            if type(key) is not str or (not key.isascii() and max(key) > "\uffff") or not _plain(item):
                return False
        return True
    return False
