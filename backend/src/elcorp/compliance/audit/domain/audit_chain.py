"""The audit chain's format: how an entry is serialised and hashed, and how a chain is
checked. docs/AUDIT_FORMAT.md states the same rules for auditors; the standalone
scripts/verify_audit_export.py re-implements them with the standard library only.

entry_hash  = SHA-256(canonical_json(entry))                       (hex)
chain hash  = SHA-256(prev_chain_hash_bytes || canonical_json(entry))  (hex)
prev of #1  = 32 zero bytes
canonical_json = RFC 8785 (JSON Canonicalization Scheme), UTF-8: the entry's stored bytes
                 (elcorp.shared.domain.audit_entry), written once by the audit port.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from elcorp.shared.domain.audit_entry import ENTRY_FIELDS as ENTRY_FIELDS
from elcorp.shared.domain.audit_entry import canonical as canonical
from elcorp.shared.domain.audit_entry import canonical_json as canonical_json

GENESIS = bytes(32)
FORMAT_VERSION = 1


def link_hash(previous_hash: str | None, entry_json: bytes) -> str:
    """The chain hash of an entry given in its stored (canonical) bytes."""
    prev = bytes.fromhex(previous_hash) if previous_hash else GENESIS
    return hashlib.sha256(prev + entry_json).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainedEntry:
    seq: int
    hash: str
    entry_json: bytes  # the entry's canonical JSON, as stored and hashed


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(
    entries: Iterable[ChainedEntry], *, previous_hash: str | None = None, first_seq: int = 1
) -> tuple[int, str | None, ChainProblem | None]:
    """Walk a run of chained entries in order: (count checked, last hash, first problem)."""
    expected_seq = first_seq
    prev = previous_hash
    count = 0
    for item in entries:
        if item.seq != expected_seq:
            reason = "missing entries" if item.seq > expected_seq else "entries out of order or repeated"
            return count, prev, ChainProblem(item.seq, f"{reason}: expected sequence {expected_seq}")
        if link_hash(prev, item.entry_json) != item.hash:
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
