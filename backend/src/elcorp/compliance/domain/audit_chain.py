"""The audit chain's format: how an entry is serialised and hashed, and how a chain is
checked. docs/AUDIT_FORMAT.md states the same rules for auditors; the standalone
scripts/verify_audit_export.py re-implements them with the standard library only.

entry_hash  = SHA-256(canonical_json(entry))                       (hex)
chain hash  = SHA-256(prev_chain_hash_bytes || canonical_json(entry))  (hex)
prev of #1  = 32 zero bytes
canonical_json = RFC 8785 (JSON Canonicalization Scheme), UTF-8.

`rfc8785` is a pure serialisation library (no I/O), allowed in the domain like `decimal`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import rfc8785

GENESIS = bytes(32)
FORMAT_VERSION = 1
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


def canonical_json(entry: Mapping[str, Any]) -> bytes:
    """The entry's fields (exactly ENTRY_FIELDS) in RFC 8785 form."""
    return canonical({name: entry[name] for name in ENTRY_FIELDS})


MAX_SAFE_INTEGER = 2**53 - 1


def canonical(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value.

    For values without floats, huge integers or keys outside the Basic Multilingual Plane,
    RFC 8785 and `json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
    produce the same bytes (same escapes, same key order), and the latter runs in C about
    six times faster - it matters when verifying millions of entries. Anything else goes
    through the `rfc8785` package. A property test checks the two agree.
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


def chain_hash(previous_hash: str | None, entry: Mapping[str, Any]) -> str:
    prev = bytes.fromhex(previous_hash) if previous_hash else GENESIS
    return hashlib.sha256(prev + canonical_json(entry)).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainedEntry:
    seq: int
    hash: str
    entry: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(
    entries: Iterable[ChainedEntry], *, previous_hash: str | None = None, first_seq: int = 1
) -> tuple[int, str | None, ChainProblem | None]:
    """Walk a run of chained entries: (count checked, last hash, first problem or None)."""
    expected_seq = first_seq
    prev = previous_hash
    count = 0
    for item in entries:
        if item.seq != expected_seq:
            reason = "missing entries" if item.seq > expected_seq else "entries out of order or repeated"
            return count, prev, ChainProblem(item.seq, f"{reason}: expected sequence {expected_seq}")
        computed = chain_hash(prev, item.entry)
        if computed != item.hash:
            return (
                count,
                prev,
                ChainProblem(item.seq, "hash mismatch: the entry or its predecessor was altered"),
            )
        prev = item.hash
        expected_seq += 1
        count += 1
    return count, prev, None


def checkpoint_message(size: int, head_hash: str, timestamp: str) -> bytes:
    """What a checkpoint signature covers (canonical JSON of the three fields)."""
    return canonical({"size": size, "head_hash": head_hash, "timestamp": timestamp, "v": FORMAT_VERSION})
