#!/usr/bin/env python3
"""Verify an ElCorp audit-log export offline: the standard library and `cryptography` only.

    python scripts/verify_audit_export.py EXPORT_FILE MANIFEST_FILE \\
        --public-key KID=BASE64 [--public-key ...] [--public-keys-json FILE] \\
        [--checkpoints-json FILE ...] [--trusted-previous-hash HEX] [--allow-unsigned-tail]

Checks, in this order, and reports the first problem (naming the line and sequence number):
every trusted checkpoint given with --checkpoints-json is signed by a trusted key; the
file's SHA-256 against the manifest's data_sha256; every line parses; sequence numbers run
on from first_seq without a gap; every hash is SHA-256(previous hash || RFC 8785 JSON of the
entry), starting from the manifest's previous_hash; count, first/last seq and last hash
agree with the manifest; every checkpoint's head hash (in the manifest, or a trusted one
inside the exported range) is the chain's hash at its size and its Ed25519 signature
verifies with the public key given for its key id; when first_seq > 1, previous_hash equals
a trusted value (a trusted checkpoint at first_seq - 1, or --trusted-previous-hash); and a
signed checkpoint from a trusted key sits on the last entry. Without that last check, a
forged export chained from the genesis hash, or a real one cut short with its manifest
rewritten, would verify: entries after the last signed checkpoint fail the check unless
--allow-unsigned-tail accepts them, with a warning.

Public keys must come from a trusted channel: the copy inside the manifest is not used.
Exit status: 0 intact, 1 not intact (or unreadable), 2 bad command line.
The format is described in docs/AUDIT_FORMAT.md; this file re-implements it on purpose
without any code from the application.
"""

from __future__ import annotations

import argparse
import base64
import binascii
import csv
import hashlib
import json
import math
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MANIFEST_FORMAT = "elcorp-audit-export"
FORMAT_VERSION = 1
ENTRY_FIELDS = frozenset(
    {
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
    }
)
JSONL_FIELDS = frozenset({"seq", "hash", "entry"})
CSV_HEADER = ["seq", "hash", "entry_json"]
GENESIS = "0" * 64
HEX64 = re.compile(r"[0-9a-f]{64}")
MAX_EXACT_INT = 2**53


# --- RFC 8785 (JSON Canonicalization Scheme) -------------------------------------------


class CanonicalizationError(ValueError):
    pass


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_STRING_TABLE = {ord(c): _ESCAPES.get(c, f"\\u{ord(c):04x}") for c in [*map(chr, range(0x20)), '"', "\\"]}


def es_number(value: float) -> str:
    """ECMAScript Number.prototype.toString of a finite double (RFC 8785 section 3.2.2.3)."""
    if math.isnan(value) or math.isinf(value):
        raise CanonicalizationError(f"{value} is not a JSON number")
    if value == 0:
        return "0"  # also -0
    if value < 0:
        return "-" + es_number(-value)
    # repr() gives the shortest digits that read back as the same double, as ECMAScript does.
    _, digit_tuple, exponent = Decimal(repr(value)).as_tuple()
    if not isinstance(exponent, int):  # only for NaN and infinities, excluded above
        raise CanonicalizationError(f"{value} is not a JSON number")
    digits = "".join(map(str, digit_tuple))
    stripped = digits.rstrip("0")
    exponent += len(digits) - len(stripped)
    digits, k = stripped, len(stripped)
    n = exponent + k  # value = 0.<digits> x 10^n
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    power = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if power >= 0 else '-'}{abs(power)}"


