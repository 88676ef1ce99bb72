"""Consent's background jobs: the weekly marketing digest."""

from __future__ import annotations

from collections.abc import Callable

import structlog

from elcorp.compliance.consent.application.consent_marketing import MarketingDigest
from elcorp.shared.application.jobs import Beat, Cron, Job

logger = structlog.get_logger("elcorp.jobs")


def jobs(digest: MarketingDigest) -> list[Job]:
    # Tuesdays 09:00 in Windhoek (UTC+2): the marketing digest, to consenting subjects only.
    return [
        Job(
            "elcorp.compliance.send_marketing_digest",
            _send_marketing_digest(digest),
            retry_backoff=True,
            max_retries=3,
            beat=Beat(
                "compliance-marketing-digest",
                Cron(minute="0", hour="7", day_of_week="tue"),
                expires=6 * 3600.0,
            ),
        )
    ]


def _send_marketing_digest(digest: MarketingDigest) -> Callable[[], dict[str, int]]:
    def run() -> dict[str, int]:
        """Weekly: mail the marketing digest to the active subjects whose marketing consent
        stands at the moment of the run (a withdrawal is honoured by the next run; POPIA s69)."""
        sent = digest.send()
        logger.info("privacy.marketing_digest", mailed=sent.mailed, consenting=sent.consenting)
        return {"mailed": sent.mailed, "consenting": sent.consenting}

    return run
