"""Privacy's background jobs: building access bundles (one, and the pending sweep) and
purging those past their download window."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import structlog

from elcorp.compliance.privacy.application.access_bundle import AccessBundles
from elcorp.shared.application.jobs import Beat, Job

logger = structlog.get_logger("elcorp.jobs")


def jobs(bundles: AccessBundles) -> list[Job]:
    return [
        Job("elcorp.compliance.build_access_bundle", _build_one(bundles), retry_backoff=True, max_retries=5),
        # Access bundles still pending after their outbox delivery (normally none).
        Job(
            "elcorp.compliance.build_access_bundles",
            _build_pending(bundles),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("privacy-access-bundles", 900.0, expires=600.0),
        ),
        Job(
            "elcorp.compliance.purge_access_bundles",
            _purge_expired(bundles),
            retry_backoff=True,
            max_retries=3,
            ignore_result=True,
            beat=Beat("privacy-access-bundles-purge", 24 * 3600.0),
        ),
    ]


def _build_one(bundles: AccessBundles) -> Callable[[str], dict[str, object]]:
    def run(request_id: str) -> dict[str, object]:
        """Build one access request's bundle (POPIA s23) from every context's exporter."""
        built = bundles.build(uuid.UUID(request_id))
        if built:
            logger.info("privacy.access_bundle_built", request_id=request_id)
        return {"request_id": request_id, "built": built}

    return run


def _build_pending(bundles: AccessBundles) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Sweep: build the access bundles still pending (the outbox event normally triggers
        each build at once; this catches any whose delivery failed for good)."""
        built = bundles.build_pending()
        if built:
            logger.info("privacy.access_bundles_built", built=built)
        return {"built": built}

    return run


def _purge_expired(bundles: AccessBundles) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Daily: delete access bundles past their 30-day download window (audited)."""
        purged = bundles.purge_expired()
        if purged:
            logger.info("privacy.access_bundles_purged", purged=purged)
        return {"purged": purged}

    return run