def _canonical(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        # A JSON number is a double: integers beyond 2^53 are written as that double would be.
        out.append(str(value) if abs(value) <= MAX_EXACT_INT else es_number(float(value)))
    elif isinstance(value, float):
        out.append(es_number(value))
    elif isinstance(value, str):
        out.append('"' + value.translate(_STRING_TABLE) + '"')
    elif isinstance(value, list):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _canonical(item, out)
        out.append("]")
    elif isinstance(value, dict):
        try:  # keys in the order of their UTF-16 code units
            keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
        except (AttributeError, UnicodeEncodeError) as exc:
            raise CanonicalizationError("object keys must be valid strings") from exc
        out.append("{")
        for index, key in enumerate(keys):
            if index:
                out.append(",")
            _canonical(key, out)
            out.append(":")
            _canonical(value[key], out)
        out.append("}")
    else:
        raise CanonicalizationError(f"unsupported JSON value {type(value).__name__}")


def canonical_json(value: Any) -> bytes:
    """RFC 8785 canonical form, UTF-8."""
    out: list[str] = []
    try:
        _canonical(value, out)
        return "".join(out).encode("utf-8")
    except (UnicodeEncodeError, OverflowError) as exc:
        raise CanonicalizationError(f"not representable in RFC 8785: {exc}") from exc


def chain_hash(previous_hex: str, entry: dict[str, Any]) -> str:
    return hashlib.sha256(bytes.fromhex(previous_hex) + canonical_json(entry)).hexdigest()


def checkpoint_message(size: int, head_hash: str, timestamp: str) -> bytes:
    return canonical_json({"size": size, "head_hash": head_hash, "timestamp": timestamp, "v": FORMAT_VERSION})


# --- Reading the export ----------------------------------------------------------------


class Failure(Exception):
    """Verification failed; the message says where and why."""


@dataclass(frozen=True, slots=True)
class Record:
    line: int
    seq: int
    hash: str
    entry: dict[str, Any]


def _strict_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str) -> Any:
    return json.loads(text, object_pairs_hook=_strict_object, parse_constant=_reject_constant)


def _record(line: int, seq: Any, hash_hex: Any, entry: Any) -> Record:
    where = f"line {line}"
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise Failure(f"{where}: seq is not an integer")
    where = f"line {line} (seq {seq})"
    if not isinstance(hash_hex, str) or not HEX64.fullmatch(hash_hex):
        raise Failure(f"{where}: hash is not 64 lowercase hex digits")
    if not isinstance(entry, dict):
        raise Failure(f"{where}: entry is not a JSON object")
    if set(entry) != ENTRY_FIELDS:
        extra, missing = sorted(set(entry) - ENTRY_FIELDS), sorted(ENTRY_FIELDS - set(entry))
        raise Failure(f"{where}: entry fields differ from the format (extra {extra}, missing {missing})")
    return Record(line, seq, hash_hex, entry)


