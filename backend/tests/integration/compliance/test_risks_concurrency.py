"""Review reminders under concurrency, each run in its own connection and committed for real:
many reminder runs at once remind each overdue risk once."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import text

from elcorp.compliance.risks.application.risks import RiskDraft
from elcorp.compliance.risks.domain.risks import Category
from support.committed import committed_container

THREADS = 6


@pytest.fixture
def committed(server_urls, settings, redis_client):
    with committed_container(
        server_urls[0], settings, redis_client, prefix="elcorp_risks", pool_size=THREADS + 2
    ) as container:
        yield container


def test_parallel_reminder_runs_remind_each_overdue_risk_once(committed):
    register = committed.risks
    drafts = [
        RiskDraft(
            title=f"Overdue risk {i}",
            description="A review that nobody recorded",
            asset="ledger",
            threat="stale safeguards",
            category=Category.OPERATIONAL,
            likelihood=3,
            impact=3,
            review_date=register.today().replace(year=2025),
        )
        for i in range(3)
    ]
    ids = {register.identify(uuid.uuid4(), d).risk.id for d in drafts}
    start = threading.Barrier(THREADS)

    def run(_: int) -> int:
        start.wait()
        return register.remind_overdue_reviews()

    with ThreadPoolExecutor(THREADS) as pool:
        queued = list(pool.map(run, range(THREADS)))

    assert sum(queued) == 3
    with committed.session_factory() as session:
        reminded = session.execute(text("SELECT risk_id FROM risk_review_reminder")).scalars().all()
        events = session.execute(
            text("SELECT count(*) FROM outbox_message WHERE event_type = 'compliance.RiskReviewDue'")
        ).scalar_one()
    assert sorted(reminded) == sorted(ids) and events == 3
