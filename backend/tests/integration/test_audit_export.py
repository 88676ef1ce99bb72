"""Audit-log export and its offline verifier (scripts/verify_audit_export.py, run as an
auditor would: a separate process with only the files and the public key)."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import inspect
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import rfc8785

from elcorp.compliance.audit.infrastructure.export import AuditExport, export_lines
from elcorp.compliance.audit.infrastructure.sequencer import AuditSequencer
from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner
from elcorp.config import REPO_ROOT
from elcorp.shared.application.audit import Actor, Changes, Resource

SCRIPT = REPO_ROOT / "scripts" / "verify_audit_export.py"
CHECKPOINTS = (12, 22, 30)  # where build_chain leaves signed checkpoints


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_audit_export", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


verifier = load_script()


def record(container, start: int, n: int) -> None:
    """Entries whose values exercise canonical JSON and CSV quoting."""
    for i in range(start, start + n):
        with container.uow() as uow:
            uow.audit.record(
                "test.export",
                Actor(id=f"user-{i}", roles=("clerk", "auditor")),
                Resource("thing", str(i)),
                Changes(
                    before={"amount": i * 1.5, "note": 'naïve, "quoted"\nline'},
                    after={"amount": i, "ok": i % 2 == 0, "tags": ["a", "€"], "ratio": i / 7},
                ),
                reason=f"reason {i}, with a comma" if i % 3 else None,
            )
            uow.commit()


def build_chain(container) -> CheckpointSigner:
    """30 chained entries with checkpoints at 12, 22 and 30."""
    signer = CheckpointSigner(container.settings.audit_signing_keys())
    record(container, 0, 12)
    assert container.audit_sequencer.run().checkpointed  # the first run always signs
    eager = AuditSequencer(container.session_factory, signer, checkpoint_every_entries=1)
    record(container, 12, 10)
    assert eager.run().checkpointed
    record(container, 22, 8)
    assert eager.run().checkpointed
    return signer


def export(container, signer, directory: Path, fmt: str = "jsonl", **kwargs) -> tuple[Path, Path, int]:
    """Write the export and its manifest; return (data, manifest, number of chunks)."""
    data, manifest = directory / f"audit.{fmt}", directory / f"audit.{fmt}.manifest.json"
    with container.session_factory() as session:
        job = export_lines(session, fmt=fmt, public_keys=signer.public_keys(), **kwargs)
        chunks = 0
        with data.open("w", encoding="utf-8", newline="") as out:
            for chunk in job:
                out.write(chunk)
                chunks += 1
        manifest.write_text(json.dumps(job.manifest(), indent=2), encoding="utf-8")
    return data, manifest, chunks


def verify(
    data: Path, manifest: Path, keys: dict[str, str], *options: str
) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, str(SCRIPT), str(data), str(manifest), *options]
    for kid, key in keys.items():
        argv += ["--public-key", f"{kid}={key}"]
    return subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, timeout=60, check=False)


def assert_fails(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    for text in expected:
        assert text in result.stdout, result.stdout


def data_lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]  # every line ends with a newline


def write_lines(path: Path, lines: list[bytes]) -> None:
    path.write_bytes(b"".join(line + b"\n" for line in lines))


def edit_manifest(path: Path, **changes: object) -> None:
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest.update(changes)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def refresh_digest(manifest: Path, data: Path) -> None:
    """What a forger who also edits the manifest does: make data_sha256 match again."""
    edit_manifest(manifest, data_sha256=hashlib.sha256(data.read_bytes()).hexdigest())


@pytest.fixture
def chain(container) -> CheckpointSigner:
    return build_chain(container)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_an_untouched_export_verifies(container, chain, tmp_path, fmt):
    data, manifest, _ = export(container, chain, tmp_path, fmt)
    result = verify(data, manifest, chain.public_keys())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "OK: 30 entries, 3 checkpoints"
    written = json.loads(manifest.read_text())
    assert written["format"] == "elcorp-audit-export"
    assert written["data_format"] == fmt
    assert (written["count"], written["first_seq"], written["last_seq"]) == (30, 1, 30)
    assert written["previous_hash"] == "0" * 64
    assert [cp["size"] for cp in written["checkpoints"]] == list(CHECKPOINTS)
    assert written["public_keys"] == chain.public_keys()
    assert written["data_sha256"] == hashlib.sha256(data.read_bytes()).hexdigest()


def test_jsonl_lines_hold_seq_hash_and_the_exact_entry(container, chain, tmp_path):
    data, _, _ = export(container, chain, tmp_path)
    lines = [json.loads(line) for line in data_lines(data)]
    assert [line["seq"] for line in lines] == list(range(1, 31))
    first = lines[0]
    assert set(first) == {"seq", "hash", "entry"}
    assert first["entry"]["actor_roles"] == ["clerk", "auditor"]
    assert first["entry"]["changes"]["before"]["note"] == 'naïve, "quoted"\nline'
    assert first["entry"]["occurred_at"].endswith("Z")
    assert "naïve" in data.read_text(encoding="utf-8")  # non-ASCII kept as UTF-8
    assert first["hash"] == hashlib.sha256(bytes(32) + rfc8785.dumps(first["entry"])).hexdigest()


def test_csv_entry_json_is_the_hashed_canonical_form(container, chain, tmp_path):
    data, _, _ = export(container, chain, tmp_path, "csv")
    rows = list(csv.reader(data.open(encoding="utf-8", newline="")))
    assert rows[0] == ["seq", "hash", "entry_json"]
    seq, hash_hex, entry_json = rows[1]
    assert seq == "1"
    assert rfc8785.dumps(json.loads(entry_json)) == entry_json.encode("utf-8")
    assert hash_hex == hashlib.sha256(bytes(32) + entry_json.encode("utf-8")).hexdigest()


def test_the_export_is_streamed_chunk_by_chunk(container, chain, tmp_path):
    with container.session_factory() as session:
        job = AuditExport(session, chain.public_keys(), "jsonl", lines_per_chunk=4)
        chunks = job.chunks()
        assert inspect.isgenerator(chunks)
        with pytest.raises(RuntimeError):
            job.manifest()  # not known before the data are out
        sizes = [chunk.count("\n") for chunk in chunks]
    assert sizes == [4] * 7 + [2]
    assert job.manifest()["count"] == 30
    _, _, csv_chunks = export(container, chain, tmp_path, "csv", lines_per_chunk=4)
    assert csv_chunks == 8  # header + 30 rows


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
@pytest.mark.parametrize("forger_fixes_digest", [False, True])
def test_a_changed_byte_names_the_entry(container, chain, tmp_path, fmt, forger_fixes_digest):
    data, manifest, _ = export(container, chain, tmp_path, fmt)
    lines = data_lines(data)
    index = next(i for i, line in enumerate(lines) if b'"user-6"' in line)  # seq 7
    lines[index] = lines[index].replace(b"user-6", b"user-7")
    write_lines(data, lines)
    if forger_fixes_digest:
        refresh_digest(manifest, data)
    result = verify(data, manifest, chain.public_keys())
    line_no = 7 if fmt == "jsonl" else 8  # the CSV header is line 1
    assert_fails(result, f"line {line_no} (seq 7)", "hash mismatch")
    assert ("data_sha256" in result.stdout) is not forger_fixes_digest


def test_a_deleted_entry_is_found(container, chain, tmp_path):
    data, manifest, _ = export(container, chain, tmp_path)
    lines = data_lines(data)
    del lines[9]  # seq 10
    write_lines(data, lines)
    refresh_digest(manifest, data)
    assert_fails(verify(data, manifest, chain.public_keys()), "line 10 (seq 11)", "expected seq 10")


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_swapped_entries_are_found(container, chain, tmp_path, fmt):
    data, manifest, _ = export(container, chain, tmp_path, fmt)
    lines = data_lines(data)
    offset = 0 if fmt == "jsonl" else 1
    lines[3 + offset], lines[4 + offset] = lines[4 + offset], lines[3 + offset]  # seq 4 and 5
    write_lines(data, lines)
    refresh_digest(manifest, data)
    assert_fails(verify(data, manifest, chain.public_keys()), f"line {4 + offset} (seq 5)", "expected seq 4")


def forged_line(after: bytes) -> bytes:
    """A new entry after the given line, with a hash correctly chained from it."""
    previous = json.loads(after)
    entry = {**previous["entry"], "id": "00000000-0000-4000-8000-000000000000", "action": "test.forged"}
    seq = previous["seq"] + 1
    record = {"seq": seq, "hash": verifier.chain_hash(previous["hash"], entry), "entry": entry}
    return json.dumps(record, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode("utf-8")


def test_an_inserted_self_consistent_entry_is_found(container, chain, tmp_path):
    data, manifest, _ = export(container, chain, tmp_path)
    lines = data_lines(data)
    lines.insert(15, forged_line(lines[14]))  # a forged seq 16 after the real seq 15
    write_lines(data, lines)
    refresh_digest(manifest, data)
    assert_fails(verify(data, manifest, chain.public_keys()), "line 17 (seq 16)", "expected seq 17")


def test_history_rewritten_with_recomputed_hashes_fails_at_the_next_checkpoint(container, chain, tmp_path):
    """Insert an entry and renumber and rehash every later one, manifest included: the chain
    is consistent again, but the signed checkpoint at 22 no longer matches."""
    data, manifest, _ = export(container, chain, tmp_path)
    lines = data_lines(data)
    rewritten = [*lines[:15], forged_line(lines[14])]
    for line in lines[15:]:
        previous = json.loads(rewritten[-1])
        record = json.loads(line)
        record["seq"] = previous["seq"] + 1
        record["hash"] = verifier.chain_hash(previous["hash"], record["entry"])
        rewritten.append(json.dumps(record, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    write_lines(data, rewritten)
    last = json.loads(rewritten[-1])
    edit_manifest(manifest, count=31, last_seq=31, last_hash=last["hash"])
    refresh_digest(manifest, data)
    assert_fails(
        verify(data, manifest, chain.public_keys()), "checkpoint at line 22 (seq 22)", "head_hash differs"
    )


def test_an_appended_entry_is_found_by_the_manifest(container, chain, tmp_path):
    data, manifest, _ = export(container, chain, tmp_path)
    lines = data_lines(data)
    write_lines(data, [*lines, forged_line(lines[-1])])
    refresh_digest(manifest, data)
    assert_fails(verify(data, manifest, chain.public_keys()), "manifest count is 30 but the export gives 31")


def test_entries_after_the_last_checkpoint_fail_unless_the_unsigned_tail_is_allowed(
    container, chain, tmp_path
):
    """What no checkpoint covers can be appended by whoever rewrites the manifest too: such
    an export fails, and passes only when the auditor opts out, loudly."""
    data, manifest, _ = export(container, chain, tmp_path)
    lines = data_lines(data)
    extra = forged_line(lines[-1])
    write_lines(data, [*lines, extra])
    edit_manifest(manifest, count=31, last_seq=31, last_hash=json.loads(extra)["hash"])
    refresh_digest(manifest, data)
    assert_fails(
        verify(data, manifest, chain.public_keys()),
        "entries 31..31 are covered by no checkpoint signed by a trusted key",
        "--allow-unsigned-tail",
    )
    allowed = verify(data, manifest, chain.public_keys(), "--allow-unsigned-tail")
    assert allowed.returncode == 0, allowed.stdout
    assert "UNSIGNED TAIL: entries 31..31 are not covered by a trusted signature" in allowed.stdout
    assert "WARNING: UNSIGNED TAIL" in allowed.stderr


def cut_short(data: Path, manifest: Path, keep: int, *, keep_checkpoints: bool) -> None:
    """What a forger hiding the newest entries does: drop them and rewrite the manifest."""
    lines = data_lines(data)[:keep]
    write_lines(data, lines)
    checkpoints = json.loads(manifest.read_text())["checkpoints"]
    edit_manifest(
        manifest,
        count=keep,
        last_seq=keep,
        last_hash=json.loads(lines[-1])["hash"],
        checkpoints=[cp for cp in checkpoints if cp["size"] <= keep] if keep_checkpoints else [],
    )
    refresh_digest(manifest, data)


def test_a_forged_export_chained_from_genesis_without_checkpoints_fails(tmp_path):
    """One made-up entry, correctly chained from the genesis hash, with a consistent
    manifest and no checkpoint: nothing signed vouches for it."""
    entry = {
        "id": "00000000-0000-4000-8000-000000000001",
        "occurred_at": "2024-01-01T00:00:00.000000Z",
        "action": "user.login",
        "actor_id": "system",
        "actor_roles": [],
        "resource_type": "user",
        "resource_id": None,
        "changes": {"before": {}, "after": {}},
        "reason": None,
        "ip": None,
        "user_agent": None,
        "request_id": None,
    }
    line = {"entry": entry, "hash": verifier.chain_hash("0" * 64, entry), "seq": 1}
    data = tmp_path / "forged.jsonl"
    data.write_bytes(json.dumps(line, sort_keys=True, separators=(",", ":")).encode() + b"\n")
    manifest = tmp_path / "forged.jsonl.manifest.json"
    manifest.write_text(
        json.dumps(
            {
                "format": "elcorp-audit-export",
                "version": 1,
                "data_format": "jsonl",
                "count": 1,
                "first_seq": 1,
                "last_seq": 1,
                "previous_hash": "0" * 64,
                "last_hash": line["hash"],
                "data_sha256": hashlib.sha256(data.read_bytes()).hexdigest(),
                "checkpoints": [],
            }
        )
    )
    keys = CheckpointSigner([("ak1", bytes(range(32)))]).public_keys()
    result = verify(data, manifest, keys)
    assert_fails(result, "entries 1..1 are covered by no checkpoint signed by a trusted key")
    assert "OK" not in result.stdout
    allowed = verify(data, manifest, keys, "--allow-unsigned-tail")
    assert allowed.returncode == 0, allowed.stdout
    assert "UNSIGNED TAIL: entries 1..1" in allowed.stdout


@pytest.mark.parametrize(
    ("keep", "keep_checkpoints", "unsigned"), [(20, False, "1..20"), (25, True, "23..25")]
)
def test_a_real_export_cut_short_fails(container, chain, tmp_path, keep, keep_checkpoints, unsigned):
    data, manifest, _ = export(container, chain, tmp_path)
    cut_short(data, manifest, keep, keep_checkpoints=keep_checkpoints)
    assert_fails(
        verify(data, manifest, chain.public_keys()),
        f"entries {unsigned} are covered by no checkpoint signed by a trusted key",
    )


def test_a_complete_export_ending_on_a_signed_checkpoint_verifies(container, chain, tmp_path):
    data, manifest, _ = export(container, chain, tmp_path)
    assert json.loads(manifest.read_text())["checkpoints"][-1]["size"] == 30
    result = verify(data, manifest, chain.public_keys())
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "OK: 30 entries, 3 checkpoints"
    assert f"signed: seq 30 (the last entry) by key {chain.current_kid!r}" in result.stderr


def kept_checkpoints(container, path: Path) -> Path:
    """The checkpoints as GET /audit-logs/checkpoints returns them, kept by the auditor."""
    import dataclasses

    items = container.audit_trail.checkpoints(after_size=None, limit=100)
    body = {
        "data": [dataclasses.asdict(c) for c in items],
        "meta": {"has_more": False, "next_cursor": None, "limit": 100},
    }
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(("keep", "covered"), [(22, True), (25, False)])
def test_kept_checkpoints_vouch_for_a_cut_short_export_only_when_one_is_on_its_last_entry(
    container, chain, tmp_path, keep, covered
):
    kept = kept_checkpoints(container, tmp_path / "checkpoints.json")
    data, manifest, _ = export(container, chain, tmp_path)
    cut_short(data, manifest, keep, keep_checkpoints=False)
    keys = chain.public_keys()
    assert_fails(verify(data, manifest, keys), f"entries 1..{keep} are covered by no checkpoint")
    result = verify(data, manifest, keys, f"--checkpoints-json={kept}")
    if covered:
        assert result.returncode == 0, result.stdout
        assert result.stdout.strip() == f"OK: {keep} entries, 2 checkpoints"
        assert f"trusted checkpoints reach seq 30, beyond this export's last entry {keep}" in result.stderr
    else:
        assert_fails(result, f"entries 23..{keep} are covered by no checkpoint signed by a trusted key")


def test_a_kept_checkpoint_from_an_untrusted_key_or_off_the_chain_fails(container, chain, tmp_path):
    data, manifest, _ = export(container, chain, tmp_path)
    head = json.loads(data_lines(data)[24])["hash"]  # seq 25
    cut_short(data, manifest, 25, keep_checkpoints=True)
    stamp = "2030-01-01T00:00:00.000000Z"
    keys = chain.public_keys()

    def kept(signer: CheckpointSigner, head_hash: str) -> str:
        kid, signature = signer.sign(verifier.checkpoint_message(25, head_hash, stamp))
        cp = {"size": 25, "head_hash": head_hash, "timestamp": stamp, "key_id": kid, "signature": signature}
        path = tmp_path / f"kept-{kid}-{head_hash[:4]}.json"
        path.write_text(json.dumps([cp]), encoding="utf-8")
        return f"--checkpoints-json={path}"

    outsider = CheckpointSigner([("outsider", bytes(range(32)))])
    impostor = CheckpointSigner([(chain.current_kid, bytes(range(32)))])  # a real key id, another key
    assert_fails(
        verify(data, manifest, keys, kept(outsider, head)),
        "trusted checkpoint at seq 25 (--checkpoints-json)",
        "no such public key was given",
    )
    assert_fails(verify(data, manifest, keys, kept(impostor, head)), "signature does not verify")
    assert_fails(
        verify(data, manifest, keys, kept(chain, "ab" * 32)),
        "trusted checkpoint at seq 25 (line 25): its head_hash differs from the export's chain hash",
    )
    assert verify(data, manifest, keys, kept(chain, head)).returncode == 0


def write_started(container, started, path: Path) -> dict:
    with path.open("w", encoding="utf-8", newline="") as out:
        for chunk in started.chunks:
            out.write(chunk)
    manifest = container.audit_exports.manifest(started.id)
    path.with_name(path.name + ".manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


def test_the_exporter_seals_a_checkpoint_on_its_last_entry(container, chain, tmp_path):
    """The sequencer signs only every so often; an export through the API or the CLI signs
    its last entry first, so it verifies without --allow-unsigned-tail."""
    from sqlalchemy import text

    record(container, 30, 5)
    assert not container.audit_sequencer.run().checkpointed  # entries 31..35: none due yet
    (tmp_path / "read-only").mkdir()
    plain, plain_manifest, _ = export(container, chain, tmp_path / "read-only")
    assert_fails(
        verify(plain, plain_manifest, chain.public_keys()), "entries 31..35 are covered by no checkpoint"
    )

    data = tmp_path / "sealed.jsonl"
    written = write_started(container, container.audit_exports.start("system:test", "jsonl", 1, None), data)
    assert (written["count"], written["last_seq"]) == (35, 35)
    assert [cp["size"] for cp in written["checkpoints"]] == [*CHECKPOINTS, 35]
    assert written["filters"] == {"first_seq": 1, "last_seq": None}
    result = verify(data, data.with_name("sealed.jsonl.manifest.json"), chain.public_keys())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "OK: 35 entries, 4 checkpoints"

    ranged = tmp_path / "ranged.csv"
    written = write_started(container, container.audit_exports.start("system:test", "csv", 1, 33), ranged)
    assert [cp["size"] for cp in written["checkpoints"]] == [*CHECKPOINTS, 33]
    assert written["filters"] == {"first_seq": 1, "last_seq": 33}
    assert verify(ranged, ranged.with_name("ranged.csv.manifest.json"), chain.public_keys()).returncode == 0

    def signed() -> int:
        with container.session_factory() as session:
            return session.execute(text("SELECT count(*) FROM audit_checkpoint")).scalar_one()

    before = signed()
    write_started(container, container.audit_exports.start("system:test", "jsonl", 1, None), data)
    assert signed() == before  # the head has a checkpoint already: nothing new is signed


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"count": 29}, "manifest count is 29 but the export gives 30"),
        ({"last_hash": "ab" * 32}, "manifest last_hash"),
        ({"previous_hash": "ab" * 32}, "an export from seq 1 must start from the genesis hash"),
        ({"first_seq": 2}, "line 1 (seq 1): expected seq 2"),
        ({"data_sha256": "00" * 32}, "data_sha256"),
    ],
)
def test_an_altered_manifest_fails(container, chain, tmp_path, changes, expected):
    data, manifest, _ = export(container, chain, tmp_path)
    edit_manifest(manifest, **changes)
    assert_fails(verify(data, manifest, chain.public_keys()), expected)


def test_an_altered_checkpoint_fails(container, chain, tmp_path):
    data, manifest, _ = export(container, chain, tmp_path)
    checkpoints = json.loads(manifest.read_text())["checkpoints"]
    checkpoints[1]["timestamp"] = "2020-01-01T00:00:00.000000Z"
    edit_manifest(manifest, checkpoints=checkpoints)
    assert_fails(verify(data, manifest, chain.public_keys()), "(seq 22)", "signature does not verify")


def test_a_wrong_or_missing_public_key_fails(container, chain, tmp_path):
    data, manifest, _ = export(container, chain, tmp_path)
    kid = chain.current_kid
    stranger = CheckpointSigner([(kid, bytes(range(32)))]).public_keys()
    assert_fails(
        verify(data, manifest, stranger), "checkpoint at line 12 (seq 12)", "signature does not verify"
    )
    assert_fails(verify(data, manifest, {"other": stranger[kid]}), "no such public key was given")
    # The copy of the keys inside the manifest is not trusted.
    edit_manifest(manifest, public_keys=stranger)
    assert verify(data, manifest, chain.public_keys()).returncode == 0


def chain_hash_at(container, chain, tmp_path: Path, seq: int) -> str:
    """h_seq, as an auditor reads it from an earlier, verified export."""
    full, _, _ = export(container, chain, tmp_path / "earlier")
    return json.loads(data_lines(full)[seq - 1])["hash"]


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_range_export_verifies(container, chain, tmp_path, fmt):
    (tmp_path / "earlier").mkdir()
    previous = chain_hash_at(container, chain, tmp_path, 4)
    data, manifest, _ = export(container, chain, tmp_path, fmt, first_seq=5, last_seq=22)
    written = json.loads(manifest.read_text())
    assert (written["count"], written["first_seq"], written["last_seq"]) == (18, 5, 22)
    assert written["previous_hash"] == previous
    assert [cp["size"] for cp in written["checkpoints"]] == [12, 22]
    result = verify(data, manifest, chain.public_keys(), f"--trusted-previous-hash={previous}")
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip() == "OK: 18 entries, 2 checkpoints"
    assert "seq 22 (the last entry)" in result.stderr


def test_a_range_export_without_a_trusted_previous_hash_fails(container, chain, tmp_path):
    """The manifest's previous_hash is the exporter's word: past seq 1 it must match a
    hash the auditor already trusts (an earlier export, or a kept checkpoint)."""
    (tmp_path / "earlier").mkdir()
    previous = chain_hash_at(container, chain, tmp_path, 12)
    kept = tmp_path / "earlier" / "audit.jsonl.manifest.json"  # holds the checkpoint at 12
    data, manifest, _ = export(container, chain, tmp_path, first_seq=13, last_seq=22)
    keys = chain.public_keys()
    assert_fails(
        verify(data, manifest, keys),
        "the export starts at seq 13, but nothing trusted vouches for its previous_hash",
    )
    assert_fails(
        verify(data, manifest, keys, "--allow-unsigned-tail"), "nothing trusted vouches for its previous_hash"
    )
    assert_fails(
        verify(data, manifest, keys, "--trusted-previous-hash=" + "ab" * 32),
        "manifest previous_hash differs from --trusted-previous-hash",
    )
    assert verify(data, manifest, keys, f"--trusted-previous-hash={previous}").returncode == 0
    by_checkpoint = verify(data, manifest, keys, f"--checkpoints-json={kept}")
    assert by_checkpoint.returncode == 0, by_checkpoint.stdout
    assert "trusted checkpoints reach seq 30, beyond this export's last entry 22" in by_checkpoint.stderr


def test_a_range_without_checkpoints_still_verifies_its_chain(container, chain, tmp_path):
    (tmp_path / "earlier").mkdir()
    previous = chain_hash_at(container, chain, tmp_path, 12)
    data, manifest, _ = export(container, chain, tmp_path, first_seq=13, last_seq=21)
    assert json.loads(manifest.read_text())["checkpoints"] == []
    options = (f"--trusted-previous-hash={previous}", "--allow-unsigned-tail")
    result = verify(data, manifest, chain.public_keys(), *options)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().startswith("OK: 9 entries, 0 checkpoints; UNSIGNED TAIL: entries 13..21")
    lines = data_lines(data)
    lines[2] = lines[2].replace(b"test.export", b"test.exporT")
    write_lines(data, lines)
    refresh_digest(manifest, data)
    assert_fails(verify(data, manifest, chain.public_keys(), *options), "line 3 (seq 15)", "hash mismatch")


def test_an_open_ended_export_stops_at_the_head_and_bad_ranges_are_refused(container, chain, tmp_path):
    _, manifest, _ = export(container, chain, tmp_path, first_seq=25, last_seq=1000)
    assert json.loads(manifest.read_text())["last_seq"] == 30
    with container.session_factory() as session:
        with pytest.raises(ValueError, match="beyond the chain head"):
            list(AuditExport(session, {}, "jsonl", first_seq=40).chunks())
        with pytest.raises(ValueError, match="format"):
            AuditExport(session, {}, "xml")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "value",
    [
        0.0,
        -0.0,
        1.0,
        0.1,
        -1.5,
        1e21,
        1e20,
        1e-7,
        1e-6,
        5e-324,
        1.7976931348623157e308,
        333333333.3333333,
        2**53 - 1,
        -(2**53 - 1),
        {"b": [None, True, False], "a": 'x\u2028\x7f\x01"\\\b\f\n\r\t é€😀', "€": 1, "😀": 2, "דּ": 3, "": {}},
    ],
)
def test_the_verifiers_canonical_json_matches_rfc8785(value):
    assert verifier.canonical_json(value) == rfc8785.dumps(value)


def test_awkward_values_are_exported_byte_for_byte_as_python_writes_them(container, tmp_path):
    """Quotes, commas, a backslash, control characters, non-ASCII and an emoji: PostgreSQL
    writes each line exactly as Python's json and csv modules would."""
    from io import StringIO

    from sqlalchemy import text

    after = {
        "note": 'she said "no", then left',
        "path": "C:\\Users\\elcorp",
        "lines": "first\nsecond\tindented\x01",
        "place": "Windhoek \u2013 Ōshakati ✓",
        "mood": "😀 done",
        "Ōshakati": ["€", {"nested": 'a,"b"'}],
    }
    reason = 'approved, "finally" \u2013 ✓ 🎉\\'
    with container.uow() as uow:
        uow.audit.record(
            "test.awkward",
            Actor(id="user-ä", roles=("clerk",)),
            Resource("thing", "x,y"),
            Changes(after=after),
            reason=reason,
        )
        uow.commit()
    signer = CheckpointSigner(container.settings.audit_signing_keys())
    assert container.audit_sequencer.run().sequenced >= 1
    with container.session_factory() as session:
        rows = session.execute(
            text(
                "SELECT k.seq, k.hash, l.entry, l.action FROM audit_chain k "
                "JOIN audit_log l ON l.id = k.entry_id AND l.occurred_at = k.entry_occurred_at "
                "ORDER BY k.seq"
            )
        ).all()
    awkward = [json.loads(r.entry) for r in rows if r.action == "test.awkward"]
    assert len(awkward) == 1
    assert awkward[0]["changes"]["after"] == after
    assert awkward[0]["reason"] == reason

    expected_jsonl = "".join(
        json.dumps(
            {"entry": json.loads(r.entry), "hash": r.hash, "seq": r.seq},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )
        + "\n"
        for r in rows
    )
    buffer = StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(("seq", "hash", "entry_json"))
    for r in rows:
        writer.writerow((r.seq, r.hash, r.entry))
    expected_csv = buffer.getvalue()

    for fmt, expected in (("jsonl", expected_jsonl), ("csv", expected_csv)):
        data, manifest, _ = export(container, signer, tmp_path, fmt)
        assert data_lines(data) == expected.encode("utf-8").split(b"\n")[:-1], fmt
        assert data.read_bytes() == expected.encode("utf-8"), fmt
        result = verify(data, manifest, signer.public_keys())
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.strip().startswith(f"OK: {len(rows)} entries")


def test_the_cli_export_ends_on_a_signed_checkpoint_and_verifies(container, chain, tmp_path, monkeypatch):
    from click.testing import CliRunner

    import elcorp.bootstrap
    import elcorp.cli

    record(container, 30, 3)
    container.audit_sequencer.run()  # 31..33, no checkpoint due
    monkeypatch.setattr(elcorp.cli, "_settings", lambda: container.settings)
    monkeypatch.setattr(elcorp.bootstrap, "bootstrap", lambda settings: container)
    out = tmp_path / "cli.jsonl"
    run = CliRunner().invoke(elcorp.cli.main, ["audit", "export", "--out", str(out)])
    assert run.exit_code == 0, run.output
    assert "exported 33 entries" in run.output
    assert "the last entry (seq 33) is covered by a signed checkpoint" in run.output
    result = verify(out, tmp_path / "cli.jsonl.manifest.json", chain.public_keys())
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "OK: 33 entries, 4 checkpoints"