def jsonl_records(path: Path) -> Iterator[Record]:
    with path.open("rb") as stream:
        for line_no, raw in enumerate(stream, start=1):  # split on b"\n" only
            try:
                data = parse_json(raw.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise Failure(f"line {line_no}: not a JSON object: {exc}") from exc
            if not isinstance(data, dict) or set(data) != JSONL_FIELDS:
                raise Failure(f"line {line_no}: expected an object with exactly seq, hash, entry")
            yield _record(line_no, data["seq"], data["hash"], data["entry"])


def csv_records(path: Path) -> Iterator[Record]:
    try:
        with path.open("r", encoding="utf-8", newline="") as stream:
            reader = csv.reader(stream, strict=True)
            if next(reader, None) != CSV_HEADER:
                raise Failure("line 1: the CSV header is not seq,hash,entry_json")
            for row in reader:
                line_no = reader.line_num
                if len(row) != len(CSV_HEADER):
                    raise Failure(f"line {line_no}: expected 3 columns, found {len(row)}")
                seq_text, hash_hex, entry_json = row
                if not seq_text.isascii() or not seq_text.isdigit():
                    raise Failure(f"line {line_no}: seq {seq_text!r} is not a number")
                try:
                    entry = parse_json(entry_json)
                except ValueError as exc:
                    raise Failure(f"line {line_no} (seq {seq_text}): entry_json is not JSON: {exc}") from exc
                yield _record(line_no, int(seq_text), hash_hex, entry)
    except UnicodeDecodeError as exc:
        raise Failure(f"the file is not UTF-8: {exc}") from exc
    except csv.Error as exc:
        raise Failure(f"not valid CSV: {exc}") from exc


# --- Verification ----------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_manifest(manifest: Any) -> dict[str, Any]:
    if not isinstance(manifest, dict):
        raise Failure("manifest: not a JSON object")
    if manifest.get("format") != MANIFEST_FORMAT or manifest.get("version") != FORMAT_VERSION:
        raise Failure(f"manifest: not an {MANIFEST_FORMAT} version {FORMAT_VERSION} manifest")
    if manifest.get("data_format") not in ("jsonl", "csv"):
        raise Failure("manifest: data_format must be jsonl or csv")
    for name in ("count", "first_seq", "last_seq"):
        if not isinstance(manifest.get(name), int) or isinstance(manifest.get(name), bool):
            raise Failure(f"manifest: {name} is not an integer")
    for name in ("previous_hash", "last_hash", "data_sha256"):
        if not isinstance(manifest.get(name), str) or not HEX64.fullmatch(manifest[name]):
            raise Failure(f"manifest: {name} is not 64 lowercase hex digits")
    if manifest["first_seq"] < 1:
        raise Failure("manifest: first_seq must be 1 or more")
    if manifest["first_seq"] == 1 and manifest["previous_hash"] != GENESIS:
        raise Failure("manifest: an export from seq 1 must start from the genesis hash (64 zeros)")
    checkpoints = manifest.get("checkpoints")
    if not isinstance(checkpoints, list):
        raise Failure("manifest: checkpoints is not a list")
    for index, cp in enumerate(checkpoints):
        if not is_checkpoint(cp):
            raise Failure(f"manifest: checkpoint {index + 1} lacks {', '.join(CHECKPOINT_FIELDS)}")
    return manifest


CHECKPOINT_FIELDS = ("size", "head_hash", "timestamp", "key_id", "signature")


def is_checkpoint(cp: Any) -> bool:
    return (
        isinstance(cp, dict)
        and isinstance(cp.get("size"), int)
        and not isinstance(cp.get("size"), bool)
        and all(isinstance(cp.get(k), str) for k in CHECKPOINT_FIELDS[1:])
    )


def check_signature(cp: dict[str, Any], keys: dict[str, Ed25519PublicKey], where: str) -> None:
    """The checkpoint's Ed25519 signature verifies with the trusted key of its key id."""
    key = keys.get(cp["key_id"])
    if key is None:
        raise Failure(f"{where}: signed with key {cp['key_id']!r}, but no such public key was given")
    try:
        signature = base64.b64decode(cp["signature"], validate=True)
        key.verify(signature, checkpoint_message(cp["size"], cp["head_hash"], cp["timestamp"]))
    except (InvalidSignature, binascii.Error, ValueError) as exc:
        raise Failure(f"{where}: the signature does not verify with key {cp['key_id']!r}") from exc


@dataclass(frozen=True, slots=True)
class Trusted:
    """What the auditor brings from outside the export: nothing in the export is trusted."""

    keys: dict[str, Ed25519PublicKey]
    checkpoints: tuple[dict[str, Any], ...] = ()  # from --checkpoints-json
    previous_hash: str | None = None  # --trusted-previous-hash
    allow_unsigned_tail: bool = False


@dataclass(frozen=True, slots=True)
class Verified:
    count: int
    first_seq: int
    last_seq: int
    checkpoints: int  # signed checkpoints checked against the exported chain
    signed_head: dict[str, Any] | None  # the trusted checkpoint on the last entry
    unsigned: tuple[int, int] | None  # entries no trusted checkpoint covers (allowed)
    notes: tuple[str, ...]


def verify(export: Path, manifest: dict[str, Any], trusted: Trusted) -> Verified:
    """What the export proves when intact; raises Failure naming the first problem."""
    check_manifest(manifest)
    first_seq: int = manifest["first_seq"]
    signed_heads: dict[int, str] = {}
    for cp in trusted.checkpoints:  # each one signed by a trusted key, whatever it covers
        where = f"trusted checkpoint at seq {cp['size']} (--checkpoints-json)"
        check_signature(cp, trusted.keys, where)
        if signed_heads.setdefault(cp["size"], cp["head_hash"]) != cp["head_hash"]:
            raise Failure(f"{where}: another signed checkpoint at that seq names a different head")

    digest_ok = file_sha256(export) == manifest["data_sha256"]
    wanted = {cp["size"] for cp in manifest["checkpoints"]} | set(signed_heads)
    hashes_at: dict[int, tuple[int, str]] = {}  # checkpoint size -> (line, chain hash)
    records = jsonl_records(export) if manifest["data_format"] == "jsonl" else csv_records(export)

    count, expected_seq, previous = 0, first_seq, manifest["previous_hash"]
    entry_problem: str | None = None
    try:
        for record in records:
            where = f"line {record.line} (seq {record.seq})"
            if record.seq != expected_seq:
                why = "entries missing or moved" if record.seq > expected_seq else "out of order or repeated"
                raise Failure(f"{where}: expected seq {expected_seq} ({why})")
            try:
                computed = chain_hash(previous, record.entry)
            except CanonicalizationError as exc:
                raise Failure(f"{where}: {exc}") from exc
            if computed != record.hash:
                raise Failure(f"{where}: hash mismatch: this entry or the hash before it was altered")
            if record.seq in wanted:
                hashes_at[record.seq] = (record.line, record.hash)
            previous, expected_seq, count = record.hash, expected_seq + 1, count + 1
    except Failure as exc:
        entry_problem = str(exc)

    if not digest_ok:
        detail = f"; first bad entry: {entry_problem}" if entry_problem else ""
        raise Failure(f"the export file's SHA-256 differs from the manifest's data_sha256{detail}")
    if entry_problem:
        raise Failure(entry_problem)

    last_seq = first_seq + count - 1
    for name, actual in (("count", count), ("last_seq", last_seq), ("last_hash", previous)):
        if manifest[name] != actual:
            raise Failure(f"manifest {name} is {manifest[name]!r} but the export gives {actual!r}")

    covering: dict[int, dict[str, Any]] = {}  # verified checkpoints on an exported entry, by size
    for cp in sorted(manifest["checkpoints"], key=lambda c: c["size"]):
        size = cp["size"]
        if size not in hashes_at:
            raise Failure(f"checkpoint at seq {size}: outside the exported range {first_seq}..{last_seq}")
        line, chain_at = hashes_at[size]
        where = f"checkpoint at line {line} (seq {size})"
        if cp["head_hash"] != chain_at:
            raise Failure(f"{where}: its head_hash differs from the chain's hash at that seq")
        check_signature(cp, trusted.keys, where)
        covering[size] = cp
    for cp in sorted(trusted.checkpoints, key=lambda c: c["size"]):
        size = cp["size"]
        if size in hashes_at:
            line, chain_at = hashes_at[size]
            if cp["head_hash"] != chain_at:
                raise Failure(
                    f"trusted checkpoint at seq {size} (line {line}): its head_hash differs from the "
                    "export's chain hash at that seq: the export was altered or the chain rewritten"
                )
            covering.setdefault(size, cp)

    # The start: previous_hash is only the manifest's word unless something trusted agrees.
    anchors: list[tuple[str, str]] = []
    if first_seq - 1 in signed_heads:
        anchors.append((f"the trusted checkpoint at seq {first_seq - 1}", signed_heads[first_seq - 1]))
    if trusted.previous_hash is not None:
        anchors.append(("--trusted-previous-hash", trusted.previous_hash))
    for source, value in anchors:
        if value != manifest["previous_hash"]:
            raise Failure(
                f"manifest previous_hash differs from {source}: the export does not continue "
                "the chain you trust"
            )
    if first_seq > 1 and not anchors:
        raise Failure(
            f"the export starts at seq {first_seq}, but nothing trusted vouches for its previous_hash "
            f"(the chain hash of seq {first_seq - 1}): give --trusted-previous-hash (from an earlier "
            f"verified export) or --checkpoints-json holding the signed checkpoint at seq {first_seq - 1}"
        )

    # The end: only a trusted signature on the last entry tells this export from a forgery.
    signed_through = max(covering, default=first_seq - 1 if anchors and first_seq > 1 else None)
    unsigned: tuple[int, int] | None = None
    if signed_through != last_seq:
        unsigned = (first_seq if signed_through is None else signed_through + 1, last_seq)
        what = (
            "the export holds no entries, so no signed checkpoint vouches for it"
            if count == 0
            else f"entries {unsigned[0]}..{unsigned[1]} are covered by no checkpoint signed by a trusted key"
        )
        if not trusted.allow_unsigned_tail:
            raise Failure(
                f"{what}: whoever rewrote the file and its manifest could have forged, changed or cut "
                "them off. Export again (an export ends on a checkpoint it signs), give --checkpoints-json "
                f"holding the signed checkpoint at seq {last_seq}, or accept them with --allow-unsigned-tail"
            )

    notes = []
    beyond = max(signed_heads, default=0)
    if beyond > last_seq:
        notes.append(
            f"note: trusted checkpoints reach seq {beyond}, beyond this export's last entry {last_seq}: "
            "the log holds entries this export does not"
        )
    return Verified(count, first_seq, last_seq, len(covering), covering.get(last_seq), unsigned, tuple(notes))


# --- Command line ----------------------------------------------------------------------


def public_key(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text, validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise argparse.ArgumentTypeError("a public key is base64 of the raw 32-byte Ed25519 key") from exc


def load_keys(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, Ed25519PublicKey]:
    pairs: list[tuple[str, str]] = []
    for item in args.public_key:
        kid, sep, encoded = item.partition("=")
        if not sep or not kid:
            parser.error(f"--public-key {item!r}: expected KID=BASE64")
        pairs.append((kid, encoded))
    if args.public_keys_json:
        try:
            data = json.loads(Path(args.public_keys_json).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            parser.error(f"--public-keys-json: {exc}")
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            data = data["data"]  # the API's /audit-logs/public-keys response, saved as is
        if isinstance(data, list):  # [{"key_id": ..., "public_key": ...}]
            data = {item.get("key_id"): item.get("public_key") for item in data if isinstance(item, dict)}
        if not isinstance(data, dict):
            parser.error("--public-keys-json: expected {kid: base64} or [{key_id, public_key}]")
        pairs.extend((str(kid), str(encoded)) for kid, encoded in data.items())
    keys: dict[str, Ed25519PublicKey] = {}
    for kid, encoded in pairs:
        try:
            keys[kid] = public_key(encoded)
        except argparse.ArgumentTypeError as exc:
            parser.error(f"key {kid!r}: {exc}")
    return keys


def load_checkpoints(parser: argparse.ArgumentParser, files: list[str]) -> tuple[dict[str, Any], ...]:
    """Checkpoints kept outside the platform: a list of them, the API's /audit-logs/checkpoints
    response saved as is, or another export's manifest (or its API response)."""
    found: list[dict[str, Any]] = []
    for name in files:
        try:
            data = parse_json(Path(name).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            parser.error(f"--checkpoints-json {name}: {exc}")
        if isinstance(data, dict) and "data" in data:
            data = data["data"]
        if isinstance(data, dict) and "checkpoints" in data:
            data = data["checkpoints"]
        if not isinstance(data, list):
            parser.error(f"--checkpoints-json {name}: expected a list of checkpoints")
        for index, cp in enumerate(data):
            if not is_checkpoint(cp):
                parser.error(
                    f"--checkpoints-json {name}: item {index + 1} lacks {', '.join(CHECKPOINT_FIELDS)}"
                )
        found.extend(data)
    return tuple(found)


def hex_hash(text: str) -> str:
    if not HEX64.fullmatch(text):
        raise argparse.ArgumentTypeError("expected 64 lowercase hex digits")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Verify an ElCorp audit-log export offline.")
    parser.add_argument("export", type=Path, help="the .jsonl or .csv export")
    parser.add_argument("manifest", type=Path, help="its manifest (JSON)")
    parser.add_argument(
        "--public-key", action="append", default=[], metavar="KID=BASE64", help="a trusted checkpoint key"
    )
    parser.add_argument("--public-keys-json", metavar="FILE", help="trusted keys as {kid: base64}")
    parser.add_argument(
        "--checkpoints-json",
        action="append",
        default=[],
        metavar="FILE",
        help="checkpoints kept outside the platform (list, saved /audit-logs/checkpoints, or a manifest)",
    )
    parser.add_argument(
        "--trusted-previous-hash",
        type=hex_hash,
        metavar="HEX",
        help="the chain hash of seq first_seq - 1, from an earlier verified export",
    )
    parser.add_argument(
        "--allow-unsigned-tail",
        action="store_true",
        help="accept entries after the last trusted signed checkpoint (reported as unsigned)",
    )
    args = parser.parse_args(argv)
    trusted = Trusted(
        keys=load_keys(parser, args),
        checkpoints=load_checkpoints(parser, args.checkpoints_json),
        previous_hash=args.trusted_previous_hash,
        allow_unsigned_tail=args.allow_unsigned_tail,
    )
    try:
        try:
            manifest = parse_json(args.manifest.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise Failure(f"manifest: not JSON: {exc}") from exc
        result = verify(args.export, manifest, trusted)
    except OSError as exc:
        print(f"FAILED: cannot read {exc.filename}: {exc.strerror}")
        return 1
    except Failure as exc:
        print(f"FAILED: {exc}")
        return 1
    for note in result.notes:
        print(note, file=sys.stderr)
    summary = f"OK: {result.count} entries, {result.checkpoints} checkpoints"
    if result.unsigned:
        first, last = result.unsigned
        what = "the empty export is" if result.count == 0 else f"entries {first}..{last} are"
        print(
            f"WARNING: UNSIGNED TAIL: {what} covered by no checkpoint signed by a trusted key "
            "(accepted by --allow-unsigned-tail): only as trustworthy as the manifest; whoever "
            "could rewrite it could have forged, changed or cut off these entries",
            file=sys.stderr,
        )
        print(f"{summary}; UNSIGNED TAIL: {what} not covered by a trusted signature")
        return 0
    if result.signed_head is not None:
        head = result.signed_head
        print(
            f"signed: seq {head['size']} (the last entry) by key {head['key_id']!r} at {head['timestamp']}",
            file=sys.stderr,
        )
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
