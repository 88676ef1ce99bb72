"""The `elcorp` command: development stack, migrations, seeding and operator tasks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from elcorp.config import ConfigurationError, Settings


def _settings() -> Settings:
    settings = Settings()
    if not settings.DATABASE_URL or not settings.REDIS_URL:
        # A `make run` in another terminal publishes where its embedded servers listen.
        from elcorp.cli.devstack import running_stack_urls

        found = running_stack_urls(settings.VAR_DIR)
        if found:
            settings = settings.model_copy(
                update={
                    "DATABASE_URL": settings.DATABASE_URL or found[0],
                    "REDIS_URL": settings.REDIS_URL or found[1],
                }
            )
    try:
        settings.ensure_safe_for_profile()
    except ConfigurationError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    return settings


@click.group()
def main() -> None:
    """Elcorp Namibia platform."""


@main.command()
@click.option("--port", type=int, envvar="PORT", default=8000, show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True)
def dev(port: int, host: str) -> None:
    """Run the whole platform: embedded PostgreSQL + Redis (unless DATABASE_URL/REDIS_URL
    are set), migrations, seed, API, Celery worker and beat. Ctrl-C stops everything."""
    from elcorp.cli.devstack import run_dev_stack

    sys.exit(run_dev_stack(host=host, port=port))


@main.command()
@click.argument("target", default="head")
@click.option("--down", is_flag=True, help="Downgrade to TARGET instead (e.g. base).")
def migrate(target: str, down: bool) -> None:
    """Apply migrations up to TARGET (default head)."""
    from elcorp.shared.infrastructure import migrate as migrations
    from elcorp.shared.infrastructure.db import build_engine

    settings = _settings()
    if not settings.DATABASE_URL:
        raise click.UsageError("DATABASE_URL is not set")
    engine = build_engine(settings.DATABASE_URL, pool_size=1)
    try:
        if down:
            migrations.downgrade(engine, settings.MIGRATIONS_DIR, target)
        else:
            migrations.upgrade(engine, settings.MIGRATIONS_DIR, target)
    finally:
        engine.dispose()
    click.echo(f"migrations: {'downgraded' if down else 'upgraded'} to {target}")


@main.command()
def seed() -> None:
    """Load the reference data the code declares that the database lacks: the system roles,
    the permission catalogue and the system roles' grants. Migrations insert them too, so on a
    migrated database nothing is added. Idempotent: running it twice changes nothing."""
    from elcorp.bootstrap import bootstrap, run_seeders

    container = bootstrap(_settings())
    for line in run_seeders(container):
        click.echo(f"seed: {line}")
    container.engine.dispose()


@main.command("create-admin")
@click.option("--email", help="The administrator's email address.")
@click.option("--password", help="At least 12 characters and strong (the password policy applies).")
@click.option("--username", default=None, help="Default: from the email address.")
@click.option("--full-name", default="Platform Administrator", show_default=True)
@click.option(
    "--demo",
    is_flag=True,
    help="make run: create admin@elcorp.local with a random password, "
    "printed once, unless an administrator already exists.",
)
def create_admin(
    email: str | None, password: str | None, username: str | None, full_name: str, demo: bool
) -> None:
    """Create an administrator, or make an existing account one. Idempotent."""
    import secrets

    from elcorp.bootstrap import bootstrap

    container = bootstrap(_settings())
    accounts = container.identity.accounts
    if demo:
        if accounts.admin_exists():
            click.echo(
                "demo admin: an administrator exists already (credentials were printed when it was made)"
            )
            return
        email, password = "admin@elcorp.local", secrets.token_urlsafe(15) + "-Aa1!"
    if not email or not password:
        raise click.UsageError("--email and --password are required (or --demo)")
    from elcorp.shared.domain.errors import DomainError

    try:
        created, user_id = accounts.ensure_admin(
            email=email, password=password, username=username, full_name=full_name
        )
    except DomainError as exc:
        reasons = "; ".join(f"{d['field']}: {d['message']}" for d in exc.details or [] if isinstance(d, dict))
        click.echo(f"error: {exc.message}" + (f" ({reasons})" if reasons else ""), err=True)
        sys.exit(2)
    if demo:
        click.echo(
            "\n  Demo administrator (shown once; MFA enrolment is required before admin actions):\n"
            f"    email:    {email}\n    password: {password}\n"
        )
    else:
        click.echo(f"admin {'created' if created else 'already existed; admin role ensured'}: {user_id}")
    container.engine.dispose()


@main.group()
def audit() -> None:
    """The audit trail: sequence, verify."""


@audit.command("sequence")
def audit_sequence() -> None:
    """Chain every committed, unchained audit entry now (what the beat job does each second)."""
    from elcorp.bootstrap import bootstrap

    run = bootstrap(_settings()).audit_sequencer.run(max_batches=1_000_000)
    click.echo(json.dumps({"sequenced": run.sequenced, "head_seq": run.head_seq, "skipped": run.skipped}))


@audit.command("verify")
@click.option("--from-seq", type=int, default=1, show_default=True)
@click.option("--to-seq", type=int, default=None)
def audit_verify(from_seq: int, to_seq: int | None) -> None:
    """Recompute the chain and check the checkpoints; exit 1 naming the first problem."""
    import dataclasses

    from elcorp.bootstrap import bootstrap

    report = bootstrap(_settings()).audit_trail.verify(from_seq, to_seq)
    click.echo(json.dumps(dataclasses.asdict(report)))
    if not report.ok:
        first = report.problems[0]
        click.echo(f"audit chain NOT intact: sequence {first['seq']}: {first['reason']}", err=True)
        sys.exit(1)
    click.echo(
        f"audit chain intact: {report.checked} entries, {report.checkpoints_checked} checkpoints", err=True
    )


@audit.command("export")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--from-seq", type=int, default=1, show_default=True)
@click.option("--to-seq", type=int, default=None)
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    required=True,
    help="Data file; the manifest goes to OUT.manifest.json",
)
def audit_export(fmt: str, from_seq: int, to_seq: int | None, out: str) -> None:
    """Export a run of the chain for offline verification (scripts/verify_audit_export.py).

    A checkpoint is signed at the export's last entry first, when none is there, so the
    offline verifier finds every exported entry covered by a signature.
    """
    from elcorp.bootstrap import bootstrap
    from elcorp.shared.domain.errors import DomainError

    container = bootstrap(_settings())
    try:
        started = container.audit_exports.start("system:cli", fmt, from_seq, to_seq)
    except DomainError as exc:
        reasons = "; ".join(d["message"] for d in exc.details or [] if isinstance(d, dict))
        click.echo(f"error: {exc.message}" + (f" ({reasons})" if reasons else ""), err=True)
        sys.exit(2)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        for chunk in started.chunks:
            handle.write(chunk)
    manifest = container.audit_exports.manifest(started.id)
    with open(f"{out}.manifest.json", "w", encoding="utf-8") as handle:
        json.dump(manifest, handle, indent=2)
    count = manifest["count"] if manifest else 0
    click.echo(f"exported {count} entries to {out} (+ .manifest.json)")
    if manifest and count:
        click.echo(
            f"the last entry (seq {manifest['last_seq']}) is covered by a signed checkpoint in the manifest"
        )


@audit.command("archive")
@click.option("--before", "before", required=True, help="YYYY-MM: archive every month before this one.")
@click.option(
    "--to",
    "directory",
    type=click.Path(file_okay=False),
    default=None,
    help="Default: AUDIT_ARCHIVE_DIR or VAR_DIR/audit-archive.",
)
def audit_archive(before: str, directory: str | None) -> None:
    """Export, verify and detach the audit partitions before a month (never deletes)."""
    from datetime import datetime
    from pathlib import Path

    from elcorp.bootstrap import bootstrap
    from elcorp.shared.domain.errors import DomainError

    month = datetime.strptime(before, "%Y-%m").date()  # noqa: DTZ007 - a calendar month, no time
    settings = _settings()
    target = (
        Path(directory) if directory else (settings.AUDIT_ARCHIVE_DIR or settings.VAR_DIR / "audit-archive")
    )
    try:
        result = bootstrap(settings).audit_archiver.archive(month, target, requested_by="system:cli")
    except DomainError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(2)
    summary = {
        "first_seq": result.first_seq,
        "last_seq": result.last_seq,
        "file": str(result.file) if result.file else None,
        "detached": result.detached,
        "kept": result.kept,
    }
    click.echo(json.dumps(summary))


@audit.command("new-key")
@click.option("--kid", default=None, help="Key id (default: ak-<date>).")
def audit_new_key(kid: str | None) -> None:
    """Print a new AUDIT_SIGNING_KEYS entry (kid:base64 seed) and its public key."""
    import base64
    import secrets
    from datetime import UTC, datetime

    from elcorp.compliance.audit.infrastructure.signing import CheckpointSigner

    kid = kid or f"ak-{datetime.now(UTC):%Y%m%d}"
    seed = secrets.token_bytes(32)
    public = CheckpointSigner([(kid, seed)]).public_keys()[kid]
    click.echo(f"AUDIT_SIGNING_KEYS entry: {kid}:{base64.b64encode(seed).decode()}")
    click.echo(f"public key (give to auditors): {public}")


@main.command("outbox-dispatch")
@click.option("--batch-size", type=int, default=None, help="Default: OUTBOX_BATCH_SIZE.")
def outbox_dispatch(batch_size: int | None) -> None:
    """Deliver pending outbox events now (what the beat job does every second)."""
    from elcorp.bootstrap import bootstrap

    container = bootstrap(_settings())
    size = batch_size or container.settings.OUTBOX_BATCH_SIZE
    result = container.outbox.dispatch_pending(batch_size=size)
    click.echo(
        json.dumps(
            {
                "fanned_out": result.fanned_out,
                "dispatched": result.dispatched,
                "retried": result.retried,
                "failed": result.failed,
            }
        )
    )


@main.command("outbox-parked")
@click.option("--limit", type=int, default=100, show_default=True)
def outbox_parked(limit: int) -> None:
    """List parked outbox deliveries (and messages that could not be fanned out), one JSON
    object a line, most recent first."""
    from elcorp.bootstrap import bootstrap

    for parked in bootstrap(_settings()).outbox.parked(limit):
        click.echo(
            json.dumps(
                {
                    "message_id": parked.message_id,
                    "event_type": parked.event_type,
                    "subscriber": parked.subscriber,
                    "attempts": parked.attempts,
                    "failed_at": parked.failed_at.isoformat(),
                    "last_error": parked.last_error,
                }
            )
        )


@main.command("outbox-retry")
@click.option("--message-id", type=int, default=None, help="Only this message's deliveries.")
@click.option("--subscriber", default=None, help="Only this subscriber's deliveries.")
def outbox_retry(message_id: int | None, subscriber: str | None) -> None:
    """Requeue parked outbox deliveries with a fresh set of attempts (all, or those of one
    message and/or subscriber); the next dispatch runs them."""
    from elcorp.bootstrap import bootstrap

    requeued = bootstrap(_settings()).outbox.retry_parked(message_id=message_id, subscriber=subscriber)
    click.echo(json.dumps({"requeued": requeued}))


@main.command()
@click.option("--batch-size", type=int, default=500, show_default=True)
def reencrypt(batch_size: int) -> None:
    """Re-encrypt every encrypted column under the newest FIELD_ENCRYPTION_KEYS key (older
    AES-256-GCM keys and legacy Fernet values alike)."""
    from elcorp.bootstrap import bootstrap
    from elcorp.shared.infrastructure.reencrypt import reencrypt_columns
    from elcorp.shared.security.encryption import encrypted_columns

    container = bootstrap(_settings())
    counts = reencrypt_columns(
        container.session_factory, container.cipher, encrypted_columns(), batch_size=batch_size
    )
    click.echo(json.dumps({"reencrypted": counts}))


@main.command("generate-key")
@click.option("--kid", default=None, help="Key id (1-32 letters, digits, - or _); random if omitted.")
def generate_key(kid: str | None) -> None:
    """Print a new AES-256-GCM key entry (kid:base64) for FIELD_ENCRYPTION_KEYS."""
    from elcorp.shared.security.encryption import generate_key as new_key

    click.echo(new_key(kid))


@main.command()
def openapi() -> None:
    """Print the OpenAPI document (JSON) without starting a server: the document
    /api/v1/openapi.json serves, error responses, envelopes and servers included."""
    from elcorp.main import create_app
    from elcorp.shared.interfaces.docs import api_document

    app = create_app(_settings())
    click.echo(json.dumps(api_document(app), indent=2))


@main.command("schema-doc")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("docs/DATABASE_SCHEMA.md"),
    show_default=True,
    help="The document whose generated part is rewritten (hand-written parts are kept).",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the document is out of date.")
def schema_doc(out: Path, check: bool) -> None:
    """Document the schema from a freshly migrated database: every table, an ER diagram.

    The database is a scratch one made on the server of DATABASE_URL (or of a running
    `make run`) and dropped afterwards; without either, on an embedded PostgreSQL."""
    from elcorp.cli.schema_doc import generate, merge, scratch_database

    settings = _settings()  # DATABASE_URL, or a running `make run`'s server
    with scratch_database(settings.DATABASE_URL or None) as url:
        generated = generate(url, settings.MIGRATIONS_DIR)
    current = out.read_text(encoding="utf-8") if out.exists() else "# Database schema\n"
    updated = merge(current, generated)
    if check:
        if updated != current:
            click.echo(f"{out} is out of date: run `elcorp schema-doc`", err=True)
            sys.exit(1)
        click.echo(f"{out} is up to date")
        return
    out.write_text(updated, encoding="utf-8")
    click.echo(f"{out}: {'rewritten' if updated != current else 'unchanged'}")


@main.command("check-config")
def check_config() -> None:
    """Validate the settings for the current ENV profile; exit 2 if unsafe."""
    settings = _settings()
    click.echo(f"configuration ok for profile {settings.ENV.value}")
